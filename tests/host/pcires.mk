# The PCI bus driver's resource requirements (drivers/pci/resource.c):
# message and line alternatives for every way a function can interrupt.
HOST_TESTS += pcires
pcires_SRCS := tests/host/pcires.c tests/host/pcifake.c \
	drivers/pci/enum.c drivers/pci/bar.c drivers/pci/caps.c drivers/pci/ids.c \
	drivers/pci/resource.c drivers/pci/list.c
