/*
 * kernel/mm/bitmap.c - bitmaps of pages with contiguous-run search.
 *
 * One bit per page, 1 = in use. The frame allocator keeps one over physical
 * memory; the MMIO and stack windows keep one each over their virtual pages.
 * The search is lowest-first (first fit), which keeps low physical memory
 * busy and high memory in large free runs, and starts at a hint below which
 * every bit is known to be set, so that the common allocate-after-allocate
 * does not rescan the full prefix. Whole 64-bit words of ones are skipped.
 *
 * Pure logic: host-tested by tests/host/mm_frames.c. Callers lock.
 */
#include "kernel/mm/mi.h"

#define MI_WORD_BITS 64

/* Counts set bits (SWAR; the kernel links without libgcc, whose
 * __popcountdi2 GCC would call for __builtin_popcountll without POPCNT). */
static inline ULONGLONG
MiPopCount(ULONGLONG X)
{
    X = X - ((X >> 1) & 0x5555555555555555ULL);
    X = (X & 0x3333333333333333ULL) + ((X >> 2) & 0x3333333333333333ULL);
    X = (X + (X >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (X * 0x0101010101010101ULL) >> 56;
}

static inline BOOLEAN
MiTestBit(const MI_BITMAP *Bitmap, ULONGLONG Index)
{
    return (Bitmap->Bits[Index / MI_WORD_BITS] >> (Index % MI_WORD_BITS)) & 1;
}

BOOLEAN
MiBitmapTestBit(const MI_BITMAP *Bitmap, ULONGLONG Index)
{
    return Index < Bitmap->BitCount ? MiTestBit(Bitmap, Index) : TRUE;
}

VOID
MiBitmapInitialize(PMI_BITMAP Bitmap, PULONGLONG Bits, ULONGLONG BitCount)
{
    ULONGLONG Word;

    for (Word = 0; Word < (BitCount + MI_WORD_BITS - 1) / MI_WORD_BITS; Word++) {
        Bits[Word] = ~0ULL;
    }
    Bitmap->Bits = Bits;
    Bitmap->BitCount = BitCount;
    Bitmap->ClearCount = 0;
    Bitmap->Hint = BitCount;
}

/* Sets or clears [First, First + Count), keeping ClearCount exact: bits that
 * already had the new value are not counted twice. */
static VOID
MiChangeRun(PMI_BITMAP Bitmap, ULONGLONG First, ULONGLONG Count, BOOLEAN Set)
{
    ULONGLONG Index, End;

    if (First >= Bitmap->BitCount) {
        return;
    }
    End = Count > Bitmap->BitCount - First ? Bitmap->BitCount : First + Count;
    for (Index = First; Index < End;) {
        ULONGLONG Word = Index / MI_WORD_BITS, Shift = Index % MI_WORD_BITS;
        ULONGLONG Span = MI_WORD_BITS - Shift;
        ULONGLONG Mask, Old, New;

        if (Span > End - Index) {
            Span = End - Index;
        }
        Mask = (Span == MI_WORD_BITS ? ~0ULL : ((1ULL << Span) - 1)) << Shift;
        Old = Bitmap->Bits[Word];
        New = Set ? (Old | Mask) : (Old & ~Mask);
        Bitmap->ClearCount += MiPopCount(Old & Mask);
        Bitmap->ClearCount -= MiPopCount(New & Mask);
        Bitmap->Bits[Word] = New;
        Index += Span;
    }
    if (!Set && First < Bitmap->Hint) {
        Bitmap->Hint = First;
    }
}

VOID
MiBitmapSetRun(PMI_BITMAP Bitmap, ULONGLONG First, ULONGLONG Count)
{
    MiChangeRun(Bitmap, First, Count, TRUE);
}

VOID
MiBitmapClearRun(PMI_BITMAP Bitmap, ULONGLONG First, ULONGLONG Count)
{
    MiChangeRun(Bitmap, First, Count, FALSE);
}

/* The first clear bit at or after Index and below High, or High. */
static ULONGLONG
MiNextClear(const MI_BITMAP *Bitmap, ULONGLONG Index, ULONGLONG High)
{
    while (Index < High) {
        if ((Index % MI_WORD_BITS) == 0 && Bitmap->Bits[Index / MI_WORD_BITS] == ~0ULL) {
            Index += MI_WORD_BITS;
            continue;
        }
        if (!MiTestBit(Bitmap, Index)) {
            return Index;
        }
        Index++;
    }
    return High;
}

/* The first set bit at or after Index and below High, or High. */
static ULONGLONG
MiNextSet(const MI_BITMAP *Bitmap, ULONGLONG Index, ULONGLONG High)
{
    while (Index < High) {
        if ((Index % MI_WORD_BITS) == 0 && Bitmap->Bits[Index / MI_WORD_BITS] == 0) {
            Index += MI_WORD_BITS;
            continue;
        }
        if (MiTestBit(Bitmap, Index)) {
            return Index;
        }
        Index++;
    }
    return High;
}

ULONGLONG
MiBitmapFindClearRun(PMI_BITMAP Bitmap, ULONGLONG Count, ULONGLONG Low, ULONGLONG High)
{
    ULONGLONG Start, RunEnd;
    BOOLEAN FromHint;

    if (High > Bitmap->BitCount) {
        High = Bitmap->BitCount;
    }
    if (Count == 0 || Low >= High || Count > High - Low || Count > Bitmap->ClearCount) {
        return MI_BITMAP_NOT_FOUND;
    }
    /* Below the hint everything is set, so the search may start there. */
    FromHint = Low <= Bitmap->Hint;
    Start = FromHint ? Bitmap->Hint : Low;
    for (;;) {
        Start = MiNextClear(Bitmap, Start, High);
        if (FromHint) {
            /* Whatever lies below the first clear bit is set: move the hint up. */
            Bitmap->Hint = Start;
            FromHint = FALSE;
        }
        if (Start >= High || Count > High - Start) {
            return MI_BITMAP_NOT_FOUND;
        }
        RunEnd = MiNextSet(Bitmap, Start, Start + Count);
        if (RunEnd == Start + Count) {
            return Start;
        }
        Start = RunEnd;
    }
}

ULONGLONG
MiBitmapFindClearIn(const MI_BITMAP *Bitmap, ULONGLONG First, ULONGLONG Count)
{
    ULONGLONG High, Index;

    if (First >= Bitmap->BitCount) {
        return MI_BITMAP_NOT_FOUND;
    }
    High = Count > Bitmap->BitCount - First ? Bitmap->BitCount : First + Count;
    Index = MiNextClear(Bitmap, First, High);
    return Index < High ? Index : MI_BITMAP_NOT_FOUND;
}
