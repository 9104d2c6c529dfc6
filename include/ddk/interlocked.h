/*
 * ddk/interlocked.h - the Interlocked* family. Part of wdm.h.
 *
 * On x64 Windows these are compiler intrinsics that become one LOCK-prefixed
 * instruction; here they are inlines over GCC's __atomic builtins, which
 * compile to the same instructions. Every one is a full barrier
 * (__ATOMIC_SEQ_CST), as the WDK documents: no load or store moves across
 * it, in either direction, on the compiler's side or the processor's.
 *
 * Return values follow the WDK exactly, and they differ between routines:
 *   InterlockedIncrement/Decrement/Add      return the NEW value;
 *   InterlockedExchange/ExchangeAdd/Or/And  return the OLD value;
 *   InterlockedCompareExchange              returns the OLD value (equal to
 *                                           Comperand when the swap happened).
 * The destination must be naturally aligned (4 bytes for LONG, 8 for
 * LONG64 and pointers). Any IRQL.
 */
#ifndef _KESTREL_DDK_INTERLOCKED_H
#define _KESTREL_DDK_INTERLOCKED_H

#define KI_INTERLOCKED_ORDER __ATOMIC_SEQ_CST

/* ---- 32-bit ---- */

FORCEINLINE LONG
InterlockedIncrement(_Inout_ _Interlocked_operand_ LONG volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, KI_INTERLOCKED_ORDER);
}

FORCEINLINE LONG
InterlockedDecrement(_Inout_ _Interlocked_operand_ LONG volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, KI_INTERLOCKED_ORDER);
}

FORCEINLINE LONG
InterlockedAdd(_Inout_ _Interlocked_operand_ LONG volatile *Addend, _In_ LONG Value)
{
    return __atomic_add_fetch(Addend, Value, KI_INTERLOCKED_ORDER);
}

FORCEINLINE LONG
InterlockedExchangeAdd(_Inout_ _Interlocked_operand_ LONG volatile *Addend, _In_ LONG Value)
{
    return __atomic_fetch_add(Addend, Value, KI_INTERLOCKED_ORDER);
}

FORCEINLINE LONG
InterlockedExchange(_Inout_ _Interlocked_operand_ LONG volatile *Target, _In_ LONG Value)
{
    return __atomic_exchange_n(Target, Value, KI_INTERLOCKED_ORDER);
}

FORCEINLINE LONG
InterlockedCompareExchange(_Inout_ _Interlocked_operand_ LONG volatile *Destination,
                           _In_ LONG Exchange, _In_ LONG Comperand)
{
    __atomic_compare_exchange_n(Destination, &Comperand, Exchange, FALSE, KI_INTERLOCKED_ORDER,
                                KI_INTERLOCKED_ORDER);
    return Comperand;   /* on failure the builtin stored the value it found */
}

FORCEINLINE LONG
InterlockedOr(_Inout_ _Interlocked_operand_ LONG volatile *Destination, _In_ LONG Value)
{
    return __atomic_fetch_or(Destination, Value, KI_INTERLOCKED_ORDER);
}

FORCEINLINE LONG
InterlockedAnd(_Inout_ _Interlocked_operand_ LONG volatile *Destination, _In_ LONG Value)
{
    return __atomic_fetch_and(Destination, Value, KI_INTERLOCKED_ORDER);
}

FORCEINLINE LONG
InterlockedXor(_Inout_ _Interlocked_operand_ LONG volatile *Destination, _In_ LONG Value)
{
    return __atomic_fetch_xor(Destination, Value, KI_INTERLOCKED_ORDER);
}

/* ---- 64-bit ---- */

FORCEINLINE LONG64
InterlockedIncrement64(_Inout_ _Interlocked_operand_ LONG64 volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, KI_INTERLOCKED_ORDER);
}

FORCEINLINE LONG64
InterlockedDecrement64(_Inout_ _Interlocked_operand_ LONG64 volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, KI_INTERLOCKED_ORDER);
}

FORCEINLINE LONG64
InterlockedAdd64(_Inout_ _Interlocked_operand_ LONG64 volatile *Addend, _In_ LONG64 Value)
{
    return __atomic_add_fetch(Addend, Value, KI_INTERLOCKED_ORDER);
}

FORCEINLINE LONG64
InterlockedExchangeAdd64(_Inout_ _Interlocked_operand_ LONG64 volatile *Addend, _In_ LONG64 Value)
{
    return __atomic_fetch_add(Addend, Value, KI_INTERLOCKED_ORDER);
}

FORCEINLINE LONG64
InterlockedExchange64(_Inout_ _Interlocked_operand_ LONG64 volatile *Target, _In_ LONG64 Value)
{
    return __atomic_exchange_n(Target, Value, KI_INTERLOCKED_ORDER);
}

FORCEINLINE LONG64
InterlockedCompareExchange64(_Inout_ _Interlocked_operand_ LONG64 volatile *Destination,
                             _In_ LONG64 Exchange, _In_ LONG64 Comperand)
{
    __atomic_compare_exchange_n(Destination, &Comperand, Exchange, FALSE, KI_INTERLOCKED_ORDER,
                                KI_INTERLOCKED_ORDER);
    return Comperand;
}

FORCEINLINE LONG64
InterlockedOr64(_Inout_ _Interlocked_operand_ LONG64 volatile *Destination, _In_ LONG64 Value)
{
    return __atomic_fetch_or(Destination, Value, KI_INTERLOCKED_ORDER);
}

FORCEINLINE LONG64
InterlockedAnd64(_Inout_ _Interlocked_operand_ LONG64 volatile *Destination, _In_ LONG64 Value)
{
    return __atomic_fetch_and(Destination, Value, KI_INTERLOCKED_ORDER);
}

/* ---- Pointers ---- */

FORCEINLINE PVOID
InterlockedExchangePointer(_Inout_ _Interlocked_operand_ PVOID volatile *Target, _In_opt_ PVOID Value)
{
    return __atomic_exchange_n(Target, Value, KI_INTERLOCKED_ORDER);
}

FORCEINLINE PVOID
InterlockedCompareExchangePointer(_Inout_ _Interlocked_operand_ PVOID volatile *Destination,
                                  _In_opt_ PVOID Exchange, _In_opt_ PVOID Comperand)
{
    __atomic_compare_exchange_n(Destination, &Comperand, Exchange, FALSE, KI_INTERLOCKED_ORDER,
                                KI_INTERLOCKED_ORDER);
    return Comperand;
}

/* The LONG_PTR/SIZE_T spellings the WDK offers on 64-bit targets. */
#define InterlockedIncrementSizeT(a) ((SIZE_T)InterlockedIncrement64((LONG64 volatile *)(a)))
#define InterlockedDecrementSizeT(a) ((SIZE_T)InterlockedDecrement64((LONG64 volatile *)(a)))
#define InterlockedExchangeAddSizeT(a, b) \
    ((SIZE_T)InterlockedExchangeAdd64((LONG64 volatile *)(a), (LONG64)(b)))

/* A full memory barrier by itself (MFENCE-strength on x64). */
#ifndef KeMemoryBarrier
#define KeMemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef MemoryBarrier
#define MemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
/* A compiler-only barrier: no instruction, but no reordering across it. */
#ifndef KeMemoryBarrierWithoutFence
#define KeMemoryBarrierWithoutFence() __asm__ __volatile__("" : : : "memory")
#endif
#ifndef _ReadWriteBarrier
#define _ReadWriteBarrier() __asm__ __volatile__("" : : : "memory")
#endif

#endif /* _KESTREL_DDK_INTERLOCKED_H */
