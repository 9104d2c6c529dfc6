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
 * fills; the message-based forms wait for the PCI bus driver.
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

/* IRQL PASSIVE_LEVEL. */
NTSTATUS NTAPI
IoConnectInterruptEx(PIO_CONNECT_INTERRUPT_PARAMETERS Parameters)
{
    IOP_INTERRUPT_RESOURCE Resource;

    if (Parameters == NULL) {
        DbgPrint("IoConnectInterruptEx: Parameters is NULL\n");
        return STATUS_INVALID_PARAMETER;
    }
    switch (Parameters->Version) {
    case CONNECT_FULLY_SPECIFIED: {
        PIO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS Full = &Parameters->FullySpecified;

        if (Full->Group != 0) {
            DbgPrint("IoConnectInterruptEx: processor group %u does not exist\n", Full->Group);
            return STATUS_INVALID_PARAMETER;
        }
        return IoConnectInterrupt(Full->InterruptObject, Full->ServiceRoutine,
                                  Full->ServiceContext, Full->SpinLock, Full->Vector, Full->Irql,
                                  Full->SynchronizeIrql, Full->InterruptMode, Full->ShareVector,
                                  Full->ProcessorEnableMask, Full->FloatingSave);
    }
    case CONNECT_LINE_BASED: {
        PIO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS Line = &Parameters->LineBased;

        if (!IopFindDeviceInterruptResource(Line->PhysicalDeviceObject, &Resource)) {
            DbgPrint("IoConnectInterruptEx: device object %p has no interrupt resource\n",
                     (PVOID)Line->PhysicalDeviceObject);
            return STATUS_NOT_FOUND;
        }
        /* SynchronizeIrql 0: the resource's own DIRQL, as when SpinLock is
         * NULL on Windows. */
        return IoConnectInterrupt(Line->InterruptObject, Line->ServiceRoutine,
                                  Line->ServiceContext, Line->SpinLock, Resource.Vector,
                                  Resource.Irql,
                                  Line->SynchronizeIrql != 0 ? Line->SynchronizeIrql
                                                             : Resource.Irql,
                                  Resource.InterruptMode, Resource.ShareVector,
                                  Resource.Affinity, Line->FloatingSave);
    }
    case CONNECT_MESSAGE_BASED:
    case CONNECT_MESSAGE_BASED_PASSIVE:
    case CONNECT_FULLY_SPECIFIED_GROUP:
        DbgPrint("IoConnectInterruptEx: version %u needs the PCI bus driver (MSI/MSI-X, "
                 "groups), which Kestrel does not have yet\n", Parameters->Version);
        return STATUS_NOT_SUPPORTED;
    default:
        DbgPrint("IoConnectInterruptEx: unknown version %u\n", Parameters->Version);
        return STATUS_INVALID_PARAMETER;
    }
}

/* IRQL PASSIVE_LEVEL. */
VOID NTAPI
IoDisconnectInterruptEx(PIO_DISCONNECT_INTERRUPT_PARAMETERS Parameters)
{
    if (Parameters == NULL || (Parameters->Version != CONNECT_FULLY_SPECIFIED &&
                               Parameters->Version != CONNECT_LINE_BASED)) {
        DbgPrint("IoDisconnectInterruptEx: no connection of version %u can exist; ignored\n",
                 Parameters != NULL ? Parameters->Version : 0);
        return;
    }
    IoDisconnectInterrupt(Parameters->ConnectionContext.InterruptObject);
}
