# The UEFI loader's kernel ELF check, against broken and damaged files.
HOST_TESTS += uefi_elf
uefi_elf_SRCS := tests/host/uefi_elf.c boot/uefi/elf.c
