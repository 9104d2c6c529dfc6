/*
 * io/iopirp.h - the I/O manager's IRP internals: allocation (io/irp.c), the
 * dispatch and completion paths (io/iocall.c, io/complete.c), the IRPs it
 * builds (io/iobuild.c) and the I/O verifier (io/verifier.c).
 *
 * The picture of an IRP's life is at the top of io/irp.c.
 */
#ifndef KESTREL_IO_IOPIRP_H
#define KESTREL_IO_IOPIRP_H

#include <wdm.h>

/* Pool tags, as they read in a pool dump. */
#define IOP_IRP_TAG ' prI'                  /* "Irp " */
#define IOP_COMPLETION_CONTEXT_TAG 'xCoI'   /* "IoCx": IoSetCompletionRoutineEx */
#define IOP_SYSTEM_BUFFER_TAG 'fBoI'        /* "IoBf": buffered I/O's SystemBuffer */

/*
 * IRPs of up to IOP_LARGE_IRP_STACK_SIZE locations come from two
 * lookaside lists, one sized for one location and one for eight; larger
 * ones come from the pool. Such an IRP has AllocationFlags
 * IRP_ALLOCATED_FIXED_SIZE | IRP_LOOKASIDE_ALLOCATION; its StackCount is
 * what the caller asked for (the block may be larger), so running off the
 * bottom of the stack is caught exactly where the caller's arithmetic says.
 */
#define IOP_SMALL_IRP_STACK_SIZE 1
/* AllocationFlags bit (private; the WDK's use 0x01-0x08): the memory is
 * the I/O manager's (IoAllocateIrp). An IRP a driver set up with
 * IoInitializeIrp in its own memory lacks it, and is never freed here. */
#define IOP_IRP_ALLOCATED_BY_IO 0x80
#define IOP_LARGE_IRP_STACK_SIZE 8

/* Sets up the IRP lookaside lists and reads "verifier=off" from the
 * command line. PASSIVE_LEVEL, once, from IoInitSystem before any IRP. */
VOID IopInitializeIrpSystem(VOID);

/* The verifier switch: TRUE unless the command line says verifier=off. */
extern BOOLEAN IopVerifierEnabled;

/* Gives an IRP's memory back (lookaside list or pool) with no checks: the
 * end of final completion and IoFreeIrp after its checks. Any IRQL <=
 * DISPATCH_LEVEL. */
VOID IopFreeIrp(_In_ PIRP Irp);

/*
 * Stack-location Control bits private to the I/O manager. The WDK uses
 * 0x01, 0x02, 0x20, 0x40 and 0x80; drivers set Control only through
 * IoMarkIrpPending, IoSetCompletionRoutine (which clears it first) and
 * IoCopyCurrentIrpStackLocationToNext (which clears the next one), so these
 * survive exactly as long as the location's dispatch does.
 *   SL_IOP_DISPATCHED: IoCallDriver counted this location's device in its
 *     outstanding-IRP count (verifier on); completion uncounts it.
 *   SL_IOP_PENDING_CHECK: the dispatch routine returned STATUS_PENDING
 *     before the IRP was completed past this location; when completion
 *     unwinds it, it must be marked pending (IoMarkIrpPending, by the
 *     dispatch routine or by the completion routine below it).
 */
#define SL_IOP_PENDING_CHECK 0x04
#define SL_IOP_DISPATCHED 0x10

/*
 * The verifier's state of one IRP, kept in IRP.Reserved (the WDK reserves
 * it for the system; IoReuseIrp keeps the hold bits):
 *   bits 0-7  the CurrentLocation the IRP had when it was first passed to
 *             IoCallDriver (0: never): while CurrentLocation is below it,
 *             a driver owns the IRP and only completion may end its life;
 *   bits 8-14 IoCallDriver calls in progress on the IRP: until they return,
 *             freeing it is deferred, so that each can still check what its
 *             dispatch routine returned against the IRP;
 *   bit 15    a free was deferred.
 */
#define IOP_VERIFIER_ORIGIN_MASK 0x00FF
#define IOP_VERIFIER_HOLD_ONE 0x0100
#define IOP_VERIFIER_HOLD_MASK 0x7F00
#define IOP_VERIFIER_FREE_DEFERRED 0x8000

FORCEINLINE USHORT
IopIrpVerifierState(PIRP Irp)
{
    return __atomic_load_n(&Irp->Reserved, __ATOMIC_RELAXED);
}

/* Interlocked on the IRP's state word, which a DPC may change too. */
FORCEINLINE USHORT
IopIrpVerifierUpdate(PIRP Irp, USHORT Clear, USHORT Set)
{
    USHORT Old = __atomic_load_n(&Irp->Reserved, __ATOMIC_RELAXED);

    while (!__atomic_compare_exchange_n(&Irp->Reserved, &Old, (USHORT)((Old & ~Clear) | Set),
                                        FALSE, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
    }
    return Old;
}

/* The verifier's half of IoCallDriver: the checks, the counts, then the
 * same dispatch (io/verifier.c). */
NTSTATUS IopVerifierCallDriver(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp,
                               _In_ PVOID Caller);

/* Checks an IoCompleteRequest before anything moves: IRQL, status, cancel
 * routine. Returns only when all is well. */
VOID IopVerifierCheckCompletion(_In_ PIRP Irp, _In_ PVOID Caller);

/* Checks an IoFreeIrp or IoReuseIrp: the IRP is an IRP, no driver owns
 * it, no thread list holds it. Returns only when all is well. */
VOID IopVerifierCheckFree(_In_ PIRP Irp, _In_ PCSTR Routine, _In_ PVOID Caller);

/* Completion is unwinding IrpSp, whose dispatch routine returned
 * STATUS_PENDING: it must be marked pending. */
VOID IopVerifierCheckPendingUnwind(_In_ PIRP Irp, _In_ PIO_STACK_LOCATION IrpSp);

/* The double completion every build catches (MULTIPLE_IRP_COMPLETE_REQUESTS). */
DECLSPEC_NORETURN VOID IopBugCheckMultipleCompletion(_In_ PIRP Irp, _In_ PVOID Caller);

/* IoCompleteRequest of an IRP whose cancel routine is still set
 * (CANCEL_STATE_IN_COMPLETED_IRP), the check every build makes; the
 * verifier reports the same mistake first as 0xC9/0x07. */
DECLSPEC_NORETURN VOID IopBugCheckCancelStateInCompletedIrp(_In_ PIRP Irp, _In_ PVOID Caller);

/* IoCallDriver running out of stack locations (NO_MORE_IRP_STACK_LOCATIONS). */
DECLSPEC_NORETURN VOID IopBugCheckNoMoreStackLocations(_In_ PDEVICE_OBJECT DeviceObject,
                                                       _In_ PIRP Irp);

/*
 * Outstanding IRPs per device (verifier on): IRPs IoCallDriver passed to
 * the device that completion has not yet unwound past it. A driver that
 * passes an IRP on with IoSkipCurrentIrpStackLocation is done with it at
 * that moment. The count lives in DEVOBJ_EXTENSION.VerifierContext. The
 * object layer checks it when a device is deleted and a driver unloaded
 * (IRPs still outstanding there are leaked). Any IRQL.
 */
FORCEINLINE volatile LONG64 *
IopDeviceIrpCountAddress(PDEVICE_OBJECT DeviceObject)
{
    return (volatile LONG64 *)&DeviceObject->DeviceObjectExtension->VerifierContext;
}

LONG64 IopGetOutstandingIrpCount(_In_ PDEVICE_OBJECT DeviceObject);

/* IRPs IoAllocateIrp handed out that are not freed yet (IRP memory, for
 * leak checks; IOP_IRP_TAG's pool numbers also count the IRPs the
 * lookaside lists keep for reuse). Exact while no IRP is allocated or
 * freed meanwhile. Any IRQL. */
LONG64 IopQueryIrpsInUse(VOID);

/* The sum over a driver's devices. PASSIVE_LEVEL, with the driver's device
 * list stable (no IoCreateDevice/IoDeleteDevice for it meanwhile). */
LONG64 IopGetDriverOutstandingIrpCount(_In_ PDRIVER_OBJECT DriverObject);

/* Completion unwound a location IoCallDriver had counted. */
FORCEINLINE VOID
IopUncountDeviceIrp(PDEVICE_OBJECT DeviceObject)
{
    if (DeviceObject != NULL && DeviceObject->DeviceObjectExtension != NULL) {
        InterlockedDecrement64(IopDeviceIrpCountAddress(DeviceObject));
    }
}

/* The driver whose device an IRP stack location names, for messages:
 * "\Driver\Xxx", or a placeholder. */
PCUNICODE_STRING IopDriverNameOfDevice(_In_opt_ PDEVICE_OBJECT DeviceObject);

/* Buffers an IRP carries to its driver (io/iobuild.c), for IoBuild* and
 * the file API alike: a zeroed SystemBuffer (tag IOP_SYSTEM_BUFFER_TAG,
 * freed by final completion) with CopyIn bytes of Source, and an MDL over a
 * caller's buffer, locked for Operation. FALSE when memory is short.
 * IRQL <= DISPATCH_LEVEL. */
BOOLEAN IopAttachSystemBuffer(PIRP Irp, ULONG Length, PVOID Source, ULONG CopyIn, BOOLEAN Input);
BOOLEAN IopAttachMdl(PIRP Irp, PVOID Buffer, ULONG Length, LOCK_OPERATION Operation);

#endif /* KESTREL_IO_IOPIRP_H */
