/*
 * tests/kernel/ktnvmehw.c - KtNvme's controller half: bring-up as NVMe 1.4,
 * 7.6.1 ("Initialization") describes it, disabling (a Controller Reset,
 * 3.1.5 CC.EN), and one admin command at a time on the admin queue pair.
 *
 * The controller reads commands from the admin submission queue when the
 * SQ 0 tail doorbell moves, and writes completions into the admin
 * completion queue with a phase tag that flips on each pass through the
 * queue (4.6, "Phase Tag"). The waiter here never reads the completion
 * queue itself: the message ISR sees the new entry and queues the DPC
 * (ktnvmeisr.c), which consumes it and sets CommandDone. A command whose
 * interrupt never arrives therefore times out, which is what the tests
 * want to notice.
 */
#include "tests/kernel/ktnvme.h"

#define KTNVME_ADMIN_SQ_ID 0

/* Any IRQL: plain register accesses to the mapped BAR0. */
static ULONG
KtNvmeRead32(PKTNVME_EXTENSION Ext, ULONG Offset)
{
    return READ_REGISTER_ULONG((volatile ULONG *)(Ext->Registers + Offset));
}

/* Any IRQL. */
static VOID
KtNvmeWrite32(PKTNVME_EXTENSION Ext, ULONG Offset, ULONG Value)
{
    WRITE_REGISTER_ULONG((volatile ULONG *)(Ext->Registers + Offset), Value);
}

/* Any IRQL. */
static VOID
KtNvmeWrite64(PKTNVME_EXTENSION Ext, ULONG Offset, ULONGLONG Value)
{
    WRITE_REGISTER_ULONG64((volatile ULONG64 *)(Ext->Registers + Offset), Value);
}

/* PASSIVE_LEVEL. Polls CSTS every millisecond until RDY equals Ready, for
 * at most CAP.TO (3.1.1: the worst case the controller promises for RDY to
 * follow EN). CSTS.CFS while coming up is fatal (3.1.6); all ones means the
 * BAR no longer decodes. */
static NTSTATUS
KtNvmeWaitReady(PKTNVME_EXTENSION Ext, BOOLEAN Ready)
{
    ULONGLONG Deadline = KeQueryInterruptTime() + (ULONGLONG)Ext->ReadyTimeoutMs * 10000;
    LARGE_INTEGER Pause;
    ULONG Csts;

    Pause.QuadPart = -10000;            /* 1 ms */
    for (;;) {
        Csts = KtNvmeRead32(Ext, NVME_REG_CSTS);
        if (Csts == 0xFFFFFFFF) {
            DbgPrint("KtNvme: CSTS reads all ones: BAR0 at 0x%llx does not answer\n",
                     (ULONGLONG)Ext->Bar0.QuadPart);
            return STATUS_DEVICE_NOT_CONNECTED;
        }
        if (((Csts & NVME_CSTS_RDY) != 0) == Ready) {
            return STATUS_SUCCESS;
        }
        if (Ready && (Csts & NVME_CSTS_CFS) != 0) {
            DbgPrint("KtNvme: CSTS.CFS (Controller Fatal Status) is set while waiting for "
                     "CSTS.RDY = 1 (CSTS 0x%08x)\n", Csts);
            return STATUS_IO_DEVICE_ERROR;
        }
        if (KeQueryInterruptTime() > Deadline) {
            DbgPrint("KtNvme: CSTS.RDY did not become %u within CAP.TO = %u ms (CSTS 0x%08x)\n",
                     Ready ? 1 : 0, Ext->ReadyTimeoutMs, Csts);
            return STATUS_IO_TIMEOUT;
        }
        KeDelayExecutionThread(KernelMode, FALSE, &Pause);
    }
}

/* PASSIVE_LEVEL. Clears CC.EN and waits for CSTS.RDY = 0: the controller
 * stops fetching commands and posting completions, and forgets its queues
 * (3.1.5: a Controller Reset). After this no DMA reaches the queue pages. */
NTSTATUS
KtNvmeDisableController(PKTNVME_EXTENSION Ext)
{
    ULONG Cc = KtNvmeRead32(Ext, NVME_REG_CC);

    if ((Cc & NVME_CC_EN) != 0) {
        KtNvmeWrite32(Ext, NVME_REG_CC, Cc & ~NVME_CC_EN);
    }
    return KtNvmeWaitReady(Ext, FALSE);
}

/* PASSIVE_LEVEL, with the admin queue pages allocated and the message
 * interrupts connected: the first completion may interrupt at once. */
NTSTATUS
KtNvmeEnableController(PKTNVME_EXTENSION Ext)
{
    ULONGLONG Cap = READ_REGISTER_ULONG64((volatile ULONG64 *)(Ext->Registers + NVME_REG_CAP));
    ULONG Cc;
    NTSTATUS Status;

    Ext->Capabilities = Cap;
    Ext->DoorbellStride = 4U << NVME_CAP_DSTRD(Cap);
    Ext->ReadyTimeoutMs = (NVME_CAP_TO(Cap) == 0 ? 1 : NVME_CAP_TO(Cap)) * 500;
    if (!NVME_CAP_CSS_NVM(Cap)) {
        DbgPrint("KtNvme: CAP 0x%016llx: CAP.CSS lacks the NVM command set\n", Cap);
        return STATUS_NOT_SUPPORTED;
    }
    if (NVME_CAP_MPSMIN(Cap) > 0) {    /* 4 KiB is MPS 0: MPSMAX >= 0 always holds */
        DbgPrint("KtNvme: CAP 0x%016llx: CAP.MPSMIN says pages of at least %u bytes\n", Cap,
                 4096U << NVME_CAP_MPSMIN(Cap));
        return STATUS_NOT_SUPPORTED;
    }
    if (NVME_REG_DOORBELLS + 2 * Ext->DoorbellStride > Ext->Bar0Length) {
        DbgPrint("KtNvme: BAR0 (0x%llx bytes) ends before the CQ 0 doorbell (stride %u)\n",
                 (ULONGLONG)Ext->Bar0Length, Ext->DoorbellStride);
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    }

    /* 7.6.1 step 1: a controller left enabled (by firmware, or by us
     * before a PnP stop) is reset first; then wait for CSTS.RDY = 0. */
    Status = KtNvmeDisableController(Ext);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }

    /* Step 2: the admin queues. Phase tags in a zeroed completion queue
     * are 0, so the controller's first pass posts entries with phase 1. */
    RtlZeroMemory(Ext->Dma, KTNVME_DMA_DATA * KTNVME_PAGE);
    Ext->SqTail = 0;
    Ext->CqHead = 0;
    Ext->CqPhase = 1;
    KtNvmeWrite32(Ext, NVME_REG_AQA, NVME_AQA(KTNVME_ADMIN_ENTRIES, KTNVME_ADMIN_ENTRIES));
    KtNvmeWrite64(Ext, NVME_REG_ASQ,
                  (ULONGLONG)Ext->DmaPhysical.QuadPart + KTNVME_DMA_SQ * KTNVME_PAGE);
    KtNvmeWrite64(Ext, NVME_REG_ACQ,
                  (ULONGLONG)Ext->DmaPhysical.QuadPart + KTNVME_DMA_CQ * KTNVME_PAGE);

    /* Steps 3-4: the NVM command set (CAP.CSS said it is there), round
     * robin, 4 KiB pages, and the queue entry sizes I/O queues would use;
     * then EN (step 5), in a second write once the fields are in place. */
    Cc = NVME_CC_CSS_NVM | NVME_CC_MPS(12) | NVME_CC_AMS_ROUND_ROBIN |
         NVME_CC_IOSQES(NVME_SQ_ENTRY_LOG2) | NVME_CC_IOCQES(NVME_CQ_ENTRY_LOG2);
    KtNvmeWrite32(Ext, NVME_REG_CC, Cc);
    KtNvmeWrite32(Ext, NVME_REG_CC, Cc | NVME_CC_EN);

    /* Step 6: ready to take commands. */
    return KtNvmeWaitReady(Ext, TRUE);
}

/* PASSIVE_LEVEL. Submits Command on the admin queue and waits for the DPC
 * to report its completion. One command is outstanding at a time, so the
 * submission queue never fills: a completion says the controller has
 * consumed its command (and SQ Head says so too, 4.6). */
static NTSTATUS
KtNvmeAdminCommand(PKTNVME_EXTENSION Ext, PNVME_COMMAND Command, PNVME_COMPLETION Completion)
{
    LARGE_INTEGER Timeout;
    USHORT CommandId;
    NTSTATUS Status;

    ExAcquireFastMutex(&Ext->CommandLock);
    if (!Ext->Started) {
        ExReleaseFastMutex(&Ext->CommandLock);
        DbgPrint("KtNvme: an admin command for a controller that is not started\n");
        return STATUS_DEVICE_NOT_READY;
    }
    CommandId = Ext->NextCommandId++;
    Command->Cdw0 = (Command->Cdw0 & 0xFFFF) | ((ULONG)CommandId << 16);
    KeClearEvent(&Ext->CommandDone);
    RtlCopyMemory((PVOID)&Ext->AdminSq[Ext->SqTail], Command, sizeof(*Command));
    Ext->SqTail = (Ext->SqTail + 1) % KTNVME_ADMIN_ENTRIES;
    /* The entry is in memory before the doorbell tells the controller. */
    KeMemoryBarrier();
    KtNvmeWrite32(Ext, NVME_REG_DOORBELLS + 2 * KTNVME_ADMIN_SQ_ID * Ext->DoorbellStride,
                  Ext->SqTail);

    Timeout.QuadPart = -(LONGLONG)KTNVME_COMMAND_TIMEOUT_MS * 10000;
    Status = KeWaitForSingleObject(&Ext->CommandDone, Executive, KernelMode, FALSE, &Timeout);
    if (Status == STATUS_TIMEOUT) {
        DbgPrint("KtNvme: admin command 0x%02x (CID %u) got no completion interrupt within "
                 "%u ms; message 0 interrupts so far %u, CSTS 0x%08x\n", Command->Cdw0 & 0xFF,
                 CommandId, KTNVME_COMMAND_TIMEOUT_MS, Ext->MessageInterrupts[0],
                 KtNvmeRead32(Ext, NVME_REG_CSTS));
        Status = STATUS_IO_TIMEOUT;
    } else if (Ext->LastCompletion.CommandId != CommandId) {
        DbgPrint("KtNvme: the completion is for CID %u, the command waiting is CID %u\n",
                 Ext->LastCompletion.CommandId, CommandId);
        Status = STATUS_IO_DEVICE_ERROR;
    } else {
        *Completion = Ext->LastCompletion;
        Status = STATUS_SUCCESS;
    }
    ExReleaseFastMutex(&Ext->CommandLock);
    return Status;
}

/* PASSIVE_LEVEL. Identify Controller (5.15, CNS 01h) into the data page:
 * 4096 bytes in one memory page, so PRP1 alone describes it (4.3). */
NTSTATUS
KtNvmeIdentifyController(PKTNVME_EXTENSION Ext, PNVME_COMPLETION Completion)
{
    NVME_COMMAND Command;

    RtlZeroMemory(&Command, sizeof(Command));
    RtlFillMemory(KtNvmeDataPage(Ext), KTNVME_PAGE, 0xEE);  /* no stale answer passes */
    Command.Cdw0 = NVME_ADMIN_IDENTIFY;
    Command.Prp1 = (ULONGLONG)Ext->DmaPhysical.QuadPart + KTNVME_DMA_DATA * KTNVME_PAGE;
    Command.Cdw10 = NVME_IDENTIFY_CNS_CONTROLLER;
    return KtNvmeAdminCommand(Ext, &Command, Completion);
}
