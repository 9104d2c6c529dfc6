/*
 * kernel/ke/readyq.h - the ready queues: one FIFO list per priority and a
 * summary bitmap of the non-empty ones (kernel/ke/readyq.c, host-tested).
 *
 * Bit n of Summary is set exactly when ListHead[n] is not empty, so the
 * highest priority with a ready thread is one BSR (the bit scan reverse
 * instruction, __builtin_clz) instead of a walk over 32 lists. Pure list
 * logic; the caller holds the dispatcher lock.
 */
#ifndef KESTREL_KERNEL_KE_READYQ_H
#define KESTREL_KERNEL_KE_READYQ_H

#include <wdm.h>

#define KI_PRIORITY_LEVELS 32

typedef struct _KI_READY_QUEUES {
    ULONG Summary;
    LIST_ENTRY ListHead[KI_PRIORITY_LEVELS];
} KI_READY_QUEUES, *PKI_READY_QUEUES;

VOID KiReadyQueuesInitialize(_Out_ PKI_READY_QUEUES Queues);

/* Links Entry at the tail of its priority's list (AtFront: at the head,
 * for a thread that was preempted and keeps its place). Inline: it is on
 * the path from a DPC's KeSetEvent to the woken thread. */
FORCEINLINE VOID
KiReadyQueuesInsert(_Inout_ PKI_READY_QUEUES Queues, _Inout_ PLIST_ENTRY Entry, ULONG Priority,
                    BOOLEAN AtFront)
{
    if (AtFront) {
        InsertHeadList(&Queues->ListHead[Priority], Entry);
    } else {
        InsertTailList(&Queues->ListHead[Priority], Entry);
    }
    Queues->Summary |= 1U << Priority;
}

/* Unlinks Entry, which is on Priority's list. */
VOID KiReadyQueuesRemove(_Inout_ PKI_READY_QUEUES Queues, _Inout_ PLIST_ENTRY Entry,
                         ULONG Priority);

/* The highest priority with a ready entry, or -1 when all are empty. */
FORCEINLINE LONG
KiReadyQueuesHighest(_In_ const KI_READY_QUEUES *Queues)
{
    return Queues->Summary == 0 ? -1 : 31 - __builtin_clz(Queues->Summary);
}

/* Unlinks and returns the first entry of the highest priority list that is
 * at least MinimumPriority, or NULL; *Priority gets its priority. */
PLIST_ENTRY KiReadyQueuesRemoveHighest(_Inout_ PKI_READY_QUEUES Queues, ULONG MinimumPriority,
                                       _Out_ PULONG Priority);

#endif /* KESTREL_KERNEL_KE_READYQ_H */
