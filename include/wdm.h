/*
 * wdm.h - the Windows Driver Model interface, as Kestrel implements it.
 *
 * A WDM driver includes this (or ntddk.h) and nothing else of the kernel's.
 * The declarations are grouped by component under include/ddk/ so that each
 * part stays readable; the names, types and signatures are the WDK's.
 */
#ifndef _WDMDDK_
#define _WDMDDK_

#include <ntdef.h>
#include <ntstatus.h>
#include <bugcodes.h>
#include <stdarg.h>

#include <ddk/interlocked.h>
#include <ddk/ke.h>
#include <ddk/hal.h>
#include <ddk/pci.h>
#include <ddk/rtl.h>
#include <ddk/ex.h>
#include <ddk/mm.h>
#include <ddk/dbg.h>
#include <ddk/ob.h>
#include <ddk/ps.h>
#include <ddk/mdl.h>
#include <ddk/io.h>
#include <ddk/pnp.h>
#include <ddk/po.h>
#include <ddk/exsync.h>

#endif /* _WDMDDK_ */
