HOST_TESTS += ke_time
ke_time_SRCS := tests/host/ke_time.c kernel/ke/timemath.c
