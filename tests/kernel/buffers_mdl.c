/*
 * tests/kernel/buffers_mdl.c - MDLs and probes (kernel/mm/mdl.c, probe.c):
 * frame arrays across page boundaries, byte offsets, partial MDLs, IRP
 * chains, system addresses; planted misuse that must stop the machine.
 */
#include "tests/kernel/ktest.h"

#define KT_MDL_TAG 'tMtK'

/* Frame of the page holding Va, as the page tables say. */
static PFN_NUMBER
KtPfnOf(PVOID Va)
{
    return (PFN_NUMBER)(MmGetPhysicalAddress(Va).QuadPart >> PAGE_SHIFT);
}

/* A buffer straddling two page boundaries in the pool: 3 pages from byte
 * PAGE_SIZE - 10 of a 4-page block. */
KTEST(MdlNonPagedPoolAcrossPages)
{
    PUCHAR Block = ExAllocatePoolWithTag(NonPagedPoolNx, 4 * PAGE_SIZE, KT_MDL_TAG);
    PUCHAR Buffer;
    ULONG Length = PAGE_SIZE + 30;
    PPFN_NUMBER Pfns;
    PMDL Mdl;

    KT_ASSERT(Block != NULL);
    Buffer = Block + PAGE_SIZE - 10;
    Mdl = IoAllocateMdl(Buffer, Length, FALSE, FALSE, NULL);
    KT_ASSERT(Mdl != NULL);
    KT_ASSERT_EQ(MmGetMdlByteCount(Mdl), Length);
    KT_ASSERT_EQ(MmGetMdlByteOffset(Mdl), BYTE_OFFSET(Buffer));
    KT_ASSERT_EQ(MmGetMdlBaseVa(Mdl), PAGE_ALIGN(Buffer));
    KT_ASSERT_EQ(MmGetMdlVirtualAddress(Mdl), Buffer);
    KT_ASSERT_EQ(ADDRESS_AND_SIZE_TO_SPAN_PAGES(Buffer, Length), 3);
    KT_ASSERT_EQ((USHORT)Mdl->Size, sizeof(MDL) + 3 * sizeof(PFN_NUMBER));
    KT_ASSERT_EQ(MmSizeOfMdl(Buffer, Length), sizeof(MDL) + 3 * sizeof(PFN_NUMBER));
    KT_ASSERT(Mdl->Next == NULL);

    MmBuildMdlForNonPagedPool(Mdl);
    KT_ASSERT((Mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL) != 0);
    Pfns = MmGetMdlPfnArray(Mdl);
    KT_ASSERT_EQ(Pfns[0], KtPfnOf(Buffer));
    KT_ASSERT_EQ(Pfns[1], KtPfnOf(Buffer + 10));
    KT_ASSERT_EQ(Pfns[2], KtPfnOf(Buffer + Length - 1));
    KT_ASSERT(Pfns[0] != Pfns[1] && Pfns[1] != Pfns[2]);
    KT_ASSERT_EQ(MmGetSystemAddressForMdlSafe(Mdl, NormalPagePriority), Buffer);
    IoFreeMdl(Mdl);
    ExFreePoolWithTag(Block, KT_MDL_TAG);
}

/* A buffer on this kernel stack: probed, locked, mapped, unlocked. */
KTEST(MdlProbeAndLockStackBuffer)
{
    UCHAR Buffer[200];
    PPFN_NUMBER Pfns;
    PUCHAR System;
    PMDL Mdl;
    ULONG Index;

    for (Index = 0; Index < sizeof(Buffer); Index++) {
        Buffer[Index] = (UCHAR)(Index * 7);
    }
    Mdl = IoAllocateMdl(Buffer, sizeof(Buffer), FALSE, FALSE, NULL);
    KT_ASSERT(Mdl != NULL);
    MmProbeAndLockPages(Mdl, KernelMode, IoModifyAccess);
    KT_ASSERT((Mdl->MdlFlags & MDL_PAGES_LOCKED) != 0);
    KT_ASSERT((Mdl->MdlFlags & MDL_WRITE_OPERATION) != 0);
    Pfns = MmGetMdlPfnArray(Mdl);
    KT_ASSERT_EQ(Pfns[0], KtPfnOf(Buffer));
    KT_ASSERT_EQ(Pfns[ADDRESS_AND_SIZE_TO_SPAN_PAGES(Buffer, sizeof(Buffer)) - 1],
                 KtPfnOf(Buffer + sizeof(Buffer) - 1));
    System = MmGetSystemAddressForMdlSafe(Mdl, NormalPagePriority);
    KT_ASSERT(System != NULL);
    KT_ASSERT((Mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) != 0);
    KT_ASSERT_EQ(System[199], (UCHAR)(199 * 7));
    System[5] = 0xA5;
    KT_ASSERT_EQ(Buffer[5], 0xA5);
    MmUnlockPages(Mdl);
    KT_ASSERT_EQ(Mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_MAPPED_TO_SYSTEM_VA), 0);
    IoFreeMdl(Mdl);
}

/* A partial MDL over the middle of a source: the right frames and offset. */
KTEST(MdlPartialMdl)
{
    PUCHAR Block = ExAllocatePoolWithTag(NonPagedPoolNx, 4 * PAGE_SIZE, KT_MDL_TAG);
    PUCHAR Inner;
    PMDL Source, Partial;

    KT_ASSERT(Block != NULL);
    Source = IoAllocateMdl(Block + 100, 3 * PAGE_SIZE, FALSE, FALSE, NULL);
    KT_ASSERT(Source != NULL);
    MmBuildMdlForNonPagedPool(Source);
    Inner = Block + 2 * PAGE_SIZE - 8;
    Partial = IoAllocateMdl(Inner, 16, FALSE, FALSE, NULL);
    KT_ASSERT(Partial != NULL);
    IoBuildPartialMdl(Source, Partial, Inner, 16);
    KT_ASSERT((Partial->MdlFlags & MDL_PARTIAL) != 0);
    KT_ASSERT_EQ(MmGetMdlVirtualAddress(Partial), Inner);
    KT_ASSERT_EQ(MmGetMdlByteCount(Partial), 16);
    KT_ASSERT_EQ(MmGetMdlPfnArray(Partial)[0], KtPfnOf(Inner));
    KT_ASSERT_EQ(MmGetMdlPfnArray(Partial)[1], KtPfnOf(Inner + 8));
    KT_ASSERT_EQ(MmGetSystemAddressForMdlSafe(Partial, NormalPagePriority), Inner);
    IoFreeMdl(Partial);
    IoFreeMdl(Source);
    ExFreePoolWithTag(Block, KT_MDL_TAG);
}

/* The first MDL becomes Irp->MdlAddress; secondary ones chain behind it. */
KTEST(MdlChainsOnIrp)
{
    static UCHAR Buffers[3][64];
    IRP Irp;
    PMDL First, Second, Third;

    RtlZeroMemory(&Irp, sizeof(Irp));
    First = IoAllocateMdl(Buffers[0], 64, FALSE, FALSE, &Irp);
    Second = IoAllocateMdl(Buffers[1], 64, TRUE, FALSE, &Irp);
    Third = IoAllocateMdl(Buffers[2], 64, TRUE, FALSE, &Irp);
    KT_ASSERT(First != NULL && Second != NULL && Third != NULL);
    KT_ASSERT(Irp.MdlAddress == First);
    KT_ASSERT(First->Next == Second);
    KT_ASSERT(Second->Next == Third);
    KT_ASSERT(Third->Next == NULL);
    IoFreeMdl(Third);
    IoFreeMdl(Second);
    IoFreeMdl(First);
}

/* Lengths an MDL cannot describe give NULL, not a crash. */
KTEST(MdlRejectsBadLengths)
{
    static UCHAR Buffer[16];

    KT_ASSERT(IoAllocateMdl(Buffer, 0, FALSE, FALSE, NULL) == NULL);
    KT_ASSERT(IoAllocateMdl(Buffer, 0x80000000U, FALSE, FALSE, NULL) == NULL);
}

/* Kernel buffers pass the probes; length 0 checks nothing, as documented. */
KTEST(ProbeAcceptsKernelBuffers)
{
    ULONG64 Aligned[4];
    static const UCHAR ReadOnly[8] = {1, 2, 3, 4, 5, 6, 7, 8};

    ProbeForRead(Aligned, sizeof(Aligned), 8);
    ProbeForWrite(Aligned, sizeof(Aligned), 8);
    ProbeForRead((PVOID)ReadOnly, sizeof(ReadOnly), 1);
    ProbeForRead((PVOID)1, 0, 8);
    KT_ASSERT(TRUE);
}

KTEST_BUGCHECK(ProbeForReadMisaligned, KMODE_EXCEPTION_NOT_HANDLED)
{
    ULONG64 Aligned[2];

    ProbeForRead((PUCHAR)Aligned + 1, 8, 4);
}

KTEST_BUGCHECK(ProbeForWriteReadOnly, KMODE_EXCEPTION_NOT_HANDLED)
{
    static const UCHAR ReadOnly[8] = {1};

    ProbeForWrite((PVOID)ReadOnly, sizeof(ReadOnly), 1);
}

KTEST_BUGCHECK(MdlProbeUnmapped, KMODE_EXCEPTION_NOT_HANDLED)
{
    /* The low half is unmapped once Mm runs. */
    PMDL Mdl = IoAllocateMdl((PVOID)0x10000, 100, FALSE, FALSE, NULL);

    if (Mdl != NULL) {
        MmProbeAndLockPages(Mdl, KernelMode, IoReadAccess);
    }
}

KTEST_BUGCHECK(MdlUnlockTwice, PFN_LIST_CORRUPT)
{
    UCHAR Buffer[32];
    PMDL Mdl = IoAllocateMdl(Buffer, sizeof(Buffer), FALSE, FALSE, NULL);

    if (Mdl != NULL) {
        MmProbeAndLockPages(Mdl, KernelMode, IoReadAccess);
        MmUnlockPages(Mdl);
        MmUnlockPages(Mdl);
    }
}
