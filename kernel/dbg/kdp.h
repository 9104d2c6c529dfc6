/*
 * kernel/dbg/kdp.h - the kernel debugger's private interface: symbols.
 */
#ifndef KESTREL_KERNEL_DBG_KDP_H
#define KESTREL_KERNEL_DBG_KDP_H

#include <wdm.h>

/*
 * Finds the function that contains Address in the kernel's ELF symbol table
 * (handed over by the boot loader). Returns FALSE when there is no table or
 * no symbol covers the address. Safe at any IRQL and inside a bugcheck.
 */
BOOLEAN KdpLookupSymbol(ULONG_PTR Address, PCSTR *Name, ULONG_PTR *Offset);

#endif /* KESTREL_KERNEL_DBG_KDP_H */
