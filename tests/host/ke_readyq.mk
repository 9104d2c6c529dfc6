HOST_TESTS += ke_readyq
ke_readyq_SRCS := tests/host/ke_readyq.c kernel/ke/readyq.c
