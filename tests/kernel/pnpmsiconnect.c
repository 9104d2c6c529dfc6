/*
 * tests/kernel/pnpmsiconnect.c - IoConnectInterruptEx(CONNECT_MESSAGE_BASED)
 * as a driver uses it (docs: /work/notes/msi-contract.md), on devices of
 * the KtPnp test bus started with messages: the message table matches the
 * translated resources and the HAL's address/data pairs, each message
 * (raised as a self-IPI) calls the ISR once with its number at the
 * table's UnifiedIrql, KeSynchronizeExecution holds off every message,
 * and bad requests get their errors.
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/pnpdrv.h"
#include "io/pnpp.h"
#include "hal/halp.h"
#include "kernel/ke/ki.h"

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
