HOST_TESTS += rtl_unicode
rtl_unicode_SRCS := tests/host/rtl_unicode.c tests/host/rtl_fakes.c kernel/rtl/unicode.c \
	kernel/rtl/validate.c kernel/rtl/memory.c kernel/rtl/string.c
