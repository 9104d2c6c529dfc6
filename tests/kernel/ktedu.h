/*
 * tests/kernel/ktedu.h - KtEdu, a test-only WDM function driver for QEMU's
 * "edu" device (PCI 1234:11E8), the educational device of QEMU's
 * docs/specs/edu.txt: a 1 MiB memory BAR0, INTA#, and MSI with one
 * message (64-bit address, no per-vector masking; hw/misc/edu.c).
 *
 * It exists to prove MSI end to end: the PnP manager assigns the PCI PDO's
 * message alternative (the service declares MessageSignaled), the PCI bus
 * driver programs the MSI capability (drivers/pci/msi.c), and
 * IoConnectInterruptEx(CONNECT_MESSAGE_BASED) connects the message ISR,
 * which reads and acknowledges the interrupt status and queues the DPC.
 * The KTESTs are in tests/kernel/pcimsi.c.
 */
#ifndef KESTREL_TESTS_KERNEL_KTEDU_H
#define KESTREL_TESTS_KERNEL_KTEDU_H

#include <wdm.h>
#include "io/pnpp.h"

/* ---- edu's BAR0 registers (docs/specs/edu.txt, "MMIO area spec"; only
 * 32-bit accesses below 0x80) ---- */
#define EDU_REG_IDENTIFICATION 0x00     /* RO: 0xRRrr00ED, major RR, minor rr */
#define EDU_REG_LIVENESS 0x04           /* RW: reads back the bitwise NOT */
#define EDU_REG_FACTORIAL 0x08          /* RW: n in, n! out once computing clears */
#define EDU_REG_STATUS 0x20             /* RW, bitwise OR */
#define EDU_REG_INTERRUPT_STATUS 0x24   /* RO: the values that raised the interrupt */
#define EDU_REG_INTERRUPT_RAISE 0x60    /* WO: ORed into the interrupt status; raises */
#define EDU_REG_INTERRUPT_ACK 0x64      /* WO: cleared from the interrupt status */

#define EDU_IDENTIFICATION_MAGIC 0xED   /* bits 7:0 */
#define EDU_STATUS_COMPUTING 0x01       /* RO: factorial in progress */
#define EDU_STATUS_IRQ_FACTORIAL 0x80   /* raise an interrupt when it is done */
#define EDU_INTERRUPT_FACTORIAL 0x00000001  /* the value a finished factorial raises */
#define EDU_INTERRUPT_DMA 0x00000100        /* ... and a finished DMA */

/* ---- The driver ---- */

#define KTEDU_ISR_LOG 64                /* status values the ISR saw, in order */

typedef struct _KTEDU_EXTENSION {
    PDEVICE_OBJECT DeviceObject;
    PDEVICE_OBJECT PhysicalDeviceObject;
    PDEVICE_OBJECT LowerDevice;
    BOOLEAN Started;

    /* BAR0, its first page mapped for the registers. */
    PHYSICAL_ADDRESS Bar0;
    ULONG Bar0Length;
    volatile ULONG *Registers;

    /* The interrupt as START_DEVICE gave it (copies of the descriptors). */
    ULONG MessageDescriptors;
    CM_PARTIAL_RESOURCE_DESCRIPTOR RawInterrupt;
    CM_PARTIAL_RESOURCE_DESCRIPTOR TranslatedInterrupt;
    ULONG ConnectedVersion;             /* what IoConnectInterruptEx left */
    PVOID Connection;                   /* message table or interrupt object */

    /* What the ISR and the DPC saw. IsrCalls, Log and LastMessageId are
     * written under the interrupt spin lock; Pending is handed to the DPC
     * with interlocked operations. */
    volatile LONG IsrCalls;
    volatile LONG UnclaimedCalls;       /* called with nothing to acknowledge */
    ULONG LastMessageId;
    ULONG Log[KTEDU_ISR_LOG];
    volatile LONG Pending;
    volatile LONG DpcCalls;
    volatile LONG DpcStatus;            /* every status the DPC consumed, ORed */
    KDPC Dpc;
    KEVENT DpcRan;                      /* synchronization: set by each DPC */
    KEVENT FactorialDone;               /* notification: the DPC saw the factorial */
} KTEDU_EXTENSION, *PKTEDU_EXTENSION;

/* PASSIVE_LEVEL. Registers the KtEdu service once and waits for the PnP
 * manager to settle (it retries the edu node, which had no driver). */
VOID KtEduRegister(VOID);
/* The edu's node (NULL when this machine has none) and KtEdu's extension
 * on it (NULL until added). */
PDEVICE_NODE KtEduDeviceNode(VOID);
PKTEDU_EXTENSION KtEduDevice(VOID);

static inline ULONG
KtEduRead(PKTEDU_EXTENSION Ext, ULONG Register)
{
    return READ_REGISTER_ULONG(&Ext->Registers[Register / 4]);
}

static inline VOID
KtEduWrite(PKTEDU_EXTENSION Ext, ULONG Register, ULONG Value)
{
    WRITE_REGISTER_ULONG(&Ext->Registers[Register / 4], Value);
}

#endif /* KESTREL_TESTS_KERNEL_KTEDU_H */
