DRIVER_NAME := Sample
DRIVER_SRCS += drivers/samples/sample/driver.c
