/*
 * tests/kernel/ktnvme.h - KtNvme, a test-only WDM function driver for
 * QEMU's NVMe controller (PCI 1B36:0010, class 010802), written to the NVM
 * Express Base Specification, revision 1.4 (June 2019).
 *
 * It exists to prove message-signaled interrupts end to end: the PnP
 * manager assigns MSI-X messages, the PCI bus driver programs the MSI-X
 * table, IoConnectInterruptEx(CONNECT_MESSAGE_BASED) connects one ISR per
 * message, and the controller's admin completion queue interrupts on
 * message 0. It brings the controller up, runs Identify Controller through
 * the admin queues, and nothing more: no I/O queues, no namespaces.
 *
 *   ktnvme.c      DriverEntry, AddDevice, IRP_MJ_PNP, IRP_MJ_POWER
 *   ktnvmestart.c start and stop: resources, BAR0, DMA pages, interrupts
 *   ktnvmehw.c    the controller: enable, disable, admin commands
 *   ktnvmeisr.c   the message ISR and the DPC that consumes completions
 *   ktnvmetest.c  the KTESTs
 */
#ifndef KESTREL_TESTS_KERNEL_KTNVME_H
#define KESTREL_TESTS_KERNEL_KTNVME_H

#include <wdm.h>

/* ---- Controller registers: NVMe 1.4, 3.1 (memory in BAR0) ---- */
#define NVME_REG_CAP 0x00       /* 3.1.1 Controller Capabilities, 64 bits */
#define NVME_REG_VS 0x08        /* 3.1.2 Version */
#define NVME_REG_CC 0x14        /* 3.1.5 Controller Configuration */
#define NVME_REG_CSTS 0x1C      /* 3.1.6 Controller Status */
#define NVME_REG_AQA 0x24       /* 3.1.8 Admin Queue Attributes */
#define NVME_REG_ASQ 0x28       /* 3.1.9 Admin Submission Queue Base Address, 64 bits */
#define NVME_REG_ACQ 0x30       /* 3.1.10 Admin Completion Queue Base Address, 64 bits */
#define NVME_REG_DOORBELLS 0x1000   /* 3.1.24, 3.1.25: SQ y tail, CQ y head */

/* 3.1.1 CAP: MQES 15:0 (entries minus one), TO 31:24 (units of 500 ms),
 * DSTRD 35:32 (doorbell stride 2^(2+DSTRD) bytes), CSS 44:37 (bit 37: the
 * NVM command set), MPSMIN 51:48 and MPSMAX 55:52 (2^(12+n) bytes). */
#define NVME_CAP_MQES(Cap) ((ULONG)((Cap) & 0xFFFF))
#define NVME_CAP_TO(Cap) ((ULONG)(((Cap) >> 24) & 0xFF))
#define NVME_CAP_DSTRD(Cap) ((ULONG)(((Cap) >> 32) & 0xF))
#define NVME_CAP_CSS_NVM(Cap) ((((Cap) >> 37) & 1) != 0)
#define NVME_CAP_MPSMIN(Cap) ((ULONG)(((Cap) >> 48) & 0xF))
#define NVME_CAP_MPSMAX(Cap) ((ULONG)(((Cap) >> 52) & 0xF))

/* 3.1.5 CC: EN bit 0, CSS 6:4 (000b NVM), MPS 10:7 (2^(12+MPS) bytes),
 * AMS 13:11 (000b round robin), SHN 15:14, IOSQES 19:16 and IOCQES 23:20
 * (log2 of the I/O queue entry sizes: 64-byte SQ and 16-byte CQ entries). */
#define NVME_CC_EN 0x00000001U
#define NVME_CC_CSS_NVM (0U << 4)
#define NVME_CC_MPS(Shift) ((ULONG)((Shift) - 12) << 7)
#define NVME_CC_AMS_ROUND_ROBIN (0U << 11)
#define NVME_CC_IOSQES(Log2) ((ULONG)(Log2) << 16)
#define NVME_CC_IOCQES(Log2) ((ULONG)(Log2) << 20)

/* 3.1.6 CSTS: RDY bit 0, CFS (Controller Fatal Status) bit 1, SHST 3:2. */
#define NVME_CSTS_RDY 0x00000001U
#define NVME_CSTS_CFS 0x00000002U

/* 3.1.8 AQA: ASQS 11:0 and ACQS 27:16, each entries minus one. */
#define NVME_AQA(SqEntries, CqEntries) \
    ((ULONG)((SqEntries) - 1) | ((ULONG)((CqEntries) - 1) << 16))

/* ---- Queue entries ---- */

/* 4.2 Submission Queue Entry, the common command format (64 bytes).
 * CDW0: opcode 7:0, FUSE 9:8, PSDT 15:14 (00b: PRPs), command ID 31:16. */
typedef struct _NVME_COMMAND {
    ULONG Cdw0;
    ULONG NamespaceId;
    ULONG Reserved[2];
    ULONGLONG MetadataPointer;
    ULONGLONG Prp1;
    ULONGLONG Prp2;
    ULONG Cdw10;
    ULONG Cdw11;
    ULONG Cdw12;
    ULONG Cdw13;
    ULONG Cdw14;
    ULONG Cdw15;
} NVME_COMMAND, *PNVME_COMMAND;

/* 4.6 Completion Queue Entry (16 bytes). Status: bit 0 the phase tag, bits
 * 15:1 the status field (4.6.1: SC 8:1, SCT 11:9, CRD 13:12, M 14, DNR 15
 * of this word). */
typedef struct _NVME_COMPLETION {
    ULONG CommandSpecific;
    ULONG Reserved;
    USHORT SqHead;
    USHORT SqId;
    USHORT CommandId;
    USHORT Status;
} NVME_COMPLETION, *PNVME_COMPLETION;

_Static_assert(sizeof(NVME_COMMAND) == 64, "NVME_COMMAND");
_Static_assert(sizeof(NVME_COMPLETION) == 16, "NVME_COMPLETION");

#define NVME_SQ_ENTRY_LOG2 6
#define NVME_CQ_ENTRY_LOG2 4
#define NVME_STATUS_PHASE 0x0001
#define NVME_STATUS_FIELD(Status) ((USHORT)((Status) >> 1))

/* 5.15 Identify (admin opcode 06h): CDW10 CNS 7:0; CNS 01h returns the
 * Identify Controller data structure (5.15.2.1, 4096 bytes): SN in bytes
 * 23:04, MN in 63:24, ASCII padded with spaces. */
#define NVME_ADMIN_IDENTIFY 0x06
#define NVME_IDENTIFY_CNS_CONTROLLER 0x01
#define NVME_IDENTIFY_SN_OFFSET 4
#define NVME_IDENTIFY_SN_LENGTH 20
#define NVME_IDENTIFY_MN_OFFSET 24
#define NVME_IDENTIFY_MN_LENGTH 40

/* ---- The driver ---- */

#define KTNVME_TAG 'mvNK'               /* "KNvm" */
#define KTNVME_PAGE 4096                /* CC.MPS: 4 KiB memory pages */
#define KTNVME_ADMIN_ENTRIES 16         /* both admin queues */
#define KTNVME_MAX_MESSAGES 8           /* the PCI driver's MSI-X limit (contract, 1) */
#define KTNVME_COMMAND_TIMEOUT_MS 5000
/* BAR0 holds at least the registers and the admin queues' two doorbells. */
#define KTNVME_MIN_BAR0 (NVME_REG_DOORBELLS + 8)

#ifndef STATUS_DEVICE_CONFIGURATION_ERROR
#define STATUS_DEVICE_CONFIGURATION_ERROR ((NTSTATUS)0xC0000182L)
#endif

/* Physically contiguous DMA memory, one 4 KiB page each. */
#define KTNVME_DMA_SQ 0
#define KTNVME_DMA_CQ 1
#define KTNVME_DMA_DATA 2
#define KTNVME_DMA_PAGES 3

typedef struct _KTNVME_EXTENSION {
    PDEVICE_OBJECT DeviceObject;
    PDEVICE_OBJECT PhysicalDeviceObject;
    PDEVICE_OBJECT LowerDevice;
    BOOLEAN Started;
    ULONG StartCount;                   /* successful starts */
    NTSTATUS StopStatus;                /* disabling the controller at the last stop */
    BUS_INTERFACE_STANDARD Bus;         /* config space, from the PCI PDO */
    BOOLEAN HaveBus;

    /* IRP_MN_START_DEVICE's message descriptors, as they came. */
    ULONG MessageDescriptors;
    CM_PARTIAL_RESOURCE_DESCRIPTOR RawMessages[KTNVME_MAX_MESSAGES];
    CM_PARTIAL_RESOURCE_DESCRIPTOR TranslatedMessages[KTNVME_MAX_MESSAGES];

    /* BAR0, mapped whole: the registers and the MSI-X table. */
    PHYSICAL_ADDRESS Bar0;
    SIZE_T Bar0Length;
    volatile UCHAR *Registers;
    ULONGLONG Capabilities;             /* CAP at start */
    ULONG DoorbellStride;               /* bytes */
    ULONG ReadyTimeoutMs;               /* CAP.TO in milliseconds */

    /* The admin queue pair. The submitter owns SqTail; the DPC owns the
     * completion side and publishes CqHead/CqPhase under the interrupt
     * spin lock, where the ISR reads them. */
    PUCHAR Dma;
    PHYSICAL_ADDRESS DmaPhysical;
    volatile NVME_COMMAND *AdminSq;
    volatile NVME_COMPLETION *AdminCq;
    ULONG SqTail;
    ULONG CqHead;
    USHORT CqPhase;
    USHORT NextCommandId;
    FAST_MUTEX CommandLock;             /* one admin command at a time */

    /* Interrupts. Counters are written by the ISR under the interrupt
     * spin lock and read by tests at PASSIVE_LEVEL. */
    PIO_INTERRUPT_MESSAGE_INFO MessageTable;
    ULONG ConnectedVersion;             /* what IoConnectInterruptEx left */
    volatile ULONG MessageInterrupts[KTNVME_MAX_MESSAGES];
    volatile ULONG EmptyInterrupts;     /* message 0 with no new completion */
    KDPC Dpc;
    KEVENT CommandDone;
    NVME_COMPLETION LastCompletion;     /* by the DPC, for the waiter */
    ULONG Completions;
} KTNVME_EXTENSION, *PKTNVME_EXTENSION;

/* ktnvme.c: registers the driver once (MessageSignaled) and lets the PnP
 * manager start it on the controller. PASSIVE_LEVEL. */
VOID KtNvmeRegister(VOID);
/* The started controller's extension, or NULL. */
PKTNVME_EXTENSION KtNvmeDevice(VOID);
/* The controller's device node, or NULL on a machine without one. */
struct _DEVICE_NODE *KtNvmeDeviceNode(VOID);

/* ktnvmestart.c. PASSIVE_LEVEL, after the lower drivers started. */
NTSTATUS KtNvmeStartDevice(PKTNVME_EXTENSION Ext, PCM_RESOURCE_LIST Raw,
                           PCM_RESOURCE_LIST Translated);
VOID KtNvmeStopDevice(PKTNVME_EXTENSION Ext);

/* ktnvmehw.c. PASSIVE_LEVEL. */
NTSTATUS KtNvmeEnableController(PKTNVME_EXTENSION Ext);
NTSTATUS KtNvmeDisableController(PKTNVME_EXTENSION Ext);
/* Identify Controller into the DMA data page; waits at most
 * KTNVME_COMMAND_TIMEOUT_MS for the completion the DPC reports. */
NTSTATUS KtNvmeIdentifyController(PKTNVME_EXTENSION Ext, PNVME_COMPLETION Completion);
FORCEINLINE PUCHAR
KtNvmeDataPage(PKTNVME_EXTENSION Ext)
{
    return Ext->Dma + KTNVME_DMA_DATA * KTNVME_PAGE;
}

/* ktnvmeisr.c. */
KMESSAGE_SERVICE_ROUTINE KtNvmeMessageIsr;
KDEFERRED_ROUTINE KtNvmeDpc;

#endif /* KESTREL_TESTS_KERNEL_KTNVME_H */
