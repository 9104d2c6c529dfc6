/*
 * tests/drivercheck/driver_includes_relative.c - a planted bug for
 * `make check-driver-includes`: a driver that climbs out of drivers/ to a
 * kernel-private header. The compiler finds it; the dependency check
 * (scripts/driver-includes.sh) must refuse it.
 */
#include <wdm.h>
#include "../../io/iopirp.h"
