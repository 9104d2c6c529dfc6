/*
 * ddk/io.h - the I/O manager (Io) routines a driver may call. Part of wdm.h.
 *
 * The structures and constants (DRIVER_OBJECT, DEVICE_OBJECT, IRP,
 * IO_STACK_LOCATION, IRP_MJ_*, ...) are in ddk/iotypes.h; this file has the
 * routines: connecting interrupt service routines (io/interrupt.c), then
 * driver and device objects, IRPs, queues and the kernel file API. Names,
 * types, values and signatures are the WDK's (wdm.h).
 */
#ifndef _KESTREL_DDK_IO_H
#define _KESTREL_DDK_IO_H

typedef struct _DEVICE_OBJECT *PDEVICE_OBJECT;

#include <ddk/iotypes.h>

/* ---- IoConnectInterrupt: the classic, fully specified connection ---- */

/* IRQL PASSIVE_LEVEL. Connects ServiceRoutine to Vector (from
 * HalGetInterruptVector or, later, the translated resources) at DIRQL Irql.
 * The ISR runs at SynchronizeIrql (>= Irql; equal unless several vectors
 * share one SpinLock) holding SpinLock, or a lock of the object's own when
 * SpinLock is NULL. ShareVector must be TRUE on every object that shares a
 * vector, and all of them must agree on InterruptMode. FloatingSave must
 * be FALSE: kernel code uses no floating-point or SIMD registers.
 * STATUS_INVALID_PARAMETER (with a message saying why) or
 * STATUS_INSUFFICIENT_RESOURCES on failure. */
NTSTATUS NTAPI IoConnectInterrupt(_Out_ PKINTERRUPT *InterruptObject,
                                  _In_ PKSERVICE_ROUTINE ServiceRoutine,
                                  _In_opt_ PVOID ServiceContext, _In_opt_ PKSPIN_LOCK SpinLock,
                                  _In_ ULONG Vector, _In_ KIRQL Irql, _In_ KIRQL SynchronizeIrql,
                                  _In_ KINTERRUPT_MODE InterruptMode, _In_ BOOLEAN ShareVector,
                                  _In_ KAFFINITY ProcessorEnableMask, _In_ BOOLEAN FloatingSave);

/* IRQL PASSIVE_LEVEL. The last object on a line masks it. */
VOID NTAPI IoDisconnectInterrupt(_In_ PKINTERRUPT InterruptObject);

/* ---- IoConnectInterruptEx ---- */

#define CONNECT_FULLY_SPECIFIED 0x1
#define CONNECT_LINE_BASED 0x2
#define CONNECT_MESSAGE_BASED 0x3
#define CONNECT_FULLY_SPECIFIED_GROUP 0x4
#define CONNECT_MESSAGE_BASED_PASSIVE 0x5
#define CONNECT_CURRENT_VERSION 0x5

typedef enum _KINTERRUPT_POLARITY {
    InterruptPolarityUnknown,
    InterruptActiveHigh,
    InterruptActiveLow,
    InterruptRisingEdge = InterruptActiveHigh,
    InterruptFallingEdge = InterruptActiveLow,
    InterruptActiveBoth,
    InterruptActiveBothTriggerLow = InterruptActiveBoth,
    InterruptActiveBothTriggerHigh
} KINTERRUPT_POLARITY, *PKINTERRUPT_POLARITY;

typedef BOOLEAN KMESSAGE_SERVICE_ROUTINE(_In_ PKINTERRUPT Interrupt, _In_ PVOID ServiceContext,
                                         _In_ ULONG MessageID);
typedef KMESSAGE_SERVICE_ROUTINE *PKMESSAGE_SERVICE_ROUTINE;

typedef struct _IO_INTERRUPT_MESSAGE_INFO_ENTRY {
    PHYSICAL_ADDRESS MessageAddress;
    KAFFINITY TargetProcessorSet;
    PKINTERRUPT InterruptObject;
    ULONG MessageData;
    ULONG Vector;
    KIRQL Irql;
    KINTERRUPT_MODE Mode;
    KINTERRUPT_POLARITY Polarity;
} IO_INTERRUPT_MESSAGE_INFO_ENTRY, *PIO_INTERRUPT_MESSAGE_INFO_ENTRY;

typedef struct _IO_INTERRUPT_MESSAGE_INFO {
    KIRQL UnifiedIrql;
    ULONG MessageCount;
    IO_INTERRUPT_MESSAGE_INFO_ENTRY MessageInfo[1];
} IO_INTERRUPT_MESSAGE_INFO, *PIO_INTERRUPT_MESSAGE_INFO;

/* Windows x64's layout (wdm.h): a driver built for it reads these tables. */
_Static_assert(sizeof(IO_INTERRUPT_MESSAGE_INFO_ENTRY) == 48, "IO_INTERRUPT_MESSAGE_INFO_ENTRY");
_Static_assert(FIELD_OFFSET(IO_INTERRUPT_MESSAGE_INFO_ENTRY, TargetProcessorSet) == 8,
               "TargetProcessorSet");
_Static_assert(FIELD_OFFSET(IO_INTERRUPT_MESSAGE_INFO_ENTRY, InterruptObject) == 16,
               "InterruptObject");
_Static_assert(FIELD_OFFSET(IO_INTERRUPT_MESSAGE_INFO_ENTRY, MessageData) == 24, "MessageData");
_Static_assert(FIELD_OFFSET(IO_INTERRUPT_MESSAGE_INFO_ENTRY, Vector) == 28, "Vector");
_Static_assert(FIELD_OFFSET(IO_INTERRUPT_MESSAGE_INFO_ENTRY, Irql) == 32, "Irql");
_Static_assert(FIELD_OFFSET(IO_INTERRUPT_MESSAGE_INFO_ENTRY, Mode) == 36, "Mode");
_Static_assert(FIELD_OFFSET(IO_INTERRUPT_MESSAGE_INFO_ENTRY, Polarity) == 40, "Polarity");
_Static_assert(FIELD_OFFSET(IO_INTERRUPT_MESSAGE_INFO, MessageCount) == 4, "MessageCount");
_Static_assert(FIELD_OFFSET(IO_INTERRUPT_MESSAGE_INFO, MessageInfo) == 8, "MessageInfo");

typedef struct _IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS {
    PDEVICE_OBJECT PhysicalDeviceObject;
    PKINTERRUPT *InterruptObject;
    PKSERVICE_ROUTINE ServiceRoutine;
    PVOID ServiceContext;
    PKSPIN_LOCK SpinLock;
    KIRQL SynchronizeIrql;
    BOOLEAN FloatingSave;
    BOOLEAN ShareVector;
    ULONG Vector;
    KIRQL Irql;
    KINTERRUPT_MODE InterruptMode;
    KAFFINITY ProcessorEnableMask;
    USHORT Group;
} IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS,
    *PIO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS;

typedef struct _IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS {
    PDEVICE_OBJECT PhysicalDeviceObject;
    PKINTERRUPT *InterruptObject;
    PKSERVICE_ROUTINE ServiceRoutine;
    PVOID ServiceContext;
    PKSPIN_LOCK SpinLock;
    KIRQL SynchronizeIrql;
    BOOLEAN FloatingSave;
} IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS, *PIO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS;

typedef struct _IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS {
    PDEVICE_OBJECT PhysicalDeviceObject;
    union {
        PVOID *Generic;
        PIO_INTERRUPT_MESSAGE_INFO *InterruptMessageTable;
        PKINTERRUPT *InterruptObject;
    } ConnectionContext;
    PKMESSAGE_SERVICE_ROUTINE MessageServiceRoutine;
    PVOID ServiceContext;
    PKSPIN_LOCK SpinLock;
    KIRQL SynchronizeIrql;
    BOOLEAN FloatingSave;
    PKSERVICE_ROUTINE FallBackServiceRoutine;
} IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS,
    *PIO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS;

typedef struct _IO_CONNECT_INTERRUPT_PARAMETERS {
    ULONG Version;
    union {
        IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS FullySpecified;
        IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS LineBased;
        IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS MessageBased;
    };
} IO_CONNECT_INTERRUPT_PARAMETERS, *PIO_CONNECT_INTERRUPT_PARAMETERS;

typedef struct _IO_DISCONNECT_INTERRUPT_PARAMETERS {
    ULONG Version;
    union {
        PVOID Generic;
        PKINTERRUPT InterruptObject;
        PIO_INTERRUPT_MESSAGE_INFO InterruptMessageTable;
    } ConnectionContext;
} IO_DISCONNECT_INTERRUPT_PARAMETERS, *PIO_DISCONNECT_INTERRUPT_PARAMETERS;

/*
 * IRQL PASSIVE_LEVEL.
 * Status codes as the WDK documents them (WdmlibIoConnectInterruptEx):
 *   CONNECT_FULLY_SPECIFIED, CONNECT_FULLY_SPECIFIED_GROUP: as
 *     IoConnectInterrupt; STATUS_INVALID_PARAMETER for a NULL
 *     PhysicalDeviceObject or (GROUP only) a Group other than 0,
 *     STATUS_INVALID_PARAMETER_10 for an empty ProcessorEnableMask.
 *   CONNECT_LINE_BASED: the line comes from PhysicalDeviceObject's
 *     translated interrupt resource; STATUS_NOT_FOUND when it has none.
 *   CONNECT_MESSAGE_BASED: a device started with message-signaled
 *     interrupts gets one interrupt object per message;
 *     MessageServiceRoutine(Interrupt, ServiceContext, MessageID) runs at
 *     the table's UnifiedIrql (the highest DIRQL of the messages, or
 *     SynchronizeIrql when given: it must not be below that) holding one
 *     lock for all messages (SpinLock, or the connection's own), so
 *     KeSynchronizeExecution on any entry's InterruptObject excludes every
 *     message's ISR. *ConnectionContext.InterruptMessageTable receives the
 *     table; Version stays CONNECT_MESSAGE_BASED. A device with only a
 *     line gets FallBackServiceRoutine on it (with ServiceContext), Version
 *     becomes CONNECT_LINE_BASED and *ConnectionContext.InterruptObject
 *     receives the object; without a fallback routine: STATUS_NOT_FOUND.
 *   CONNECT_MESSAGE_BASED_PASSIVE: STATUS_NOT_SUPPORTED.
 *   Anything else: STATUS_INVALID_PARAMETER_1.
 */
NTSTATUS NTAPI IoConnectInterruptEx(_Inout_ PIO_CONNECT_INTERRUPT_PARAMETERS Parameters);

/* IRQL PASSIVE_LEVEL: undoes a successful IoConnectInterruptEx; Version is
 * the one that call left in its parameters (CONNECT_MESSAGE_BASED: pass the
 * message table; every message is disconnected and the table freed). */
VOID NTAPI IoDisconnectInterruptEx(_In_ PIO_DISCONNECT_INTERRUPT_PARAMETERS Parameters);

/* ===========================================================================
 * Driver and device objects (io/driver.c, io/device.c, io/symlink.c).
 * =========================================================================== */

/* The object types of I/O objects, for ObReferenceObjectByHandle and
 * ObReferenceObjectByPointer: pass *IoFileObjectType. */
extern POBJECT_TYPE *IoDeviceObjectType;
extern POBJECT_TYPE *IoDriverObjectType;
extern POBJECT_TYPE *IoFileObjectType;

/* ===========================================================================
 * IRQL PASSIVE_LEVEL unless noted.
 * =========================================================================== */

/*
 * Creates a device object with DeviceExtensionSize bytes of zeroed,
 * 16-byte-aligned extension right after it, links it at the head of
 * DriverObject's device list and, when DeviceName is given, names it (the
 * name must lie in an existing directory, e.g. \Device\Xxx). The new device
 * has StackSize 1 and DO_DEVICE_INITIALIZING set: the I/O manager clears
 * the flag for devices created in DriverEntry when DriverEntry returns; a
 * device created anywhere else (AddDevice) must be cleared by its driver.
 * STATUS_OBJECT_NAME_COLLISION when the name exists, STATUS_OBJECT_PATH_NOT_FOUND
 * when its directory does not, STATUS_INVALID_PARAMETER (with a message)
 * for bad arguments, STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS NTAPI IoCreateDevice(_In_ PDRIVER_OBJECT DriverObject, _In_ ULONG DeviceExtensionSize,
                              _In_opt_ PUNICODE_STRING DeviceName, _In_ DEVICE_TYPE DeviceType,
                              _In_ ULONG DeviceCharacteristics, _In_ BOOLEAN Exclusive,
                              _Out_ PDEVICE_OBJECT *DeviceObject);

/*
 * Removes the device's name and unlinks it from its driver; the memory goes
 * with the last reference (ObDereferenceObject). The device must be
 * detached first: deleting one that still has a device attached above it is
 * DRIVER_VERIFIER_IOMANAGER_VIOLATION (see io/iop.h for the parameters).
 */
VOID NTAPI IoDeleteDevice(_In_ PDEVICE_OBJECT DeviceObject);

/* Attaches SourceDevice above the top of TargetDevice's stack and returns
 * the device it was attached to (NULL when the target is being deleted or
 * uninitialized). SourceDevice->StackSize becomes that device's + 1. */
PDEVICE_OBJECT NTAPI IoAttachDeviceToDeviceStack(_In_ PDEVICE_OBJECT SourceDevice,
                                                 _In_ PDEVICE_OBJECT TargetDevice);
/* The same, but the lower device is stored in *AttachedToDeviceObject
 * before the attachment becomes visible, so an IRP arriving at once can be
 * passed down. STATUS_NO_SUCH_DEVICE when it fails. */
NTSTATUS NTAPI IoAttachDeviceToDeviceStackSafe(_In_ PDEVICE_OBJECT SourceDevice,
                                               _In_ PDEVICE_OBJECT TargetDevice,
                                               _Out_ PDEVICE_OBJECT *AttachedToDeviceObject);
/* Attaches by name (the target is looked up in the namespace). */
NTSTATUS NTAPI IoAttachDevice(_In_ PDEVICE_OBJECT SourceDevice, _In_ PUNICODE_STRING TargetDevice,
                              _Out_ PDEVICE_OBJECT *AttachedDevice);
/* Detaches whatever is attached above TargetDevice. */
VOID NTAPI IoDetachDevice(_Inout_ PDEVICE_OBJECT TargetDevice);
/* The top of DeviceObject's stack; the Reference variant adds a reference
 * the caller releases with ObDereferenceObject. IRQL <= DISPATCH_LEVEL. */
PDEVICE_OBJECT NTAPI IoGetAttachedDevice(_In_ PDEVICE_OBJECT DeviceObject);
PDEVICE_OBJECT NTAPI IoGetAttachedDeviceReference(_In_ PDEVICE_OBJECT DeviceObject);
/* The device directly below DeviceObject, referenced; NULL at the bottom. */
PDEVICE_OBJECT NTAPI IoGetLowerDeviceObject(_In_ PDEVICE_OBJECT DeviceObject);
/* The device an IRP for FileObject goes to: the top of its device's stack. */
PDEVICE_OBJECT NTAPI IoGetRelatedDeviceObject(_In_ PFILE_OBJECT FileObject);
/* Opens ObjectName (IRP_MJ_CREATE to the top of its stack) and returns the
 * file object (referenced) and the top device. */
NTSTATUS NTAPI IoGetDeviceObjectPointer(_In_ PUNICODE_STRING ObjectName,
                                        _In_ ACCESS_MASK DesiredAccess,
                                        _Out_ PFILE_OBJECT *FileObject,
                                        _Out_ PDEVICE_OBJECT *DeviceObject);

/* Symbolic links in the object namespace, e.g. \DosDevices\Sample ->
 * \Device\Sample. Kestrel has no access checks, so the two create routines
 * behave alike. STATUS_OBJECT_NAME_COLLISION when the link exists. */
NTSTATUS NTAPI IoCreateSymbolicLink(_In_ PUNICODE_STRING SymbolicLinkName,
                                    _In_ PUNICODE_STRING DeviceName);
NTSTATUS NTAPI IoCreateUnprotectedSymbolicLink(_In_ PUNICODE_STRING SymbolicLinkName,
                                               _In_ PUNICODE_STRING DeviceName);
NTSTATUS NTAPI IoDeleteSymbolicLink(_In_ PUNICODE_STRING SymbolicLinkName);

/* Asks for DriverReinitializationRoutine to be called once every driver's
 * DriverEntry has run (again, if it registers again from there). Count
 * says how many times it has been called. */
VOID NTAPI IoRegisterDriverReinitialization(_In_ PDRIVER_OBJECT DriverObject,
                                            _In_ PDRIVER_REINITIALIZE DriverReinitializationRoutine,
                                            _In_opt_ PVOID Context);
VOID NTAPI IoRegisterBootDriverReinitialization(_In_ PDRIVER_OBJECT DriverObject,
                                                _In_ PDRIVER_REINITIALIZE DriverReinitializationRoutine,
                                                _In_opt_ PVOID Context);

/* Per-driver extensions, found again by ClientIdentificationAddress and
 * freed with the driver object. STATUS_OBJECT_NAME_COLLISION when one with
 * that identification exists. IRQL <= DISPATCH_LEVEL. */
NTSTATUS NTAPI IoAllocateDriverObjectExtension(_In_ PDRIVER_OBJECT DriverObject,
                                               _In_ PVOID ClientIdentificationAddress,
                                               _In_ ULONG DriverObjectExtensionSize,
                                               _Out_ PVOID *DriverObjectExtension);
PVOID NTAPI IoGetDriverObjectExtension(_In_ PDRIVER_OBJECT DriverObject,
                                       _In_ PVOID ClientIdentificationAddress);

/* ===========================================================================
 * IRPs (io/irp*.c). The stack-location helpers are the WDK's inlines.
 * =========================================================================== */

#define IoSizeOfIrp(StackSize) \
    ((USHORT)(sizeof(IRP) + ((StackSize) * (sizeof(IO_STACK_LOCATION)))))

_Must_inspect_result_ PIRP NTAPI IoAllocateIrp(_In_ CCHAR StackSize, _In_ BOOLEAN ChargeQuota);
VOID NTAPI IoFreeIrp(_In_ PIRP Irp);
VOID NTAPI IoReuseIrp(_Inout_ PIRP Irp, _In_ NTSTATUS Iostatus);
VOID NTAPI IoInitializeIrp(_Inout_ PIRP Irp, _In_ USHORT PacketSize, _In_ CCHAR StackSize);
_Must_inspect_result_ PIRP NTAPI IoMakeAssociatedIrp(_In_ PIRP Irp, _In_ CCHAR StackSize);

/* IoCallDriver and IoCompleteRequest are macros over the fastcall entries,
 * as in the WDK. */
NTSTATUS FASTCALL IofCallDriver(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp);
VOID FASTCALL IofCompleteRequest(_In_ PIRP Irp, _In_ CCHAR PriorityBoost);
#define IoCallDriver(a, b) IofCallDriver(a, b)
#define IoCompleteRequest(a, b) IofCompleteRequest(a, b)

/* What a completion routine returns to let completion go on (wdm.h). */
#ifndef STATUS_CONTINUE_COMPLETION
#define STATUS_CONTINUE_COMPLETION STATUS_SUCCESS
#endif

NTSTATUS NTAPI IoSetCompletionRoutineEx(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp,
                                        _In_ PIO_COMPLETION_ROUTINE CompletionRoutine,
                                        _In_opt_ PVOID Context, _In_ BOOLEAN InvokeOnSuccess,
                                        _In_ BOOLEAN InvokeOnError, _In_ BOOLEAN InvokeOnCancel);
BOOLEAN NTAPI IoForwardIrpSynchronously(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp);

_Must_inspect_result_ PIRP NTAPI IoBuildSynchronousFsdRequest(
    _In_ ULONG MajorFunction, _In_ PDEVICE_OBJECT DeviceObject, _Inout_opt_ PVOID Buffer,
    _In_opt_ ULONG Length, _In_opt_ PLARGE_INTEGER StartingOffset, _In_ PKEVENT Event,
    _Out_ PIO_STATUS_BLOCK IoStatusBlock);
_Must_inspect_result_ PIRP NTAPI IoBuildAsynchronousFsdRequest(
    _In_ ULONG MajorFunction, _In_ PDEVICE_OBJECT DeviceObject, _Inout_opt_ PVOID Buffer,
    _In_opt_ ULONG Length, _In_opt_ PLARGE_INTEGER StartingOffset,
    _In_opt_ PIO_STATUS_BLOCK IoStatusBlock);
_Must_inspect_result_ PIRP NTAPI IoBuildDeviceIoControlRequest(
    _In_ ULONG IoControlCode, _In_ PDEVICE_OBJECT DeviceObject, _In_opt_ PVOID InputBuffer,
    _In_ ULONG InputBufferLength, _Out_opt_ PVOID OutputBuffer, _In_ ULONG OutputBufferLength,
    _In_ BOOLEAN InternalDeviceIoControl, _In_opt_ PKEVENT Event,
    _Out_ PIO_STATUS_BLOCK IoStatusBlock);

/* Any IRQL the caller is at: these only move pointers. */
FORCEINLINE PIO_STACK_LOCATION
IoGetCurrentIrpStackLocation(_In_ PIRP Irp)
{
    ASSERT(Irp->CurrentLocation <= Irp->StackCount + 1);
    return Irp->Tail.Overlay.CurrentStackLocation;
}

FORCEINLINE PIO_STACK_LOCATION
IoGetNextIrpStackLocation(_In_ PIRP Irp)
{
    ASSERT(Irp->CurrentLocation > 0);
    return Irp->Tail.Overlay.CurrentStackLocation - 1;
}

FORCEINLINE VOID
IoSetNextIrpStackLocation(_Inout_ PIRP Irp)
{
    ASSERT(Irp->CurrentLocation > 0);
    Irp->CurrentLocation--;
    Irp->Tail.Overlay.CurrentStackLocation--;
}

/* Passes the IRP down without a completion routine: the lower driver
 * reuses this driver's stack location. */
FORCEINLINE VOID
IoSkipCurrentIrpStackLocation(_Inout_ PIRP Irp)
{
    ASSERT(Irp->CurrentLocation <= Irp->StackCount);
    Irp->CurrentLocation++;
    Irp->Tail.Overlay.CurrentStackLocation++;
}

/* Copies everything but the completion routine and its context; the next
 * location's Control is cleared, so no completion routine of a lower
 * driver is inherited. */
FORCEINLINE VOID
IoCopyCurrentIrpStackLocationToNext(_Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    PIO_STACK_LOCATION NextIrpSp = IoGetNextIrpStackLocation(Irp);

    RtlCopyMemory(NextIrpSp, IrpSp, FIELD_OFFSET(IO_STACK_LOCATION, CompletionRoutine));
    NextIrpSp->Control = 0;
}

FORCEINLINE VOID
IoMarkIrpPending(_Inout_ PIRP Irp)
{
    IoGetCurrentIrpStackLocation(Irp)->Control |= SL_PENDING_RETURNED;
}

/* The completion routine runs when the lower driver completes the IRP:
 * on success, error and/or cancellation as the three flags say. */
FORCEINLINE VOID
IoSetCompletionRoutine(_In_ PIRP Irp, _In_opt_ PIO_COMPLETION_ROUTINE CompletionRoutine,
                       _In_opt_ PVOID Context, _In_ BOOLEAN InvokeOnSuccess,
                       _In_ BOOLEAN InvokeOnError, _In_ BOOLEAN InvokeOnCancel)
{
    PIO_STACK_LOCATION IrpSp;

    ASSERT((InvokeOnSuccess || InvokeOnError || InvokeOnCancel) ? (CompletionRoutine != NULL)
                                                                 : TRUE);
    IrpSp = IoGetNextIrpStackLocation(Irp);
    IrpSp->CompletionRoutine = CompletionRoutine;
    IrpSp->Context = Context;
    IrpSp->Control = 0;
    if (InvokeOnSuccess) {
        IrpSp->Control = SL_INVOKE_ON_SUCCESS;
    }
    if (InvokeOnError) {
        IrpSp->Control |= SL_INVOKE_ON_ERROR;
    }
    if (InvokeOnCancel) {
        IrpSp->Control |= SL_INVOKE_ON_CANCEL;
    }
}

/* Returns the previous cancel routine, atomically. Any IRQL. */
#define IoSetCancelRoutine(Irp, NewCancelRoutine)                            \
    ((PDRIVER_CANCEL)(ULONG_PTR)InterlockedExchangePointer(                  \
        (PVOID volatile *)&(Irp)->CancelRoutine, (PVOID)(ULONG_PTR)(NewCancelRoutine)))

/* The device's DPC for ISR-to-DPC handoff: IoRequestDpc from the ISR,
 * DpcForIsr runs at DISPATCH_LEVEL with (Dpc, DeviceObject, Irp, Context). */
#define IoInitializeDpcRequest(DeviceObject, DpcRoutine) \
    KeInitializeDpc(&(DeviceObject)->Dpc, (PKDEFERRED_ROUTINE)(DpcRoutine), (DeviceObject))
#define IoRequestDpc(DeviceObject, Irp, Context) \
    ((VOID)KeInsertQueueDpc(&(DeviceObject)->Dpc, (Irp), (Context)))

/* ===========================================================================
 * Buffers (io/mdl.c, io/probe.c).
 * =========================================================================== */

_Must_inspect_result_ PMDL NTAPI IoAllocateMdl(_In_opt_ PVOID VirtualAddress, _In_ ULONG Length,
                                              _In_ BOOLEAN SecondaryBuffer, _In_ BOOLEAN ChargeQuota,
                                              _Inout_opt_ PIRP Irp);
VOID NTAPI IoFreeMdl(PMDL Mdl);
VOID NTAPI IoBuildPartialMdl(_In_ PMDL SourceMdl, _Inout_ PMDL TargetMdl,
                             _In_ PVOID VirtualAddress, _In_ ULONG Length);
/* Kernel-mode callers' buffers are accepted; a user address range that
 * wraps or is misaligned raises (stops the machine) as on Windows. */
VOID NTAPI ProbeForRead(_In_ volatile VOID *Address, _In_ SIZE_T Length, _In_ ULONG Alignment);
VOID NTAPI ProbeForWrite(_In_ volatile VOID *Address, _In_ SIZE_T Length, _In_ ULONG Alignment);

/* ===========================================================================
 * Cancel (io/cancel.c) and cancel-safe queues (io/csq.c).
 * =========================================================================== */

BOOLEAN NTAPI IoCancelIrp(_In_ PIRP Irp);
VOID NTAPI IoAcquireCancelSpinLock(_Out_ PKIRQL Irql);
VOID NTAPI IoReleaseCancelSpinLock(_In_ KIRQL Irql);

NTSTATUS NTAPI IoCsqInitialize(_Out_ PIO_CSQ Csq, _In_ PIO_CSQ_INSERT_IRP CsqInsertIrp,
                               _In_ PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                               _In_ PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp,
                               _In_ PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                               _In_ PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                               _In_ PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp);
NTSTATUS NTAPI IoCsqInitializeEx(_Out_ PIO_CSQ Csq, _In_ PIO_CSQ_INSERT_IRP_EX CsqInsertIrp,
                                 _In_ PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                                 _In_ PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp,
                                 _In_ PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                                 _In_ PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                                 _In_ PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp);
VOID NTAPI IoCsqInsertIrp(_Inout_ PIO_CSQ Csq, _Inout_ PIRP Irp,
                          _Out_opt_ PIO_CSQ_IRP_CONTEXT Context);
NTSTATUS NTAPI IoCsqInsertIrpEx(_Inout_ PIO_CSQ Csq, _Inout_ PIRP Irp,
                                _Out_opt_ PIO_CSQ_IRP_CONTEXT Context,
                                _In_opt_ PVOID InsertContext);
PIRP NTAPI IoCsqRemoveIrp(_Inout_ PIO_CSQ Csq, _Inout_ PIO_CSQ_IRP_CONTEXT Context);
PIRP NTAPI IoCsqRemoveNextIrp(_Inout_ PIO_CSQ Csq, _In_opt_ PVOID PeekContext);

/* ===========================================================================
 * Device queues and StartIo (kernel/ke/devqueue.c, io/startio.c).
 * =========================================================================== */

VOID NTAPI KeInitializeDeviceQueue(_Out_ PKDEVICE_QUEUE DeviceQueue);
BOOLEAN NTAPI KeInsertDeviceQueue(_Inout_ PKDEVICE_QUEUE DeviceQueue,
                                  _Inout_ PKDEVICE_QUEUE_ENTRY DeviceQueueEntry);
BOOLEAN NTAPI KeInsertByKeyDeviceQueue(_Inout_ PKDEVICE_QUEUE DeviceQueue,
                                       _Inout_ PKDEVICE_QUEUE_ENTRY DeviceQueueEntry,
                                       _In_ ULONG SortKey);
PKDEVICE_QUEUE_ENTRY NTAPI KeRemoveDeviceQueue(_Inout_ PKDEVICE_QUEUE DeviceQueue);
PKDEVICE_QUEUE_ENTRY NTAPI KeRemoveByKeyDeviceQueue(_Inout_ PKDEVICE_QUEUE DeviceQueue,
                                                    _In_ ULONG SortKey);
PKDEVICE_QUEUE_ENTRY NTAPI KeRemoveByKeyDeviceQueueIfBusy(_Inout_ PKDEVICE_QUEUE DeviceQueue,
                                                          _In_ ULONG SortKey);
BOOLEAN NTAPI KeRemoveEntryDeviceQueue(_Inout_ PKDEVICE_QUEUE DeviceQueue,
                                       _Inout_ PKDEVICE_QUEUE_ENTRY DeviceQueueEntry);

VOID NTAPI IoStartPacket(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_opt_ PULONG Key,
                         _In_opt_ PDRIVER_CANCEL CancelFunction);
VOID NTAPI IoStartNextPacket(_In_ PDEVICE_OBJECT DeviceObject, _In_ BOOLEAN Cancelable);
VOID NTAPI IoStartNextPacketByKey(_In_ PDEVICE_OBJECT DeviceObject, _In_ BOOLEAN Cancelable,
                                  _In_ ULONG Key);
VOID NTAPI IoSetStartIoAttributes(_In_ PDEVICE_OBJECT DeviceObject,
                                  _In_ BOOLEAN DeferredStartIo, _In_ BOOLEAN NonCancelable);

/* ===========================================================================
 * IoTimer (io/iotimer.c): once a second, at DISPATCH_LEVEL.
 * =========================================================================== */

NTSTATUS NTAPI IoInitializeTimer(_In_ PDEVICE_OBJECT DeviceObject,
                                 _In_ PIO_TIMER_ROUTINE TimerRoutine, _In_opt_ PVOID Context);
VOID NTAPI IoStartTimer(_In_ PDEVICE_OBJECT DeviceObject);
VOID NTAPI IoStopTimer(_In_ PDEVICE_OBJECT DeviceObject);

/* ===========================================================================
 * Remove locks (io/remlock.c). The Ex routines take the lock size so a
 * checked-build layout could be told apart; the WDK's macros fill it in.
 * =========================================================================== */

VOID NTAPI IoInitializeRemoveLockEx(_Out_ PIO_REMOVE_LOCK Lock, _In_ ULONG AllocateTag,
                                    _In_ ULONG MaxLockedMinutes, _In_ ULONG HighWatermark,
                                    _In_ ULONG RemlockSize);
NTSTATUS NTAPI IoAcquireRemoveLockEx(_Inout_ PIO_REMOVE_LOCK RemoveLock, _In_opt_ PVOID Tag,
                                     _In_ PCSTR File, _In_ ULONG Line, _In_ ULONG RemlockSize);
VOID NTAPI IoReleaseRemoveLockEx(_Inout_ PIO_REMOVE_LOCK RemoveLock, _In_opt_ PVOID Tag,
                                 _In_ ULONG RemlockSize);
VOID NTAPI IoReleaseRemoveLockAndWaitEx(_Inout_ PIO_REMOVE_LOCK RemoveLock, _In_opt_ PVOID Tag,
                                        _In_ ULONG RemlockSize);

#define IoInitializeRemoveLock(Lock, Tag, Maxmin, HighWater) \
    IoInitializeRemoveLockEx(Lock, Tag, Maxmin, HighWater, sizeof(IO_REMOVE_LOCK))
#define IoAcquireRemoveLock(RemoveLock, Tag) \
    IoAcquireRemoveLockEx(RemoveLock, Tag, __FILE__, __LINE__, sizeof(IO_REMOVE_LOCK))
#define IoReleaseRemoveLock(RemoveLock, Tag) \
    IoReleaseRemoveLockEx(RemoveLock, Tag, sizeof(IO_REMOVE_LOCK))
#define IoReleaseRemoveLockAndWait(RemoveLock, Tag) \
    IoReleaseRemoveLockAndWaitEx(RemoveLock, Tag, sizeof(IO_REMOVE_LOCK))

/* ===========================================================================
 * Work items (io/workitem.c).
 * =========================================================================== */

_Must_inspect_result_ PIO_WORKITEM NTAPI IoAllocateWorkItem(_In_ PDEVICE_OBJECT DeviceObject);
VOID NTAPI IoFreeWorkItem(_In_ PIO_WORKITEM IoWorkItem);
VOID NTAPI IoQueueWorkItem(_Inout_ PIO_WORKITEM IoWorkItem,
                           _In_ PIO_WORKITEM_ROUTINE WorkerRoutine,
                           _In_ WORK_QUEUE_TYPE QueueType, _In_opt_ PVOID Context);
VOID NTAPI IoQueueWorkItemEx(_Inout_ PIO_WORKITEM IoWorkItem,
                             _In_ PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
                             _In_ WORK_QUEUE_TYPE QueueType, _In_opt_ PVOID Context);
/* A work item in the caller's own non-paged storage of IoSizeofWorkItem()
 * bytes, for a device or driver object; IoUninitializeWorkItem before the
 * storage goes. */
ULONG NTAPI IoSizeofWorkItem(VOID);
VOID NTAPI IoInitializeWorkItem(_In_ PVOID IoObject, _Out_ PIO_WORKITEM IoWorkItem);
VOID NTAPI IoUninitializeWorkItem(_Inout_ PIO_WORKITEM IoWorkItem);

/* ===========================================================================
 * The kernel file API (io/file*.c). Handles are kernel handles.
 * =========================================================================== */

NTSTATUS NTAPI ZwCreateFile(_Out_ PHANDLE FileHandle, _In_ ACCESS_MASK DesiredAccess,
                            _In_ struct _OBJECT_ATTRIBUTES *ObjectAttributes,
                            _Out_ PIO_STATUS_BLOCK IoStatusBlock,
                            _In_opt_ PLARGE_INTEGER AllocationSize, _In_ ULONG FileAttributes,
                            _In_ ULONG ShareAccess, _In_ ULONG CreateDisposition,
                            _In_ ULONG CreateOptions, _In_opt_ PVOID EaBuffer,
                            _In_ ULONG EaLength);
NTSTATUS NTAPI ZwOpenFile(_Out_ PHANDLE FileHandle, _In_ ACCESS_MASK DesiredAccess,
                          _In_ struct _OBJECT_ATTRIBUTES *ObjectAttributes,
                          _Out_ PIO_STATUS_BLOCK IoStatusBlock, _In_ ULONG ShareAccess,
                          _In_ ULONG OpenOptions);
NTSTATUS NTAPI ZwReadFile(_In_ HANDLE FileHandle, _In_opt_ HANDLE Event,
                          _In_opt_ PIO_APC_ROUTINE ApcRoutine, _In_opt_ PVOID ApcContext,
                          _Out_ PIO_STATUS_BLOCK IoStatusBlock, _Out_ PVOID Buffer,
                          _In_ ULONG Length, _In_opt_ PLARGE_INTEGER ByteOffset,
                          _In_opt_ PULONG Key);
NTSTATUS NTAPI ZwWriteFile(_In_ HANDLE FileHandle, _In_opt_ HANDLE Event,
                           _In_opt_ PIO_APC_ROUTINE ApcRoutine, _In_opt_ PVOID ApcContext,
                           _Out_ PIO_STATUS_BLOCK IoStatusBlock, _In_ PVOID Buffer,
                           _In_ ULONG Length, _In_opt_ PLARGE_INTEGER ByteOffset,
                           _In_opt_ PULONG Key);
NTSTATUS NTAPI ZwDeviceIoControlFile(_In_ HANDLE FileHandle, _In_opt_ HANDLE Event,
                                     _In_opt_ PIO_APC_ROUTINE ApcRoutine,
                                     _In_opt_ PVOID ApcContext,
                                     _Out_ PIO_STATUS_BLOCK IoStatusBlock,
                                     _In_ ULONG IoControlCode, _In_opt_ PVOID InputBuffer,
                                     _In_ ULONG InputBufferLength, _Out_opt_ PVOID OutputBuffer,
                                     _In_ ULONG OutputBufferLength);
NTSTATUS NTAPI ZwFlushBuffersFile(_In_ HANDLE FileHandle, _Out_ PIO_STATUS_BLOCK IoStatusBlock);

#endif /* _KESTREL_DDK_IO_H */
