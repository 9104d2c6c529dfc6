/*
 * tests/host/pcires.c - the PCI bus driver's resource requirements
 * (drivers/pci/resource.c) for every way a function can interrupt: MSI
 * blocks of each size, MSI-X (preferred over MSI, capped at
 * PCI_MAX_MSIX_MESSAGES), the firmware's line, both, neither. Each list is
 * walked the way the PnP manager walks it (each IO_RESOURCE_LIST follows
 * the previous one's last descriptor) and must end exactly at ListSize.
 * The boot configuration must stay BARs + line, never messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/pcifake.h"

#define TOKEN CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN

/* A function with one 32-bit memory BAR and one I/O BAR, as a driver would
 * meet it, and the interrupt means the test gives it. */
static VOID
MakeFunction(PCI_FUNCTION *Function, UCHAR Line, UCHAR Pin)
{
    memset(Function, 0, sizeof(*Function));
    Function->Bus = 2;
    Function->Device = 5;
    Function->Function = 1;
    Function->InterruptLine = Line;
    Function->InterruptPin = Pin;
    Function->BarCount = 3;
    Function->Bars[0] = (PCI_BAR){.Index = 0, .Kind = PciBarMemory32, .Address = 0xFE000000,
                                  .Length = 0x100000};
    Function->Bars[1] = (PCI_BAR){.Index = 1, .Kind = PciBarIo, .Address = 0xC000,
                                  .Length = 0x20};
    Function->Bars[2] = (PCI_BAR){.Index = 6, .Kind = PciBarRom, .Address = 0xFEB00000,
                                  .Length = 0x40000};
}

/* The lists of Requirements, walked by their counts; fails unless the walk
 * ends exactly at ListSize. */
static ULONG
WalkLists(PIO_RESOURCE_REQUIREMENTS_LIST Requirements, PIO_RESOURCE_LIST *Lists, ULONG Max)
{
    PIO_RESOURCE_LIST List = Requirements->List;
    ULONG Index;

    assert_true(Requirements->AlternativeLists <= Max);
    for (Index = 0; Index < Requirements->AlternativeLists; Index++) {
        assert_int_equal(List->Version, 1);
        assert_int_equal(List->Revision, 1);
        Lists[Index] = List;
        List = (PIO_RESOURCE_LIST)&List->Descriptors[List->Count];
    }
    assert_int_equal((PUCHAR)List - (PUCHAR)Requirements, Requirements->ListSize);
    return Requirements->AlternativeLists;
}

/* The two BAR descriptors every list of MakeFunction's function begins with. */
static VOID
CheckBars(const IO_RESOURCE_DESCRIPTOR *Descriptor)
{
    assert_int_equal(Descriptor[0].Type, CmResourceTypeMemory);
    assert_int_equal(Descriptor[0].u.Memory.MinimumAddress.QuadPart, 0xFE000000);
    assert_int_equal(Descriptor[0].u.Memory.Length, 0x100000);
    assert_int_equal(Descriptor[1].Type, CmResourceTypePort);
    assert_int_equal(Descriptor[1].u.Port.MinimumAddress.QuadPart, 0xC000);
}

static VOID
CheckMessage(const IO_RESOURCE_DESCRIPTOR *Descriptor, ULONG Minimum, ULONG Maximum)
{
    assert_int_equal(Descriptor->Type, CmResourceTypeInterrupt);
    assert_int_equal(Descriptor->Flags,
                     CM_RESOURCE_INTERRUPT_MESSAGE | CM_RESOURCE_INTERRUPT_LATCHED);
    assert_int_equal(Descriptor->ShareDisposition, CmResourceShareDeviceExclusive);
    assert_int_equal(Descriptor->Option, 0);
    assert_int_equal(Descriptor->u.Interrupt.MinimumVector, Minimum);
    assert_int_equal(Descriptor->u.Interrupt.MaximumVector, Maximum);
    assert_int_equal(Descriptor->u.Interrupt.TargetedProcessors, (KAFFINITY)-1);
}

static VOID
CheckLine(const IO_RESOURCE_DESCRIPTOR *Descriptor, ULONG Line)
{
    assert_int_equal(Descriptor->Type, CmResourceTypeInterrupt);
    assert_int_equal(Descriptor->Flags, CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE);
    assert_int_equal(Descriptor->ShareDisposition, CmResourceShareShared);
    assert_int_equal(Descriptor->u.Interrupt.MinimumVector, Line);
    assert_int_equal(Descriptor->u.Interrupt.MaximumVector, Line);
}

/* MSI with a line: messages first (ONE descriptor for the block), the line
 * second; for every Multiple Message Capable count. */
static void
MsiBlockThenLine(void **State)
{
    static const USHORT Counts[] = {1, 2, 4, 8, 16, 32};
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements;
    PIO_RESOURCE_LIST Lists[2];
    PCI_FUNCTION Function;
    ULONG Index;

    (void)State;
    for (Index = 0; Index < sizeof(Counts) / sizeof(Counts[0]); Index++) {
        MakeFunction(&Function, 10, 1);
        Function.Msi.Present = TRUE;
        Function.Msi.MessageCount = Counts[Index];
        assert_int_equal(PciBuildRequirementsList(&Function, &Requirements), STATUS_SUCCESS);
        assert_int_equal(Requirements->InterfaceType, PCIBus);
        assert_int_equal(Requirements->BusNumber, 2);
        assert_int_equal(Requirements->SlotNumber, 5 | (1 << 5));
        assert_int_equal(WalkLists(Requirements, Lists, 2), 2);
        assert_int_equal(Lists[0]->Count, 3);
        CheckBars(Lists[0]->Descriptors);
        CheckMessage(&Lists[0]->Descriptors[2], TOKEN - (Counts[Index] - 1), TOKEN);
        assert_int_equal(Lists[1]->Count, 3);
        CheckBars(Lists[1]->Descriptors);
        CheckLine(&Lists[1]->Descriptors[2], 10);
        ExFreePoolWithTag(Requirements, PCI_POOL_TAG);
    }
    assert_int_equal(FakePciPoolOutstanding, 0);
}

/* MSI-X is preferred over MSI and asks one descriptor per message. */
static void
MsixOneDescriptorPerMessage(void **State)
{
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements;
    PIO_RESOURCE_LIST Lists[2];
    PCI_FUNCTION Function;
    ULONG Index;

    (void)State;
    MakeFunction(&Function, 11, 2);
    Function.Msi.Present = TRUE;
    Function.Msi.MessageCount = 4;
    Function.MsiX.Present = TRUE;
    Function.MsiX.TableSize = 3;
    assert_int_equal(PciBuildRequirementsList(&Function, &Requirements), STATUS_SUCCESS);
    assert_int_equal(WalkLists(Requirements, Lists, 2), 2);
    assert_int_equal(Lists[0]->Count, 2 + 3);
    CheckBars(Lists[0]->Descriptors);
    for (Index = 0; Index < 3; Index++) {
        CheckMessage(&Lists[0]->Descriptors[2 + Index], TOKEN - Index, TOKEN - Index);
    }
    assert_int_equal(Lists[1]->Count, 3);
    CheckLine(&Lists[1]->Descriptors[2], 11);
    ExFreePoolWithTag(Requirements, PCI_POOL_TAG);
}

/* A table of 2048 entries (the most there can be) asks for eight. */
static void
MsixCappedAtEight(void **State)
{
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements;
    PIO_RESOURCE_LIST Lists[2];
    PCI_FUNCTION Function;
    USHORT Sizes[] = {8, 9, 2048};
    ULONG Size, Index;

    (void)State;
    for (Size = 0; Size < 3; Size++) {
        MakeFunction(&Function, 0xFF, 1);   /* no routed line: one list */
        Function.MsiX.Present = TRUE;
        Function.MsiX.TableSize = Sizes[Size];
        assert_int_equal(PciBuildRequirementsList(&Function, &Requirements), STATUS_SUCCESS);
        assert_int_equal(WalkLists(Requirements, Lists, 2), 1);
        assert_int_equal(Lists[0]->Count, 2 + PCI_MAX_MSIX_MESSAGES);
        for (Index = 0; Index < PCI_MAX_MSIX_MESSAGES; Index++) {
            CheckMessage(&Lists[0]->Descriptors[2 + Index], TOKEN - Index, TOKEN - Index);
        }
        ExFreePoolWithTag(Requirements, PCI_POOL_TAG);
    }
}

/* Messages without a routed line (pin 0, or line 0xFF): one list. A line
 * without messages: one list, as before alternatives existed. */
static void
OneListWhenOneWay(void **State)
{
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements;
    PIO_RESOURCE_LIST Lists[2];
    PCI_FUNCTION Function;

    (void)State;
    MakeFunction(&Function, 10, 0);
    Function.Msi.Present = TRUE;
    Function.Msi.MessageCount = 1;
    assert_int_equal(PciBuildRequirementsList(&Function, &Requirements), STATUS_SUCCESS);
    assert_int_equal(WalkLists(Requirements, Lists, 2), 1);
    assert_int_equal(Lists[0]->Count, 3);
    CheckMessage(&Lists[0]->Descriptors[2], TOKEN, TOKEN);
    ExFreePoolWithTag(Requirements, PCI_POOL_TAG);

    MakeFunction(&Function, 9, 4);
    assert_int_equal(PciBuildRequirementsList(&Function, &Requirements), STATUS_SUCCESS);
    assert_int_equal(WalkLists(Requirements, Lists, 2), 1);
    assert_int_equal(Lists[0]->Count, 3);
    CheckLine(&Lists[0]->Descriptors[2], 9);
    ExFreePoolWithTag(Requirements, PCI_POOL_TAG);

    /* Neither: the BARs alone. */
    MakeFunction(&Function, 0xFF, 1);
    assert_int_equal(PciBuildRequirementsList(&Function, &Requirements), STATUS_SUCCESS);
    assert_int_equal(WalkLists(Requirements, Lists, 2), 1);
    assert_int_equal(Lists[0]->Count, 2);
    CheckBars(Lists[0]->Descriptors);
    ExFreePoolWithTag(Requirements, PCI_POOL_TAG);

    /* No BARs either (only a ROM): no list at all. */
    MakeFunction(&Function, 0xFF, 0);
    Function.Bars[0] = Function.Bars[2];
    Function.BarCount = 1;
    assert_int_equal(PciBuildRequirementsList(&Function, &Requirements), STATUS_SUCCESS);
    assert_null(Requirements);
}

/* Messages only, no BARs: the lists hold the interrupts alone. */
static void
InterruptsWithoutBars(void **State)
{
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements;
    PIO_RESOURCE_LIST Lists[2];
    PCI_FUNCTION Function;

    (void)State;
    MakeFunction(&Function, 5, 1);
    Function.BarCount = 0;
    Function.Msi.Present = TRUE;
    Function.Msi.MessageCount = 2;
    assert_int_equal(PciBuildRequirementsList(&Function, &Requirements), STATUS_SUCCESS);
    assert_int_equal(WalkLists(Requirements, Lists, 2), 2);
    assert_int_equal(Lists[0]->Count, 1);
    CheckMessage(&Lists[0]->Descriptors[0], TOKEN - 1, TOKEN);
    assert_int_equal(Lists[1]->Count, 1);
    CheckLine(&Lists[1]->Descriptors[0], 5);
    ExFreePoolWithTag(Requirements, PCI_POOL_TAG);
}

/* The boot configuration never holds messages, and, for a function that
 * has them, no line either (the line is the second alternative's). */
static void
BootConfigurationUnchanged(void **State)
{
    PCM_RESOURCE_LIST Resources;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Assigned;
    PCI_FUNCTION Function;

    (void)State;
    MakeFunction(&Function, 10, 1);
    Function.Msi.Present = TRUE;
    Function.Msi.MessageCount = 1;
    assert_int_equal(PciBuildResourceList(&Function, &Resources), STATUS_SUCCESS);
    assert_int_equal(Resources->List[0].PartialResourceList.Count, 2);
    Assigned = Resources->List[0].PartialResourceList.PartialDescriptors;
    assert_int_equal(Assigned[0].Type, CmResourceTypeMemory);
    assert_int_equal(Assigned[1].Type, CmResourceTypePort);
    ExFreePoolWithTag(Resources, PCI_POOL_TAG);

    MakeFunction(&Function, 10, 1);
    assert_int_equal(PciBuildResourceList(&Function, &Resources), STATUS_SUCCESS);
    assert_int_equal(Resources->List[0].PartialResourceList.Count, 3);
    Assigned = Resources->List[0].PartialResourceList.PartialDescriptors;
    assert_int_equal(Assigned[2].Type, CmResourceTypeInterrupt);
    assert_int_equal(Assigned[2].Flags, CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE);
    assert_int_equal(Assigned[2].u.Interrupt.Vector, 10);
    ExFreePoolWithTag(Resources, PCI_POOL_TAG);
    assert_int_equal(FakePciPoolOutstanding, 0);
}

/* QEMU's edu device as the scan reads it (hw/misc/edu.c: BAR0 1 MiB of
 * 32-bit memory, INTA#, MSI with one message and 64-bit addresses). */
static void
EduFromConfigSpace(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    FAKE_PCI_FUNCTION *Fake;
    PCI_SCAN_RESULT Result;
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements;
    PIO_RESOURCE_LIST Lists[2];

    (void)State;
    Fake = FakePciAdd(Space, 0, 5, 0, 0x1234, 0x11E8, 0x00FF00, 0x10, 0x00, 0x1AF4, 0x1100);
    FakePciSetBar(Fake, 0, FakeBarMem32, 0xFEA00000, 0x100000, FALSE);
    FakePciSetInterrupt(Fake, 11, 1);
    FakePciAddMsi(Fake, 0x40, 0x00, 0x0080);
    assert_int_equal(PciEnumerateBus(&Space->Access, 0, &Result), STATUS_SUCCESS);
    assert_true(Result.Functions->Msi.Present);
    assert_int_equal(PciBuildRequirementsList(Result.Functions, &Requirements), STATUS_SUCCESS);
    assert_int_equal(WalkLists(Requirements, Lists, 2), 2);
    assert_int_equal(Lists[0]->Count, 2);
    assert_int_equal(Lists[0]->Descriptors[0].u.Memory.Length, 0x100000);
    CheckMessage(&Lists[0]->Descriptors[1], TOKEN, TOKEN);
    assert_int_equal(Lists[1]->Count, 2);
    CheckLine(&Lists[1]->Descriptors[1], 11);
    ExFreePoolWithTag(Requirements, PCI_POOL_TAG);
    PciFreeScanResult(&Result);
    assert_int_equal(Space->Violations, 0);
    FakePciDestroy(Space);
}

static void
OutOfPool(void **State)
{
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements = (PVOID)1;
    PCI_FUNCTION Function;

    (void)State;
    MakeFunction(&Function, 10, 1);
    Function.Msi.Present = TRUE;
    Function.Msi.MessageCount = 1;
    FakePciPoolFailAfter = 0;
    assert_int_equal(PciBuildRequirementsList(&Function, &Requirements),
                     STATUS_INSUFFICIENT_RESOURCES);
    FakePciPoolFailAfter = -1;
    assert_null(Requirements);
    assert_int_equal(FakePciPoolOutstanding, 0);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(MsiBlockThenLine),
        cmocka_unit_test(MsixOneDescriptorPerMessage),
        cmocka_unit_test(MsixCappedAtEight),
        cmocka_unit_test(OneListWhenOneWay),
        cmocka_unit_test(InterruptsWithoutBars),
        cmocka_unit_test(BootConfigurationUnchanged),
        cmocka_unit_test(EduFromConfigSpace),
        cmocka_unit_test(OutOfPool),
    };

    return cmocka_run_group_tests_name("pcires", Tests, NULL, NULL);
}
