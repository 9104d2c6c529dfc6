# The non-paged pool (kernel/mm/pool*.c, expool.c) on pages from aligned_alloc:
# ordinary use, every planted bug, and a randomized run against a model.
HOST_TESTS += pool
pool_SRCS := tests/host/pool.c tests/host/poolbug.c tests/host/poolstress.c \
	kernel/mm/pool.c kernel/mm/poolcheck.c kernel/mm/pooltag.c kernel/mm/expool.c
