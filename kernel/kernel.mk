# kernel/: Ke, Mm, Ex, Rtl, Dbg - the executive proper.
KERNEL_SRCS += \
	kernel/ke/start.asm \
	kernel/main.c \
	kernel/ke/cmdline.c \
	kernel/dbg/dbgprint.c \
	kernel/rtl/format.c
