/*
 * ddk/list.h - the WDK's linked-list routines. Included by ddk/rtl.h.
 *
 * A doubly linked list is circular and has a head: an empty list is a head
 * whose Flink and Blink point at itself. Entries are embedded in the
 * caller's structures and found again with CONTAINING_RECORD.
 *
 *     ListHead <-> A <-> B <-> C <-> (back to ListHead)
 *
 * Every routine that links or unlinks an entry first checks that its
 * neighbours point back at it, as Windows' checked list routines do. A list
 * that fails the check has been corrupted (a double removal, a freed entry
 * still linked, a stray write), and going on would spread the damage, so the
 * machine stops with KERNEL_SECURITY_CHECK_FAILURE (0x139), parameter 1 =
 * FAST_FAIL_CORRUPT_LIST_ENTRY (3). Kestrel puts the entries involved in
 * parameters 2-4 (Windows puts a trap frame and exception record there).
 *
 * None of these routines synchronizes: the caller holds whatever lock
 * protects the list. They run at any IRQL for nonpaged lists.
 */
#ifndef _KESTREL_DDK_LIST_H
#define _KESTREL_DDK_LIST_H

#define FAST_FAIL_CORRUPT_LIST_ENTRY 3

/* Stops the machine: a list entry's neighbours do not point back at it. */
DECLSPEC_NORETURN FORCEINLINE VOID
FatalListEntryError(_In_ PVOID P1, _In_ PVOID P2, _In_ PVOID P3)
{
    KeBugCheckEx(KERNEL_SECURITY_CHECK_FAILURE, FAST_FAIL_CORRUPT_LIST_ENTRY, (ULONG_PTR)P1,
                 (ULONG_PTR)P2, (ULONG_PTR)P3);
}

FORCEINLINE VOID
InitializeListHead(_Out_ PLIST_ENTRY ListHead)
{
    ListHead->Flink = ListHead;
    ListHead->Blink = ListHead;
}

FORCEINLINE BOOLEAN
IsListEmpty(_In_ const LIST_ENTRY *ListHead)
{
    return (BOOLEAN)(ListHead->Flink == ListHead);
}

/* Unlinks Entry; returns TRUE when that left the list empty. */
FORCEINLINE BOOLEAN
RemoveEntryList(_In_ PLIST_ENTRY Entry)
{
    PLIST_ENTRY Next = Entry->Flink;
    PLIST_ENTRY Previous = Entry->Blink;

    if (Next->Blink != Entry || Previous->Flink != Entry) {
        FatalListEntryError(Previous, Entry, Next);
    }
    Previous->Flink = Next;
    Next->Blink = Previous;
    return (BOOLEAN)(Previous == Next);
}

/* Unlinks and returns the first entry; on an empty list returns ListHead. */
FORCEINLINE PLIST_ENTRY
RemoveHeadList(_Inout_ PLIST_ENTRY ListHead)
{
    PLIST_ENTRY Entry = ListHead->Flink;
    PLIST_ENTRY Next = Entry->Flink;

    if (Entry->Blink != ListHead || Next->Blink != Entry) {
        FatalListEntryError(ListHead, Entry, Next);
    }
    ListHead->Flink = Next;
    Next->Blink = ListHead;
    return Entry;
}

/* Unlinks and returns the last entry; on an empty list returns ListHead. */
FORCEINLINE PLIST_ENTRY
RemoveTailList(_Inout_ PLIST_ENTRY ListHead)
{
    PLIST_ENTRY Entry = ListHead->Blink;
    PLIST_ENTRY Previous = Entry->Blink;

    if (Entry->Flink != ListHead || Previous->Flink != Entry) {
        FatalListEntryError(Previous, Entry, ListHead);
    }
    ListHead->Blink = Previous;
    Previous->Flink = ListHead;
    return Entry;
}

FORCEINLINE VOID
InsertHeadList(_Inout_ PLIST_ENTRY ListHead, _Out_ PLIST_ENTRY Entry)
{
    PLIST_ENTRY Next = ListHead->Flink;

    if (Next->Blink != ListHead) {
        FatalListEntryError(ListHead, Next, Next->Blink);
    }
    Entry->Flink = Next;
    Entry->Blink = ListHead;
    Next->Blink = Entry;
    ListHead->Flink = Entry;
}

FORCEINLINE VOID
InsertTailList(_Inout_ PLIST_ENTRY ListHead, _Out_ PLIST_ENTRY Entry)
{
    PLIST_ENTRY Previous = ListHead->Blink;

    if (Previous->Flink != ListHead) {
        FatalListEntryError(Previous, ListHead, Previous->Flink);
    }
    Entry->Flink = ListHead;
    Entry->Blink = Previous;
    Previous->Flink = Entry;
    ListHead->Blink = Entry;
}

/*
 * Splices a headless circular chain, whose first entry is ListToAppend, onto
 * the tail of ListHead. As in the WDK, ListToAppend is treated as an entry:
 * to move every entry of another headed list, pass that list's head and then
 * take the head itself out with RemoveEntryList (this works for an empty
 * list too).
 */
FORCEINLINE VOID
AppendTailList(_Inout_ PLIST_ENTRY ListHead, _Inout_ PLIST_ENTRY ListToAppend)
{
    PLIST_ENTRY ListEnd = ListHead->Blink;
    PLIST_ENTRY AppendEnd = ListToAppend->Blink;

    if (ListEnd->Flink != ListHead || AppendEnd->Flink != ListToAppend) {
        FatalListEntryError(ListHead, ListToAppend, ListEnd);
    }
    ListEnd->Flink = ListToAppend;
    ListHead->Blink = AppendEnd;
    AppendEnd->Flink = ListHead;
    ListToAppend->Blink = ListEnd;
}

/* Singly linked lists: a stack whose head's Next is the top (NULL: empty). */
FORCEINLINE VOID
PushEntryList(_Inout_ PSINGLE_LIST_ENTRY ListHead, _Inout_ PSINGLE_LIST_ENTRY Entry)
{
    Entry->Next = ListHead->Next;
    ListHead->Next = Entry;
}

FORCEINLINE PSINGLE_LIST_ENTRY
PopEntryList(_Inout_ PSINGLE_LIST_ENTRY ListHead)
{
    PSINGLE_LIST_ENTRY First = ListHead->Next;

    if (First != NULL) {
        ListHead->Next = First->Next;
    }
    return First;
}

#endif /* _KESTREL_DDK_LIST_H */
