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
 * IoConnectInterruptEx's line-based form finds the line through the
 * device's translated interrupt resource. Kestrel has no PnP manager yet,
 * so the resources live in a small table that IopSetDeviceInterruptResource
 * fills. No device has message-signaled interrupts until the PCI bus driver
 * assigns them (hal/msi.c composes the messages), so the message-based form
 * takes the WDK's fallback: the FallBackServiceRoutine on the device's line,
 * and Version = CONNECT_LINE_BASED on return. Status codes are the WDK's
 * (WdmlibIoConnectInterruptEx): STATUS_INVALID_PARAMETER_1 for an unknown
 * Version, _10 for an empty ProcessorEnableMask, STATUS_NOT_FOUND for a
 * device without the interrupt asked for.
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
    if (Free == NULL) {
        Status = STATUS_INSUFFICIENT_RESOURCES;
    } else if (Resource->Vector == 0) {
        Free->PhysicalDeviceObject = NULL;
    } else {
        Free->PhysicalDeviceObject = PhysicalDeviceObject;
        Free->Resource = *Resource;
    }
    KeReleaseSpinLock(&IopDeviceInterruptLock, OldIrql);
    return Status;
}

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
    if (!IopFindDeviceInterruptResource(PhysicalDeviceObject, &Resource)) {
        DbgPrint("IoConnectInterruptEx(%s): device object %p has no interrupt resource\n",
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

/* CONNECT_MESSAGE_BASED. No device has messages until the PCI bus driver
 * assigns them, so this is the WDK's fallback case: a device with only a
 * line gets FallBackServiceRoutine on it, with MessageBased.ServiceContext,
 * and Version tells the caller so (CONNECT_LINE_BASED). IRQL PASSIVE_LEVEL. */
static NTSTATUS
IopConnectMessageBased(PIO_CONNECT_INTERRUPT_PARAMETERS Parameters)
{
    PIO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS Message = &Parameters->MessageBased;
    NTSTATUS Status;

    if (Message->PhysicalDeviceObject == NULL || Message->ConnectionContext.Generic == NULL) {
        DbgPrint("IoConnectInterruptEx(CONNECT_MESSAGE_BASED): %s is NULL\n",
                 Message->PhysicalDeviceObject == NULL ? "PhysicalDeviceObject"
                                                       : "ConnectionContext");
        return STATUS_INVALID_PARAMETER;
    }
    if (Message->FallBackServiceRoutine == NULL) {
        DbgPrint("IoConnectInterruptEx(CONNECT_MESSAGE_BASED): device object %p has no "
                 "message-signaled interrupts (they come from the PCI bus driver, which "
                 "Kestrel does not have yet) and no FallBackServiceRoutine was given\n",
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
    if (Parameters == NULL || (Parameters->Version != CONNECT_FULLY_SPECIFIED &&
                               Parameters->Version != CONNECT_FULLY_SPECIFIED_GROUP &&
                               Parameters->Version != CONNECT_LINE_BASED)) {
        DbgPrint("IoDisconnectInterruptEx: no connection of version %u can exist; ignored\n",
                 Parameters != NULL ? Parameters->Version : 0);
        return;
    }
    IoDisconnectInterrupt(Parameters->ConnectionContext.InterruptObject);
}
