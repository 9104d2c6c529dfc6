# tests/kernel/: tests that run inside QEMU, registered with KTEST() in
# tests/kernel/*.c and selected by the kernel command line (ktest=all or
# ktest=name,...). Every .c here is linked into the kernel.
KERNEL_SRCS += $(sort $(wildcard tests/kernel/*.c))
