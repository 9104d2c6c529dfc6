# The UEFI loader's command line from LoadOptions and kestrel.cfg.
HOST_TESTS += uefi_cmdline
uefi_cmdline_SRCS := tests/host/uefi_cmdline.c boot/uefi/cmdline.c
