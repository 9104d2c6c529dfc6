/*
 * kernel/ke/mutex.c - KMUTEX (the kernel's mutant).
 *
 * SignalState is 1 when the mutex is free. A satisfied wait takes it
 * (kernel/ke/wait.c): the count drops by one and the first acquisition
 * makes the waiter OwnerThread and puts the mutex on the thread's
 * MutantListHead. The owner's further waits are satisfied at once, each
 * dropping the count again (recursion), and each KeReleaseMutex gives one
 * back; the last makes it free and ends the first waiting thread's wait.
 *
 * A thread that terminates owning mutexes abandons them (kernel/ke/thread.c):
 * each becomes free with Abandoned set, and the next wait that takes it
 * returns STATUS_ABANDONED (STATUS_ABANDONED_WAIT_0 + n in a WaitAny).
 *
 * Releasing a mutex the current thread does not own stops the machine:
 * THREAD_NOT_MUTEX_OWNER (0x11), P1 the mutex, P2 the current thread, P3
 * the owner (0 when free), P4 the caller's address.
 *
 * Windows also disables normal kernel APCs while a thread owns a mutex
 * (ApcDisable); Kestrel has no APCs yet, so the field is kept and unused.
 */
#include "kernel/ke/thread.h"

/* IRQL <= DISPATCH_LEVEL. Level is for Windows' lock-order checking,
 * which Kestrel does not do. */
VOID NTAPI
KeInitializeMutex(PRKMUTEX Mutex, ULONG Level)
{
    UNREFERENCED_PARAMETER(Level);
    Mutex->Header.Lock = 0;
    Mutex->Header.Type = KI_MUTANT_OBJECT;
    Mutex->Header.Size = sizeof(KMUTEX) / sizeof(LONG);
    Mutex->Header.SignalState = 1;
    InitializeListHead(&Mutex->Header.WaitListHead);
    Mutex->MutantListEntry.Flink = NULL;
    Mutex->MutantListEntry.Blink = NULL;
    Mutex->OwnerThread = NULL;
    Mutex->Abandoned = FALSE;
    Mutex->ApcDisable = 1;
}

/* Any IRQL: 1 free, 0 owned once, -n owned n + 1 times. */
LONG NTAPI
KeReadStateMutex(PRKMUTEX Mutex)
{
    return __atomic_load_n(&Mutex->Header.SignalState, __ATOMIC_SEQ_CST);
}

/* IRQL <= DISPATCH_LEVEL. Returns the previous state. */
LONG NTAPI
KeReleaseMutex(PRKMUTEX Mutex, BOOLEAN Wait)
{
    KIRQL OldIrql = KiAcquireDispatcherLock();
    PKTHREAD Thread = KiCurrentThread();
    LONG Previous = Mutex->Header.SignalState;

    if (Mutex->OwnerThread != Thread || Thread == NULL) {
        DbgPrint("KeReleaseMutex: mutex %p released at %pS by thread %p, which does not own "
                 "it (%s%p)\n", Mutex, __builtin_return_address(0), Thread,
                 Mutex->OwnerThread == NULL ? "it is free " : "owner ", Mutex->OwnerThread);
        KeBugCheckEx(THREAD_NOT_MUTEX_OWNER, (ULONG_PTR)Mutex, (ULONG_PTR)Thread,
                     (ULONG_PTR)Mutex->OwnerThread, (ULONG_PTR)__builtin_return_address(0));
    }
    Mutex->Header.SignalState = Previous + 1;
    if (Mutex->Header.SignalState == 1) {
        Mutex->OwnerThread = NULL;
        RemoveEntryList(&Mutex->MutantListEntry);
        if (!IsListEmpty(&Mutex->Header.WaitListHead)) {
            KiWaitTest(KeGetCurrentPrcb(), &Mutex->Header);
        }
    }
    KiExitDispatcherOrKeepForWait(OldIrql, Wait);
    return Previous;
}
