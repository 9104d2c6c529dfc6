HOST_TESTS += rtl_memory
rtl_memory_SRCS := tests/host/rtl_memory.c kernel/rtl/memory.c kernel/rtl/string.c
