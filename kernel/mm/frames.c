/*
 * kernel/mm/frames.c - the physical frame allocator.
 *
 * A bitmap with one bit per 4 KiB frame from physical 0 up to the end of the
 * highest free range (bitmap.c does the bit work). The bitmap lives in free
 * RAM that MmInitSystem picks from the sanitized map (below 4 GiB, so that it
 * is reachable through the boot identity map before the kernel's own tables
 * exist, and through the direct map after). Frames the map does not call
 * FREE - the kernel image, loader data, ACPI, firmware, holes - and the
 * bitmap's own frames start out used and are never handed out.
 *
 * The database routines (Mi*To / Mi*From) are pure logic, host-tested by
 * tests/host/mm_frames.c; the Mi*Frames routines at the bottom wrap them
 * with the frame lock for the rest of the kernel.
 */
#include "kernel/mm/mi.h"

MI_FRAME_DATABASE MiFrameDatabase;
static MI_LOCK MiFrameLock;

/* Frames below MiFrameCeiling only: MmInitSystem lowers it to the boot
 * identity map's 4 GiB until its own tables are live. */
static ULONGLONG MiFrameCeiling = ~0ULL;

static ULONGLONG
MiHighestFreeAddress(const MI_MEMORY_MAP *Map)
{
    ULONGLONG Highest = 0;
    ULONG I;

    for (I = 0; I < Map->RangeCount; I++) {
        if (Map->Ranges[I].Type == BOOT_MEMORY_FREE && Map->Ranges[I].End > Highest) {
            Highest = Map->Ranges[I].End;
        }
    }
    return Highest;
}

SIZE_T
MiFrameBitmapBytes(const MI_MEMORY_MAP *Map)
{
    return MI_BITMAP_BYTES(MiHighestFreeAddress(Map) >> PAGE_SHIFT);
}

ULONGLONG
MiFindFrameBitmapHome(const MI_MEMORY_MAP *Map, SIZE_T Bytes, ULONGLONG Limit)
{
    ULONGLONG Needed = ROUND_TO_PAGES(Bytes);
    ULONG I;

    for (I = 0; I < Map->RangeCount; I++) {
        const MI_MEMORY_RANGE *Range = &Map->Ranges[I];
        ULONGLONG Base = Range->Base < MI_LOW_MEMORY_LIMIT ? MI_LOW_MEMORY_LIMIT : Range->Base;
        ULONGLONG End = Range->End > Limit ? Limit : Range->End;

        if (Range->Type == BOOT_MEMORY_FREE && Base < End && End - Base >= Needed) {
            return Base;
        }
    }
    return 0;
}

VOID
MiInitializeFrameDatabase(PMI_FRAME_DATABASE Database, const MI_MEMORY_MAP *Map,
                          PULONGLONG Bits, ULONGLONG BitsPhysical)
{
    ULONGLONG FrameCount = MiHighestFreeAddress(Map) >> PAGE_SHIFT;
    ULONG I;

    MiBitmapInitialize(&Database->Bitmap, Bits, FrameCount);
    for (I = 0; I < Map->RangeCount; I++) {
        const MI_MEMORY_RANGE *Range = &Map->Ranges[I];
        if (Range->Type == BOOT_MEMORY_FREE && Range->Base >= MI_LOW_MEMORY_LIMIT) {
            MiBitmapClearRun(&Database->Bitmap, Range->Base >> PAGE_SHIFT,
                             (Range->End - Range->Base) >> PAGE_SHIFT);
        }
    }
    Database->TotalFrames = Database->Bitmap.ClearCount;
    Database->HighestFrame = FrameCount;
    Database->BitmapPhysical = BitsPhysical;
    MiReserveFrames(Database, BitsPhysical, MI_BITMAP_BYTES(FrameCount));
}

VOID
MiReserveFrames(PMI_FRAME_DATABASE Database, ULONGLONG Base, ULONGLONG Length)
{
    ULONGLONG First = Base >> PAGE_SHIFT;
    ULONGLONG Last;

    if (Length == 0) {
        return;
    }
    Last = (Base + Length - 1) >> PAGE_SHIFT;
    if (Base + Length - 1 < Base) {     /* wrapped: reserve to the top */
        Last = ~0ULL >> PAGE_SHIFT;
    }
    MiBitmapSetRun(&Database->Bitmap, First, Last - First + 1);
}

ULONGLONG
MiAllocateFramesFrom(PMI_FRAME_DATABASE Database, SIZE_T Count, ULONGLONG LowestPa,
                     ULONGLONG HighestPa)
{
    return MiAllocateFramesWithin(Database, Count, LowestPa, HighestPa, 0);
}

/* If the lowest fit crosses a multiple of Boundary, every run that starts
 * before that multiple crosses it too (they are as long and start later),
 * so the search goes on from the multiple. */
ULONGLONG
MiAllocateFramesWithin(PMI_FRAME_DATABASE Database, SIZE_T Count, ULONGLONG LowestPa,
                       ULONGLONG HighestPa, ULONGLONG Boundary)
{
    ULONGLONG Low = (LowestPa + PAGE_SIZE - 1) >> PAGE_SHIFT, High = HighestPa >> PAGE_SHIFT;
    ULONGLONG BoundaryFrames = Boundary >> PAGE_SHIFT, Frame;

    if (Boundary != 0 && ((Boundary & (PAGE_SIZE - 1)) != 0 || Count > BoundaryFrames)) {
        return 0;
    }
    for (;;) {
        Frame = MiBitmapFindClearRun(&Database->Bitmap, Count, Low, High);
        if (Frame == MI_BITMAP_NOT_FOUND) {
            return 0;
        }
        if (BoundaryFrames == 0 ||
            Frame / BoundaryFrames == (Frame + Count - 1) / BoundaryFrames) {
            break;
        }
        Low = (Frame / BoundaryFrames + 1) * BoundaryFrames;
    }
    MiBitmapSetRun(&Database->Bitmap, Frame, Count);
    return Frame << PAGE_SHIFT;
}

/*
 * PFN_LIST_CORRUPT with parameter 1 = 0x99 is the WDK's "a PTE or PFN is
 * corrupt": parameter 2 the frame number, 3 its state (here 0 = free when it
 * should have been allocated, 1 = not a frame the database knows), 4 the
 * count the caller passed.
 */
VOID
MiFreeFramesTo(PMI_FRAME_DATABASE Database, ULONGLONG Pa, SIZE_T Count)
{
    ULONGLONG First = Pa >> PAGE_SHIFT, Bad;

    if ((Pa & (PAGE_SIZE - 1)) != 0 || Count == 0 || First >= Database->HighestFrame ||
        Count > Database->HighestFrame - First) {
        DbgPrint("Mm: freeing %llu frame(s) at physical 0x%llx: not whole frames of this "
                 "machine's RAM (the frame database covers [0, 0x%llx))\n",
                 (ULONGLONG)Count, Pa, Database->HighestFrame << PAGE_SHIFT);
        KeBugCheckEx(PFN_LIST_CORRUPT, 0x99, (ULONG_PTR)First, 1, Count);
    }
    Bad = MiBitmapFindClearIn(&Database->Bitmap, First, Count);
    if (Bad != MI_BITMAP_NOT_FOUND) {
        DbgPrint("Mm: freeing %llu frame(s) at physical 0x%llx: frame 0x%llx (physical 0x%llx) "
                 "is already free - a double free\n", (ULONGLONG)Count, Pa, Bad,
                 Bad << PAGE_SHIFT);
        KeBugCheckEx(PFN_LIST_CORRUPT, 0x99, (ULONG_PTR)Bad, 0, Count);
    }
    MiBitmapClearRun(&Database->Bitmap, First, Count);
}

/* The system's allocator. Any IRQL: the frame lock keeps interrupts off. */

ULONGLONG
MiAllocateFramesSpecify(SIZE_T Count, ULONGLONG LowestPa, ULONGLONG HighestPa, ULONGLONG Boundary)
{
    ULONG_PTR Flags = MiAcquireLock(&MiFrameLock);
    ULONGLONG Limit = HighestPa < MiFrameCeiling ? HighestPa : MiFrameCeiling;
    ULONGLONG Low = LowestPa < MI_LOW_MEMORY_LIMIT ? MI_LOW_MEMORY_LIMIT : LowestPa;
    ULONGLONG Pa = MiAllocateFramesWithin(&MiFrameDatabase, Count, Low, Limit, Boundary);

    MiReleaseLock(&MiFrameLock, Flags);
    return Pa;
}

ULONGLONG
MiAllocateFramesBelow(SIZE_T Count, ULONGLONG HighestPa)
{
    return MiAllocateFramesSpecify(Count, 0, HighestPa, 0);
}

ULONGLONG
MiAllocateFrames(SIZE_T Count)
{
    return MiAllocateFramesBelow(Count, ~0ULL);
}

VOID
MiFreeFrames(ULONGLONG Pa, SIZE_T Count)
{
    ULONG_PTR Flags = MiAcquireLock(&MiFrameLock);

    MiFreeFramesTo(&MiFrameDatabase, Pa, Count);
    MiReleaseLock(&MiFrameLock, Flags);
}

ULONGLONG
MiQueryFreeFrames(VOID)
{
    return MiFrameDatabase.Bitmap.ClearCount;
}

ULONGLONG
MiQueryTotalFrames(VOID)
{
    return MiFrameDatabase.TotalFrames;
}

/* MmInitSystem's switch between the boot identity map and the direct map. */
VOID
MiSetFrameCeiling(ULONGLONG HighestPa)
{
    MiFrameCeiling = HighestPa;
}
