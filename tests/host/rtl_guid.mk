HOST_TESTS += rtl_guid
rtl_guid_SRCS := tests/host/rtl_guid.c tests/host/rtl_fakes.c kernel/rtl/guid.c \
	kernel/rtl/strpool.c kernel/rtl/convert.c kernel/rtl/ansi.c kernel/rtl/unicode.c \
	kernel/rtl/validate.c kernel/rtl/memory.c kernel/rtl/string.c
