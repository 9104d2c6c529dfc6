/*
 * io/pnproot.h - what the root enumerator's files share: the root bus
 * driver (io/pnproot.c), the platform probing that finds its children
 * (io/pnprootprobe.c) and the answers a child gives about itself
 * (io/pnprootquery.c). The rest of the PnP manager sees only the routines
 * io/pnpp.h declares.
 */
#ifndef KESTREL_IO_PNPROOT_H
#define KESTREL_IO_PNPROOT_H

#include "io/pnpp.h"

#define IOP_ROOT_MAX_ID 64

/* The device extension of the root device and of each of its PDOs. */
typedef struct _IOP_ROOT_PDO {
    BOOLEAN IsBus;                      /* the root device itself */
    BOOLEAN Present;                    /* still reported in BusRelations */
    BOOLEAN DebuggerPort;
    LIST_ENTRY Link;                    /* IopRootChildren */
    PDEVICE_OBJECT Self;
    WCHAR DeviceId[IOP_ROOT_MAX_ID];
    WCHAR InstanceId[16];
    WCHAR HardwareIds[2 * IOP_ROOT_MAX_ID + 1];     /* multi-sz */
    WCHAR CompatibleIds[IOP_ROOT_MAX_ID];           /* multi-sz, may be empty */
    USHORT PortBase;                    /* 0: no resources */
    UCHAR Irq;                          /* 0xFF: none */
    USHORT IrqFlags;                    /* CM_RESOURCE_INTERRUPT_* */
    ULONG UINumber;
    PCSTR Description;                  /* DeviceTextDescription, or NULL */
} IOP_ROOT_PDO, *PIOP_ROOT_PDO;

/* ---- The root bus driver (io/pnproot.c) ---- */

/* Narrow ASCII into a WCHAR buffer (Count characters with the NUL). */
VOID IopWiden(_Out_writes_(Count) PWCHAR Out, _In_ ULONG Count, _In_ PCSTR In);
/* PASSIVE_LEVEL. A PDO of the root with the given IDs (Hardware and
 * Compatible are "|"-separated lists), present from the next enumeration. */
NTSTATUS IopRootAddPdo(_In_ PCSTR DeviceId, _In_ PCSTR InstanceId, _In_ PCSTR Hardware,
                       _In_ PCSTR Compatible, _Out_ PIOP_ROOT_PDO *Result);

/* ---- Platform probing (io/pnprootprobe.c), at boot ---- */

VOID IopRootFindSerialPorts(VOID);
VOID IopRootFindPciRootBus(VOID);

/* ---- A PDO's answers about itself (io/pnprootquery.c) ---- */

/* Each returns a pool buffer for IoStatus.Information, or 0: nothing to
 * report, or the pool is out. */
ULONG_PTR IopRootCopyId(_In_ PCWSTR Id, _In_ ULONG Bytes);
ULONG_PTR IopRootCopyText(_In_ PCSTR Text);
ULONG_PTR IopRootResources(_In_ PIOP_ROOT_PDO Ext, _In_ BOOLEAN Requirements);

#endif /* KESTREL_IO_PNPROOT_H */
