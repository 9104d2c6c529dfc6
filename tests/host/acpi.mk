# The ACPI static-table parser (hal/acpi*.c) on real QEMU tables and on
# broken ones; fixtures in tests/host/data/acpi/.
HOST_TESTS += acpi
acpi_SRCS := tests/host/acpi.c tests/host/acpibroken.c tests/host/acpibrokentables.c \
	tests/host/acpifake.c \
	hal/acpi.c hal/acpimadt.c hal/acpifadt.c hal/acpihpet.c hal/acpimcfg.c
