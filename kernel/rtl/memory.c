/*
 * kernel/rtl/memory.c - copying, filling and comparing memory.
 *
 * These are the kernel's memcpy, memmove, memset and memcmp (the WDK's
 * RtlCopyMemory family expands to them) and RtlCompareMemory. They are plain
 * C so that the host unit tests run exactly this code. Where source and
 * destination share their alignment, the middle of a block moves eight bytes
 * at a time; the kernel is built without SSE, so wider moves are not an
 * option and byte loops alone would make every structure copy slow.
 *
 * Safe at any IRQL: nothing here allocates, waits or takes a lock.
 */
#include "kernel/rtl/crt.h"

/* A machine word that may alias any object, so that copying a block of
 * structures word by word does not break C's type-based aliasing rules. */
typedef ULONG64 __attribute__((may_alias)) RTLP_WORD;

#define RTLP_WORD_MASK (sizeof(RTLP_WORD) - 1)

static inline BOOLEAN
RtlpSameAlignment(const VOID *Left, const VOID *Right)
{
    return (((ULONG_PTR)Left ^ (ULONG_PTR)Right) & RTLP_WORD_MASK) == 0;
}

/* Copies front to back; also correct for overlapping blocks when Destination
 * lies below Source, which is why RtlpMemoryMove can use it. */
RTLP_NO_LIBCALL PVOID
RtlpMemoryCopy(PVOID Destination, const VOID *Source, SIZE_T Length)
{
    PUCHAR To = Destination;
    const UCHAR *From = Source;

    if (RtlpSameAlignment(To, From)) {
        while (Length != 0 && ((ULONG_PTR)To & RTLP_WORD_MASK) != 0) {
            *To++ = *From++;
            Length--;
        }
        while (Length >= sizeof(RTLP_WORD)) {
            *(RTLP_WORD *)To = *(const RTLP_WORD *)From;
            To += sizeof(RTLP_WORD);
            From += sizeof(RTLP_WORD);
            Length -= sizeof(RTLP_WORD);
        }
    }
    while (Length != 0) {
        *To++ = *From++;
        Length--;
    }
    return Destination;
}

/* Copies back to front, for a Destination that overlaps the end of Source. */
RTLP_NO_LIBCALL static VOID
RtlpMemoryCopyBackward(PUCHAR Destination, const UCHAR *Source, SIZE_T Length)
{
    PUCHAR To = Destination + Length;
    const UCHAR *From = Source + Length;

    if (RtlpSameAlignment(To, From)) {
        while (Length != 0 && ((ULONG_PTR)To & RTLP_WORD_MASK) != 0) {
            *--To = *--From;
            Length--;
        }
        while (Length >= sizeof(RTLP_WORD)) {
            To -= sizeof(RTLP_WORD);
            From -= sizeof(RTLP_WORD);
            *(RTLP_WORD *)To = *(const RTLP_WORD *)From;
            Length -= sizeof(RTLP_WORD);
        }
    }
    while (Length != 0) {
        *--To = *--From;
        Length--;
    }
}

PVOID
RtlpMemoryMove(PVOID Destination, const VOID *Source, SIZE_T Length)
{
    ULONG_PTR To = (ULONG_PTR)Destination;
    ULONG_PTR From = (ULONG_PTR)Source;

    /* Only a destination inside (Source, Source + Length) needs the
     * backward copy; every other case is safe front to back. */
    if (To > From && To - From < Length) {
        RtlpMemoryCopyBackward(Destination, Source, Length);
    } else if (To != From) {
        RtlpMemoryCopy(Destination, Source, Length);
    }
    return Destination;
}

RTLP_NO_LIBCALL PVOID
RtlpMemoryFill(PVOID Destination, INT Fill, SIZE_T Length)
{
    PUCHAR To = Destination;
    UCHAR Byte = (UCHAR)Fill;
    RTLP_WORD Pattern = 0x0101010101010101ULL * Byte;

    while (Length != 0 && ((ULONG_PTR)To & RTLP_WORD_MASK) != 0) {
        *To++ = Byte;
        Length--;
    }
    while (Length >= sizeof(RTLP_WORD)) {
        *(RTLP_WORD *)To = Pattern;
        To += sizeof(RTLP_WORD);
        Length -= sizeof(RTLP_WORD);
    }
    while (Length != 0) {
        *To++ = Byte;
        Length--;
    }
    return Destination;
}

/* Compares as unsigned bytes, as C11 7.24.4.1 requires of memcmp. */
INT
RtlpMemoryCompare(const VOID *Left, const VOID *Right, SIZE_T Length)
{
    const UCHAR *A = Left;
    const UCHAR *B = Right;
    SIZE_T Index;

    for (Index = 0; Index < Length; Index++) {
        if (A[Index] != B[Index]) {
            return (INT)A[Index] - (INT)B[Index];
        }
    }
    return 0;
}

/* Returns how many leading bytes match, not an ordering: a caller asks
 * "RtlCompareMemory(a, b, n) == n" to test equality. Any IRQL for resident
 * memory. */
SIZE_T NTAPI
RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length)
{
    const UCHAR *A = Source1;
    const UCHAR *B = Source2;
    SIZE_T Matching = 0;

    while (Matching < Length && A[Matching] == B[Matching]) {
        Matching++;
    }
    return Matching;
}

#ifndef KESTREL_HOST_TEST
/* The C library names, for kernel code, drivers (through the WDK macros) and
 * the calls GCC emits for structure copies and large initializers. */
void *
memcpy(void *Destination, const void *Source, size_t Length)
{
    return RtlpMemoryCopy(Destination, Source, Length);
}

void *
memmove(void *Destination, const void *Source, size_t Length)
{
    return RtlpMemoryMove(Destination, Source, Length);
}

void *
memset(void *Destination, int Fill, size_t Length)
{
    return RtlpMemoryFill(Destination, Fill, Length);
}

int
memcmp(const void *Left, const void *Right, size_t Length)
{
    return RtlpMemoryCompare(Left, Right, Length);
}
#endif
