DRIVER_NAME := Serial
DRIVER_SRCS += drivers/serial/driver.c drivers/serial/pnp.c drivers/serial/start.c
DRIVER_SRCS += drivers/serial/dispatch.c drivers/serial/ioctl.c drivers/serial/queue.c
DRIVER_SRCS += drivers/serial/io.c drivers/serial/isr.c drivers/serial/uart.c
DRIVER_SRCS += drivers/serial/ring.c drivers/serial/timeout.c
# Root-enumerated COM ports, and PCI serial controllers of class 07,
# subclass 00, interface 02 (16550-compatible).
DRIVER_IDS := *PNP0501 PCI\CC_070002
