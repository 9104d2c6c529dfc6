HOST_TESTS += ke_timer
ke_timer_SRCS := tests/host/ke_timer.c kernel/ke/timerq.c
