/*
 * kernel/mm/mdl.c - memory descriptor lists: IoAllocateMdl, IoFreeMdl,
 * IoBuildPartialMdl, MmBuildMdlForNonPagedPool, MmProbeAndLockPages,
 * MmUnlockPages, MmMapLockedPagesSpecifyCache, MmUnmapLockedPages.
 *
 * An MDL (drawn in include/ddk/mdl.h) names a buffer by its virtual start,
 * byte offset and length, and by the physical frame of every page it
 * touches, so that a driver doing direct I/O can hand the frames to a DMA
 * engine or map them wherever it runs.
 *
 * Kestrel has no pager and no user mode yet, which makes three things
 * simpler than on Windows:
 *  - "Locking" a page only has to prove that it is mapped (and writable,
 *    for a write): every kernel page stays resident while its owner keeps
 *    it allocated. The PFN array is filled from the page tables.
 *  - Every buffer lives in the kernel half, which every address space
 *    shares, so the "system address" of a locked MDL is simply the address
 *    it describes: MmMapLockedPagesSpecifyCache returns it after checking
 *    that the pages there are still the ones the MDL recorded.
 *  - Without structured exception handling there is nobody to catch the
 *    exception MmProbeAndLockPages raises on Windows for a bad buffer, so it
 *    stops the machine the way an unhandled one would:
 *    KMODE_EXCEPTION_NOT_HANDLED (STATUS_ACCESS_VIOLATION, caller,
 *    0 read / 1 write, faulting address), after a line naming the caller.
 */
#include "kernel/mm/mi.h"

#define MI_MDL_TAG 'lMoI'       /* "IoMl" in pool dumps */

/*
 * An MDL used against its contract stops the machine with MEMORY_MANAGEMENT
 * and one of these as parameter 1 (Kestrel's own values: Windows documents
 * none for these mistakes), the MDL as parameter 2.
 */
#define MI_MDL_BUG_OUTSIDE_SOURCE 0x4D444C01    /* "MDL" 01: partial MDL beyond its source */
#define MI_MDL_BUG_TOO_SMALL 0x4D444C02         /* the PFN array cannot hold the pages */
#define MI_MDL_BUG_ALREADY_LOCKED 0x4D444C03    /* probed twice, or a pool/partial MDL */
#define MI_MDL_BUG_NOT_MAPPED 0x4D444C04        /* a mapping request for pages not described */

/* The MDL's Size field is a CSHORT: a header and at most this many frames. */
#define MI_MDL_MAXIMUM_PAGES ((MAXSHORT - sizeof(MDL)) / sizeof(PFN_NUMBER))

/* Pages the MDL's PFN array has room for (from its Size). */
static SIZE_T
MiMdlCapacity(PMDL Mdl)
{
    if ((SIZE_T)(USHORT)Mdl->Size < sizeof(MDL)) {
        return 0;
    }
    return ((SIZE_T)(USHORT)Mdl->Size - sizeof(MDL)) / sizeof(PFN_NUMBER);
}

/* IRQL <= DISPATCH_LEVEL. */
PMDL NTAPI
IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer, BOOLEAN ChargeQuota,
              PIRP Irp)
{
    SIZE_T Pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(VirtualAddress, Length);
    PMDL Mdl, Last;

    /* Kestrel charges no quota; the argument is accepted as the WDK allows. */
    UNREFERENCED_PARAMETER(ChargeQuota);
    if (Length == 0 || Pages > MI_MDL_MAXIMUM_PAGES) {
        DbgPrint("IoAllocateMdl: %u bytes at %p from %pS: an MDL describes 1 to %llu bytes\n",
                 Length, VirtualAddress, __builtin_return_address(0),
                 (ULONGLONG)(MI_MDL_MAXIMUM_PAGES - 1) * PAGE_SIZE);
        return NULL;
    }
    Mdl = ExAllocatePoolWithTag(NonPagedPoolNx, MmSizeOfMdl(VirtualAddress, Length), MI_MDL_TAG);
    if (Mdl == NULL) {
        return NULL;
    }
    MmInitializeMdl(Mdl, VirtualAddress, Length);
    Mdl->Process = NULL;
    Mdl->MappedSystemVa = NULL;
    Mdl->AllocationProcessorNumber = 0;
    Mdl->Reserved = 0;
    if (Irp != NULL) {
        if (!SecondaryBuffer) {
            /* The WDK: "the MDL becomes Irp->MdlAddress". */
            Irp->MdlAddress = Mdl;
        } else if (Irp->MdlAddress == NULL) {
            Irp->MdlAddress = Mdl;
        } else {
            /* A secondary buffer goes at the end of the IRP's chain. */
            for (Last = Irp->MdlAddress; Last->Next != NULL; Last = Last->Next) {
            }
            Last->Next = Mdl;
        }
    }
    return Mdl;
}

/* IRQL <= DISPATCH_LEVEL. The caller has unlocked (or never locked) the
 * pages and unlinked the MDL from any IRP, as the WDK requires; a mapping
 * left in place is undone first (MmPrepareMdlForReuse). */
VOID NTAPI
IoFreeMdl(PMDL Mdl)
{
    if (Mdl == NULL) {
        DbgPrint("IoFreeMdl: NULL MDL from %pS\n", __builtin_return_address(0));
        KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, (ULONG_PTR)STATUS_ACCESS_VIOLATION,
                     (ULONG_PTR)__builtin_return_address(0), 0, 0);
    }
    if ((Mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) != 0) {
        MmUnmapLockedPages(Mdl->MappedSystemVa, Mdl);
    }
    ExFreePoolWithTag(Mdl, MI_MDL_TAG);
}

/* IRQL <= DISPATCH_LEVEL. TargetMdl describes [VirtualAddress,
 * VirtualAddress + Length) of SourceMdl's buffer with the source's frames;
 * Length 0 means "to the end of the source". */
VOID NTAPI
IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress, ULONG Length)
{
    ULONG_PTR SourceStart = (ULONG_PTR)MmGetMdlVirtualAddress(SourceMdl);
    ULONG_PTR SourceEnd = SourceStart + SourceMdl->ByteCount;
    ULONG_PTR Start = (ULONG_PTR)VirtualAddress;
    SIZE_T FirstPage, Pages, Index;
    PPFN_NUMBER From, To;

    if (Length == 0 && Start >= SourceStart && Start < SourceEnd) {
        Length = (ULONG)(SourceEnd - Start);
    }
    if (Start < SourceStart || Start + Length > SourceEnd || Length == 0) {
        DbgPrint("IoBuildPartialMdl: %u bytes at %p from %pS lie outside the source MDL's "
                 "%u bytes at %p\n", Length, VirtualAddress, __builtin_return_address(0),
                 SourceMdl->ByteCount, (PVOID)SourceStart);
        KeBugCheckEx(MEMORY_MANAGEMENT, MI_MDL_BUG_OUTSIDE_SOURCE, (ULONG_PTR)TargetMdl, (ULONG_PTR)SourceMdl,
                     (ULONG_PTR)VirtualAddress);
    }
    Pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(VirtualAddress, Length);
    if (Pages > MiMdlCapacity(TargetMdl)) {
        DbgPrint("IoBuildPartialMdl: the target MDL %p from %pS has room for %llu pages, "
                 "%llu needed\n", TargetMdl, __builtin_return_address(0),
                 (ULONGLONG)MiMdlCapacity(TargetMdl), (ULONGLONG)Pages);
        KeBugCheckEx(MEMORY_MANAGEMENT, MI_MDL_BUG_TOO_SMALL, (ULONG_PTR)TargetMdl, Pages, 0);
    }
    TargetMdl->Next = NULL;
    TargetMdl->Process = SourceMdl->Process;
    TargetMdl->StartVa = PAGE_ALIGN(VirtualAddress);
    TargetMdl->ByteOffset = BYTE_OFFSET(VirtualAddress);
    TargetMdl->ByteCount = Length;
    /* The partial MDL is never locked or unlocked itself: it borrows the
     * source's frames, which stay locked while the source is. */
    TargetMdl->MdlFlags = (CSHORT)((TargetMdl->MdlFlags & MDL_ALLOCATED_FIXED_SIZE) |
                                   (SourceMdl->MdlFlags &
                                    (MDL_SOURCE_IS_NONPAGED_POOL | MDL_IO_SPACE)) |
                                   MDL_PARTIAL);
    TargetMdl->MappedSystemVa =
        (SourceMdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL)) != 0
            ? (PVOID)((PUCHAR)SourceMdl->MappedSystemVa + (Start - SourceStart))
            : NULL;
    if ((SourceMdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) != 0) {
        TargetMdl->MdlFlags |= MDL_PARENT_MAPPED_SYSTEM_VA;
    }
    FirstPage = ((ULONG_PTR)PAGE_ALIGN(VirtualAddress) - (ULONG_PTR)SourceMdl->StartVa) >>
                PAGE_SHIFT;
    From = MmGetMdlPfnArray(SourceMdl) + FirstPage;
    To = MmGetMdlPfnArray(TargetMdl);
    for (Index = 0; Index < Pages; Index++) {
        To[Index] = From[Index];
    }
}

/* IRQL <= DISPATCH_LEVEL. Non-paged memory is always mapped: only the
 * frames need filling in. */
VOID NTAPI
MmBuildMdlForNonPagedPool(PMDL Mdl)
{
    ULONG_PTR Va = (ULONG_PTR)Mdl->StartVa;
    SIZE_T Pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(Mdl), Mdl->ByteCount);
    PPFN_NUMBER Pfns = MmGetMdlPfnArray(Mdl);
    SIZE_T Index;

    if (Pages > MiMdlCapacity(Mdl)) {
        DbgPrint("MmBuildMdlForNonPagedPool: MDL %p from %pS has room for %llu pages, %llu "
                 "needed\n", Mdl, __builtin_return_address(0),
                 (ULONGLONG)MiMdlCapacity(Mdl), (ULONGLONG)Pages);
        KeBugCheckEx(MEMORY_MANAGEMENT, MI_MDL_BUG_TOO_SMALL, (ULONG_PTR)Mdl, Pages, 0);
    }
    for (Index = 0; Index < Pages; Index++, Va += PAGE_SIZE) {
        PHYSICAL_ADDRESS Pa = MmGetPhysicalAddress((PVOID)Va);

        if (Pa.QuadPart == 0) {
            MiRaiseAccessException("MmBuildMdlForNonPagedPool", __builtin_return_address(0),
                                   STATUS_ACCESS_VIOLATION, 0, Va,
                                   "the buffer is not mapped memory");
        }
        Pfns[Index] = (PFN_NUMBER)(Pa.QuadPart >> PAGE_SHIFT);
    }
    Mdl->Process = NULL;
    Mdl->MappedSystemVa = MmGetMdlVirtualAddress(Mdl);
    Mdl->MdlFlags |= MDL_SOURCE_IS_NONPAGED_POOL;
}

/* IRQL <= DISPATCH_LEVEL for kernel buffers (nothing here can page). */
VOID NTAPI
MmProbeAndLockPages(PMDL Mdl, KPROCESSOR_MODE AccessMode, LOCK_OPERATION Operation)
{
    PVOID Caller = __builtin_return_address(0);
    ULONG_PTR Va = (ULONG_PTR)Mdl->StartVa;
    ULONG_PTR Start = (ULONG_PTR)MmGetMdlVirtualAddress(Mdl);
    SIZE_T Pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(Start, Mdl->ByteCount);
    PPFN_NUMBER Pfns = MmGetMdlPfnArray(Mdl);
    ULONG_PTR Write = Operation != IoReadAccess;
    SIZE_T Index;

    if ((Mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARTIAL)) != 0) {
        DbgPrint("MmProbeAndLockPages: MDL %p from %pS is already locked, built for non-paged "
                 "pool or partial (flags 0x%x)\n", Mdl, Caller, (USHORT)Mdl->MdlFlags);
        KeBugCheckEx(MEMORY_MANAGEMENT, MI_MDL_BUG_ALREADY_LOCKED, (ULONG_PTR)Mdl,
                     (USHORT)Mdl->MdlFlags, 0);
    }
    if (Pages > MiMdlCapacity(Mdl)) {
        DbgPrint("MmProbeAndLockPages: MDL %p from %pS has room for %llu pages, %llu needed\n",
                 Mdl, Caller, (ULONGLONG)MiMdlCapacity(Mdl), (ULONGLONG)Pages);
        KeBugCheckEx(MEMORY_MANAGEMENT, MI_MDL_BUG_TOO_SMALL, (ULONG_PTR)Mdl, Pages, 0);
    }
    /* A UserMode probe is for a user buffer; Kestrel has none, and a user
     * probe of a kernel address is an access violation on Windows too. */
    if (AccessMode != KernelMode) {
        MiRaiseAccessException("MmProbeAndLockPages", Caller, STATUS_ACCESS_VIOLATION, Write,
                               Start, "a UserMode probe, and Kestrel has no user address space");
    }
    if (Start + Mdl->ByteCount < Start || (LONG_PTR)Start >= 0) {
        MiRaiseAccessException("MmProbeAndLockPages", Caller, STATUS_ACCESS_VIOLATION, Write,
                               Start, "the buffer is not in the kernel half or wraps around");
    }
    for (Index = 0; Index < Pages; Index++, Va += PAGE_SIZE) {
        ULONGLONG Pa, Pte;

        if (!MiTranslate(Va, &Pa, &Pte)) {
            MiRaiseAccessException("MmProbeAndLockPages", Caller, STATUS_ACCESS_VIOLATION,
                                   Write, Index == 0 ? Start : Va, "the buffer is not mapped");
        }
        if (Write && (Pte & MI_PTE_WRITE) == 0) {
            MiRaiseAccessException("MmProbeAndLockPages", Caller, STATUS_ACCESS_VIOLATION,
                                   Write, Index == 0 ? Start : Va, "the buffer is read-only");
        }
        Pfns[Index] = (PFN_NUMBER)(Pa >> PAGE_SHIFT);
    }
    Mdl->Process = NULL;
    Mdl->MdlFlags |= MDL_PAGES_LOCKED;
    if (Write) {
        Mdl->MdlFlags |= MDL_WRITE_OPERATION;
    }
}

/* IRQL <= DISPATCH_LEVEL. Undoes MmProbeAndLockPages (and a mapping made
 * since). Unlocking pages that are not locked is the driver bug Windows
 * reports as PFN_LIST_CORRUPT 7 ("a driver has unlocked a page more times
 * than it locked it"): parameter 2 the first frame. */
VOID NTAPI
MmUnlockPages(PMDL Mdl)
{
    if ((Mdl->MdlFlags & MDL_PAGES_LOCKED) == 0 || (Mdl->MdlFlags & MDL_PARTIAL) != 0) {
        DbgPrint("MmUnlockPages: MDL %p from %pS does not hold locked pages (flags 0x%x)\n",
                 Mdl, __builtin_return_address(0), (USHORT)Mdl->MdlFlags);
        KeBugCheckEx(PFN_LIST_CORRUPT, 7, MmGetMdlPfnArray(Mdl)[0], 0, 0);
    }
    if ((Mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) != 0) {
        MmUnmapLockedPages(Mdl->MappedSystemVa, Mdl);
    }
    Mdl->MdlFlags &= ~(MDL_PAGES_LOCKED | MDL_WRITE_OPERATION);
}

/* IRQL <= DISPATCH_LEVEL. Every locked kernel buffer is already mapped in
 * the half all address spaces share, so its system address is the address
 * it was described by. The frames there are checked against the MDL, which
 * catches a buffer freed (or remapped) while an MDL still describes it.
 * RequestedAddress must be NULL and AccessMode KernelMode (Kestrel has no
 * user mappings). On failure: NULL, or MEMORY_MANAGEMENT when the caller
 * asked for a bugcheck (BugCheckOnFailure, as MmMapLockedPages does). */
PVOID NTAPI
MmMapLockedPagesSpecifyCache(PMDL Mdl, KPROCESSOR_MODE AccessMode, MEMORY_CACHING_TYPE CacheType,
                             PVOID RequestedAddress, ULONG BugCheckOnFailure, ULONG Priority)
{
    ULONG_PTR Va = (ULONG_PTR)Mdl->StartVa;
    SIZE_T Pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(Mdl), Mdl->ByteCount);
    PPFN_NUMBER Pfns = MmGetMdlPfnArray(Mdl);
    PCSTR Why = NULL;
    SIZE_T Index;

    /* The direct map is write-back; other cache types would need aliases
     * with other attributes, which x86 forbids for the same frames (Intel
     * SDM vol. 3A 11.12.4). Normal memory is used cached everywhere. */
    UNREFERENCED_PARAMETER(CacheType);
    UNREFERENCED_PARAMETER(Priority);
    if ((Mdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL)) != 0) {
        return Mdl->MappedSystemVa;
    }
    if (AccessMode != KernelMode || RequestedAddress != NULL) {
        Why = "only KernelMode mappings at an address of the system's choice exist";
    } else if ((Mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_PARTIAL)) == 0) {
        Why = "the MDL's pages are not locked (MmProbeAndLockPages) or built";
    } else {
        for (Index = 0; Index < Pages; Index++, Va += PAGE_SIZE) {
            ULONGLONG Pa;

            if (!MiTranslate(Va, &Pa, NULL) || (Pa >> PAGE_SHIFT) != Pfns[Index]) {
                Why = "the pages at the MDL's address are no longer the ones it describes";
                break;
            }
        }
    }
    if (Why != NULL) {
        DbgPrint("MmMapLockedPagesSpecifyCache: MDL %p from %pS: %s\n", Mdl,
                 __builtin_return_address(0), Why);
        if (BugCheckOnFailure) {
            KeBugCheckEx(MEMORY_MANAGEMENT, MI_MDL_BUG_NOT_MAPPED, (ULONG_PTR)Mdl, Va, 0);
        }
        return NULL;
    }
    Mdl->MappedSystemVa = MmGetMdlVirtualAddress(Mdl);
    Mdl->MdlFlags |= MDL_MAPPED_TO_SYSTEM_VA;
    return Mdl->MappedSystemVa;
}

/* IRQL <= DISPATCH_LEVEL. No page table changed when mapping, so only the
 * MDL's record of the mapping goes. */
VOID NTAPI
MmUnmapLockedPages(PVOID BaseAddress, PMDL Mdl)
{
    if ((Mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) == 0 || BaseAddress != Mdl->MappedSystemVa) {
        DbgPrint("MmUnmapLockedPages: %p is not the mapping of MDL %p (from %pS)\n",
                 BaseAddress, Mdl, __builtin_return_address(0));
        KeBugCheckEx(MEMORY_MANAGEMENT, MI_MDL_BUG_NOT_MAPPED, (ULONG_PTR)Mdl,
                     (ULONG_PTR)BaseAddress, 1);
    }
    Mdl->MdlFlags &= ~MDL_MAPPED_TO_SYSTEM_VA;
    Mdl->MappedSystemVa = NULL;
}
