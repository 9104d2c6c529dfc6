/*
 * tests/kernel/pcibustest.h - what the PCI bus driver's kernel tests share
 * (tests/kernel/pcibus.c, pcibuspdo.c, pcibusserial.c, pcibustree.c,
 * pcibusrescan.c, and the MSI tests pcimsi.c and ktnvmetest.c): finding the PCI nodes in the PnP tree, asking a PDO
 * where it is, reading its config space as a driver does (all in pcibus.c), and using the PCI 16550 the harness's
 * pci boots put behind a PCI-to-PCI bridge (pcibusserial.c).
 */
#ifndef KESTREL_TESTS_KERNEL_PCIBUSTEST_H
#define KESTREL_TESTS_KERNEL_PCIBUSTEST_H

#include "tests/kernel/ktest.h"
#include "io/pnpp.h"
#include "hal/pcip.h"
#include "drivers/pci/pcibus.h"

/* The PCI root bus node the root enumerator reports on this machine. */
PDEVICE_NODE KtPciRootNode(VOID);
/* Device belongs to the driver named Name ("\Driver\Pci"). */
BOOLEAN KtPciDriverIs(_In_opt_ PDEVICE_OBJECT Device, _In_ PCWSTR Name);
BOOLEAN KtPciStringsEqual(_In_ PCWSTR A, _In_ PCWSTR B);
/* A PDO's bus number (QUERY_BUS_INFORMATION) and address (capabilities). */
NTSTATUS KtPciLocate(_In_ PDEVICE_OBJECT Pdo, _Out_ PULONG Bus, _Out_ PULONG Address);
/* Config space through IRP_MN_READ_CONFIG sent to the top of Device's
 * stack: the status and *Bytes (Information); the second TRUE when all
 * Length bytes came back. */
NTSTATUS KtPciReadConfig(_In_ PDEVICE_OBJECT Device, _In_ ULONG Space, _Out_ PVOID Buffer,
                         _In_ ULONG Offset, _In_ ULONG Length, _Out_ PULONG_PTR Bytes);
BOOLEAN KtPciReadConfigAll(_In_ PDEVICE_OBJECT Device, _In_ ULONG Offset, _Out_ PVOID Buffer,
                           _In_ ULONG Length);
/* The config offset of the function's capability CapabilityId, or 0. */
ULONG KtPciFindCapability(_In_ PDEVICE_OBJECT Device, _In_ UCHAR CapabilityId);
/* The node of the PCI function whose compatible IDs hold Id, or NULL. */
PDEVICE_NODE KtPciFindFunction(_In_ PCWSTR Id);
/* Prints why a harness-only test device will not be checked, or why its
 * test driver did not start it. */
VOID KtPciReportTestDevice(_In_ PCSTR Prefix, _In_ PCSTR Name, _In_ PCSTR Driver,
                           _In_opt_ PDEVICE_NODE Node, _In_ BOOLEAN Added, _In_ BOOLEAN Started);
/* The first node below Root, at any depth, whose compatible IDs hold Id. */
PDEVICE_NODE KtPciFindNode(_In_ PDEVICE_NODE Root, _In_ PCWSTR Id);

#define KT_PCI_MAX_CHILDREN 64

typedef struct _KT_PCI_CHILD {
    PDEVICE_NODE Node;
    ULONG Bus;
    ULONG Address;              /* (device << 16) | function */
} KT_PCI_CHILD;

/* Every enumerated node below Root, at any depth, with its bus number and
 * address (Bus MAXULONG when the PDO did not say); at most
 * KT_PCI_MAX_CHILDREN. Returns how many. */
ULONG KtPciChildren(_In_ PDEVICE_NODE Root,
                    _Out_writes_(KT_PCI_MAX_CHILDREN) KT_PCI_CHILD *Children);
/* The PCI 16550 (PCI\CC_070002) below the root bus, or NULL. */
PDEVICE_NODE KtPciSerialCard(VOID);
/* The card's I/O base as \Driver\Serial got it; 0 when it has none. */
ULONG KtPciCardPorts(_In_ PDEVICE_NODE Card);
/* Writes Length (at most 256) bytes through the started card's
 * \DosDevices\COMn and waits up to 3 s; STATUS_TIMEOUT when it did not end. */
NTSTATUS KtPciCardWrite(_In_ PDEVICE_NODE Card, _In_ ULONG Length, _Out_ PULONG_PTR Written);

#endif /* KESTREL_TESTS_KERNEL_PCIBUSTEST_H */
