/*
 * tests/drivercheck/driver_includes_kernel.c - a planted bug for
 * `make check-driver-includes`: a driver that includes a kernel-private
 * header by its path from the top. With -Iinclude only it must not build.
 */
#include <wdm.h>
#include "kernel/ke/ki.h"
