# The memory-map sanitizer (kernel/mm/memmap.c).
HOST_TESTS += mm_memmap
mm_memmap_SRCS := tests/host/mm_memmap.c kernel/mm/memmap.c
