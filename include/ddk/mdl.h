/*
 * ddk/mdl.h - memory descriptor lists (MDLs): how direct I/O describes a
 * buffer's physical pages. Part of wdm.h.
 *
 * An MDL is a header followed by an array of page frame numbers, one per
 * page the buffer touches:
 *
 *   +-----------------------------+  <- the MDL (0x30 bytes on x64)
 *   | Next, Size, MdlFlags, ...   |
 *   | StartVa   (page-aligned)    |
 *   | ByteOffset, ByteCount       |
 *   +-----------------------------+  <- MmGetMdlPfnArray(Mdl)
 *   | PFN of page 0, page 1, ...  |
 *   +-----------------------------+
 *
 * Names, values, layout and macros are the WDK's (wdm.h). The routines are
 * in kernel/mm/mdl.c; the I/O manager builds MDLs for direct I/O (io/).
 */
#ifndef _KESTREL_DDK_MDL_H
#define _KESTREL_DDK_MDL_H

typedef ULONG_PTR PFN_NUMBER, *PPFN_NUMBER;

typedef struct _MDL {
    struct _MDL *Next;          /* chained MDLs of one IRP */
    CSHORT Size;                /* of the MDL and its PFN array, in bytes */
    CSHORT MdlFlags;            /* MDL_* */
    USHORT AllocationProcessorNumber;
    USHORT Reserved;
    struct _EPROCESS *Process;  /* owner of a user buffer; NULL for kernel buffers */
    PVOID MappedSystemVa;       /* valid with MDL_MAPPED_TO_SYSTEM_VA or MDL_SOURCE_IS_NONPAGED_POOL */
    PVOID StartVa;              /* page-aligned start of the described buffer */
    ULONG ByteCount;
    ULONG ByteOffset;           /* of the buffer within its first page */
} MDL, *PMDL;

typedef MDL *PMDLX;

_Static_assert(sizeof(MDL) == 0x30, "MDL is 0x30 bytes on x64");
_Static_assert(FIELD_OFFSET(MDL, Process) == 0x10, "MDL.Process is at 0x10 on x64");
_Static_assert(FIELD_OFFSET(MDL, ByteCount) == 0x28, "MDL.ByteCount is at 0x28 on x64");

#define MDL_MAPPED_TO_SYSTEM_VA 0x0001
#define MDL_PAGES_LOCKED 0x0002
#define MDL_SOURCE_IS_NONPAGED_POOL 0x0004
#define MDL_ALLOCATED_FIXED_SIZE 0x0008
#define MDL_PARTIAL 0x0010
#define MDL_PARTIAL_HAS_BEEN_MAPPED 0x0020
#define MDL_IO_PAGE_READ 0x0040
#define MDL_WRITE_OPERATION 0x0080
#define MDL_LOCKED_PAGE_TABLES 0x0100
#define MDL_PARENT_MAPPED_SYSTEM_VA MDL_LOCKED_PAGE_TABLES
#define MDL_FREE_EXTRA_PTES 0x0200
#define MDL_DESCRIBES_AWE 0x0400
#define MDL_IO_SPACE 0x0800
#define MDL_NETWORK_HEADER 0x1000
#define MDL_MAPPING_CAN_FAIL 0x2000
#define MDL_PAGE_CONTENTS_INVARIANT 0x4000
#define MDL_ALLOCATED_MUST_SUCCEED MDL_PAGE_CONTENTS_INVARIANT
#define MDL_INTERNAL 0x8000

#define MDL_MAPPING_FLAGS                                                                  \
    (MDL_MAPPED_TO_SYSTEM_VA | MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL |            \
     MDL_PARTIAL_HAS_BEEN_MAPPED | MDL_PARENT_MAPPED_SYSTEM_VA | MDL_IO_SPACE)

/* How MmProbeAndLockPages will use the pages. */
typedef enum _LOCK_OPERATION {
    IoReadAccess,
    IoWriteAccess,
    IoModifyAccess
} LOCK_OPERATION;

/* How hard a mapping may try when system PTEs run short. */
typedef enum _MM_PAGE_PRIORITY {
    LowPagePriority,
    NormalPagePriority = 16,
    HighPagePriority = 32
} MM_PAGE_PRIORITY;

#define MdlMappingNoWrite 0x80000000
#define MdlMappingNoExecute 0x40000000

/* ---- The WDK's MDL macros ---- */

#define MmGetMdlByteCount(Mdl) ((Mdl)->ByteCount)
#define MmGetMdlByteOffset(Mdl) ((Mdl)->ByteOffset)
#define MmGetMdlBaseVa(Mdl) ((Mdl)->StartVa)
#define MmGetMdlVirtualAddress(Mdl) ((PVOID)((PCHAR)((Mdl)->StartVa) + (Mdl)->ByteOffset))
#define MmGetMdlPfnArray(Mdl) ((PPFN_NUMBER)((Mdl) + 1))

/* Bytes an MDL for Length bytes at Base needs, PFN array included. */
#define MmSizeOfMdl(Base, Length) \
    ((SIZE_T)(sizeof(MDL) + sizeof(PFN_NUMBER) * ADDRESS_AND_SIZE_TO_SPAN_PAGES((Base), (Length))))

#define MmInitializeMdl(MemoryDescriptorList, BaseVa, Length)                                  \
    do {                                                                                       \
        (MemoryDescriptorList)->Next = NULL;                                                   \
        (MemoryDescriptorList)->Size =                                                         \
            (CSHORT)(sizeof(MDL) +                                                             \
                     sizeof(PFN_NUMBER) * ADDRESS_AND_SIZE_TO_SPAN_PAGES((BaseVa), (Length))); \
        (MemoryDescriptorList)->MdlFlags = 0;                                                  \
        (MemoryDescriptorList)->StartVa = PAGE_ALIGN(BaseVa);                                  \
        (MemoryDescriptorList)->ByteOffset = BYTE_OFFSET(BaseVa);                              \
        (MemoryDescriptorList)->ByteCount = (ULONG)(Length);                                   \
    } while (0)

#define MmPrepareMdlForReuse(Mdl)                                                  \
    do {                                                                           \
        if (((Mdl)->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED) != 0) {                \
            MmUnmapLockedPages((Mdl)->MappedSystemVa, (Mdl));                      \
        } else if (((Mdl)->MdlFlags & MDL_PARTIAL) == 0) {                         \
            ASSERT(((Mdl)->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) == 0);              \
        }                                                                          \
    } while (0)

/* ---- Routines (IRQL as the WDK documents each) ---- */

/* IRQL <= DISPATCH_LEVEL. Maps the locked pages of Mdl; see
 * MmGetSystemAddressForMdlSafe for the usual way in. */
PVOID NTAPI MmMapLockedPagesSpecifyCache(_Inout_ PMDL MemoryDescriptorList,
                                         _In_ KPROCESSOR_MODE AccessMode,
                                         _In_ MEMORY_CACHING_TYPE CacheType,
                                         _In_opt_ PVOID RequestedAddress,
                                         _In_ ULONG BugCheckOnFailure,
                                         _In_ ULONG Priority);
VOID NTAPI MmUnmapLockedPages(_In_ PVOID BaseAddress, _Inout_ PMDL MemoryDescriptorList);

/* IRQL <= DISPATCH_LEVEL. Fills the PFN array of an MDL that describes
 * non-paged memory and marks it MDL_SOURCE_IS_NONPAGED_POOL. */
VOID NTAPI MmBuildMdlForNonPagedPool(_Inout_ PMDL MemoryDescriptorList);

/* IRQL <= APC_LEVEL (DISPATCH_LEVEL for non-paged kernel buffers). */
VOID NTAPI MmProbeAndLockPages(_Inout_ PMDL MemoryDescriptorList, _In_ KPROCESSOR_MODE AccessMode,
                               _In_ LOCK_OPERATION Operation);
VOID NTAPI MmUnlockPages(_Inout_ PMDL MemoryDescriptorList);

/* The system address of an MDL's buffer, mapping it when needed; NULL when
 * the mapping fails. IRQL <= DISPATCH_LEVEL. */
#define MmGetSystemAddressForMdlSafe(Mdl, Priority)                                      \
    ((((Mdl)->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL)) != 0) \
         ? ((Mdl)->MappedSystemVa)                                                       \
         : MmMapLockedPagesSpecifyCache((Mdl), KernelMode, MmCached, NULL, FALSE,        \
                                        (Priority)))

#endif /* _KESTREL_DDK_MDL_H */
