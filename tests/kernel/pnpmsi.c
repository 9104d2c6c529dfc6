/*
 * tests/kernel/pnpmsi.c - which interrupts the PnP manager assigns and how
 * it translates them when a device offers message-signaled interrupts
 * (docs: /work/notes/msi-contract.md sections 2, 3 and 5), on the KtPnp
 * test bus (tests/kernel/pnpdrvbus.c). A child with Messages set reports
 * two alternatives, as the PCI bus does for a function with MSI and a
 * line: the port and the messages, then the port and the line. Whether
 * the function driver (KtPnpFunc) handles messages is the test's choice.
 * Also the helpers the other MSI tests share (tests/kernel/pnpdrv.h):
 * connecting messages is tested in pnpmsiconnect.c, late drivers and
 * failed starts in pnpmsilate.c.
 *
 * The vectors a device gets are checked in the HAL's vector map: taken
 * while the device runs, free again once it stops or goes.
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/pnpdrv.h"
#include "io/pnpp.h"
#include "hal/halp.h"
#include "kernel/rtl/rtlp.h"

PDEVICE_NODE
KtMsiBusNode(PDEVICE_OBJECT BusPdo)
{
    return IopDeviceExtension(BusPdo)->DeviceNode;
}

BOOLEAN
KtMsiRemoveBus(PDEVICE_OBJECT BusPdo)
{
    IopRootDeleteDevice(BusPdo);
    IopWaitForPnpIdle();
    return KtPnp.BusFdo == NULL;
}

/* Device vectors the HAL has handed out, lines and message blocks. */
ULONG
KtMsiUsedVectors(VOID)
{
    ULONG Vector, Used = 0;

    for (Vector = HAL_FIRST_DEVICE_VECTOR; Vector <= HAL_LAST_DEVICE_VECTOR; Vector++) {
        Used += HalpIsVectorInUse(Vector);
    }
    return Used;
}

BOOLEAN
KtMsiVectorsInUse(ULONG First, ULONG Count, BOOLEAN InUse)
{
    ULONG Index;

    for (Index = 0; Index < Count; Index++) {
        if (HalpIsVectorInUse(First + Index) != InUse) {
            return FALSE;
        }
    }
    return TRUE;
}

static BOOLEAN
KtMsiContains(PCSTR Text, PCSTR Wanted)
{
    SIZE_T Length = 0, Index;

    while (Wanted[Length] != '\0') {
        Length++;
    }
    for (; *Text != '\0'; Text++) {
        for (Index = 0; Index < Length && Text[Index] == Wanted[Index]; Index++) {
        }
        if (Index == Length) {
            return TRUE;
        }
    }
    return FALSE;
}

/* What the contract says of one raw/translated pair for Count messages
 * asked for from Token down. */
BOOLEAN
KtMsiPairIsRight(const CM_PARTIAL_RESOURCE_DESCRIPTOR *Raw,
                 const CM_PARTIAL_RESOURCE_DESCRIPTOR *Translated, ULONG Count, ULONG Token)
{
    ULONG Vector = Translated->u.MessageInterrupt.Translated.Vector;

    return Raw->Type == CmResourceTypeInterrupt && Raw->Flags == KT_MSI_FLAGS &&
           Raw->ShareDisposition == CmResourceShareDeviceExclusive &&
           Raw->u.MessageInterrupt.Raw.MessageCount == Count &&
           Raw->u.MessageInterrupt.Raw.Vector == Token &&
           Raw->u.MessageInterrupt.Raw.Affinity == (KAFFINITY)-1 &&
           Translated->Type == CmResourceTypeInterrupt && Translated->Flags == KT_MSI_FLAGS &&
           Translated->ShareDisposition == CmResourceShareDeviceExclusive &&
           Vector >= HAL_FIRST_DEVICE_VECTOR && Vector + Count - 1 <= HAL_LAST_DEVICE_VECTOR &&
           Vector % Count == 0 && (Vector >> 4) == ((Vector + Count - 1) >> 4) &&
           Translated->u.MessageInterrupt.Translated.Level == (Vector >> 4) &&
           Translated->u.MessageInterrupt.Translated.Group == 0 &&
           Translated->u.MessageInterrupt.Translated.Affinity == 1;
}

/* A driver that handles messages gets the first alternative: one MSI
 * descriptor for 4 messages on child 0, three MSI-X descriptors of one on
 * child 1; the boot configuration's port, not the requirement's minimum.
 * The blocks go back at stop and at removal and are taken again at start. */
KTEST(PnpMsiMessagesAssignedAndTranslated)
{
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Child;
    KTPNP_CHILD *C0 = &KtPnp.Children[0], *C1 = &KtPnp.Children[1];
    ULONG Used = KtMsiUsedVectors(), Vector, Index, Vectors[3];
    CHAR Wanted[64];
    PCHAR Text;
    NTSTATUS Status;

    KtPnpReset();
    KtPnpSetMessageSignaled(TRUE);
    *C0 = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_MSI_PORT0, .Irq = KT_MSI_IRQ,
                        .Messages = 4};
    *C1 = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_MSI_PORT1, .Irq = 0xFF, .Messages = 3,
                        .MessagePerDescriptor = TRUE};
    BusPdo = KtPnpCreateBus(L"M1");
    KT_ASSERT(BusPdo != NULL);
    Child = KtMsiBusNode(BusPdo)->Child;
    KT_ASSERT(Child != NULL && Child->Sibling != NULL);
    KT_ASSERT_EQ(Child->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Child->Sibling->State, DeviceNodeStarted);

    KT_ASSERT_EQ(C0->RawCount, 2);
    KT_ASSERT_EQ(C0->RawPort.u.Port.Start.QuadPart, KT_MSI_PORT0);
    KT_ASSERT_EQ(C0->RawPort.u.Port.Length, 0x10);
    KT_ASSERT_EQ(C0->RawInterruptCount, 1);
    KT_ASSERT_EQ(C0->TranslatedInterruptCount, 1);
    KT_ASSERT(KtMsiPairIsRight(&C0->RawInterrupts[0], &C0->TranslatedInterrupts[0], 4,
                               CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN - 3));
    Vector = C0->TranslatedInterrupts[0].u.MessageInterrupt.Translated.Vector;
    KT_ASSERT(KtMsiVectorsInUse(Vector, 4, TRUE));

    KT_ASSERT_EQ(C1->RawInterruptCount, 3);
    KT_ASSERT_EQ(C1->TranslatedInterruptCount, 3);
    for (Index = 0; Index < 3; Index++) {
        KT_ASSERT(KtMsiPairIsRight(&C1->RawInterrupts[Index], &C1->TranslatedInterrupts[Index],
                                   1, CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN - Index));
        Vectors[Index] = C1->TranslatedInterrupts[Index].u.MessageInterrupt.Translated.Vector;
        KT_ASSERT(KtMsiVectorsInUse(Vectors[Index], 1, TRUE));
    }
    KT_ASSERT(Vectors[0] != Vectors[1] && Vectors[1] != Vectors[2] && Vectors[0] != Vectors[2]);
    KT_ASSERT_EQ(KtMsiUsedVectors(), Used + 4 + 3);

    /* The dump line. */
    Text = ExAllocatePoolWithTag(NonPagedPoolNx, 16384, 'tnPK');
    KT_ASSERT(Text != NULL);
    IopFormatDeviceTree(Text, 16384);
    RtlpFormat(Wanted, sizeof(Wanted), "MSI 4 message(s) -> vector 0x%X IRQL %u", Vector,
               Vector >> 4);
    KT_ASSERT(KtMsiContains(Text, Wanted));
    RtlpFormat(Wanted, sizeof(Wanted), "; MSI 1 message(s) -> vector 0x%X IRQL %u", Vectors[2],
               Vectors[2] >> 4);
    KT_ASSERT(KtMsiContains(Text, Wanted));
    ExFreePoolWithTag(Text, 'tnPK');

    /* Stop: the block goes back. Start: a block again. */
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceStop(Child);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT(KtMsiVectorsInUse(Vector, 4, FALSE));
    KT_ASSERT_EQ(KtMsiUsedVectors(), Used + 3);
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceStart(Child);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT(KtMsiPairIsRight(&C0->RawInterrupts[0], &C0->TranslatedInterrupts[0], 4,
                               CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN - 3));
    Vector = C0->TranslatedInterrupts[0].u.MessageInterrupt.Translated.Vector;
    KT_ASSERT(KtMsiVectorsInUse(Vector, 4, TRUE));

    /* Removal: every block goes back. */
    KT_ASSERT(KtMsiRemoveBus(BusPdo));
    KT_ASSERT(KtMsiVectorsInUse(Vector, 4, FALSE));
    for (Index = 0; Index < 3; Index++) {
        KT_ASSERT(KtMsiVectorsInUse(Vectors[Index], 1, FALSE));
    }
    KT_ASSERT_EQ(KtMsiUsedVectors(), Used);
}

/* A driver that does not handle messages gets the line alternative (the
 * boot IRQ, not the requirement's minimum 0), or, where the bus offers
 * only messages, no interrupt at all; no message vector is taken. */
KTEST(PnpMsiLineForADriverWithoutMessages)
{
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Child;
    KTPNP_CHILD *C0 = &KtPnp.Children[0], *C1 = &KtPnp.Children[1];
    KAFFINITY Affinity;
    ULONG Used, Vector;
    KIRQL Irql;

    Vector = HalGetInterruptVector(Isa, 0, KT_MSI_IRQ, KT_MSI_IRQ, &Irql, &Affinity);
    KT_ASSERT(Vector != 0);
    Used = KtMsiUsedVectors();
    KtPnpReset();
    *C0 = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_MSI_PORT0, .Irq = KT_MSI_IRQ,
                        .Messages = 4};
    *C1 = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_MSI_PORT1, .Irq = 0xFF, .Messages = 2};
    BusPdo = KtPnpCreateBus(L"M2");
    KT_ASSERT(BusPdo != NULL);
    Child = KtMsiBusNode(BusPdo)->Child;
    KT_ASSERT(Child != NULL && Child->Sibling != NULL);
    KT_ASSERT_EQ(Child->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Child->Sibling->State, DeviceNodeStarted);

    KT_ASSERT_EQ(C0->RawCount, 2);
    KT_ASSERT_EQ(C0->RawPort.u.Port.Start.QuadPart, KT_MSI_PORT0);
    KT_ASSERT_EQ(C0->RawInterruptCount, 1);
    KT_ASSERT_EQ(C0->RawInterrupts[0].Flags, CM_RESOURCE_INTERRUPT_LATCHED);
    KT_ASSERT_EQ(C0->RawInterrupts[0].u.Interrupt.Level, KT_MSI_IRQ);
    KT_ASSERT_EQ(C0->TranslatedInterrupts[0].u.Interrupt.Vector, Vector);
    KT_ASSERT_EQ(C0->TranslatedInterrupts[0].u.Interrupt.Level, Irql);

    KT_ASSERT_EQ(C1->RawCount, 1);                  /* the port alone */
    KT_ASSERT_EQ(C1->RawInterruptCount, 0);
    KT_ASSERT_EQ(C1->RawPort.u.Port.Start.QuadPart, KT_MSI_PORT1);
    KT_ASSERT_EQ(KtMsiUsedVectors(), Used);
    KT_ASSERT(KtMsiRemoveBus(BusPdo));
    KT_ASSERT_EQ(KtMsiUsedVectors(), Used);
}

/* With no block of 16 vectors left in any level, the message alternative
 * cannot be had and the line alternative is taken. */
KTEST(PnpMsiNoVectorsLeftTakesTheLine)
{
    PDEVICE_OBJECT BusPdo;
    KTPNP_CHILD *C0 = &KtPnp.Children[0];
    ULONG Grabbed[16], Count = 0, Index, Used;
    KAFFINITY Affinity;
    KIRQL Irql;

    KT_ASSERT(HalGetInterruptVector(Isa, 0, KT_MSI_IRQ, KT_MSI_IRQ, &Irql, &Affinity) != 0);
    Used = KtMsiUsedVectors();
    while (Count < RTL_NUMBER_OF(Grabbed) &&
           (Grabbed[Count] = HalpAssignMessageVectors(16, &Irql, &Affinity)) != 0) {
        Count++;
    }
    KtPnpReset();
    KtPnpSetMessageSignaled(TRUE);
    *C0 = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_MSI_PORT0, .Irq = KT_MSI_IRQ,
                        .Messages = 16};
    BusPdo = KtPnpCreateBus(L"M3");
    for (Index = 0; Index < Count; Index++) {
        HalpReleaseMessageVectors(Grabbed[Index], 16);
    }
    KT_ASSERT(BusPdo != NULL);
    KT_ASSERT_EQ(KtMsiBusNode(BusPdo)->Child->State, DeviceNodeStarted);
    KT_ASSERT_EQ(C0->RawInterruptCount, 1);
    KT_ASSERT_EQ(C0->RawInterrupts[0].Flags, CM_RESOURCE_INTERRUPT_LATCHED);
    KT_ASSERT_EQ(C0->RawInterrupts[0].u.Interrupt.Level, KT_MSI_IRQ);
    KT_ASSERT(KtMsiRemoveBus(BusPdo));
    KT_ASSERT_EQ(KtMsiUsedVectors(), Used);
}

/* The HAL's pair for a vector: SDM vol. 3A 11.11 (address 0xFEE, the
 * boot processor's APIC ID in 19:12; data the vector, fixed, edge). */
KTEST(PnpMsiHalComposesMessages)
{
    PHYSICAL_ADDRESS Address;
    ULONG Data;

    KT_ASSERT_STATUS(HalComposeMessageInterrupt(0xB1, 1, &Address, &Data), STATUS_SUCCESS);
    KT_ASSERT_EQ(Address.QuadPart, 0xFEE00000ULL | ((ULONGLONG)HalpLapicGetId() << 12));
    KT_ASSERT_EQ(Data, 0xB1);
    KT_ASSERT_STATUS(HalComposeMessageInterrupt(0x30, (KAFFINITY)-1, &Address, &Data),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(Data, 0x30);
    /* Not device vectors; no processor; no room for the answer. */
    KT_ASSERT_STATUS(HalComposeMessageInterrupt(0x2F, 1, &Address, &Data),
                     STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(HalComposeMessageInterrupt(0xD1, 1, &Address, &Data),
                     STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(HalComposeMessageInterrupt(0xB1, 0, &Address, &Data),
                     STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(HalComposeMessageInterrupt(0xB1, 2, &Address, &Data),
                     STATUS_INVALID_PARAMETER);     /* processor 1 does not run */
    KT_ASSERT_STATUS(HalComposeMessageInterrupt(0xB1, 1, NULL, &Data),
                     STATUS_INVALID_PARAMETER);
}
