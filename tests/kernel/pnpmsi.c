/*
 * tests/kernel/pnpmsi.c - message-signaled interrupts through the PnP
 * manager (docs: /work/notes/msi-contract.md sections 2, 3 and 5), on the
 * KtPnp test bus (tests/kernel/pnpdrv.c). A child with Messages set reports
 * two alternatives, as the PCI bus does for a function with MSI and a
 * line: the port and the messages, then the port and the line. Whether
 * the function driver (KtPnpFunc) handles messages is the test's choice.
 *
 * The vectors a device gets are checked in the HAL's vector map: taken
 * while the device runs, free again once it stops or goes.
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/pnpdrv.h"
#include "io/pnpp.h"
#include "hal/halp.h"
#include "kernel/ke/ki.h"
#include "kernel/rtl/rtlp.h"

#define KT_MSI_PORT0 0x7400
#define KT_MSI_PORT1 0x7600
#define KT_MSI_IRQ 5
#define KT_MSI_FLAGS (CM_RESOURCE_INTERRUPT_MESSAGE | CM_RESOURCE_INTERRUPT_LATCHED)

static PDEVICE_NODE
KtMsiBusNode(PDEVICE_OBJECT BusPdo)
{
    return IopDeviceExtension(BusPdo)->DeviceNode;
}

static BOOLEAN
KtMsiRemoveBus(PDEVICE_OBJECT BusPdo)
{
    IopRootDeleteDevice(BusPdo);
    IopWaitForPnpIdle();
    return KtPnp.BusFdo == NULL;
}

/* Device vectors the HAL has handed out, lines and message blocks. */
static ULONG
KtMsiUsedVectors(VOID)
{
    ULONG Vector, Used = 0;

    for (Vector = HAL_FIRST_DEVICE_VECTOR; Vector <= HAL_LAST_DEVICE_VECTOR; Vector++) {
        Used += HalpIsVectorInUse(Vector);
    }
    return Used;
}

static BOOLEAN
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
static BOOLEAN
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

#define KT_MSI_MAX_MESSAGES 8

/* What the message ISR saw, per message number. */
typedef struct _KT_MSI_ISR {
    volatile ULONG Calls[KT_MSI_MAX_MESSAGES];
    volatile ULONG Total;
    volatile ULONG BadMessageId;
    PKINTERRUPT Interrupt[KT_MSI_MAX_MESSAGES];
    KIRQL Irql[KT_MSI_MAX_MESSAGES];
} KT_MSI_ISR;

static KMESSAGE_SERVICE_ROUTINE KtMsiIsr;
static KSERVICE_ROUTINE KtMsiLineIsr;

/* Never connected: the devices here have no line. */
static BOOLEAN
KtMsiLineIsr(PKINTERRUPT Interrupt, PVOID ServiceContext)
{
    UNREFERENCED_PARAMETER(Interrupt);
    UNREFERENCED_PARAMETER(ServiceContext);
    return FALSE;
}

/* At the connection's UnifiedIrql, holding its lock. The "device" is the
 * test's self-IPI: nothing to acknowledge, so every call is claimed. */
static BOOLEAN
KtMsiIsr(PKINTERRUPT Interrupt, PVOID ServiceContext, ULONG MessageID)
{
    KT_MSI_ISR *Isr = ServiceContext;

    if (MessageID >= KT_MSI_MAX_MESSAGES) {
        Isr->BadMessageId++;
        return TRUE;
    }
    Isr->Calls[MessageID]++;
    Isr->Interrupt[MessageID] = Interrupt;
    Isr->Irql[MessageID] = KeGetCurrentIrql();
    Isr->Total++;
    return TRUE;
}

static VOID
KtMsiWaitForTotal(KT_MSI_ISR *Isr, ULONG Target)
{
    ULONG Spin;

    for (Spin = 0; Spin < 5000000 && Isr->Total < Target; Spin++) {
        __asm__ __volatile__("pause");
    }
}

typedef struct _KT_MSI_SYNCH {
    PIO_INTERRUPT_MESSAGE_INFO Table;
    KT_MSI_ISR *Isr;
    KIRQL IrqlSeen;
    BOOLEAN LockHeld;
    ULONG TotalInside;
} KT_MSI_SYNCH;

static KSYNCHRONIZE_ROUTINE KtMsiSynch;

/* Holding the messages' lock: raises every message, and gives them every
 * chance to get in before returning. */
static BOOLEAN
KtMsiSynch(PVOID SynchronizeContext)
{
    KT_MSI_SYNCH *Synch = SynchronizeContext;
    ULONG Index, Spin;

    Synch->IrqlSeen = KeGetCurrentIrql();
    Synch->LockHeld = !KeTestSpinLock(Synch->Table->MessageInfo[0].InterruptObject->ActualLock);
    for (Index = 0; Index < Synch->Table->MessageCount; Index++) {
        HalpLapicSendSelfIpi(Synch->Table->MessageInfo[Index].Vector);
    }
    for (Spin = 0; Spin < 200000; Spin++) {
        __asm__ __volatile__("pause");
    }
    Synch->TotalInside = Synch->Isr->Total;
    return TRUE;
}

/* Connects Pdo's messages and checks the table against the translated
 * descriptors the function driver was started with (Vectors[i] and
 * Irqls[i] per message), raises each message once, then runs
 * KeSynchronizeExecution on the last message's object; disconnects. */
static VOID
KtMsiConnectAndRaise(PKTEST_CONTEXT KtContext, KTPNP_CHILD *Child, const ULONG *Vectors,
                     const KIRQL *Irqls, ULONG Count, PKSPIN_LOCK SpinLock, KIRQL Synchronize)
{
    IO_CONNECT_INTERRUPT_PARAMETERS Parameters = {0};
    IO_DISCONNECT_INTERRUPT_PARAMETERS Disconnect = {0};
    PIO_INTERRUPT_MESSAGE_INFO Table = NULL;
    KT_MSI_ISR Isr = {0};
    KT_MSI_SYNCH Synch = {0};
    PHYSICAL_ADDRESS Address;
    KIRQL Unified = 0;
    ULONG Index, Data;

    for (Index = 0; Index < Count; Index++) {
        Unified = Irqls[Index] > Unified ? Irqls[Index] : Unified;
    }
    Unified = Synchronize != 0 ? Synchronize : Unified;
    Parameters.Version = CONNECT_MESSAGE_BASED;
    Parameters.MessageBased.PhysicalDeviceObject = Child->Pdo;
    Parameters.MessageBased.ConnectionContext.InterruptMessageTable = &Table;
    Parameters.MessageBased.MessageServiceRoutine = KtMsiIsr;
    Parameters.MessageBased.ServiceContext = &Isr;
    Parameters.MessageBased.SpinLock = SpinLock;
    Parameters.MessageBased.SynchronizeIrql = Synchronize;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_SUCCESS);
    KT_ASSERT_EQ(Parameters.Version, CONNECT_MESSAGE_BASED);
    KT_ASSERT(Table != NULL);
    KT_ASSERT_EQ(Table->MessageCount, Count);
    KT_ASSERT_EQ(Table->UnifiedIrql, Unified);
    for (Index = 0; Index < Count; Index++) {
        PIO_INTERRUPT_MESSAGE_INFO_ENTRY Entry = &Table->MessageInfo[Index];

        KT_ASSERT_EQ(Entry->Vector, Vectors[Index]);
        KT_ASSERT_EQ(Entry->Irql, Irqls[Index]);
        KT_ASSERT_EQ(Entry->TargetProcessorSet, 1);
        KT_ASSERT_EQ(Entry->Mode, Latched);
        KT_ASSERT_EQ(Entry->Polarity, InterruptActiveHigh);
        KT_ASSERT_STATUS(HalComposeMessageInterrupt(Vectors[Index], 1, &Address, &Data),
                         STATUS_SUCCESS);
        KT_ASSERT_EQ(Entry->MessageAddress.QuadPart, Address.QuadPart);
        KT_ASSERT_EQ(Entry->MessageData, Data);
        KT_ASSERT(Entry->InterruptObject != NULL);
        KT_ASSERT_EQ(Entry->InterruptObject->Vector, Vectors[Index]);
        /* One lock for every message: the driver's, or one of their own. */
        KT_ASSERT(Entry->InterruptObject->ActualLock ==
                  Table->MessageInfo[0].InterruptObject->ActualLock);
        KT_ASSERT(SpinLock == NULL || Entry->InterruptObject->ActualLock == SpinLock);
    }

    /* Each message, raised once (a fixed self-IPI of its vector, SDM vol.
     * 3A 11.6.1), calls the ISR once with its number, at UnifiedIrql. */
    for (Index = 0; Index < Count; Index++) {
        HalpLapicSendSelfIpi(Vectors[Index]);
        KtMsiWaitForTotal(&Isr, Index + 1);
        KT_ASSERT_EQ(Isr.Total, Index + 1);
        KT_ASSERT_EQ(Isr.Calls[Index], 1);
        KT_ASSERT(Isr.Interrupt[Index] == Table->MessageInfo[Index].InterruptObject);
        KT_ASSERT_EQ(Isr.Irql[Index], Unified);
    }
    KT_ASSERT_EQ(Isr.BadMessageId, 0);

    /* KeSynchronizeExecution on one message's object holds off them all. */
    Synch.Table = Table;
    Synch.Isr = &Isr;
    KT_ASSERT(KeSynchronizeExecution(Table->MessageInfo[Count - 1].InterruptObject, KtMsiSynch,
                                     &Synch));
    KtMsiWaitForTotal(&Isr, 2 * Count);
    KT_ASSERT_EQ(Synch.IrqlSeen, Unified);
    KT_ASSERT(Synch.LockHeld);
    KT_ASSERT_EQ(Synch.TotalInside, Count);
    KT_ASSERT_EQ(Isr.Total, 2 * Count);
    for (Index = 0; Index < Count; Index++) {
        KT_ASSERT_EQ(Isr.Calls[Index], 2);
    }
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);

    Disconnect.Version = CONNECT_MESSAGE_BASED;
    Disconnect.ConnectionContext.InterruptMessageTable = Table;
    IoDisconnectInterruptEx(&Disconnect);
    for (Index = 0; Index < Count; Index++) {
        KT_ASSERT(IsListEmpty(&KiInterruptVectors[Vectors[Index]].InterruptListHead));
    }
}

/* IoConnectInterruptEx(CONNECT_MESSAGE_BASED) on a device started with 4
 * MSI messages (one descriptor: vectors V..V+3) and on one with 3 MSI-X
 * messages (three descriptors), the second with the driver's own lock and
 * SynchronizeIrql 12. */
KTEST(PnpMsiConnectMessageBased)
{
    KTPNP_CHILD *C0 = &KtPnp.Children[0], *C1 = &KtPnp.Children[1];
    IO_CONNECT_INTERRUPT_PARAMETERS Parameters = {0};
    PIO_INTERRUPT_MESSAGE_INFO Table = NULL;
    PKINTERRUPT Object = NULL;
    ULONG Vectors[KT_MSI_MAX_MESSAGES], Index, Used = KtMsiUsedVectors();
    KIRQL Irqls[KT_MSI_MAX_MESSAGES];
    KSPIN_LOCK DriverLock;
    KT_MSI_ISR Isr = {0};
    PDEVICE_OBJECT BusPdo;
    NTSTATUS Status;

    KtPnpReset();
    KtPnpSetMessageSignaled(TRUE);
    *C0 = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_MSI_PORT0, .Irq = KT_MSI_IRQ,
                        .Messages = 4};
    *C1 = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_MSI_PORT1, .Irq = 0xFF, .Messages = 3,
                        .MessagePerDescriptor = TRUE};
    BusPdo = KtPnpCreateBus(L"M4");
    KT_ASSERT(BusPdo != NULL);
    KT_ASSERT_EQ(C0->TranslatedInterruptCount, 1);
    KT_ASSERT_EQ(C1->TranslatedInterruptCount, 3);

    for (Index = 0; Index < 4; Index++) {
        Vectors[Index] = C0->TranslatedInterrupts[0].u.MessageInterrupt.Translated.Vector + Index;
        Irqls[Index] = (KIRQL)C0->TranslatedInterrupts[0].u.MessageInterrupt.Translated.Level;
    }
    KtMsiConnectAndRaise(KtContext, C0, Vectors, Irqls, 4, NULL, 0);
    if (KtContext->Failed) {
        return;
    }
    for (Index = 0; Index < 3; Index++) {
        Vectors[Index] = C1->TranslatedInterrupts[Index].u.MessageInterrupt.Translated.Vector;
        Irqls[Index] = (KIRQL)C1->TranslatedInterrupts[Index].u.MessageInterrupt.Translated.Level;
    }
    KeInitializeSpinLock(&DriverLock);
    KtMsiConnectAndRaise(KtContext, C1, Vectors, Irqls, 3, &DriverLock, 12);
    if (KtContext->Failed) {
        return;
    }

    /* Bad requests: no routine; SynchronizeIrql below a message's DIRQL;
     * a line-based connection to a device without a line; a message's
     * object given to IoDisconnectInterrupt or a NULL table (ignored). */
    Parameters.Version = CONNECT_MESSAGE_BASED;
    Parameters.MessageBased.PhysicalDeviceObject = C0->Pdo;
    Parameters.MessageBased.ConnectionContext.InterruptMessageTable = &Table;
    Parameters.MessageBased.ServiceContext = &Isr;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_INVALID_PARAMETER);
    Parameters.MessageBased.MessageServiceRoutine = KtMsiIsr;
    Parameters.MessageBased.SynchronizeIrql = 2;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_INVALID_PARAMETER);
    KT_ASSERT(Table == NULL);
    RtlZeroMemory(&Parameters, sizeof(Parameters));
    Parameters.Version = CONNECT_LINE_BASED;
    Parameters.LineBased.PhysicalDeviceObject = C1->Pdo;
    Parameters.LineBased.InterruptObject = &Object;
    Parameters.LineBased.ServiceRoutine = KtMsiLineIsr;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_NOT_FOUND);
    RtlZeroMemory(&Parameters, sizeof(Parameters));
    Parameters.Version = CONNECT_MESSAGE_BASED;
    Parameters.MessageBased.PhysicalDeviceObject = C0->Pdo;
    Parameters.MessageBased.ConnectionContext.InterruptMessageTable = &Table;
    Parameters.MessageBased.MessageServiceRoutine = KtMsiIsr;
    Parameters.MessageBased.ServiceContext = &Isr;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_SUCCESS);
    IoDisconnectInterrupt(Table->MessageInfo[0].InterruptObject);
    KT_ASSERT(Table->MessageInfo[0].InterruptObject->Connected);
    {
        IO_DISCONNECT_INTERRUPT_PARAMETERS Disconnect = {.Version = CONNECT_MESSAGE_BASED};

        IoDisconnectInterruptEx(&Disconnect);           /* NULL table: ignored */
        Disconnect.ConnectionContext.InterruptMessageTable = Table;
        IoDisconnectInterruptEx(&Disconnect);
    }
    KT_ASSERT(IsListEmpty(&KiInterruptVectors[C0->TranslatedInterrupts[0].u.MessageInterrupt
                                                  .Translated.Vector].InterruptListHead));

    /* Stopped, the device has no messages to connect (nor a fallback). */
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceStop(KtMsiBusNode(BusPdo)->Child);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    Table = NULL;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_NOT_FOUND);
    KT_ASSERT(KtMsiRemoveBus(BusPdo));
    KT_ASSERT_EQ(KtMsiUsedVectors(), Used);
}

/* A device no driver serves keeps problem 28 (CM_PROB_FAILED_INSTALL);
 * registering a driver for it starts it at once, with the messages the
 * new driver says it handles. */
KTEST(PnpMsiLateDriverStartsProblem28Node)
{
    KTPNP_CHILD *C0 = &KtPnp.Children[0];
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Node;
    ULONG Used = KtMsiUsedVectors(), Mark, Vector;

    KtPnpReset();
    *C0 = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_MSI_PORT0, .Irq = KT_MSI_IRQ,
                        .Messages = 2, .Late = TRUE};
    BusPdo = KtPnpCreateBus(L"M5");
    KT_ASSERT(BusPdo != NULL);
    Node = KtMsiBusNode(BusPdo)->Child;
    KT_ASSERT(Node != NULL);
    KT_ASSERT(IopFindDeviceNodeByInstancePath(L"KTPNP\\Late\\0") == Node);
    KT_ASSERT_EQ(Node->State, DeviceNodeInitialized);
    KT_ASSERT_EQ(Node->Problem, CM_PROB_FAILED_INSTALL);
    KT_ASSERT(!C0->Added);

    Mark = KtPnp.EventCount;
    KtPnpLateService.MessageSignaled = TRUE;
    IopRegisterDriverService(&KtPnpLateService);
    KT_ASSERT_EQ(Node->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Node->Problem, 0);
    KT_ASSERT(Node->Service == &KtPnpLateService);
    KT_ASSERT(C0->Added && C0->AddedPdo == C0->Pdo);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) >= 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) >= 0);
    KT_ASSERT_EQ(C0->RawPort.u.Port.Start.QuadPart, KT_MSI_PORT0);
    KT_ASSERT_EQ(C0->TranslatedInterruptCount, 1);
    KT_ASSERT(KtMsiPairIsRight(&C0->RawInterrupts[0], &C0->TranslatedInterrupts[0], 2,
                               CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN - 1));
    Vector = C0->TranslatedInterrupts[0].u.MessageInterrupt.Translated.Vector;
    KT_ASSERT(KtMsiVectorsInUse(Vector, 2, TRUE));

    /* Registered again later, nothing is started twice. */
    IopUnregisterDriverService(&KtPnpLateService);
    Mark = KtPnp.EventCount;
    IopRegisterDriverService(&KtPnpLateService);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) < 0);
    IopUnregisterDriverService(&KtPnpLateService);
    KtPnpLateService.MessageSignaled = FALSE;
    KT_ASSERT(KtMsiRemoveBus(BusPdo));
    KT_ASSERT(C0->Removed);
    KT_ASSERT_EQ(KtMsiUsedVectors(), Used);
}

/* A start that fails gives the message vectors back (the WDK's failed
 * start: REMOVE_DEVICE follows, problem 10). */
KTEST(PnpMsiFailedStartGivesVectorsBack)
{
    KTPNP_CHILD *C0 = &KtPnp.Children[0];
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Node;
    ULONG Used = KtMsiUsedVectors();

    KtPnpReset();
    KtPnpSetMessageSignaled(TRUE);
    *C0 = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_MSI_PORT0, .Irq = 0xFF, .Messages = 8,
                        .FailStart = TRUE};
    BusPdo = KtPnpCreateBus(L"M6");
    KT_ASSERT(BusPdo != NULL);
    Node = KtMsiBusNode(BusPdo)->Child;
    KT_ASSERT(Node != NULL);
    KT_ASSERT_EQ(Node->Problem, CM_PROB_FAILED_START);
    KT_ASSERT(Node->ResourceList == NULL);
    KT_ASSERT(KtPnpFindEvent(0, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) >= 0);
    KT_ASSERT_EQ(KtMsiUsedVectors(), Used);
    KT_ASSERT(KtMsiRemoveBus(BusPdo));
}
