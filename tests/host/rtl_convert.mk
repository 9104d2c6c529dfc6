HOST_TESTS += rtl_convert
rtl_convert_SRCS := tests/host/rtl_convert.c tests/host/rtl_fakes.c kernel/rtl/ansi.c \
	kernel/rtl/integer.c kernel/rtl/convert.c kernel/rtl/strpool.c kernel/rtl/unicode.c \
	kernel/rtl/validate.c kernel/rtl/memory.c kernel/rtl/string.c
