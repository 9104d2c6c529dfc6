# drivers/pci: the PCI bus driver. For now its enumeration core (pci.h);
# DRIVER_NAME := Pci joins when DriverEntry and the PnP dispatch do (issue 6).
DRIVER_SRCS += drivers/pci/enum.c drivers/pci/bar.c drivers/pci/caps.c drivers/pci/ids.c \
	drivers/pci/resource.c drivers/pci/list.c drivers/pci/halaccess.c
