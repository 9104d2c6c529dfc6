/*
 * kernel/mm/poolcheck.c - catching pool misuse, and the reports it ends in.
 *
 * Every check either returns (all is well) or prints one line on the debug
 * port naming the block's tag and the code that allocated or freed it, then
 * stops the machine with the bugcheck Windows uses for that misuse. The
 * codes and parameters follow the WDK's bug check reference:
 *
 *   misuse                          code                          P1     P2          P3          P4
 *   free of NULL / not a block start BAD_POOL_CALLER (0xC2)        0x46   address     0           0
 *   free of an address no pool owns BAD_POOL_CALLER (0xC2)        0x42   address     0           0
 *   double free                     BAD_POOL_CALLER (0xC2)        0x07   0           tag         address
 *   free with the wrong tag         BAD_POOL_CALLER (0xC2)        0x0A   address     owner's tag tag given
 *   underrun (header canary)        BAD_POOL_HEADER (0x19)        0x02   header      slot size   0
 *   header or segment inconsistent  BAD_POOL_HEADER (0x19)        0x07   0           0           header
 *   overrun (guard bytes)           SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION (0xC1)
 *                                                                 address changed byte  bytes asked 0x24
 *   write after free (poison)       DRIVER_CAUGHT_MODIFYING_FREED_POOL (0xC6)
 *                                                                 changed byte 1 (write) 0 (kernel) address
 *
 * Where Windows marks a parameter "reserved", Kestrel puts something useful
 * there (the bytes requested for 0xC1, the freed block for 0xC6) and says so
 * here. 0xC1 parameter 4 = 0x24 is "bytes after the end of the allocation
 * have been overwritten"; BAD_POOL_HEADER 0x2 is "the pool pattern check
 * failed: the owner has likely corrupted the pool block".
 *
 * Pure logic, called with the pool lock held.
 */
#include "kernel/mm/pool.h"

/* A word that may alias the bytes it is compared with. */
typedef ULONG64 __attribute__((may_alias)) EXP_POOL_WORD;

VOID
ExpFormatTag(ULONG Tag, CHAR Text[5])
{
    ULONG Index;

    for (Index = 0; Index < 4; Index++) {
        CHAR Character = (CHAR)((Tag >> (8 * Index)) & 0xFF);

        Text[Index] = (Character >= 0x20 && Character <= 0x7E) ? Character : '.';
    }
    Text[4] = '\0';
}

VOID
ExpFillCanary(PEXP_POOL_HEADER Header)
{
    __builtin_memset(Header->Canary, EXP_POOL_CANARY_BYTE, EXP_POOL_CANARY_SIZE);
}

/* The first byte in [Start, Start + Length) that is not Expected, or NULL.
 * Whole words are compared where possible: large blocks are checked on
 * every free and every reuse. */
static PUCHAR
ExpFindChangedByte(PUCHAR Start, SIZE_T Length, UCHAR Expected)
{
    ULONG64 Pattern = 0x0101010101010101ULL * Expected;
    PUCHAR End = Start + Length;
    PUCHAR Cursor = Start;

    while (Cursor < End && ((ULONG_PTR)Cursor & 7) != 0) {
        if (*Cursor != Expected) {
            return Cursor;
        }
        Cursor++;
    }
    while (End - Cursor >= 8 && *(const EXP_POOL_WORD *)Cursor == Pattern) {
        Cursor += 8;
    }
    while (Cursor < End) {
        if (*Cursor != Expected) {
            return Cursor;
        }
        Cursor++;
    }
    return NULL;
}

/* A segment header that does not look like one means a stray write or an
 * underrun of its first block reached it; nothing in it can be trusted. */
VOID
ExpCheckSegment(PEXP_POOL_SEGMENT Segment, PVOID Caller)
{
    if (Segment->Signature == EXP_POOL_SEGMENT_SIGNATURE &&
        Segment->Canary == EXP_POOL_SEGMENT_CANARY && Segment->SlotCount != 0 &&
        (Segment->SizeClass == EXP_POOL_LARGE
             ? Segment->SlotCount == 1
             : Segment->SizeClass < EXP_POOL_SIZE_CLASSES &&
                   Segment->SlotCount <= EXP_POOL_MAX_SLOTS)) {
        return;
    }
    DbgPrint("*** Pool: the pool segment header at %p is corrupt (found by %pS): a stray write "
             "or an underrun of the block after it\n",
             Segment, Caller);
    KeBugCheckEx(BAD_POOL_HEADER, 0x7, 0, 0, (ULONG_PTR)Segment);
}

/* Finds the block P belongs to; P must be exactly what an allocation
 * returned. Returns its header, segment and slot index. */
PEXP_POOL_HEADER
ExpCheckFreeAddress(PEXP_POOL Pool, PVOID P, ULONG Tag, PVOID Caller,
                    PEXP_POOL_SEGMENT *SegmentOut, PULONG SlotOut)
{
    PEXP_POOL_SEGMENT Segment;
    ULONG_PTR Offset;
    CHAR Given[5];

    ExpFormatTag(Tag, Given);
    if (P == NULL) {
        DbgPrint("*** Pool: %pS freed a NULL pointer (tag '%s')\n", Caller, Given);
        KeBugCheckEx(BAD_POOL_CALLER, 0x46, 0, 0, 0);
    }
    Segment = ExpFindSegment(Pool, P);
    if (Segment == NULL) {
        DbgPrint("*** Pool: %pS freed %p (tag '%s'), an address the pool never allocated\n",
                 Caller, P, Given);
        KeBugCheckEx(BAD_POOL_CALLER, 0x42, (ULONG_PTR)P, 0, 0);
    }
    ExpCheckSegment(Segment, Caller);
    Offset = (ULONG_PTR)P - (ULONG_PTR)ExpSlotData(ExpSlotHeader(Segment, 0));
    if ((PUCHAR)P < ExpSlotData(ExpSlotHeader(Segment, 0)) || Offset % Segment->SlotSize != 0 ||
        Offset / Segment->SlotSize >= Segment->SlotCount) {
        DbgPrint("*** Pool: %pS freed %p (tag '%s'), which is inside the pool but not the start "
                 "of a block\n",
                 Caller, P, Given);
        KeBugCheckEx(BAD_POOL_CALLER, 0x46, (ULONG_PTR)P, 0, 0);
    }
    *SegmentOut = Segment;
    *SlotOut = (ULONG)(Offset / Segment->SlotSize);
    return ExpSlotHeader(Segment, *SlotOut);
}

/* Checks the block being freed: still allocated, header canary intact,
 * header plausible, right tag, guard bytes intact, in that order (the most
 * specific diagnosis first). */
VOID
ExpCheckAllocatedBlock(PEXP_POOL_SEGMENT Segment, ULONG Slot, PVOID P, ULONG Tag,
                       BOOLEAN CheckTag, PVOID Caller)
{
    PEXP_POOL_HEADER Header = ExpSlotHeader(Segment, Slot);
    PUCHAR Data = ExpSlotData(Header);
    PUCHAR Changed;
    CHAR Owner[5];
    CHAR Given[5];

    ExpFormatTag(Header->Tag, Owner);
    ExpFormatTag(Tag, Given);
    if (Segment->SlotState[Slot] != ExpSlotAllocated) {
        if (Header->FreedBy == NULL) {
            DbgPrint("*** Pool: %pS freed %p (tag '%s'), a pool block that was never allocated\n",
                     Caller, P, Given);
            KeBugCheckEx(BAD_POOL_CALLER, 0x46, (ULONG_PTR)P, 0, 0);
        }
        DbgPrint("*** Pool: double free: %pS freed block %p (tag '%s') which %pS already freed\n",
                 Caller, P, Owner, Header->FreedBy);
        KeBugCheckEx(BAD_POOL_CALLER, 0x7, 0, Header->Tag, (ULONG_PTR)P);
    }
    Changed = ExpFindChangedByte(Header->Canary, EXP_POOL_CANARY_SIZE, EXP_POOL_CANARY_BYTE);
    if (Changed != NULL) {
        DbgPrint("*** Pool: buffer underrun: block %p (tag '%s', %llu bytes) allocated by %pS has "
                 "its header overwritten at offset -%d; found when %pS freed it\n",
                 P, Owner, Header->NumberOfBytes, Header->AllocatedBy, (INT)(Data - Changed),
                 Caller);
        KeBugCheckEx(BAD_POOL_HEADER, 0x2, (ULONG_PTR)Header, Segment->SlotSize, 0);
    }
    if (Header->NumberOfBytes > ExpSlotCapacity(Segment) - EXP_POOL_MIN_GUARD) {
        DbgPrint("*** Pool: block %p (tag '%s') freed by %pS has a corrupt header: it records "
                 "%llu bytes, more than its slot holds\n",
                 P, Owner, Caller, Header->NumberOfBytes);
        KeBugCheckEx(BAD_POOL_HEADER, 0x7, 0, 0, (ULONG_PTR)Header);
    }
    if (CheckTag && Header->Tag != Tag) {
        DbgPrint("*** Pool: %pS freed block %p with tag '%s', but %pS allocated it with tag '%s'\n",
                 Caller, P, Given, Header->AllocatedBy, Owner);
        KeBugCheckEx(BAD_POOL_CALLER, 0x0A, (ULONG_PTR)P, Header->Tag, Tag);
    }
    Changed = ExpFindChangedByte(Data + Header->NumberOfBytes,
                                 ExpSlotCapacity(Segment) - Header->NumberOfBytes,
                                 EXP_POOL_GUARD_BYTE);
    if (Changed != NULL) {
        DbgPrint("*** Pool: buffer overrun: block %p (tag '%s', %llu bytes) allocated by %pS was "
                 "written past its end at offset %llu (byte 0x%02x); found when %pS freed it\n",
                 P, Owner, Header->NumberOfBytes, Header->AllocatedBy, (SIZE_T)(Changed - Data),
                 *Changed, Caller);
        KeBugCheckEx(SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION, (ULONG_PTR)P, (ULONG_PTR)Changed,
                     Header->NumberOfBytes, 0x24);
    }
}

/* Checks that a free or quarantined slot is exactly as the pool left it:
 * header canary intact and every byte after the header still poison. */
VOID
ExpCheckPoison(PEXP_POOL_SEGMENT Segment, PEXP_POOL_HEADER Header)
{
    PUCHAR Data = ExpSlotData(Header);
    PUCHAR Changed;
    CHAR Owner[5];

    Changed = ExpFindChangedByte(Header->Canary, EXP_POOL_CANARY_SIZE, EXP_POOL_CANARY_BYTE);
    if (Changed == NULL) {
        Changed = ExpFindChangedByte(Data, ExpSlotCapacity(Segment), EXP_POOL_POISON_BYTE);
    }
    if (Changed == NULL) {
        return;
    }
    ExpFormatTag(Header->Tag, Owner);
    if (Header->FreedBy == NULL) {
        DbgPrint("*** Pool: free pool memory at %p was written although no one ever allocated "
                 "it: byte at %p is 0x%02x\n",
                 Data, Changed, *Changed);
    } else {
        DbgPrint("*** Pool: use after free: block %p (tag '%s', %llu bytes) was written after %pS "
                 "freed it: byte at offset %d is 0x%02x, expected 0x%02x\n",
                 Data, Owner, Header->NumberOfBytes, Header->FreedBy, (INT)(Changed - Data),
                 *Changed, Changed < Data ? EXP_POOL_CANARY_BYTE : EXP_POOL_POISON_BYTE);
    }
    KeBugCheckEx(DRIVER_CAUGHT_MODIFYING_FREED_POOL, (ULONG_PTR)Changed, 1, 0, (ULONG_PTR)Data);
}
