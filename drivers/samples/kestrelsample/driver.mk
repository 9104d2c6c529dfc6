DRIVER_NAME := KestrelSample
DRIVER_SRCS += drivers/samples/kestrelsample/driver.c
