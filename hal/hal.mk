# hal/: the hardware abstraction layer.
KERNEL_SRCS += \
	hal/uart.c
KERNEL_SRCS += hal/idt.c hal/trap.asm
KERNEL_SRCS += hal/acpi.c hal/acpimadt.c hal/acpifadt.c hal/acpihpet.c hal/acpimcfg.c \
	hal/acpiinit.c hal/acpidump.c
KERNEL_SRCS += hal/pic.c hal/lapic.c hal/ioapic.c hal/msi.c hal/msiroute.c hal/vector.c hal/irqroute.c \
	hal/intinit.c hal/intstub.asm
KERNEL_SRCS += hal/tsc.c hal/hpet.c hal/pit.c hal/rtc.c hal/apictimer.c
KERNEL_SRCS += hal/pciconfig.c hal/pciports.c hal/pciecam.c
