/*
 * tests/host/pnp_reslist.c - the resource lists io/pnpreslist.c builds
 * (/work/notes/msi-contract.md section 2), on the build machine: raw lists
 * from one requirements alternative with the boot configuration's values
 * where they fit, message descriptors as one raw descriptor each, and
 * translation into vector blocks from the real hal/vector.c, given back
 * whole, also when a later descriptor cannot be translated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "io/pnpp.h"
#include "hal/halp.h"
#include "kernel/ke/ki.h"

#define TOKEN CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN
#define MESSAGE_FLAGS (CM_RESOURCE_INTERRUPT_MESSAGE | CM_RESOURCE_INTERRUPT_LATCHED)

/* ---- What io/pnpreslist.c calls ---- */

static HAL_VECTOR_MAP Map;
static char LastMessage[512];           /* the format of the last DbgPrint */

ULONG
DbgPrint(PCSTR Format, ...)
{
    /* The kernel's formats (%wZ) are not the C library's: keep the text. */
    snprintf(LastMessage, sizeof(LastMessage), "%s", Format);
    return 0;
}

PVOID NTAPI
ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    assert_int_equal(Tag, IOP_PNP_TAG);
    return malloc(NumberOfBytes);
}

PVOID NTAPI
ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    assert_int_equal(Tag, IOP_PNP_TAG);
    return calloc(1, NumberOfBytes);
}

VOID NTAPI
ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    assert_int_equal(Tag, IOP_PNP_TAG);
    free(P);
}

/* ISA lines 0-15 are vector 0x50 + IRQ; anything else does not exist. */
ULONG NTAPI
HalGetInterruptVector(INTERFACE_TYPE InterfaceType, ULONG BusNumber, ULONG BusInterruptLevel,
                      ULONG BusInterruptVector, PKIRQL Irql, PKAFFINITY Affinity)
{
    if (InterfaceType != Isa || BusInterruptLevel > 15) {
        return 0;
    }
    *Irql = 5;
    *Affinity = 1;
    return 0x50 + BusInterruptLevel;
}

ULONG
HalpAssignMessageVectors(ULONG Count, PKIRQL Irql, PKAFFINITY Affinity)
{
    ULONG First = HalpAllocateMessageVectors(&Map, Count);

    *Irql = (KIRQL)(First >> 4);
    *Affinity = First != 0 ? 1 : 0;
    return First;
}

NTSTATUS
HalpReleaseMessageVectors(ULONG FirstVector, ULONG Count)
{
    NTSTATUS Status = HalpFreeMessageVectors(&Map, FirstVector, Count);

    assert_int_equal(Status, STATUS_SUCCESS);       /* the PnP manager gives back what it got */
    return Status;
}

static ULONG ConnectedVector;           /* 0: none */

BOOLEAN
KiIsVectorConnected(ULONG Vector)
{
    return ConnectedVector != 0 && Vector == ConnectedVector;
}

/* ---- Building requirements and boot configurations ---- */

static DEVICE_NODE Node;
static WCHAR InstanceName[] = L"Test\\Device\\0";

static ULONG
UsedVectors(void)
{
    ULONG Vector, Used = 0;

    for (Vector = HAL_FIRST_DEVICE_VECTOR; Vector <= HAL_LAST_DEVICE_VECTOR; Vector++) {
        Used += Map.Vectors[Vector].InUse;
    }
    return Used;
}

static int
Setup(void **State)
{
    HalpInitializeVectorMap(&Map);
    ConnectedVector = 0;
    memset(&Node, 0, sizeof(Node));
    Node.InstancePath.Buffer = InstanceName;
    Node.InstancePath.Length = sizeof(InstanceName) - sizeof(WCHAR);
    Node.InstancePath.MaximumLength = sizeof(InstanceName);
    LastMessage[0] = '\0';
    return 0;
}

static int
Teardown(void **State)
{
    free(Node.ResourceRequirements);
    free(Node.BootResources);
    Node.ResourceRequirements = NULL;
    Node.BootResources = NULL;
    return 0;
}

/* One alternative of Count descriptors, zeroed, as Node's requirements. */
static PIO_RESOURCE_DESCRIPTOR
Requirements(ULONG Count)
{
    ULONG Bytes = FIELD_OFFSET(IO_RESOURCE_REQUIREMENTS_LIST, List[0].Descriptors) +
                  Count * sizeof(IO_RESOURCE_DESCRIPTOR);
    PIO_RESOURCE_REQUIREMENTS_LIST List = calloc(1, Bytes);

    List->ListSize = Bytes;
    List->InterfaceType = Isa;
    List->AlternativeLists = 1;
    List->List[0].Version = List->List[0].Revision = 1;
    List->List[0].Count = Count;
    Node.ResourceRequirements = List;
    return List->List[0].Descriptors;
}

static PCM_PARTIAL_RESOURCE_DESCRIPTOR
BootConfiguration(ULONG Count)
{
    ULONG Bytes = FIELD_OFFSET(CM_RESOURCE_LIST, List[0].PartialResourceList.PartialDescriptors) +
                  Count * sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR);
    PCM_RESOURCE_LIST List = calloc(1, Bytes);

    List->Count = 1;
    List->List[0].InterfaceType = Isa;
    List->List[0].PartialResourceList.Count = Count;
    Node.BootResources = List;
    return List->List[0].PartialResourceList.PartialDescriptors;
}

static void
Port(PIO_RESOURCE_DESCRIPTOR Desc, ULONGLONG Minimum, ULONGLONG Maximum, ULONG Length)
{
    Desc->Type = CmResourceTypePort;
    Desc->ShareDisposition = CmResourceShareDeviceExclusive;
    Desc->Flags = CM_RESOURCE_PORT_IO;
    Desc->u.Port.Length = Length;
    Desc->u.Port.MinimumAddress.QuadPart = (LONGLONG)Minimum;
    Desc->u.Port.MaximumAddress.QuadPart = (LONGLONG)Maximum;
}

static void
Messages(PIO_RESOURCE_DESCRIPTOR Desc, ULONG Minimum, ULONG Maximum)
{
    Desc->Type = CmResourceTypeInterrupt;
    Desc->ShareDisposition = CmResourceShareDeviceExclusive;
    Desc->Flags = MESSAGE_FLAGS;
    Desc->u.Interrupt.MinimumVector = Minimum;
    Desc->u.Interrupt.MaximumVector = Maximum;
    Desc->u.Interrupt.TargetedProcessors = (KAFFINITY)-1;
}

static void
Line(PIO_RESOURCE_DESCRIPTOR Desc, ULONG Minimum, ULONG Maximum)
{
    Desc->Type = CmResourceTypeInterrupt;
    Desc->ShareDisposition = CmResourceShareShared;
    Desc->Flags = CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE;
    Desc->u.Interrupt.MinimumVector = Minimum;
    Desc->u.Interrupt.MaximumVector = Maximum;
}

static PCM_PARTIAL_RESOURCE_DESCRIPTOR
Descriptors(PCM_RESOURCE_LIST List)
{
    return List->List[0].PartialResourceList.PartialDescriptors;
}

static PCM_RESOURCE_LIST
BuildRaw(BOOLEAN WithoutMessages)
{
    PCM_RESOURCE_LIST Raw = NULL;

    assert_int_equal(IopBuildRawResources(&Node, Node.ResourceRequirements->List,
                                          WithoutMessages, &Raw),
                     STATUS_SUCCESS);
    return Raw;
}

/* ---- Tests ---- */

static void
RawTakesBootValuesThatFit(void **State)
{
    PIO_RESOURCE_DESCRIPTOR In = Requirements(4);
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Boot = BootConfiguration(2), Out;
    PCM_RESOURCE_LIST Raw;

    Port(&In[0], 0x7300, 0x74FF, 0x10);     /* the boot port fits: taken */
    Port(&In[1], 0x7300, 0x74FF, 0x10);     /* the boot port is taken: the minimum */
    Port(&In[2], 0x9000, 0x90FF, 0x10);     /* nothing fits: the minimum */
    Line(&In[3], 0, 15);
    Boot[0].Type = CmResourceTypePort;
    Boot[0].u.Port.Start.QuadPart = 0x7400;
    Boot[0].u.Port.Length = 0x10;
    Boot[1].Type = CmResourceTypeInterrupt;
    Boot[1].u.Interrupt.Level = 5;
    Boot[1].u.Interrupt.Vector = 5;

    Raw = BuildRaw(FALSE);
    assert_non_null(Raw);
    assert_int_equal(Raw->List[0].PartialResourceList.Count, 4);
    Out = Descriptors(Raw);
    assert_int_equal(Out[0].u.Port.Start.QuadPart, 0x7400);
    assert_int_equal(Out[0].u.Port.Length, 0x10);
    assert_int_equal(Out[1].u.Port.Start.QuadPart, 0x7300);
    assert_int_equal(Out[2].u.Port.Start.QuadPart, 0x9000);
    assert_int_equal(Out[3].u.Interrupt.Level, 5);
    assert_int_equal(Out[3].u.Interrupt.Vector, 5);
    assert_int_equal(Out[3].ShareDisposition, CmResourceShareShared);
    free(Raw);

    /* A boot port outside the range, or too near its end, does not fit. */
    Boot[0].u.Port.Start.QuadPart = 0x74F8;
    Raw = BuildRaw(FALSE);
    assert_int_equal(Descriptors(Raw)[0].u.Port.Start.QuadPart, 0x7300);
    free(Raw);
}

static void
MessagesBecomeOneRawDescriptorEach(void **State)
{
    PIO_RESOURCE_DESCRIPTOR In = Requirements(4);
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Out;
    PCM_RESOURCE_LIST Raw;
    ULONG Index;

    Messages(&In[0], TOKEN - 3, TOKEN);                 /* MSI, 4 messages */
    for (Index = 1; Index < 4; Index++) {
        Messages(&In[Index], TOKEN - Index, TOKEN - Index);    /* MSI-X entries */
    }
    In[1].ShareDisposition = CmResourceShareShared;     /* messages are exclusive anyway */
    Raw = BuildRaw(FALSE);
    Out = Descriptors(Raw);
    assert_int_equal(Raw->List[0].PartialResourceList.Count, 4);
    assert_int_equal(Out[0].Type, CmResourceTypeInterrupt);
    assert_int_equal(Out[0].Flags, MESSAGE_FLAGS);
    assert_int_equal(Out[0].ShareDisposition, CmResourceShareDeviceExclusive);
    assert_int_equal(Out[0].u.MessageInterrupt.Raw.MessageCount, 4);
    assert_int_equal(Out[0].u.MessageInterrupt.Raw.Vector, TOKEN - 3);
    assert_int_equal(Out[0].u.MessageInterrupt.Raw.Group, 0);
    assert_true(Out[0].u.MessageInterrupt.Raw.Affinity == (KAFFINITY)-1);
    for (Index = 1; Index < 4; Index++) {
        assert_int_equal(Out[Index].u.MessageInterrupt.Raw.MessageCount, 1);
        assert_int_equal(Out[Index].u.MessageInterrupt.Raw.Vector, TOKEN - Index);
        assert_int_equal(Out[Index].ShareDisposition, CmResourceShareDeviceExclusive);
    }
    free(Raw);
    assert_true(IopAlternativeHasMessages(Node.ResourceRequirements->List));
}

static void
MessageRangesAreCheckedAndCapped(void **State)
{
    PIO_RESOURCE_DESCRIPTOR In = Requirements(1);
    PCM_RESOURCE_LIST Raw = NULL;

    Messages(&In[0], TOKEN - 31, TOKEN);                /* MSI's 32: one level holds 16 */
    Raw = BuildRaw(FALSE);
    assert_int_equal(Descriptors(Raw)[0].u.MessageInterrupt.Raw.MessageCount, 16);
    assert_non_null(strstr(LastMessage, "asks for %u messages"));
    free(Raw);

    Messages(&In[0], TOKEN, TOKEN - 1);                 /* counts none */
    assert_int_equal(IopBuildRawResources(&Node, Node.ResourceRequirements->List, FALSE, &Raw),
                     STATUS_INVALID_PARAMETER);
    assert_null(Raw);
    assert_non_null(strstr(LastMessage, "counts no message"));
}

static void
WithoutMessagesLeavesThemOut(void **State)
{
    PIO_RESOURCE_DESCRIPTOR In = Requirements(2);
    PCM_RESOURCE_LIST Raw;

    Port(&In[0], 0x7000, 0x700F, 0x10);
    Messages(&In[1], TOKEN, TOKEN);
    Raw = BuildRaw(TRUE);
    assert_int_equal(Raw->List[0].PartialResourceList.Count, 1);
    assert_int_equal(Descriptors(Raw)[0].Type, CmResourceTypePort);
    free(Raw);

    In[0] = In[1];                                      /* messages only: nothing is left */
    assert_null(BuildRaw(TRUE));
    Line(&In[0], 3, 3);
    Line(&In[1], 4, 4);
    assert_false(IopAlternativeHasMessages(Node.ResourceRequirements->List));
}

static void
TranslationGivesAlignedBlocksBack(void **State)
{
    PIO_RESOURCE_DESCRIPTOR In = Requirements(4);
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Boot = BootConfiguration(1), T;
    PCM_RESOURCE_LIST Raw, Translated;
    ULONG Used = UsedVectors(), Index, Vector;

    Messages(&In[0], TOKEN - 2, TOKEN);                 /* 3 messages: a block of 4 */
    Messages(&In[1], TOKEN - 3, TOKEN - 3);
    Port(&In[2], 0x7000, 0x700F, 0x10);
    Line(&In[3], 0, 15);
    Boot[0].Type = CmResourceTypeInterrupt;
    Boot[0].u.Interrupt.Level = 9;
    Raw = BuildRaw(FALSE);
    assert_int_equal(IopTranslateResources(Raw, &Translated), STATUS_SUCCESS);
    T = Descriptors(Translated);

    Vector = T[0].u.MessageInterrupt.Translated.Vector;
    assert_int_equal(T[0].Flags, MESSAGE_FLAGS);
    assert_int_equal(Vector % 4, 0);
    assert_int_equal(T[0].u.MessageInterrupt.Translated.Level, Vector >> 4);
    assert_int_equal(T[0].u.MessageInterrupt.Translated.Group, 0);
    assert_int_equal(T[0].u.MessageInterrupt.Translated.Affinity, 1);
    for (Index = 0; Index < 4; Index++) {
        assert_true(Map.Vectors[Vector + Index].InUse);
    }
    assert_true(Map.Vectors[T[1].u.MessageInterrupt.Translated.Vector].InUse);
    assert_int_equal(UsedVectors(), Used + 4 + 1);
    assert_int_equal(T[2].u.Port.Start.QuadPart, 0x7000);
    assert_int_equal(T[3].u.Interrupt.Vector, 0x59);  /* the boot line 9, through the HAL */
    /* The raw list still says how many messages (Translated.Level overlays
     * Raw.Group, Translated.Group Raw.MessageCount). */
    assert_int_equal(Descriptors(Raw)[0].u.MessageInterrupt.Raw.MessageCount, 3);

    /* A driver left message 2 connected: that block stays taken, with a
     * message; the other goes back. */
    ConnectedVector = Vector + 2;
    IopReleaseMessageVectors(Raw, Translated);
    assert_non_null(strstr(LastMessage, "still connected"));
    assert_int_equal(UsedVectors(), Used + 4);
    assert_true(Map.Vectors[Vector + 3].InUse);

    ConnectedVector = 0;
    HalpFreeMessageVectors(&Map, Vector, 4);
    assert_int_equal(UsedVectors(), Used);
    free(Raw);
    free(Translated);
}

static void
FailedTranslationGivesEarlierBlocksBack(void **State)
{
    PIO_RESOURCE_DESCRIPTOR In = Requirements(3);
    PCM_RESOURCE_LIST Raw, Translated = (PCM_RESOURCE_LIST)&Node;   /* must come back NULL */
    ULONG Level, Index, Used;

    /* Every level but 12 and 11 has a line's vector in it: two blocks of
     * 16 are left. */
    for (Level = 3; Level <= 10; Level++) {
        Map.Vectors[(Level << 4) | 5].InUse = TRUE;
        Map.Vectors[(Level << 4) | 5].HasLine = TRUE;
    }
    Used = UsedVectors();
    Messages(&In[0], TOKEN - 15, TOKEN);
    Messages(&In[1], TOKEN - 31, TOKEN - 16);
    Messages(&In[2], TOKEN - 47, TOKEN - 32);           /* the third cannot be had */
    Raw = BuildRaw(FALSE);
    assert_int_equal(IopTranslateResources(Raw, &Translated), STATUS_INSUFFICIENT_RESOURCES);
    assert_null(Translated);
    assert_non_null(strstr(LastMessage, "no block of %u free vectors"));
    assert_int_equal(UsedVectors(), Used);

    /* A line the HAL cannot route after a message: the block goes back. */
    In[1].Type = CmResourceTypeInterrupt;
    In[1].Flags = CM_RESOURCE_INTERRUPT_LATCHED;
    In[1].u.Interrupt.MinimumVector = In[1].u.Interrupt.MaximumVector = 40;
    Node.ResourceRequirements->List[0].Count = 2;
    free(Raw);
    Raw = BuildRaw(FALSE);
    assert_int_equal(IopTranslateResources(Raw, &Translated), STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(UsedVectors(), Used);
    for (Index = 0xB0; Index <= 0xCF; Index++) {
        assert_false(Map.Vectors[Index].InUse);
    }
    free(Raw);
}

static void
AlternativesFollowEachOther(void **State)
{
    ULONG Bytes = FIELD_OFFSET(IO_RESOURCE_REQUIREMENTS_LIST, List) +
                  2 * FIELD_OFFSET(IO_RESOURCE_LIST, Descriptors) +
                  3 * sizeof(IO_RESOURCE_DESCRIPTOR);
    PIO_RESOURCE_REQUIREMENTS_LIST List = calloc(1, Bytes);
    const IO_RESOURCE_LIST *Second;

    List->List[0].Count = 2;
    Second = IopNextAlternative(List->List);
    assert_ptr_equal(Second, (const UCHAR *)List->List +
                                 FIELD_OFFSET(IO_RESOURCE_LIST, Descriptors) +
                                 2 * sizeof(IO_RESOURCE_DESCRIPTOR));
    assert_true((const UCHAR *)IopNextAlternative(Second) <= (const UCHAR *)List + Bytes);
    free(List);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test_setup_teardown(RawTakesBootValuesThatFit, Setup, Teardown),
        cmocka_unit_test_setup_teardown(MessagesBecomeOneRawDescriptorEach, Setup, Teardown),
        cmocka_unit_test_setup_teardown(MessageRangesAreCheckedAndCapped, Setup, Teardown),
        cmocka_unit_test_setup_teardown(WithoutMessagesLeavesThemOut, Setup, Teardown),
        cmocka_unit_test_setup_teardown(TranslationGivesAlignedBlocksBack, Setup, Teardown),
        cmocka_unit_test_setup_teardown(FailedTranslationGivesEarlierBlocksBack, Setup, Teardown),
        cmocka_unit_test_setup_teardown(AlternativesFollowEachOther, Setup, Teardown),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
