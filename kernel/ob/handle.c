/*
 * kernel/ob/handle.c - the kernel handle table: ObpCreateHandle,
 * ObReferenceObjectByHandle, ZwClose.
 *
 * Every handle today is a kernel handle of the System process, so there is
 * one table. A handle names an entry: value = KERNEL_HANDLE_MASK | (index +
 * 1) * 4, as Windows spells kernel handles (multiples of 4, high bit set, so
 * that 0 and small integers are never valid). An entry holds the object
 * and the access granted; free entries form a list through NextFree. The
 * table doubles when full; the new array is allocated with the lock
 * dropped, so the lock is held only for a few loads and stores.
 *
 * When processes arrive, each gets a table of this shape and the kernel's
 * stays the one that OBJ_KERNEL_HANDLE and the high bit select.
 */
#include "kernel/ob/obp.h"
#include "kernel/rtl/crt.h"

#define OBP_KERNEL_HANDLE_MASK 0xFFFFFFFF80000000ULL
#define OBP_INITIAL_ENTRIES 64
#define OBP_MAXIMUM_ENTRIES (1U << 24)
#define OBP_NO_FREE_ENTRY 0xFFFFFFFFU
#define OBP_HANDLE_TABLE_TAG 'bTbO'

typedef struct _OBP_HANDLE_ENTRY {
    PVOID Object;                   /* NULL when free */
    ACCESS_MASK GrantedAccess;
    ULONG NextFree;
} OBP_HANDLE_ENTRY, *POBP_HANDLE_ENTRY;

typedef struct _OBP_HANDLE_TABLE {
    KSPIN_LOCK Lock;
    POBP_HANDLE_ENTRY Entries;
    ULONG Capacity;
    ULONG FirstFree;
    ULONG HandleCount;
} OBP_HANDLE_TABLE;

static OBP_HANDLE_TABLE ObpKernelHandleTable;

/* PASSIVE_LEVEL, once, at boot. */
VOID
ObInitSystem(VOID)
{
    KeInitializeSpinLock(&ObpKernelHandleTable.Lock);
    ObpKernelHandleTable.Entries = NULL;
    ObpKernelHandleTable.Capacity = 0;
    ObpKernelHandleTable.FirstFree = OBP_NO_FREE_ENTRY;
    ObpKernelHandleTable.HandleCount = 0;
}

/* Lock held. The entry Handle names, or NULL. */
static POBP_HANDLE_ENTRY
ObpLookupHandle(HANDLE Handle)
{
    ULONG_PTR Value = (ULONG_PTR)Handle;
    ULONG_PTR Index;

    if ((Value & OBP_KERNEL_HANDLE_MASK) != OBP_KERNEL_HANDLE_MASK || (Value & 3) != 0) {
        return NULL;
    }
    Index = ((Value & ~OBP_KERNEL_HANDLE_MASK) >> 2);
    if (Index == 0 || Index > ObpKernelHandleTable.Capacity) {
        return NULL;
    }
    if (ObpKernelHandleTable.Entries[Index - 1].Object == NULL) {
        return NULL;
    }
    return &ObpKernelHandleTable.Entries[Index - 1];
}

/* IRQL <= DISPATCH_LEVEL: doubles the table unless someone else did. */
static NTSTATUS
ObpGrowHandleTable(ULONG SeenCapacity)
{
    ULONG NewCapacity = SeenCapacity == 0 ? OBP_INITIAL_ENTRIES : SeenCapacity * 2;
    POBP_HANDLE_ENTRY NewEntries, Stale;
    KIRQL OldIrql;
    ULONG Index;

    if (NewCapacity > OBP_MAXIMUM_ENTRIES) {
        DbgPrint("Ob: the kernel handle table is full (%u handles)\n", SeenCapacity);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    NewEntries = ExAllocatePoolWithTag(NonPagedPoolNx, NewCapacity * sizeof(OBP_HANDLE_ENTRY),
                                       OBP_HANDLE_TABLE_TAG);
    if (NewEntries == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    KeAcquireSpinLock(&ObpKernelHandleTable.Lock, &OldIrql);
    if (ObpKernelHandleTable.Capacity != SeenCapacity) {
        Stale = NewEntries;     /* grown meanwhile */
    } else {
        Stale = ObpKernelHandleTable.Entries;
        if (SeenCapacity != 0) {
            memcpy(NewEntries, Stale, SeenCapacity * sizeof(OBP_HANDLE_ENTRY));
        }
        /* The new entries, lowest first, in front of the (empty) free list. */
        for (Index = SeenCapacity; Index < NewCapacity; Index++) {
            NewEntries[Index].Object = NULL;
            NewEntries[Index].GrantedAccess = 0;
            NewEntries[Index].NextFree = Index + 1 < NewCapacity ? Index + 1
                                                                 : ObpKernelHandleTable.FirstFree;
        }
        ObpKernelHandleTable.FirstFree = SeenCapacity;
        ObpKernelHandleTable.Entries = NewEntries;
        ObpKernelHandleTable.Capacity = NewCapacity;
    }
    KeReleaseSpinLock(&ObpKernelHandleTable.Lock, OldIrql);
    if (Stale != NULL) {
        ExFreePoolWithTag(Stale, OBP_HANDLE_TABLE_TAG);
    }
    return STATUS_SUCCESS;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
ObpCreateHandle(PVOID Object, ACCESS_MASK GrantedAccess, PHANDLE Handle)
{
    POBJECT_HEADER Header = ObpCheckedHeader(Object, "ObpCreateHandle");

    for (;;) {
        KIRQL OldIrql;
        ULONG Index, Capacity;
        NTSTATUS Status;

        KeAcquireSpinLock(&ObpKernelHandleTable.Lock, &OldIrql);
        Index = ObpKernelHandleTable.FirstFree;
        if (Index != OBP_NO_FREE_ENTRY) {
            POBP_HANDLE_ENTRY Entry = &ObpKernelHandleTable.Entries[Index];

            ObpKernelHandleTable.FirstFree = Entry->NextFree;
            Entry->Object = Object;
            Entry->GrantedAccess = GrantedAccess;
            ObpKernelHandleTable.HandleCount++;
            KeReleaseSpinLock(&ObpKernelHandleTable.Lock, OldIrql);
            __atomic_add_fetch(&Header->HandleCount, 1, __ATOMIC_RELAXED);
            __atomic_add_fetch(&Header->Type->TotalNumberOfHandles, 1, __ATOMIC_RELAXED);
            *Handle = (HANDLE)(OBP_KERNEL_HANDLE_MASK | ((ULONG_PTR)(Index + 1) << 2));
            return STATUS_SUCCESS;
        }
        Capacity = ObpKernelHandleTable.Capacity;
        KeReleaseSpinLock(&ObpKernelHandleTable.Lock, OldIrql);
        Status = ObpGrowHandleTable(Capacity);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
    }
}

/* The pseudo-handle of the current thread. */
static NTSTATUS
ObpReferenceCurrentThread(POBJECT_TYPE ObjectType, PVOID *Object,
                          POBJECT_HANDLE_INFORMATION HandleInformation)
{
    PVOID Thread = PsGetCurrentThread();

    if (ObjectType != NULL && ObjectType != *PsThreadType) {
        return STATUS_OBJECT_TYPE_MISMATCH;
    }
    ObfReferenceObject(Thread);
    if (HandleInformation != NULL) {
        HandleInformation->HandleAttributes = 0;
        HandleInformation->GrantedAccess = THREAD_ALL_ACCESS;
    }
    *Object = Thread;
    return STATUS_SUCCESS;
}

/* IRQL <= APC_LEVEL (DISPATCH_LEVEL works too: nothing here waits). */
NTSTATUS NTAPI
ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                          KPROCESSOR_MODE AccessMode, PVOID *Object,
                          POBJECT_HANDLE_INFORMATION HandleInformation)
{
    POBP_HANDLE_ENTRY Entry;
    POBJECT_HEADER Header;
    KIRQL OldIrql;

    if (Object == NULL) {
        DbgPrint("ObReferenceObjectByHandle: no Object pointer from %pS\n",
                 __builtin_return_address(0));
        return STATUS_INVALID_PARAMETER_5;
    }
    *Object = NULL;
    if (Handle == NtCurrentThread()) {
        return ObpReferenceCurrentThread(ObjectType, Object, HandleInformation);
    }
    if (Handle == NtCurrentProcess()) {
        DbgPrint("ObReferenceObjectByHandle: NtCurrentProcess() from %pS: Kestrel has no "
                 "process objects yet\n", __builtin_return_address(0));
        return STATUS_INVALID_HANDLE;
    }
    KeAcquireSpinLock(&ObpKernelHandleTable.Lock, &OldIrql);
    Entry = ObpLookupHandle(Handle);
    if (Entry == NULL) {
        KeReleaseSpinLock(&ObpKernelHandleTable.Lock, OldIrql);
        return STATUS_INVALID_HANDLE;
    }
    Header = OBJECT_TO_OBJECT_HEADER(Entry->Object);
    if (ObjectType != NULL && Header->Type != ObjectType) {
        KeReleaseSpinLock(&ObpKernelHandleTable.Lock, OldIrql);
        return STATUS_OBJECT_TYPE_MISMATCH;
    }
    /* Kernel-mode callers are trusted, as on Windows. */
    if (AccessMode != KernelMode && (DesiredAccess & ~Entry->GrantedAccess) != 0) {
        KeReleaseSpinLock(&ObpKernelHandleTable.Lock, OldIrql);
        return STATUS_ACCESS_DENIED;
    }
    /* Under the lock, so that a ZwClose cannot drop the last reference
     * between the lookup and this. */
    __atomic_add_fetch(&Header->PointerCount, 1, __ATOMIC_RELAXED);
    if (HandleInformation != NULL) {
        HandleInformation->HandleAttributes = 0;
        HandleInformation->GrantedAccess = Entry->GrantedAccess;
    }
    *Object = Entry->Object;
    KeReleaseSpinLock(&ObpKernelHandleTable.Lock, OldIrql);
    return STATUS_SUCCESS;
}

/* IRQL PASSIVE_LEVEL. */
NTSTATUS NTAPI
ZwClose(HANDLE Handle)
{
    POBP_HANDLE_ENTRY Entry;
    POBJECT_HEADER Header;
    PVOID Object;
    LONG_PTR HandlesLeft;
    KIRQL OldIrql;
    ULONG Index;

    KeAcquireSpinLock(&ObpKernelHandleTable.Lock, &OldIrql);
    Entry = ObpLookupHandle(Handle);
    if (Entry == NULL) {
        KeReleaseSpinLock(&ObpKernelHandleTable.Lock, OldIrql);
        DbgPrint("ZwClose: %p from %pS is not an open handle\n", Handle,
                 __builtin_return_address(0));
        return STATUS_INVALID_HANDLE;
    }
    Object = Entry->Object;
    Index = (ULONG)(Entry - ObpKernelHandleTable.Entries);
    Entry->Object = NULL;
    Entry->GrantedAccess = 0;
    Entry->NextFree = ObpKernelHandleTable.FirstFree;
    ObpKernelHandleTable.FirstFree = Index;
    ObpKernelHandleTable.HandleCount--;
    KeReleaseSpinLock(&ObpKernelHandleTable.Lock, OldIrql);

    Header = OBJECT_TO_OBJECT_HEADER(Object);
    HandlesLeft = __atomic_sub_fetch(&Header->HandleCount, 1, __ATOMIC_RELAXED);
    __atomic_sub_fetch(&Header->Type->TotalNumberOfHandles, 1, __ATOMIC_RELAXED);
    if (Header->Type->CloseProcedure != NULL) {
        Header->Type->CloseProcedure(Object, HandlesLeft);
    }
    ObfDereferenceObject(Object);
    return STATUS_SUCCESS;
}
