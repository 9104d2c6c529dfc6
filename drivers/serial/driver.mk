DRIVER_NAME := Serial
DRIVER_SRCS += drivers/serial/driver.c drivers/serial/pnp.c drivers/serial/start.c
DRIVER_SRCS += drivers/serial/dispatch.c drivers/serial/ioctl.c drivers/serial/flowctl.c
DRIVER_SRCS += drivers/serial/status.c drivers/serial/queue.c drivers/serial/io.c
DRIVER_SRCS += drivers/serial/isr.c drivers/serial/uart.c drivers/serial/uartisr.c
DRIVER_SRCS += drivers/serial/uartflow.c drivers/serial/ring.c drivers/serial/timeout.c
# Root-enumerated COM ports, and PCI serial controllers of class 07,
# subclass 00, interface 02 (16550-compatible).
DRIVER_IDS := *PNP0501 PCI\CC_070002
