DRIVER_NAME := KestrelFilter
DRIVER_SRCS += drivers/samples/filter/driver.c
