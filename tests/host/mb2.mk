# The Multiboot2 information parser (boot/multiboot2), fed good and hostile
# blocks; kernel/rtl/format.c words its messages.
HOST_TESTS += mb2
mb2_SRCS := tests/host/mb2.c boot/multiboot2/mb2parse.c boot/multiboot2/mb2memory.c \
	boot/multiboot2/mb2diag.c kernel/rtl/format.c
