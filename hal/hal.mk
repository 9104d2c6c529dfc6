# hal/: the hardware abstraction layer.
KERNEL_SRCS += \
	hal/uart.c
