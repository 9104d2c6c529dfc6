# The PCI bus driver turning MSI and MSI-X on and off (drivers/pci/msi.c)
# against a scripted config space and a fake MSI-X table.
HOST_TESTS += pcimessages
pcimessages_SRCS := tests/host/pcimessages.c tests/host/pcifake.c drivers/pci/msi.c
