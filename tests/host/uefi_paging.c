/*
 * tests/host/uefi_paging.c - the UEFI loader's boot page tables
 * (boot/uefi/paging.c), walked the way the CPU walks them (Intel SDM vol.
 * 3A, 4.5) to check the contract in boot/bootinfo.h: identity [0, 4 GiB),
 * -2 GiB onto KernelPhysicalBase - 2 MiB, 2 MiB pages, nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/uefi/paging.h"

/* A pretend physical address for the tables, so that the walk below must
 * translate entries back into the host buffer. */
#define TABLES_PHYSICAL 0x7E00000ULL
#define ADDRESS_MASK 0x000FFFFFFFFFF000ULL

static uint64_t *Tables;

static uint64_t *
TableAt(uint64_t Entry)
{
    uint64_t Physical = Entry & ADDRESS_MASK;

    assert_true(Entry & PTE_PRESENT);
    assert_true(Physical >= TABLES_PHYSICAL);
    assert_true(Physical < TABLES_PHYSICAL + BOOT_PAGE_TABLE_PAGES * 4096ULL);
    return Tables + (Physical - TABLES_PHYSICAL) / 8;
}

/* Translates a virtual address; returns UINT64_MAX when not mapped. */
static uint64_t
Walk(uint64_t Cr3, uint64_t Virtual)
{
    uint64_t *Pml4 = TableAt(Cr3 | PTE_PRESENT);
    uint64_t Entry = Pml4[(Virtual >> 39) & 511];
    uint64_t *Pdpt, *Pd;

    if (!(Entry & PTE_PRESENT)) {
        return UINT64_MAX;
    }
    Pdpt = TableAt(Entry);
    Entry = Pdpt[(Virtual >> 30) & 511];
    if (!(Entry & PTE_PRESENT)) {
        return UINT64_MAX;
    }
    assert_false(Entry & PTE_LARGE);    /* no 1 GiB pages */
    Pd = TableAt(Entry);
    Entry = Pd[(Virtual >> 21) & 511];
    if (!(Entry & PTE_PRESENT)) {
        return UINT64_MAX;
    }
    assert_true(Entry & PTE_LARGE);
    assert_true(Entry & PTE_WRITE);
    return (Entry & 0x000FFFFFFFE00000ULL) + (Virtual & (PAGING_2MB - 1));
}

static int
Setup(void **State)
{
    (void)State;
    Tables = aligned_alloc(4096, BOOT_PAGE_TABLE_PAGES * 4096);
    memset(Tables, 0xFF, BOOT_PAGE_TABLE_PAGES * 4096); /* junk: must be cleared */
    return Tables == NULL;
}

static int
Teardown(void **State)
{
    (void)State;
    free(Tables);
    return 0;
}

static void
IdentityAndKernelWindowAreMapped(void **State)
{
    const uint64_t Bases[] = { 0x200000, 0x4600000, 0xFFE00000 };

    (void)State;
    for (size_t Index = 0; Index < 3; Index++) {
        uint64_t Base = Bases[Index];
        uint64_t Cr3 = PagingBuildBootTables(Tables, TABLES_PHYSICAL, Base);

        assert_int_equal(Cr3, TABLES_PHYSICAL);
        assert_int_equal(Walk(Cr3, 0), 0);
        assert_int_equal(Walk(Cr3, 0x12345678), 0x12345678);
        assert_int_equal(Walk(Cr3, 0xFFFFFFFF), 0xFFFFFFFF);
        assert_int_equal(Walk(Cr3, 0x100000000ULL), UINT64_MAX);
        /* linker.ld: -2 GiB + 2 MiB is the image's first byte. */
        assert_int_equal(Walk(Cr3, 0xFFFFFFFF80200000ULL), Base);
        assert_int_equal(Walk(Cr3, 0xFFFFFFFF80201234ULL), Base + 0x1234);
        assert_int_equal(Walk(Cr3, 0xFFFFFFFFBFFFFFFFULL), Base - PAGING_2MB + (1ULL << 30) - 1);
        assert_int_equal(Walk(Cr3, 0xFFFFFFFFC0000000ULL), UINT64_MAX);
        assert_int_equal(Walk(Cr3, 0xFFFF800000000000ULL), UINT64_MAX);
    }
}

static void
UnalignedKernelBaseIsRefused(void **State)
{
    (void)State;
    assert_int_equal(PagingBuildBootTables(Tables, TABLES_PHYSICAL, 0x201000), 0);
    assert_int_equal(PagingBuildBootTables(Tables, TABLES_PHYSICAL, 0), 0);
    assert_int_equal(PagingBuildBootTables(Tables, TABLES_PHYSICAL + 8, 0x200000), 0);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(IdentityAndKernelWindowAreMapped),
        cmocka_unit_test(UnalignedKernelBaseIsRefused),
    };

    return cmocka_run_group_tests(Tests, Setup, Teardown);
}
