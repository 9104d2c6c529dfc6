# The UEFI loader's boot page tables, walked like the CPU walks them.
HOST_TESTS += uefi_paging
uefi_paging_SRCS := tests/host/uefi_paging.c boot/uefi/paging.c
