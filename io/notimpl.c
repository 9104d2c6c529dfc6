/*
 * io/notimpl.c - I/O manager routines that are declared in the DDK
 * (include/ddk/io.h, include/ddk/mdl.h) but not implemented yet.
 *
 * Each one stops the machine naming itself (KiNotImplemented): a driver
 * that calls one learns at once which routine is missing, instead of
 * running on with a silent failure. Whoever implements a routine deletes
 * its body here in the same commit; when the file is empty, it goes.
 */
#include <wdm.h>
#include "kernel/ke/ki.h"

/* ---- Driver and device objects: needs a FILE_OBJECT (the file API) ---- */

