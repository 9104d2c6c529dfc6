/*
 * tests/kernel/irpstack.h - the layered test stack the IRP tests send
 * requests through (tests/kernel/irpstack.c):
 *
 *     \Driver\KtIrpFilter   FilterB   StackSize 3   (top)
 *     \Driver\KtIrpFilter   FilterA   StackSize 2
 *     \Driver\KtIrpLower    Lower     StackSize 1   the function driver
 *
 * The function driver does what KtIrpLowerMode says with every request:
 * reads fill the caller's buffer with KtIrpPattern bytes, writes and IOCTL
 * inputs are recorded in KtIrpStack.Seen, IOCTL outputs get the pattern
 * too, reached through SystemBuffer, the MDL or UserBuffer as the request
 * says. Each filter passes requests down in the way KtIrpFilterMode says,
 * with a completion routine that records itself in KtIrpStack.Trace.
 */
#ifndef KESTREL_TESTS_KERNEL_IRPSTACK_H
#define KESTREL_TESTS_KERNEL_IRPSTACK_H

#include "tests/kernel/ktest.h"

#ifndef STATUS_CONTINUE_COMPLETION
#define STATUS_CONTINUE_COMPLETION STATUS_SUCCESS
#endif

typedef enum _KT_LOWER_MODE {
    KtLowerComplete,            /* complete in the dispatch routine */
    KtLowerPendDpc,             /* IoMarkIrpPending, KeInsertQueueDpc, complete in the DPC */
    KtLowerPendTimer,           /* the same from a timer DPC 2 ms later */
    KtLowerHold,                /* IoMarkIrpPending and keep it in KtIrpStack.HeldIrp */
    /* Planted bugs (tests/kernel/irpverify.c). */
    KtLowerPendNoMark,          /* STATUS_PENDING without IoMarkIrpPending, completed by a timer */
    KtLowerCompleteNoMarkPending, /* completes, then returns STATUS_PENDING unmarked */
    KtLowerCompleteTwice,
    KtLowerLeaveCancelRoutine,  /* completes with a cancel routine still set */
} KT_LOWER_MODE;

typedef enum _KT_FILTER_MODE {
    KtFilterCopy,               /* copy the location, completion routine, IoCallDriver */
    KtFilterSkip,               /* IoSkipCurrentIrpStackLocation, IoCallDriver */
    KtFilterForward,            /* IoForwardIrpSynchronously, then complete it itself */
} KT_FILTER_MODE;

#define KT_TRACE_MAX 16

/* One completion routine call. */
typedef struct _KT_TRACE_ENTRY {
    CHAR Who;                   /* 'A', 'B' (filters), 'T' (the sender's routine) */
    PDEVICE_OBJECT DeviceObject;
    PVOID Context;
    BOOLEAN PendingReturned;
    NTSTATUS Status;
} KT_TRACE_ENTRY;

typedef struct _KT_IRP_STACK {
    PDRIVER_OBJECT LowerDriver, FilterDriver;
    PDEVICE_OBJECT Lower, FilterA, FilterB;

    /* Behaviour, set by each test (KtIrpStackCreate resets it). */
    KT_LOWER_MODE LowerMode;
    KT_FILTER_MODE FilterMode;
    NTSTATUS LowerStatus;       /* what the function driver completes with */
    LONG LowerInformation;      /* -1: the request's length */
    BOOLEAN LowerSetsCancel;    /* sets Irp->Cancel before completing */
    UCHAR FilterControl;        /* SL_INVOKE_ON_* of both filters' routines */
    BOOLEAN FilterAClaims;      /* FilterA's routine returns MORE_PROCESSING_REQUIRED */

    /* What happened. */
    ULONG LowerDispatches, LowerCompletions;
    PIRP HeldIrp;               /* KtLowerHold, and the IRP FilterA claimed */
    UCHAR Seen[64];             /* the first bytes the function driver received */
    ULONG SeenLength;
    ULONG TraceCount;
    KT_TRACE_ENTRY Trace[KT_TRACE_MAX];
    KDPC Dpc;
    KTIMER Timer;
    PIRP DpcIrp;
} KT_IRP_STACK;

extern KT_IRP_STACK KtIrpStack;

/* Byte i of what the function driver returns. */
#define KtIrpPattern(i) ((UCHAR)(0xA5 ^ (UCHAR)((i) * 7)))

/* Loads both drivers and builds the stack; DeviceFlags (DO_BUFFERED_IO,
 * DO_DIRECT_IO or 0) go on every device. PASSIVE_LEVEL. */
NTSTATUS KtIrpStackCreate(ULONG DeviceFlags);
/* Tears it down and unloads both drivers. */
VOID KtIrpStackDestroy(VOID);

/* Records a completion routine call (any IRQL <= DISPATCH_LEVEL). */
VOID KtIrpTrace(CHAR Who, PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context);

#endif /* KESTREL_TESTS_KERNEL_IRPSTACK_H */
