HOST_TESTS += serial_uart
serial_uart_SRCS := tests/host/serial_uart.c drivers/serial/uart.c drivers/serial/uartisr.c \
                    drivers/serial/uartflow.c drivers/serial/ring.c
