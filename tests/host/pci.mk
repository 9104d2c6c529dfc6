# The PCI bus driver's enumeration core (drivers/pci) on fake config spaces:
# QEMU's q35 and pc as Kestrel found them, and hostile ones.
HOST_TESTS += pci
pci_SRCS := tests/host/pci.c tests/host/pcibroken.c tests/host/pcifake.c \
	drivers/pci/enum.c drivers/pci/bar.c drivers/pci/caps.c drivers/pci/ids.c \
	drivers/pci/resource.c drivers/pci/list.c
