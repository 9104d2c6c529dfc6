HOST_TESTS += serial_logic
serial_logic_SRCS := tests/host/serial_logic.c drivers/serial/ring.c drivers/serial/timeout.c
