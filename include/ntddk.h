/*
 * ntddk.h - wdm.h plus the routines NT offers to non-WDM kernel drivers.
 */
#ifndef _NTDDK_
#define _NTDDK_

#include <wdm.h>

#endif /* _NTDDK_ */
