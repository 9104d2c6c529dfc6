HOST_TESTS += rtl_format
rtl_format_SRCS := tests/host/rtl_format.c tests/host/rtl_fakes.c kernel/rtl/format.c \
	kernel/rtl/strsafe.c kernel/rtl/memory.c kernel/rtl/string.c
