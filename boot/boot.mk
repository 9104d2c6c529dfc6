# boot/: how the machine reaches KiSystemStartup.
# The Multiboot2 entry and its information parser are linked into the kernel
# image (GRUB loads the kernel ELF directly); the UEFI loader is a separate
# PE image built by boot/uefi/uefi.mk.
KERNEL_SRCS += \
	boot/multiboot2/entry.asm \
	boot/multiboot2/mb2info.c \
	boot/multiboot2/mb2parse.c \
	boot/multiboot2/mb2memory.c \
	boot/multiboot2/mb2diag.c

include boot/uefi/uefi.mk
