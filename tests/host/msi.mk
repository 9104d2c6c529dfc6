# MSI/MSI-X message composition (hal/msi.c).
HOST_TESTS += msi
msi_SRCS := tests/host/msi.c hal/msi.c
