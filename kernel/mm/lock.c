/*
 * kernel/mm/lock.c - the memory manager's spin locks.
 *
 * The frame allocator and the page tables may be reached at any IRQL (the
 * pool calls in at DISPATCH_LEVEL, a crash report may ask MmIsAddressValid
 * from an interrupt), and must never be re-entered by an interrupt on the
 * processor that holds them. So a lock is taken with interrupts off,
 * and spins with PAUSE (Intel SDM vol. 2B, PAUSE: "improves the performance
 * of spin-wait loops") until the holder on another processor lets go.
 */
#include "kernel/mm/mi.h"

ULONG_PTR
MiAcquireLock(PMI_LOCK Lock)
{
    ULONG_PTR Flags;

    __asm__ __volatile__("pushfq; popq %0; cli" : "=r"(Flags) : : "memory");
    while (__atomic_exchange_n(&Lock->Held, 1, __ATOMIC_ACQUIRE) != 0) {
        while (__atomic_load_n(&Lock->Held, __ATOMIC_RELAXED) != 0) {
            __asm__ __volatile__("pause");
        }
    }
    return Flags;
}

VOID
MiReleaseLock(PMI_LOCK Lock, ULONG_PTR SavedFlags)
{
    __atomic_store_n(&Lock->Held, 0, __ATOMIC_RELEASE);
    /* Interrupts come back on only if they were on when the lock was taken. */
    if (SavedFlags & (1UL << 9)) {
        __asm__ __volatile__("sti" : : : "memory");
    }
}
