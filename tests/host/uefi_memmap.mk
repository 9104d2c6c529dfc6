# The UEFI loader's memory map conversion, against hostile maps.
HOST_TESTS += uefi_memmap
uefi_memmap_SRCS := tests/host/uefi_memmap.c boot/uefi/memmap.c
