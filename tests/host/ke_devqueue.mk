# The device queue's list and busy state (kernel/ke/devqlist.c).
HOST_TESTS += ke_devqueue
ke_devqueue_SRCS := tests/host/ke_devqueue.c kernel/ke/devqlist.c
