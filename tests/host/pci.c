/*
 * tests/host/pci.c - the PCI enumeration core (drivers/pci) on fake config
 * spaces that reproduce QEMU's q35 and pc machines as Kestrel's `pcilist`
 * printed them: the functions found and their order, the ID strings
 * character for character, BAR sizing of every kind, bridges,
 * multi-function devices, MSI/MSI-X, and the resource lists built from
 * them. Hostile config spaces are in tests/host/pcibroken.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/pcifake.h"

int PciBrokenTests(void);

static PPCI_FUNCTION
FindFunction(PCI_SCAN_RESULT *Result, UCHAR Bus, UCHAR Device, UCHAR Function)
{
    PPCI_FUNCTION Found;

    for (Found = Result->Functions; Found != NULL; Found = Found->Next) {
        if (Found->Bus == Bus && Found->Device == Device && Found->Function == Function) {
            return Found;
        }
    }
    return NULL;
}

static void
Q35FunctionsInOrder(void **State)
{
    static const struct { UCHAR Device, Function; USHORT Vendor, DeviceId; ULONG Class; } Expected[] = {
        {0, 0, 0x8086, 0x29C0, 0x060000}, {1, 0, 0x1234, 0x1111, 0x030000},
        {2, 0, 0x8086, 0x10D3, 0x020000}, {3, 0, 0x1B36, 0x0010, 0x010802},
        {4, 0, 0x1B36, 0x0002, 0x070002}, {31, 0, 0x8086, 0x2918, 0x060100},
        {31, 2, 0x8086, 0x2922, 0x010601}, {31, 3, 0x8086, 0x2930, 0x0C0500},
    };
    FAKE_PCI_SPACE *Space = FakePciCreate();
    PCI_SCAN_RESULT Result;
    PPCI_FUNCTION Function;
    ULONG Index = 0;

    (void)State;
    FakePciBuildQ35(Space);
    assert_int_equal(PciEnumerateBus(&Space->Access, 0, &Result), STATUS_SUCCESS);
    assert_int_equal(Result.FunctionCount, 8);
    assert_int_equal(Result.BusCount, 1);
    assert_int_equal(Result.ProblemCount, 0);
    for (Function = Result.Functions; Function != NULL; Function = Function->Next, Index++) {
        assert_true(Index < 8);
        assert_int_equal(Function->Bus, 0);
        assert_int_equal(Function->Device, Expected[Index].Device);
        assert_int_equal(Function->Function, Expected[Index].Function);
        assert_int_equal(Function->VendorId, Expected[Index].Vendor);
        assert_int_equal(Function->DeviceId, Expected[Index].DeviceId);
        assert_int_equal(((ULONG)Function->BaseClass << 16) | (Function->SubClass << 8) |
                             Function->ProgIf, Expected[Index].Class);
    }
    /* The ICH9 LPC bridge is multi-function; the functions it lacks (1, 4-7) are skipped. */
    assert_true(FindFunction(&Result, 0, 31, 0)->MultiFunction);
    assert_null(FindFunction(&Result, 0, 31, 1));
    assert_int_equal(Space->Violations, 0);
    PciFreeScanResult(&Result);
    assert_int_equal(FakePciPoolOutstanding, 0);
    FakePciDestroy(Space);
}

static void
PcFunctionsAndMultiFunctionPiix(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    PCI_SCAN_RESULT Result;
    PPCI_FUNCTION Function;

    (void)State;
    FakePciBuildPc(Space);
    assert_int_equal(PciEnumerateBus(&Space->Access, 0, &Result), STATUS_SUCCESS);
    assert_int_equal(Result.FunctionCount, 8);
    assert_non_null(FindFunction(&Result, 0, 0, 0));
    assert_int_equal(FindFunction(&Result, 0, 0, 0)->DeviceId, 0x1237);
    assert_non_null(FindFunction(&Result, 0, 1, 1));
    /* PIIX4 ACPI is class 0x0680 ("other bridge") with a type 0 header: not followed. */
    Function = FindFunction(&Result, 0, 1, 3);
    assert_non_null(Function);
    assert_int_equal(Function->HeaderType, PCI_DEVICE_TYPE);
    assert_int_equal(Function->InterruptLine, 9);
    assert_int_equal(Function->InterruptPin, 1);
    assert_int_equal(Result.BusCount, 1);
    assert_int_equal(Space->Violations, 0);
    PciFreeScanResult(&Result);
    FakePciDestroy(Space);
}

static void
IdsAreWindowsStrings(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    PCI_SCAN_RESULT Result;
    PPCI_FUNCTION Serial, Host;
    char Text[1024];

    (void)State;
    FakePciBuildQ35(Space);
    assert_int_equal(PciEnumerateBus(&Space->Access, 0, &Result), STATUS_SUCCESS);
    Serial = FindFunction(&Result, 0, 4, 0);
    FakePciWideToText(Serial->DeviceIdString, Text, sizeof(Text));
    assert_string_equal(Text, "PCI\\VEN_1B36&DEV_0002&SUBSYS_11001AF4&REV_01");
    FakePciMultiSzToText(Serial->HardwareIds, Text, sizeof(Text));
    assert_string_equal(Text, "PCI\\VEN_1B36&DEV_0002&SUBSYS_11001AF4&REV_01|"
                              "PCI\\VEN_1B36&DEV_0002&SUBSYS_11001AF4|"
                              "PCI\\VEN_1B36&DEV_0002&CC_070002|"
                              "PCI\\VEN_1B36&DEV_0002&CC_0700");
    FakePciMultiSzToText(Serial->CompatibleIds, Text, sizeof(Text));
    assert_string_equal(Text, "PCI\\VEN_1B36&DEV_0002&REV_01|"
                              "PCI\\VEN_1B36&DEV_0002|"
                              "PCI\\VEN_1B36&CC_070002|"
                              "PCI\\VEN_1B36&CC_0700|"
                              "PCI\\VEN_1B36|"
                              "PCI\\CC_070002|"
                              "PCI\\CC_0700");
    FakePciWideToText(Serial->InstanceId, Text, sizeof(Text));
    assert_string_equal(Text, "00&04&0");
    FakePciWideToText(Serial->LocationText, Text, sizeof(Text));
    assert_string_equal(Text, "PCI bus 0, device 4, function 0");

    /* Subsystem: s(4) is the subsystem ID, n(4) its vendor; hex is uppercase. */
    Host = FindFunction(&Result, 0, 2, 0);
    FakePciWideToText(Host->DeviceIdString, Text, sizeof(Text));
    assert_string_equal(Text, "PCI\\VEN_8086&DEV_10D3&SUBSYS_00008086&REV_00");
    Host = FindFunction(&Result, 0, 31, 3);
    FakePciWideToText(Host->InstanceId, Text, sizeof(Text));
    assert_string_equal(Text, "00&1F&3");
    FakePciMultiSzToText(Host->CompatibleIds, Text, sizeof(Text));
    assert_string_equal(Text, "PCI\\VEN_8086&DEV_2930&REV_02|PCI\\VEN_8086&DEV_2930|"
                              "PCI\\VEN_8086&CC_0C0500|PCI\\VEN_8086&CC_0C05|PCI\\VEN_8086|"
                              "PCI\\CC_0C0500|PCI\\CC_0C05");
    /* The multi-string ends with two NULs. */
    {
        const WCHAR *End = Host->HardwareIds;
        ULONG Strings = 0;

        while (*End != 0) {
            while (*End != 0) {
                End++;
            }
            End++;
            Strings++;
        }
        assert_int_equal(Strings, 4);
    }
    PciFreeScanResult(&Result);
    FakePciDestroy(Space);
}

static void
BarsOfEveryKind(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    FAKE_PCI_FUNCTION *Fake;
    PCI_SCAN_RESULT Result;
    PPCI_FUNCTION Function;
    ULONG Before[7], Index;
    USHORT Command;

    (void)State;
    Fake = FakePciAdd(Space, 0, 5, 0, 0x1AF4, 0x1000, 0x020000, 0x00, 0x00, 0x1AF4, 0x0001);
    FakePciSetBar(Fake, 0, FakeBarIo16, 0xC100, 0x20, FALSE);             /* 16-bit I/O */
    FakePciSetBar(Fake, 1, FakeBarMem32, 0xFEB00000, 0x1000, FALSE);
    FakePciSetBar(Fake, 2, FakeBarMem64, 0x800000000ULL, 0x4000, TRUE);   /* 2 and 3 */
    /* BAR4 unimplemented (reads back 0). */
    FakePciSetBar(Fake, 5, FakeBarMem32, 0xE0000000, 0x10000000, TRUE);
    FakePciSetRom(Fake, 0xFEA00000, 0x40000);
    for (Index = 0; Index < 6; Index++) {
        Before[Index] = FakePciRead32(Fake, 0x10 + Index * 4);
    }
    Before[6] = FakePciRead32(Fake, 0x30);
    memcpy(&Command, Fake->Config + PCI_COMMAND_OFFSET, 2);
    assert_int_equal(Command & 3, 3);

    assert_int_equal(PciEnumerateBus(&Space->Access, 0, &Result), STATUS_SUCCESS);
    Function = Result.Functions;
    assert_non_null(Function);
    assert_int_equal(Function->BarCount, 5);
    assert_int_equal(Function->Bars[0].Kind, PciBarIo);
    assert_int_equal(Function->Bars[0].Index, 0);
    assert_int_equal(Function->Bars[0].Address, 0xC100);
    assert_int_equal(Function->Bars[0].Length, 0x20);
    assert_int_equal(Function->Bars[1].Kind, PciBarMemory32);
    assert_int_equal(Function->Bars[1].Address, 0xFEB00000);
    assert_int_equal(Function->Bars[1].Length, 0x1000);
    assert_false(Function->Bars[1].Prefetchable);
    assert_int_equal(Function->Bars[2].Kind, PciBarMemory64);
    assert_int_equal(Function->Bars[2].Index, 2);
    assert_int_equal(Function->Bars[2].Address, 0x800000000ULL);
    assert_int_equal(Function->Bars[2].Length, 0x4000);
    assert_true(Function->Bars[2].Prefetchable);
    assert_int_equal(Function->Bars[3].Index, 5);               /* 3 is BAR2's upper half, 4 empty */
    assert_int_equal(Function->Bars[3].Length, 0x10000000);
    assert_true(Function->Bars[3].Prefetchable);
    assert_int_equal(Function->Bars[4].Kind, PciBarRom);
    assert_int_equal(Function->Bars[4].Address, 0xFEA00000);
    assert_int_equal(Function->Bars[4].Length, 0x40000);

    /* Every register and the Command register are as the firmware left them. */
    for (Index = 0; Index < 6; Index++) {
        assert_int_equal(FakePciRead32(Fake, 0x10 + Index * 4), Before[Index]);
    }
    assert_int_equal(FakePciRead32(Fake, 0x30), Before[6]);
    assert_memory_equal(Fake->Config + PCI_COMMAND_OFFSET, &Command, 2);
    assert_int_equal(Space->Violations, 0);
    PciFreeScanResult(&Result);
    FakePciDestroy(Space);
}

static void
LargeBarBecomesMemoryLarge(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    FAKE_PCI_FUNCTION *Fake;
    PCI_SCAN_RESULT Result;
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements;
    PCM_RESOURCE_LIST Resources;

    (void)State;
    Fake = FakePciAdd(Space, 0, 6, 0, 0x10DE, 0x1234, 0x030200, 0xA1, 0x00, 0x10DE, 0x0042);
    FakePciSetBar(Fake, 0, FakeBarMem64, 0x4000000000ULL, 0x400000000ULL, TRUE); /* 16 GiB */
    assert_int_equal(PciEnumerateBus(&Space->Access, 0, &Result), STATUS_SUCCESS);
    assert_int_equal(Result.Functions->Bars[0].Length, 0x400000000ULL);
    assert_int_equal(PciBuildRequirementsList(Result.Functions, &Requirements), STATUS_SUCCESS);
    assert_int_equal(Requirements->List[0].Count, 1);
    assert_int_equal(Requirements->List[0].Descriptors[0].Type, CmResourceTypeMemoryLarge);
    assert_int_equal(Requirements->List[0].Descriptors[0].u.Memory64.Length64, 4);
    assert_int_equal(PciBuildResourceList(Result.Functions, &Resources), STATUS_SUCCESS);
    assert_int_equal(Resources->List[0].PartialResourceList.PartialDescriptors[0].Type,
                     CmResourceTypeMemoryLarge);
    assert_int_equal(Resources->List[0].PartialResourceList.PartialDescriptors[0].u.Memory64.Length64, 4);
    assert_int_equal(Resources->List[0].PartialResourceList.PartialDescriptors[0].u.Memory64.Start.QuadPart,
                     0x4000000000LL);
    ExFreePoolWithTag(Requirements, PCI_POOL_TAG);
    ExFreePoolWithTag(Resources, PCI_POOL_TAG);
    PciFreeScanResult(&Result);
    FakePciDestroy(Space);
}

static void
BridgeAndDeviceBehindIt(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    FAKE_PCI_FUNCTION *Fake;
    PCI_SCAN_RESULT Result;
    PPCI_FUNCTION Bridge, Child;
    char Text[256];

    (void)State;
    FakePciAdd(Space, 0, 0, 0, 0x8086, 0x29C0, 0x060000, 0x00, 0x00, 0x1AF4, 0x1100);
    Fake = FakePciAdd(Space, 0, 2, 0, 0x1B36, 0x0001, 0x060400, 0x00, PCI_BRIDGE_TYPE, 0, 0);
    FakePciSetBridgeBuses(Fake, 0, 1, 2);
    FakePciSetBar(Fake, 0, FakeBarMem32, 0xFEA41000, 0x100, FALSE);
    /* Its subsystem IDs come from the SSVID capability. */
    FakePciAddCapability(Fake, 0x4C, PCI_CAPABILITY_ID_P2P_SSID, 0x00,
                         "\x00\x00\xF4\x1A\x00\x11", 6);
    Fake = FakePciAdd(Space, 1, 3, 0, 0x1B36, 0x0001, 0x060400, 0x00, PCI_BRIDGE_TYPE, 0, 0);
    FakePciSetBridgeBuses(Fake, 1, 2, 2);
    Fake = FakePciAdd(Space, 2, 0, 0, 0x1B36, 0x0002, 0x070002, 0x01, 0x00, 0x1AF4, 0x1100);
    FakePciSetBar(Fake, 0, FakeBarIo, 0xD000, 0x8, FALSE);
    Fake = FakePciAdd(Space, 1, 1, 0, 0x1B36, 0x0010, 0x010802, 0x02, 0x00, 0x1AF4, 0x1100);

    assert_int_equal(PciEnumerateBus(&Space->Access, 0, &Result), STATUS_SUCCESS);
    assert_int_equal(Result.BusCount, 3);
    assert_int_equal(Result.FunctionCount, 5);
    assert_int_equal(Result.ProblemCount, 0);
    Bridge = FindFunction(&Result, 0, 2, 0);
    assert_int_equal(Bridge->HeaderType, PCI_BRIDGE_TYPE);
    assert_int_equal(Bridge->SecondaryBus, 1);
    assert_int_equal(Bridge->SubordinateBus, 2);
    assert_int_equal(Bridge->BarCount, 1);
    assert_int_equal(Bridge->Bars[0].Length, 0x100);
    FakePciWideToText(Bridge->DeviceIdString, Text, sizeof(Text));
    assert_string_equal(Text, "PCI\\VEN_1B36&DEV_0001&SUBSYS_11001AF4&REV_00");
    Child = FindFunction(&Result, 1, 1, 0);
    assert_non_null(Child);
    assert_int_equal(Child->ParentBus, 0);
    Child = FindFunction(&Result, 2, 0, 0);
    assert_non_null(Child);
    assert_int_equal(Child->ParentBus, 1);
    assert_int_equal(Child->Bars[0].Address, 0xD000);
    FakePciWideToText(Child->LocationText, Text, sizeof(Text));
    assert_string_equal(Text, "PCI bus 2, device 0, function 0");
    /* Scan order: bus 0, then bus 1, then bus 2. */
    assert_int_equal(Result.Functions->Next->Next->Bus, 1);
    assert_int_equal(Space->Violations, 0);
    PciFreeScanResult(&Result);
    FakePciDestroy(Space);
}

static void
MultiFunctionSparseAndGhosts(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    PCI_SCAN_RESULT Result;

    (void)State;
    FakePciAdd(Space, 0, 7, 0, 0x8086, 0x7000, 0x060100, 0, PCI_MULTIFUNCTION, 0, 0);
    FakePciAdd(Space, 0, 7, 2, 0x8086, 0x7020, 0x0C0300, 0, 0x00, 0, 0);
    FakePciAdd(Space, 0, 7, 7, 0x8086, 0x7113, 0x068000, 0, 0x00, 0, 0);
    /* A single-function device answering on function 1 too (a decoder that
     * ignores the function number): only function 0 counts. */
    FakePciAdd(Space, 0, 8, 0, 0x10EC, 0x8139, 0x020000, 0x20, 0x00, 0, 0);
    FakePciAdd(Space, 0, 8, 1, 0x10EC, 0x8139, 0x020000, 0x20, 0x00, 0, 0);
    /* No function 0: the device is absent, whatever functions 1-7 say. */
    FakePciAdd(Space, 0, 9, 3, 0x10EC, 0x8139, 0x020000, 0x20, 0x00, 0, 0);

    assert_int_equal(PciEnumerateBus(&Space->Access, 0, &Result), STATUS_SUCCESS);
    assert_int_equal(Result.FunctionCount, 4);
    assert_non_null(FindFunction(&Result, 0, 7, 2));
    assert_non_null(FindFunction(&Result, 0, 7, 7));
    assert_null(FindFunction(&Result, 0, 8, 1));
    assert_null(FindFunction(&Result, 0, 9, 3));
    PciFreeScanResult(&Result);
    FakePciDestroy(Space);
}

static void
MsiAndMsixFromQ35(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    PCI_SCAN_RESULT Result;
    PPCI_FUNCTION Function;

    (void)State;
    FakePciBuildQ35(Space);
    assert_int_equal(PciEnumerateBus(&Space->Access, 0, &Result), STATUS_SUCCESS);
    Function = FindFunction(&Result, 0, 3, 0);          /* NVMe */
    assert_true(Function->PciExpress);
    assert_true(Function->MsiX.Present);
    assert_false(Function->Msi.Present);
    assert_int_equal(Function->MsiX.TableSize, 65);
    assert_int_equal(Function->MsiX.TableBar, 0);
    assert_int_equal(Function->MsiX.TableOffset, 0x2000);
    assert_int_equal(Function->MsiX.PbaOffset, 0x3000);
    assert_int_equal(Function->CapabilityCount, 3);
    Function = FindFunction(&Result, 0, 2, 0);          /* e1000e */
    assert_true(Function->Msi.Present);
    assert_int_equal(Function->Msi.MessageCount, 1);
    assert_true(Function->Msi.Address64);
    assert_false(Function->Msi.PerVectorMasking);
    assert_true(Function->MsiX.Present);
    assert_int_equal(Function->MsiX.TableSize, 5);
    assert_int_equal(Function->MsiX.TableBar, 3);
    assert_int_equal(Function->CapabilityCount, 4);
    Function = FindFunction(&Result, 0, 4, 0);          /* 16550: no capabilities */
    assert_false(Function->Msi.Present);
    assert_false(Function->MsiX.Present);
    assert_int_equal(Function->CapabilityCount, 0);
    PciFreeScanResult(&Result);
    FakePciDestroy(Space);
}

static void
MsiCountsAndMasking(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    FAKE_PCI_FUNCTION *Fake;
    PCI_SCAN_RESULT Result;

    (void)State;
    Fake = FakePciAdd(Space, 0, 1, 0, 0x1234, 0x5678, 0x010802, 0, 0x00, 0, 0);
    /* MMC = 5 (32 messages), 64-bit, per-vector masking. */
    FakePciAddMsi(Fake, 0x50, 0x00, (5 << 1) | 0x80 | 0x100);
    assert_int_equal(PciEnumerateBus(&Space->Access, 0, &Result), STATUS_SUCCESS);
    assert_int_equal(Result.Functions->Msi.MessageCount, 32);
    assert_true(Result.Functions->Msi.PerVectorMasking);
    assert_true(Result.Functions->Msi.Address64);
    assert_int_equal(Result.Functions->Msi.CapabilityOffset, 0x50);
    PciFreeScanResult(&Result);
    FakePciDestroy(Space);
}

static void
ResourceListsForNvme(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    PCI_SCAN_RESULT Result;
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements;
    PIO_RESOURCE_DESCRIPTOR Required;
    PCM_RESOURCE_LIST Resources;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Assigned;

    (void)State;
    FakePciBuildQ35(Space);
    assert_int_equal(PciEnumerateBus(&Space->Access, 0, &Result), STATUS_SUCCESS);
    assert_int_equal(PciBuildRequirementsList(FindFunction(&Result, 0, 3, 0), &Requirements),
                     STATUS_SUCCESS);
    /* Two alternatives (tests/host/pcires.c has the layout in detail):
     * BAR0 + 8 MSI-X messages (of 65 entries), then BAR0 + the line. */
    assert_int_equal(Requirements->ListSize,
                     0x20 + 2 * 8 + (2 + 8 + 1) * sizeof(IO_RESOURCE_DESCRIPTOR));
    assert_int_equal(Requirements->InterfaceType, PCIBus);
    assert_int_equal(Requirements->BusNumber, 0);
    assert_int_equal(Requirements->SlotNumber, 3);              /* device 3, function 0 */
    assert_int_equal(Requirements->AlternativeLists, 2);
    assert_int_equal(Requirements->List[0].Count, 1 + PCI_MAX_MSIX_MESSAGES);
    Required = Requirements->List[0].Descriptors;
    assert_int_equal(Required[0].Type, CmResourceTypeMemory);
    assert_int_equal(Required[0].u.Memory.Length, 0x4000);
    assert_int_equal(Required[0].u.Memory.Alignment, 0x4000);
    assert_int_equal(Required[0].u.Memory.MinimumAddress.QuadPart, 0xFEBD4000);
    assert_int_equal(Required[0].u.Memory.MaximumAddress.QuadPart, 0xFEBD7FFF);
    assert_int_equal(Required[1].Type, CmResourceTypeInterrupt);
    assert_int_equal(Required[1].Option, 0);
    assert_true(Required[1].Flags & CM_RESOURCE_INTERRUPT_MESSAGE);
    assert_int_equal(Required[1].u.Interrupt.MaximumVector, CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN);
    assert_int_equal(Required[1].u.Interrupt.MinimumVector, CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN);
    assert_int_equal(Required[8].u.Interrupt.MinimumVector, CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN - 7);
    /* The second list starts where the first one's descriptors end. */
    assert_int_equal(((PIO_RESOURCE_LIST)&Required[9])->Count, 2);
    Required = ((PIO_RESOURCE_LIST)&Required[9])->Descriptors;
    assert_int_equal(Required[0].u.Memory.MinimumAddress.QuadPart, 0xFEBD4000);
    assert_int_equal(Required[1].Type, CmResourceTypeInterrupt);
    assert_int_equal(Required[1].Flags, CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE);
    assert_int_equal(Required[1].u.Interrupt.MinimumVector, 11);

    assert_int_equal(PciBuildResourceList(FindFunction(&Result, 0, 3, 0), &Resources),
                     STATUS_SUCCESS);
    assert_int_equal(Resources->Count, 1);
    assert_int_equal(Resources->List[0].InterfaceType, PCIBus);
    /* The firmware assigned no messages; the line is only an alternative. */
    assert_int_equal(Resources->List[0].PartialResourceList.Count, 1);
    Assigned = Resources->List[0].PartialResourceList.PartialDescriptors;
    assert_int_equal(Assigned[0].Type, CmResourceTypeMemory);
    assert_int_equal(Assigned[0].u.Memory.Start.QuadPart, 0xFEBD4000);
    assert_int_equal(Assigned[0].u.Memory.Length, 0x4000);
    ExFreePoolWithTag(Requirements, PCI_POOL_TAG);
    ExFreePoolWithTag(Resources, PCI_POOL_TAG);

    /* The 16550: its port and its line; no message interrupts, so one list. */
    assert_int_equal(PciBuildRequirementsList(FindFunction(&Result, 0, 4, 0), &Requirements),
                     STATUS_SUCCESS);
    assert_int_equal(Requirements->List[0].Count, 2);
    Required = Requirements->List[0].Descriptors;
    assert_int_equal(Required[0].Type, CmResourceTypePort);
    assert_true(Required[0].Flags & CM_RESOURCE_PORT_IO);
    assert_int_equal(Required[0].u.Port.Length, 8);
    assert_int_equal(Required[0].u.Port.MinimumAddress.QuadPart, 0xC080);
    assert_int_equal(Required[1].Option, 0);
    ExFreePoolWithTag(Requirements, PCI_POOL_TAG);

    /* The host bridge needs nothing: no list, as a bus driver answers. */
    assert_int_equal(PciBuildRequirementsList(FindFunction(&Result, 0, 0, 0), &Requirements),
                     STATUS_SUCCESS);
    assert_null(Requirements);
    assert_int_equal(PciBuildResourceList(FindFunction(&Result, 0, 0, 0), &Resources),
                     STATUS_SUCCESS);
    assert_null(Resources);
    PciFreeScanResult(&Result);
    assert_int_equal(FakePciPoolOutstanding, 0);
    FakePciDestroy(Space);
}

static void
PoolExhaustionReturnsNothing(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    PCI_SCAN_RESULT Result;
    LONG Budget;

    (void)State;
    FakePciBuildQ35(Space);
    /* Every allocation in turn fails, until the budget is enough for the
     * whole scan: each failed scan returns nothing and leaks nothing. */
    for (Budget = 0;; Budget++) {
        NTSTATUS Status;

        assert_true(Budget < 1000);
        FakePciPoolFailAfter = Budget;
        Status = PciEnumerateBus(&Space->Access, 0, &Result);
        if (Status == STATUS_SUCCESS) {
            assert_int_equal(Result.FunctionCount, 8);
            PciFreeScanResult(&Result);
            assert_int_equal(FakePciPoolOutstanding, 0);
            break;
        }
        assert_int_equal(Status, STATUS_INSUFFICIENT_RESOURCES);
        assert_null(Result.Functions);
        assert_int_equal(Result.FunctionCount, 0);
        assert_int_equal(FakePciPoolOutstanding, 0);
    }
    assert_true(Budget >= 8);
    assert_non_null(strstr(FakePciLog, "PCI: out of pool while scanning bus 0"));
    FakePciDestroy(Space);
}

static void
ClassNames(void **State)
{
    (void)State;
    assert_string_equal(PciClassName(0x06, 0x00), "Host bridge");
    assert_string_equal(PciClassName(0x07, 0x00), "Serial controller");
    assert_string_equal(PciClassName(0x07, 0x80), "Communication controller");
    assert_string_equal(PciClassName(0x42, 0x00), "Unassigned class");
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(Q35FunctionsInOrder),
        cmocka_unit_test(PcFunctionsAndMultiFunctionPiix),
        cmocka_unit_test(IdsAreWindowsStrings),
        cmocka_unit_test(BarsOfEveryKind),
        cmocka_unit_test(LargeBarBecomesMemoryLarge),
        cmocka_unit_test(BridgeAndDeviceBehindIt),
        cmocka_unit_test(MultiFunctionSparseAndGhosts),
        cmocka_unit_test(MsiAndMsixFromQ35),
        cmocka_unit_test(MsiCountsAndMasking),
        cmocka_unit_test(ResourceListsForNvme),
        cmocka_unit_test(PoolExhaustionReturnsNothing),
        cmocka_unit_test(ClassNames),
    };
    int Failed = cmocka_run_group_tests_name("pci", Tests, NULL, NULL);

    return Failed + PciBrokenTests();
}
