# The PnP manager's raw and translated resource lists (io/pnpreslist.c),
# with the real vector bookkeeping (hal/vector.c).
HOST_TESTS += pnp_reslist
pnp_reslist_SRCS := tests/host/pnp_reslist.c io/pnpreslist.c hal/vector.c
