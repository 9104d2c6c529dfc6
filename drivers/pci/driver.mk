# drivers/pci: the PCI bus driver. Its PnP half (driver.c ... config.c) on
# the enumeration core (pci.h: enum.c ... halaccess.c). It serves the PCI
# root bus the root enumerator reports (ACPI\PNP0A03 or ACPI\PNP0A08) and,
# by class, every PCI-to-PCI bridge it reports itself (PCI\CC_0604).
DRIVER_NAME := Pci
DRIVER_SRCS += drivers/pci/driver.c drivers/pci/pnp.c drivers/pci/fdo.c drivers/pci/pdo.c
DRIVER_SRCS += drivers/pci/pdoquery.c drivers/pci/config.c drivers/pci/power.c drivers/pci/guid.c
DRIVER_SRCS += drivers/pci/enum.c drivers/pci/bar.c drivers/pci/caps.c drivers/pci/ids.c \
	drivers/pci/resource.c drivers/pci/list.c drivers/pci/halaccess.c drivers/pci/msi.c
DRIVER_IDS := *PNP0A03 *PNP0A08 PCI\CC_0604
