/*
 * io/interrupt.c - IoConnectInterrupt(Ex) and IoDisconnectInterrupt(Ex).
 *
 * The I/O manager's part of connecting an ISR is the driver-facing one:
 * check what the driver passed, allocate the interrupt object from
 * non-paged pool, and hand it to the kernel (kernel/ke/interrupt.c), which
 * links it to its vector and has the HAL unmask the line. Windows builds
 * one KINTERRUPT per processor in ProcessorEnableMask; with one processor
 * that is one object, and the PKINTERRUPT the driver gets is the object.
 *
 * IoConnectInterruptEx finds the device's interrupts in what the PnP
 * manager recorded when it started the device (IopSetDeviceInterruptResource,
 * from the translated resources). CONNECT_LINE_BASED connects to the line.
 * CONNECT_MESSAGE_BASED connects one interrupt object per message, each
 * calling the driver's KMESSAGE_SERVICE_ROUTINE with its message number,
 * all at one IRQL (UnifiedIrql: the highest DIRQL among them, or the
 * driver's SynchronizeIrql) and under one interrupt spin lock (the
 * driver's SpinLock or one of the connection's own), so that
 * KeSynchronizeExecution on any message's object excludes every message's
 * ISR. The driver gets an IO_INTERRUPT_MESSAGE_INFO with, per message, the
 * object, vector, DIRQL, processors and the address/data pair the device
 * writes (HalComposeMessageInterrupt). One allocation holds the table, the
 * objects and the lock:
 *
 *   IOP_MESSAGE_CONNECTION  Signature, SpinLock, Interrupts ->--------+
 *                           Table: UnifiedIrql, MessageCount,         |
 *                                  MessageInfo[0 .. n-1]  <- driver   |
 *                           KINTERRUPT[0 .. n-1]  <-------------------+
 *
 * A device without messages gets the WDK's fallback: FallBackServiceRoutine
 * on its line, and Version = CONNECT_LINE_BASED on return. Status codes are
 * the WDK's (WdmlibIoConnectInterruptEx): STATUS_INVALID_PARAMETER_1 for an
 * unknown Version, _10 for an empty ProcessorEnableMask, STATUS_NOT_FOUND
 * for a device without the interrupt asked for.
 */
#include "kernel/ke/ki.h"
#include "io/iop.h"

#define IOP_INTERRUPT_TAG 'tnIK'            /* "KInt" in a pool dump */
#define IOP_MAX_INTERRUPT_RESOURCES 16

typedef struct _IOP_DEVICE_INTERRUPT {
    PDEVICE_OBJECT PhysicalDeviceObject;
    IOP_INTERRUPT_RESOURCE Resource;
} IOP_DEVICE_INTERRUPT;

static IOP_DEVICE_INTERRUPT IopDeviceInterrupts[IOP_MAX_INTERRUPT_RESOURCES];
static KSPIN_LOCK IopDeviceInterruptLock;

/* IRQL PASSIVE_LEVEL (it allocates and may program the IOAPIC). */
NTSTATUS NTAPI
IoConnectInterrupt(PKINTERRUPT *InterruptObject, PKSERVICE_ROUTINE ServiceRoutine,
                   PVOID ServiceContext, PKSPIN_LOCK SpinLock, ULONG Vector, KIRQL Irql,
                   KIRQL SynchronizeIrql, KINTERRUPT_MODE InterruptMode, BOOLEAN ShareVector,
                   KAFFINITY ProcessorEnableMask, BOOLEAN FloatingSave)
{
    PKINTERRUPT Interrupt;
    NTSTATUS Status;

    if (InterruptObject == NULL || ServiceRoutine == NULL) {
        DbgPrint("IoConnectInterrupt: %s is NULL\n",
                 InterruptObject == NULL ? "InterruptObject" : "ServiceRoutine");
        return STATUS_INVALID_PARAMETER;
    }
    *InterruptObject = NULL;
    if (KeGetCurrentIrql() != PASSIVE_LEVEL) {
        DbgPrint("IoConnectInterrupt: called at IRQL %u; it must be called at PASSIVE_LEVEL\n",
                 KeGetCurrentIrql());
        return STATUS_INVALID_PARAMETER;
    }
    if (FloatingSave) {
        DbgPrint("IoConnectInterrupt: FloatingSave must be FALSE: Kestrel's kernel code, ISRs "
                 "included, uses no floating-point or SIMD state\n");
        return STATUS_INVALID_PARAMETER;
    }
    if (InterruptMode != LevelSensitive && InterruptMode != Latched) {
        DbgPrint("IoConnectInterrupt: InterruptMode %d is neither LevelSensitive nor Latched\n",
                 (int)InterruptMode);
        return STATUS_INVALID_PARAMETER;
    }
    Interrupt = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(KINTERRUPT), IOP_INTERRUPT_TAG);
    if (Interrupt == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    KiInitializeInterrupt(Interrupt, ServiceRoutine, ServiceContext, SpinLock, Vector, Irql,
                          SynchronizeIrql, InterruptMode, ShareVector, ProcessorEnableMask);
    Status = KiConnectInterrupt(Interrupt);
    if (!NT_SUCCESS(Status)) {
        ExFreePoolWithTag(Interrupt, IOP_INTERRUPT_TAG);
        return Status;
    }
    *InterruptObject = Interrupt;
    return STATUS_SUCCESS;
}

/* IRQL PASSIVE_LEVEL. */
VOID NTAPI
IoDisconnectInterrupt(PKINTERRUPT InterruptObject)
{
    if (InterruptObject == NULL || !InterruptObject->Connected) {
        DbgPrint("IoDisconnectInterrupt: %p is not a connected interrupt object; ignored\n",
                 (PVOID)InterruptObject);
        return;
    }
    if (InterruptObject->MessageServiceRoutine != NULL) {
        DbgPrint("IoDisconnectInterrupt: %p is one message of a message-based connection; "
                 "IoDisconnectInterruptEx(CONNECT_MESSAGE_BASED) with its message table "
                 "disconnects it; ignored\n", (PVOID)InterruptObject);
        return;
    }
    KiDisconnectInterrupt(InterruptObject);
    InterruptObject->Type = 0; /* a second disconnect is caught above, not a double free */
    ExFreePoolWithTag(InterruptObject, IOP_INTERRUPT_TAG);
}

/* IRQL PASSIVE_LEVEL. */
NTSTATUS
IopSetDeviceInterruptResource(PDEVICE_OBJECT PhysicalDeviceObject,
                              const IOP_INTERRUPT_RESOURCE *Resource)
{
    IOP_DEVICE_INTERRUPT *Free = NULL;
    NTSTATUS Status = STATUS_SUCCESS;
    ULONG Index;
    KIRQL OldIrql;

    KeAcquireSpinLock(&IopDeviceInterruptLock, &OldIrql);
    for (Index = 0; Index < IOP_MAX_INTERRUPT_RESOURCES; Index++) {
        IOP_DEVICE_INTERRUPT *Entry = &IopDeviceInterrupts[Index];

        if (Entry->PhysicalDeviceObject == PhysicalDeviceObject) {
            Free = Entry;
            break;
        }
        if (Entry->PhysicalDeviceObject == NULL && Free == NULL) {
            Free = Entry;
        }
    }
    if (Resource->Vector == 0 && Resource->MessageCount == 0) {
        if (Free != NULL && Free->PhysicalDeviceObject == PhysicalDeviceObject) {
            Free->PhysicalDeviceObject = NULL;
        }
    } else if (Free == NULL) {
        Status = STATUS_INSUFFICIENT_RESOURCES;
    } else if (Resource->MessageCount > IOP_MAX_DEVICE_MESSAGES) {
        Status = STATUS_INVALID_PARAMETER;
    } else {
        Free->PhysicalDeviceObject = PhysicalDeviceObject;
        Free->Resource = *Resource;
    }
    KeReleaseSpinLock(&IopDeviceInterruptLock, OldIrql);
    return Status;
}

/* IRQL <= DISPATCH_LEVEL; takes IopDeviceInterruptLock. */
static BOOLEAN
IopFindDeviceInterruptResource(PDEVICE_OBJECT PhysicalDeviceObject,
                               PIOP_INTERRUPT_RESOURCE Resource)
{
    BOOLEAN Found = FALSE;
    ULONG Index;
    KIRQL OldIrql;

    KeAcquireSpinLock(&IopDeviceInterruptLock, &OldIrql);
    for (Index = 0; Index < IOP_MAX_INTERRUPT_RESOURCES && !Found; Index++) {
        if (PhysicalDeviceObject != NULL &&
            IopDeviceInterrupts[Index].PhysicalDeviceObject == PhysicalDeviceObject) {
            *Resource = IopDeviceInterrupts[Index].Resource;
            Found = TRUE;
        }
    }
    KeReleaseSpinLock(&IopDeviceInterruptLock, OldIrql);
    return Found;
}

/* The line-based connection shared by CONNECT_LINE_BASED and the fallback
 * of CONNECT_MESSAGE_BASED. IRQL PASSIVE_LEVEL. */
static NTSTATUS
IopConnectLine(PCSTR Version, PDEVICE_OBJECT PhysicalDeviceObject, PKINTERRUPT *InterruptObject,
               PKSERVICE_ROUTINE ServiceRoutine, PVOID ServiceContext, PKSPIN_LOCK SpinLock,
               KIRQL SynchronizeIrql, BOOLEAN FloatingSave)
{
    IOP_INTERRUPT_RESOURCE Resource;

    if (PhysicalDeviceObject == NULL || InterruptObject == NULL) {
        DbgPrint("IoConnectInterruptEx(%s): %s is NULL\n", Version,
                 PhysicalDeviceObject == NULL ? "PhysicalDeviceObject" : "InterruptObject");
        return STATUS_INVALID_PARAMETER;
    }
    if (!IopFindDeviceInterruptResource(PhysicalDeviceObject, &Resource) ||
        Resource.Vector == 0) {
        DbgPrint("IoConnectInterruptEx(%s): device object %p has no interrupt line\n",
                 Version, (PVOID)PhysicalDeviceObject);
        return STATUS_NOT_FOUND;
    }
    /* SynchronizeIrql 0: the resource's own DIRQL, as when SpinLock is NULL
     * on Windows. */
    return IoConnectInterrupt(InterruptObject, ServiceRoutine, ServiceContext, SpinLock,
                              Resource.Vector, Resource.Irql,
                              SynchronizeIrql != 0 ? SynchronizeIrql : Resource.Irql,
                              Resource.InterruptMode, Resource.ShareVector, Resource.Affinity,
                              FloatingSave);
}

/* CONNECT_FULLY_SPECIFIED and CONNECT_FULLY_SPECIFIED_GROUP. Group is read
 * only by the second, as the WDK defines it. IRQL PASSIVE_LEVEL. */
static NTSTATUS
IopConnectFullySpecified(ULONG Version, PIO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS Full)
{
    if (Full->PhysicalDeviceObject == NULL) {
        DbgPrint("IoConnectInterruptEx: PhysicalDeviceObject is NULL\n");
        return STATUS_INVALID_PARAMETER;
    }
    if (Full->ProcessorEnableMask == 0) {
        /* The tenth member of the structure: the WDK's status for it. */
        DbgPrint("IoConnectInterruptEx: ProcessorEnableMask names no processor\n");
        return STATUS_INVALID_PARAMETER_10;
    }
    if (Version == CONNECT_FULLY_SPECIFIED_GROUP && Full->Group != 0) {
        DbgPrint("IoConnectInterruptEx: processor group %u does not exist (only group 0)\n",
                 Full->Group);
        return STATUS_INVALID_PARAMETER;
    }
    return IoConnectInterrupt(Full->InterruptObject, Full->ServiceRoutine, Full->ServiceContext,
                              Full->SpinLock, Full->Vector, Full->Irql, Full->SynchronizeIrql,
                              Full->InterruptMode, Full->ShareVector, Full->ProcessorEnableMask,
                              Full->FloatingSave);
}

#define IOP_MESSAGE_CONNECTION_SIGNATURE 'nCsM'     /* "MsCn" */

typedef struct _IOP_MESSAGE_CONNECTION {
    ULONG Signature;                    /* cleared at disconnection */
    KSPIN_LOCK SpinLock;                /* the messages' lock when the driver gave none */
    PKINTERRUPT Interrupts;             /* one per message, after the table */
    IO_INTERRUPT_MESSAGE_INFO Table;    /* what the driver gets; MessageInfo[MessageCount] */
} IOP_MESSAGE_CONNECTION, *PIOP_MESSAGE_CONNECTION;

/* IRQL PASSIVE_LEVEL. Disconnects the first Count objects and frees. */
static VOID
IopFreeMessageConnection(PIOP_MESSAGE_CONNECTION Connection, ULONG Count)
{
    ULONG Index;

    for (Index = 0; Index < Count; Index++) {
        KiDisconnectInterrupt(&Connection->Interrupts[Index]);
        Connection->Interrupts[Index].Type = 0;
    }
    Connection->Signature = 0;
    ExFreePoolWithTag(Connection, IOP_INTERRUPT_TAG);
}

/* CONNECT_MESSAGE_BASED for a device with messages (Resource). IRQL
 * PASSIVE_LEVEL. */
static NTSTATUS
IopConnectMessages(PIO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS Message,
                   const IOP_INTERRUPT_RESOURCE *Resource)
{
    ULONG Count = Resource->MessageCount, Index;
    /* The objects follow the table, 16-byte aligned as pool blocks are. */
    SIZE_T TableBytes = (FIELD_OFFSET(IOP_MESSAGE_CONNECTION, Table.MessageInfo) +
                         Count * sizeof(IO_INTERRUPT_MESSAGE_INFO_ENTRY) + 15) & ~(SIZE_T)15;
    PIOP_MESSAGE_CONNECTION Connection;
    KIRQL Unified = 0;
    NTSTATUS Status;

    if (Message->MessageServiceRoutine == NULL || Message->FloatingSave) {
        DbgPrint("IoConnectInterruptEx(CONNECT_MESSAGE_BASED): %s\n",
                 Message->FloatingSave ? "FloatingSave must be FALSE: kernel code uses no "
                                         "floating-point or SIMD state"
                                       : "MessageServiceRoutine is NULL");
        return STATUS_INVALID_PARAMETER;
    }
    for (Index = 0; Index < Count; Index++) {
        Unified = Resource->Messages[Index].Irql > Unified ? Resource->Messages[Index].Irql
                                                           : Unified;
    }
    if (Message->SynchronizeIrql != 0) {
        if (Message->SynchronizeIrql < Unified) {
            DbgPrint("IoConnectInterruptEx(CONNECT_MESSAGE_BASED): SynchronizeIrql %u is below "
                     "the messages' highest DIRQL %u\n", Message->SynchronizeIrql, Unified);
            return STATUS_INVALID_PARAMETER;
        }
        Unified = Message->SynchronizeIrql;
    }
    Connection = ExAllocatePool2(POOL_FLAG_NON_PAGED, TableBytes + Count * sizeof(KINTERRUPT),
                                 IOP_INTERRUPT_TAG);
    if (Connection == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Connection->Signature = IOP_MESSAGE_CONNECTION_SIGNATURE;
    KeInitializeSpinLock(&Connection->SpinLock);
    Connection->Interrupts = (PKINTERRUPT)((PUCHAR)Connection + TableBytes);
    Connection->Table.UnifiedIrql = Unified;
    Connection->Table.MessageCount = Count;
    for (Index = 0; Index < Count; Index++) {
        const IOP_INTERRUPT_MESSAGE *From = &Resource->Messages[Index];
        PIO_INTERRUPT_MESSAGE_INFO_ENTRY Entry = &Connection->Table.MessageInfo[Index];
        PKINTERRUPT Interrupt = &Connection->Interrupts[Index];

        Status = HalComposeMessageInterrupt(From->Vector, From->Affinity, &Entry->MessageAddress,
                                            &Entry->MessageData);
        if (!NT_SUCCESS(Status)) {
            IopFreeMessageConnection(Connection, Index);
            return Status;
        }
        Entry->TargetProcessorSet = From->Affinity;
        Entry->InterruptObject = Interrupt;
        Entry->Vector = From->Vector;
        Entry->Irql = From->Irql;
        Entry->Mode = Latched;
        Entry->Polarity = InterruptActiveHigh;
        KiInitializeMessageInterrupt(Interrupt, Message->MessageServiceRoutine,
                                     Message->ServiceContext, Index,
                                     Message->SpinLock != NULL ? Message->SpinLock
                                                               : &Connection->SpinLock,
                                     From->Vector, From->Irql, Unified, From->Affinity);
        Status = KiConnectInterrupt(Interrupt);
        if (!NT_SUCCESS(Status)) {
            IopFreeMessageConnection(Connection, Index);
            return Status;
        }
    }
    *Message->ConnectionContext.InterruptMessageTable = &Connection->Table;
    return STATUS_SUCCESS;
}

/* IRQL PASSIVE_LEVEL. CONNECT_MESSAGE_BASED. A device with messages gets them; one with only a
 * line gets the WDK's fallback: FallBackServiceRoutine on the line, with
 * MessageBased.ServiceContext, and Version tells the caller so
 * (CONNECT_LINE_BASED). IRQL PASSIVE_LEVEL. */
static NTSTATUS
IopConnectMessageBased(PIO_CONNECT_INTERRUPT_PARAMETERS Parameters)
{
    PIO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS Message = &Parameters->MessageBased;
    IOP_INTERRUPT_RESOURCE Resource;    /* about 0.5 KiB of a 24 KiB stack */
    NTSTATUS Status;

    if (Message->PhysicalDeviceObject == NULL || Message->ConnectionContext.Generic == NULL) {
        DbgPrint("IoConnectInterruptEx(CONNECT_MESSAGE_BASED): %s is NULL\n",
                 Message->PhysicalDeviceObject == NULL ? "PhysicalDeviceObject"
                                                       : "ConnectionContext");
        return STATUS_INVALID_PARAMETER;
    }
    if (KeGetCurrentIrql() != PASSIVE_LEVEL) {
        DbgPrint("IoConnectInterruptEx: called at IRQL %u; it must be called at PASSIVE_LEVEL\n",
                 KeGetCurrentIrql());
        return STATUS_INVALID_PARAMETER;
    }
    if (IopFindDeviceInterruptResource(Message->PhysicalDeviceObject, &Resource) &&
        Resource.MessageCount != 0) {
        return IopConnectMessages(Message, &Resource);
    }
    if (Message->FallBackServiceRoutine == NULL) {
        DbgPrint("IoConnectInterruptEx(CONNECT_MESSAGE_BASED): device object %p has no "
                 "message-signaled interrupts and no FallBackServiceRoutine was given\n",
                 (PVOID)Message->PhysicalDeviceObject);
        return STATUS_NOT_FOUND;
    }
    Status = IopConnectLine("CONNECT_MESSAGE_BASED", Message->PhysicalDeviceObject,
                            Message->ConnectionContext.InterruptObject,
                            Message->FallBackServiceRoutine, Message->ServiceContext,
                            Message->SpinLock, Message->SynchronizeIrql, Message->FloatingSave);
    if (NT_SUCCESS(Status)) {
        Parameters->Version = CONNECT_LINE_BASED;
    }
    return Status;
}

/* IRQL PASSIVE_LEVEL. */
static VOID
IopDisconnectMessageBased(PIO_INTERRUPT_MESSAGE_INFO Table)
{
    PIOP_MESSAGE_CONNECTION Connection;

    if (Table == NULL) {
        DbgPrint("IoDisconnectInterruptEx(CONNECT_MESSAGE_BASED): the message table is NULL; "
                 "ignored\n");
        return;
    }
    Connection = CONTAINING_RECORD(Table, IOP_MESSAGE_CONNECTION, Table);
    if (Connection->Signature != IOP_MESSAGE_CONNECTION_SIGNATURE) {
        DbgPrint("IoDisconnectInterruptEx(CONNECT_MESSAGE_BASED): %p is not a message table "
                 "IoConnectInterruptEx returned, or it was disconnected already; ignored\n",
                 (PVOID)Table);
        return;
    }
    IopFreeMessageConnection(Connection, Table->MessageCount);
}

/* IRQL PASSIVE_LEVEL. */
NTSTATUS NTAPI
IoConnectInterruptEx(PIO_CONNECT_INTERRUPT_PARAMETERS Parameters)
{
    if (Parameters == NULL) {
        DbgPrint("IoConnectInterruptEx: Parameters is NULL\n");
        return STATUS_INVALID_PARAMETER;
    }
    switch (Parameters->Version) {
    case CONNECT_FULLY_SPECIFIED:
    case CONNECT_FULLY_SPECIFIED_GROUP:
        return IopConnectFullySpecified(Parameters->Version, &Parameters->FullySpecified);
    case CONNECT_LINE_BASED: {
        PIO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS Line = &Parameters->LineBased;

        return IopConnectLine("CONNECT_LINE_BASED", Line->PhysicalDeviceObject,
                              Line->InterruptObject, Line->ServiceRoutine, Line->ServiceContext,
                              Line->SpinLock, Line->SynchronizeIrql, Line->FloatingSave);
    }
    case CONNECT_MESSAGE_BASED:
        return IopConnectMessageBased(Parameters);
    case CONNECT_MESSAGE_BASED_PASSIVE:
        DbgPrint("IoConnectInterruptEx: CONNECT_MESSAGE_BASED_PASSIVE needs passive-level "
                 "interrupt support (GPIO and serial-bus controllers), which Kestrel does not "
                 "have\n");
        return STATUS_NOT_SUPPORTED;
    default:
        DbgPrint("IoConnectInterruptEx: Version %u is not a CONNECT_* value (1-%u)\n",
                 Parameters->Version, CONNECT_CURRENT_VERSION);
        return STATUS_INVALID_PARAMETER_1;
    }
}

/* IRQL PASSIVE_LEVEL. Version is what IoConnectInterruptEx left in its
 * parameters (CONNECT_LINE_BASED after a message-based fallback). */
VOID NTAPI
IoDisconnectInterruptEx(PIO_DISCONNECT_INTERRUPT_PARAMETERS Parameters)
{
    if (Parameters != NULL && Parameters->Version == CONNECT_MESSAGE_BASED) {
        IopDisconnectMessageBased(Parameters->ConnectionContext.InterruptMessageTable);
        return;
    }
    if (Parameters == NULL || (Parameters->Version != CONNECT_FULLY_SPECIFIED &&
                               Parameters->Version != CONNECT_FULLY_SPECIFIED_GROUP &&
                               Parameters->Version != CONNECT_LINE_BASED)) {
        DbgPrint("IoDisconnectInterruptEx: no connection of version %u can exist; ignored\n",
                 Parameters != NULL ? Parameters->Version : 0);
        return;
    }
    IoDisconnectInterrupt(Parameters->ConnectionContext.InterruptObject);
}
