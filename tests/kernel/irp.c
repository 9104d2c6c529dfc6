/*
 * tests/kernel/irp.c - IRP allocation (io/irp.c) and lookaside lists
 * (kernel/ex/lookaside.c): layout, reuse of the same memory without the
 * pool, IoReuseIrp, IoInitializeIrp, associated IRPs, completion routines
 * on an IRP that never reaches a driver.
 */
#include "tests/kernel/ktest.h"
#include "io/iopirp.h"
#include "kernel/mm/pool.h"

#define KT_LOOKASIDE_TAG 'tsLK'

static SIZE_T
KtIrpPoolAllocations(VOID)
{
    EXP_POOL_TAG_INFO Info;

    return ExpQueryPoolTag(IOP_IRP_TAG, &Info) ? Info.Allocations : 0;
}

KTEST(IrpAllocateLayout)
{
    PIRP Irp = IoAllocateIrp(3, FALSE);
    PIO_STACK_LOCATION Stack;

    KT_ASSERT(Irp != NULL);
    Stack = (PIO_STACK_LOCATION)(Irp + 1);
    KT_ASSERT_EQ(Irp->Type, IO_TYPE_IRP);
    KT_ASSERT_EQ(Irp->Size, IoSizeOfIrp(3));
    KT_ASSERT_EQ(Irp->StackCount, 3);
    KT_ASSERT_EQ(Irp->CurrentLocation, 4);
    KT_ASSERT(Irp->Tail.Overlay.CurrentStackLocation == Stack + 3);
    KT_ASSERT(IoGetNextIrpStackLocation(Irp) == Stack + 2);
    KT_ASSERT((Irp->AllocationFlags & IRP_LOOKASIDE_ALLOCATION) != 0);
    KT_ASSERT(IsListEmpty(&Irp->ThreadListEntry));
    KT_ASSERT(Irp->MdlAddress == NULL && Irp->UserIosb == NULL && Irp->CancelRoutine == NULL);
    KT_ASSERT(!Irp->PendingReturned && !Irp->Cancel);
    IoFreeIrp(Irp);
    KT_ASSERT(IoAllocateIrp(0, FALSE) == NULL);
}

/* The common path never reaches the pool: a freed IRP is the next one. */
KTEST(IrpLookasideReuse)
{
    PIRP First, Irp;
    SIZE_T Before, Bytes;
    ULONG Round;
    CCHAR Sizes[2] = {1, 5};
    ULONG Which;

    for (Which = 0; Which < 2; Which++) {
        First = IoAllocateIrp(Sizes[Which], FALSE);
        KT_ASSERT(First != NULL);
        IoFreeIrp(First);
        Before = KtIrpPoolAllocations();
        for (Round = 0; Round < 200; Round++) {
            Irp = IoAllocateIrp(Sizes[Which], FALSE);
            KT_ASSERT(Irp == First);
            KT_ASSERT_EQ(Irp->StackCount, Sizes[Which]);
            KT_ASSERT_EQ(Irp->Type, IO_TYPE_IRP);
            IoFreeIrp(Irp);
        }
        KT_ASSERT_EQ(KtIrpPoolAllocations(), Before);
    }
    /* Past the large list's size, IRPs come from the pool, and go back. */
    Bytes = ExpPoolBytesOutstanding(IOP_IRP_TAG);
    Before = KtIrpPoolAllocations();
    Irp = IoAllocateIrp(20, FALSE);
    KT_ASSERT(Irp != NULL);
    KT_ASSERT_EQ(KtIrpPoolAllocations(), Before + 1);
    KT_ASSERT((Irp->AllocationFlags & IRP_LOOKASIDE_ALLOCATION) == 0);
    KT_ASSERT_EQ(Irp->CurrentLocation, 21);
    KT_ASSERT_EQ(ExpPoolBytesOutstanding(IOP_IRP_TAG), Bytes + IoSizeOfIrp(20));
    IoFreeIrp(Irp);
    KT_ASSERT_EQ(ExpPoolBytesOutstanding(IOP_IRP_TAG), Bytes);
}

KTEST(IrpLookasideList)
{
    NPAGED_LOOKASIDE_LIST List;
    PVOID Blocks[EX_LOOKASIDE_DEPTH + 4];
    ULONG Index;

    ExInitializeNPagedLookasideList(&List, NULL, NULL, 0, 100, KT_LOOKASIDE_TAG, 0);
    KT_ASSERT_EQ(List.L.Size, 100);
    for (Index = 0; Index < ARRAYSIZE(Blocks); Index++) {
        Blocks[Index] = ExAllocateFromNPagedLookasideList(&List);
        KT_ASSERT(Blocks[Index] != NULL);
        KT_ASSERT(((ULONG_PTR)Blocks[Index] & 15) == 0);
    }
    KT_ASSERT_EQ(List.L.AllocateMisses, ARRAYSIZE(Blocks));
    KT_ASSERT_EQ(ExpPoolBytesOutstanding(KT_LOOKASIDE_TAG), 100 * ARRAYSIZE(Blocks));
    for (Index = 0; Index < ARRAYSIZE(Blocks); Index++) {
        ExFreeToNPagedLookasideList(&List, Blocks[Index]);
    }
    /* Depth blocks kept, the rest back in the pool. */
    KT_ASSERT_EQ(List.L.FreeMisses, ARRAYSIZE(Blocks) - EX_LOOKASIDE_DEPTH);
    KT_ASSERT_EQ(List.L.ListHead.HeaderX64.Depth, EX_LOOKASIDE_DEPTH);
    KT_ASSERT_EQ(ExpPoolBytesOutstanding(KT_LOOKASIDE_TAG), 100 * EX_LOOKASIDE_DEPTH);
    /* Last in, first out. */
    KT_ASSERT(ExAllocateFromNPagedLookasideList(&List) == Blocks[EX_LOOKASIDE_DEPTH - 1]);
    ExFreeToNPagedLookasideList(&List, Blocks[EX_LOOKASIDE_DEPTH - 1]);
    ExDeleteNPagedLookasideList(&List);
    KT_ASSERT_EQ(ExpPoolBytesOutstanding(KT_LOOKASIDE_TAG), 0);
}

KTEST(IrpReuse)
{
    PIRP Irp = IoAllocateIrp(2, FALSE);
    UCHAR Flags;

    KT_ASSERT(Irp != NULL);
    Flags = Irp->AllocationFlags;
    Irp->Flags = IRP_BUFFERED_IO;
    Irp->IoStatus.Information = 99;
    Irp->Cancel = TRUE;
    IoSetNextIrpStackLocation(Irp);
    IoGetCurrentIrpStackLocation(Irp)->MajorFunction = IRP_MJ_READ;
    IoReuseIrp(Irp, STATUS_NOT_SUPPORTED);
    KT_ASSERT_EQ(Irp->IoStatus.Status, STATUS_NOT_SUPPORTED);
    KT_ASSERT_EQ(Irp->IoStatus.Information, 0);
    KT_ASSERT_EQ(Irp->Flags, 0);
    KT_ASSERT(!Irp->Cancel);
    KT_ASSERT_EQ(Irp->CurrentLocation, 3);
    KT_ASSERT_EQ(Irp->AllocationFlags, Flags);
    KT_ASSERT_EQ(((PIO_STACK_LOCATION)(Irp + 1))[1].MajorFunction, 0);
    IoFreeIrp(Irp);
}

static ULONG KtRoutineOrder[4], KtRoutineCalls;

static NTSTATUS
KtOrderRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    KtRoutineOrder[KtRoutineCalls++ & 3] = (ULONG)(ULONG_PTR)Context;
    if (Irp->PendingReturned && Irp->CurrentLocation <= Irp->StackCount) {
        IoMarkIrpPending(Irp);
    }
    /* Context 1 is the sender's: it claims the IRP. */
    return (ULONG_PTR)Context == 1 ? STATUS_MORE_PROCESSING_REQUIRED : STATUS_SUCCESS;
}

/* An IRP in the caller's own memory, its locations filled by hand as three
 * drivers would, completed from the bottom: routines run bottom-up, the
 * pending mark of the bottom climbs to the top, and the sender's routine
 * claims it (its memory is never freed by the I/O manager). */
KTEST(IrpInitializeAndUnwind)
{
    static DECLSPEC_ALIGN(16) UCHAR Storage[sizeof(IRP) + 3 * sizeof(IO_STACK_LOCATION)];
    PIRP Irp = (PIRP)Storage;
    ULONG Level;

    IoInitializeIrp(Irp, sizeof(Storage), 3);
    KT_ASSERT_EQ(Irp->CurrentLocation, 4);
    KT_ASSERT_EQ(Irp->AllocationFlags, 0);
    for (Level = 3; Level >= 1; Level--) {
        /* The driver at Level + 1 (or the sender) sets the routine for its
         * location's completion in the next one, then "sends" it. */
        IoSetCompletionRoutine(Irp, KtOrderRoutine, (PVOID)(ULONG_PTR)(4 - Level), TRUE, TRUE,
                               TRUE);
        IoSetNextIrpStackLocation(Irp);
    }
    KT_ASSERT_EQ(Irp->CurrentLocation, 1);
    IoMarkIrpPending(Irp);
    KtRoutineCalls = 0;
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    /* Bottom up: location 1 holds Context 3, location 3 the sender's 1. */
    KT_ASSERT_EQ(KtRoutineCalls, 3);
    KT_ASSERT_EQ(KtRoutineOrder[0], 3);
    KT_ASSERT_EQ(KtRoutineOrder[1], 2);
    KT_ASSERT_EQ(KtRoutineOrder[2], 1);
    KT_ASSERT(Irp->PendingReturned);
    KT_ASSERT_EQ(Irp->CurrentLocation, 4);
    KT_ASSERT_EQ(Irp->Type, IO_TYPE_IRP);       /* claimed, so neither freed nor finished */
    /* Every location was cleared as completion left it. */
    KT_ASSERT(((PIO_STACK_LOCATION)(Irp + 1))[0].CompletionRoutine == NULL);
    KT_ASSERT(((PIO_STACK_LOCATION)(Irp + 1))[2].Context == NULL);
}

static ULONG KtMasterCompletions;

static NTSTATUS
KtMasterRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Context);
    KtMasterCompletions++;
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* The master completes when the last of its associated IRPs does. */
KTEST(IrpAssociated)
{
    PIRP Master = IoAllocateIrp(2, FALSE), First, Second;

    KT_ASSERT(Master != NULL);
    IoSetCompletionRoutine(Master, KtMasterRoutine, NULL, TRUE, TRUE, TRUE);
    IoSetNextIrpStackLocation(Master);      /* as if a driver held it */
    First = IoMakeAssociatedIrp(Master, 1);
    Second = IoMakeAssociatedIrp(Master, 1);
    KT_ASSERT(First != NULL && Second != NULL);
    KT_ASSERT((First->Flags & IRP_ASSOCIATED_IRP) != 0);
    KT_ASSERT(First->AssociatedIrp.MasterIrp == Master);
    Master->AssociatedIrp.IrpCount = 2;
    KtMasterCompletions = 0;
    IoCompleteRequest(First, IO_NO_INCREMENT);
    KT_ASSERT_EQ(KtMasterCompletions, 0);
    KT_ASSERT_EQ(Master->AssociatedIrp.IrpCount, 1);
    IoCompleteRequest(Second, IO_NO_INCREMENT);
    KT_ASSERT_EQ(KtMasterCompletions, 1);
    IoFreeIrp(Master);
}
