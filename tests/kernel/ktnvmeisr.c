/*
 * tests/kernel/ktnvmeisr.c - KtNvme's message ISR and its DPC.
 *
 * The admin completion queue interrupts on vector 0 (NVMe 1.4, 7.5: it is
 * always interrupt-enabled and has no IV field to choose another); with
 * MSI-X, vector 0 is MSI-X table entry 0, which is message 0 of the
 * IO_INTERRUPT_MESSAGE_INFO IoConnectInterruptEx returned. An MSI-X
 * message is the device's alone and edge-like (a memory write), so the ISR
 * has nothing to acknowledge: it counts the message, looks at the phase tag
 * of the entry at the completion queue head (4.6) to tell a new completion
 * from a late or duplicate message, and leaves the work to the DPC.
 *
 * The DPC owns the completion side of the queue: it consumes every entry
 * whose phase tag is current, then publishes the new head and phase under
 * the interrupt spin lock (KeSynchronizeExecution), so that the ISR never
 * sees one without the other, and tells the controller through the CQ 0
 * head doorbell (3.1.25) that the entries are free again.
 */
#include "tests/kernel/ktnvme.h"

#define KTNVME_ADMIN_CQ_ID 0

typedef struct _KTNVME_CQ_POSITION {
    PKTNVME_EXTENSION Ext;
    ULONG Head;
    USHORT Phase;
} KTNVME_CQ_POSITION;

static KSYNCHRONIZE_ROUTINE KtNvmePublishHead;

/* DIRQL with the interrupt spin lock (shared by all our messages) held. */
BOOLEAN
KtNvmeMessageIsr(PKINTERRUPT Interrupt, PVOID ServiceContext, ULONG MessageID)
{
    PKTNVME_EXTENSION Ext = ServiceContext;
    USHORT Status;

    UNREFERENCED_PARAMETER(Interrupt);
    if (MessageID >= KTNVME_MAX_MESSAGES) {
        return FALSE;                   /* not a message we were given */
    }
    Ext->MessageInterrupts[MessageID]++;
    if (MessageID != 0) {
        return TRUE;                    /* no queue uses it: the tests count it as stray */
    }
    Status = Ext->AdminCq[Ext->CqHead].Status;
    if ((Status & NVME_STATUS_PHASE) != Ext->CqPhase) {
        Ext->EmptyInterrupts++;
        return TRUE;
    }
    KeInsertQueueDpc(&Ext->Dpc, NULL, NULL);
    return TRUE;
}

/* SynchronizeIrql with the interrupt spin lock held, from the DPC. */
static BOOLEAN
KtNvmePublishHead(PVOID SynchronizeContext)
{
    KTNVME_CQ_POSITION *Position = SynchronizeContext;
    PKTNVME_EXTENSION Ext = Position->Ext;

    Ext->CqHead = Position->Head;
    Ext->CqPhase = Position->Phase;
    WRITE_REGISTER_ULONG((volatile ULONG *)(Ext->Registers + NVME_REG_DOORBELLS +
                                            (2 * KTNVME_ADMIN_CQ_ID + 1) * Ext->DoorbellStride),
                         Position->Head);
    return TRUE;
}

/* DISPATCH_LEVEL. The only reader of completion entries. */
VOID
KtNvmeDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PKTNVME_EXTENSION Ext = DeferredContext;
    KTNVME_CQ_POSITION Position = {Ext, Ext->CqHead, Ext->CqPhase};
    volatile NVME_COMPLETION *Entry;
    ULONG Consumed = 0;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    for (;;) {
        Entry = &Ext->AdminCq[Position.Head];
        if ((Entry->Status & NVME_STATUS_PHASE) != Position.Phase) {
            break;
        }
        /* The phase tag was read first; the rest of the entry was written
         * before it (4.6), and loads are not reordered with loads. */
        Ext->LastCompletion.CommandSpecific = Entry->CommandSpecific;
        Ext->LastCompletion.SqHead = Entry->SqHead;
        Ext->LastCompletion.SqId = Entry->SqId;
        Ext->LastCompletion.CommandId = Entry->CommandId;
        Ext->LastCompletion.Status = Entry->Status;
        Ext->Completions++;
        Consumed++;
        if (++Position.Head == KTNVME_ADMIN_ENTRIES) {
            Position.Head = 0;
            Position.Phase ^= NVME_STATUS_PHASE;
        }
    }
    if (Consumed == 0) {
        return;                         /* an earlier run took them */
    }
    KeSynchronizeExecution(Ext->MessageTable->MessageInfo[0].InterruptObject, KtNvmePublishHead,
                           &Position);
    KeSetEvent(&Ext->CommandDone, IO_NO_INCREMENT, FALSE);
}
