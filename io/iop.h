/*
 * io/iop.h - I/O manager internals shared inside the kernel.
 */
#ifndef KESTREL_IO_IOP_H
#define KESTREL_IO_IOP_H

#include <wdm.h>

/*
 * The translated interrupt resource of a physical device object, what
 * IoConnectInterruptEx(CONNECT_LINE_BASED) connects to (io/interrupt.c).
 * The PnP manager will record these when it starts a device; until it
 * exists, kernel code that enumerates a device itself records them here.
 * IRQL PASSIVE_LEVEL. STATUS_INSUFFICIENT_RESOURCES when the table is full;
 * recording a PDO again replaces its entry; Vector 0 forgets it.
 */
typedef struct _IOP_INTERRUPT_RESOURCE {
    ULONG Vector;
    KIRQL Irql;
    KINTERRUPT_MODE InterruptMode;
    BOOLEAN ShareVector;
    KAFFINITY Affinity;
} IOP_INTERRUPT_RESOURCE, *PIOP_INTERRUPT_RESOURCE;

NTSTATUS IopSetDeviceInterruptResource(_In_ PDEVICE_OBJECT PhysicalDeviceObject,
                                       _In_ const IOP_INTERRUPT_RESOURCE *Resource);

#endif /* KESTREL_IO_IOP_H */
