# PciScan as the PCI bus driver's FDOs use it: one bus at a time, and known
# functions identified without a single config write (drivers/pci/enum.c).
HOST_TESTS += pciscan
pciscan_SRCS := tests/host/pciscan.c tests/host/pcifake.c \
	drivers/pci/enum.c drivers/pci/bar.c drivers/pci/caps.c drivers/pci/ids.c \
	drivers/pci/resource.c drivers/pci/list.c
