HOST_TESTS += rtl_list
rtl_list_SRCS := tests/host/rtl_list.c
