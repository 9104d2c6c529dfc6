/*
 * kernel/ke/interrupt.c - interrupt objects: connecting service routines to
 * vectors, and calling them when the vector arrives.
 *
 * Each vector has a list of KINTERRUPTs (KiInterruptVectors). When the
 * vector arrives, hal/intstub.asm raises CR8 to the vector's IRQL, enables
 * interrupts and calls KiInterruptDispatch, which calls the service routines
 * in connection order, each at its SynchronizeIrql with its interrupt spin
 * lock held, until one returns TRUE (it claimed the interrupt: its device
 * raised it). The vector map is in hal/halp.h.
 *
 * An arrival no routine claims is counted. A level-triggered line whose
 * device nobody acknowledges fires again as soon as it is acknowledged at
 * the APIC, forever; so after KI_UNCLAIMED_INTERRUPT_LIMIT unclaimed
 * arrivals in a row the line is masked at the IOAPIC with a message naming
 * it, and the machine goes on without it. It stays masked until its last
 * interrupt object disconnects and a new one connects.
 *
 * A message-signaled interrupt (one KINTERRUPT per message, io/interrupt.c)
 * goes through the same loop: its object's service routine is
 * KiMessageServiceRoutine, which adds the message number, so the line's
 * path pays nothing for messages.
 *
 * Connection and disconnection hold KiInterruptConnectLock at HIGH_LEVEL,
 * so no interrupt on this processor sees a list half changed.
 * FIXME: with application processors, disconnect must also wait until no
 * other processor is inside a service routine of the object.
 */
#include "kernel/ke/ki.h"
#include "hal/halp.h"

KI_INTERRUPT_VECTOR KiInterruptVectors[KI_IDT_ENTRIES];
volatile ULONG64 KiSpuriousInterruptCount;
static KSPIN_LOCK KiInterruptConnectLock;

/* Any IRQL. */
VOID
KiInitializeInterrupt(PKINTERRUPT Interrupt, PKSERVICE_ROUTINE ServiceRoutine,
                      PVOID ServiceContext, PKSPIN_LOCK SpinLock, ULONG Vector, KIRQL Irql,
                      KIRQL SynchronizeIrql, KINTERRUPT_MODE InterruptMode, BOOLEAN ShareVector,
                      KAFFINITY ProcessorEnableMask)
{
    *Interrupt = (KINTERRUPT){0};
    Interrupt->Type = KI_INTERRUPT_OBJECT_TYPE;
    Interrupt->Size = sizeof(KINTERRUPT);
    Interrupt->ServiceRoutine = ServiceRoutine;
    Interrupt->ServiceContext = ServiceContext;
    KeInitializeSpinLock(&Interrupt->SpinLock);
    Interrupt->ActualLock = SpinLock != NULL ? SpinLock : &Interrupt->SpinLock;
    Interrupt->Vector = Vector;
    Interrupt->Irql = Irql;
    Interrupt->SynchronizeIrql = SynchronizeIrql;
    Interrupt->Mode = InterruptMode;
    Interrupt->ShareVector = ShareVector;
    Interrupt->ProcessorEnableMask = ProcessorEnableMask;
}

/* The service routine of every message's object: the driver's message
 * routine with the message's number. Runs as any ISR does (at
 * SynchronizeIrql, holding the interrupt spin lock). */
static BOOLEAN
KiMessageServiceRoutine(PKINTERRUPT Interrupt, PVOID ServiceContext)
{
    return Interrupt->MessageServiceRoutine(Interrupt, ServiceContext, Interrupt->MessageId);
}

/* Any IRQL. */
VOID
KiInitializeMessageInterrupt(PKINTERRUPT Interrupt, PKMESSAGE_SERVICE_ROUTINE MessageServiceRoutine,
                             PVOID ServiceContext, ULONG MessageId, PKSPIN_LOCK SpinLock,
                             ULONG Vector, KIRQL Irql, KIRQL SynchronizeIrql,
                             KAFFINITY ProcessorEnableMask)
{
    /* A message is a memory write the device makes once per event: an
     * edge, never shared (each device has vectors of its own). */
    KiInitializeInterrupt(Interrupt, KiMessageServiceRoutine, ServiceContext, SpinLock, Vector,
                          Irql, SynchronizeIrql, Latched, FALSE, ProcessorEnableMask);
    Interrupt->MessageServiceRoutine = MessageServiceRoutine;
    Interrupt->MessageId = MessageId;
}

/* What is wrong with connecting Interrupt, or NULL. The connect lock is
 * held. */
static PCSTR
KipCheckConnect(const KINTERRUPT *Interrupt, const KI_INTERRUPT_VECTOR *Entry)
{
    const KINTERRUPT *First;

    if (Interrupt->Type != KI_INTERRUPT_OBJECT_TYPE || Interrupt->ServiceRoutine == NULL) {
        return "it is not an initialized interrupt object with a service routine";
    }
    if (Interrupt->Connected) {
        return "it is connected already";
    }
    if (Interrupt->Vector < HAL_FIRST_DEVICE_VECTOR || Interrupt->Vector >= HAL_SPURIOUS_VECTOR) {
        return "the vector is outside 0x30-0xFE";
    }
    if (Interrupt->Irql != HAL_VECTOR_TO_IRQL(Interrupt->Vector)) {
        return "its IRQL is not the vector's (vector >> 4)";
    }
    if (Interrupt->SynchronizeIrql < Interrupt->Irql || Interrupt->SynchronizeIrql > HIGH_LEVEL) {
        return "SynchronizeIrql is below the IRQL or above HIGH_LEVEL";
    }
    if ((Interrupt->ProcessorEnableMask & 1) == 0) {
        return "ProcessorEnableMask leaves out processor 0, the only one";
    }
    if (Entry->InterruptListHead.Flink != NULL && !IsListEmpty(&Entry->InterruptListHead)) {
        First = CONTAINING_RECORD(Entry->InterruptListHead.Flink, KINTERRUPT, InterruptListEntry);
        if (!First->ShareVector || !Interrupt->ShareVector) {
            return "the vector is connected already and one of the two does not share it";
        }
        if (First->Mode != Interrupt->Mode) {
            return "the vector is connected already with the other interrupt mode";
        }
    }
    return NULL;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
KiConnectInterrupt(PKINTERRUPT Interrupt)
{
    PKI_INTERRUPT_VECTOR Entry;
    NTSTATUS Status = STATUS_SUCCESS;
    PCSTR Problem;
    KIRQL OldIrql;

    if (Interrupt->Vector >= KI_IDT_ENTRIES) {
        DbgPrint("KeConnectInterrupt: vector 0x%x does not exist\n", Interrupt->Vector);
        return STATUS_INVALID_PARAMETER;
    }
    Entry = &KiInterruptVectors[Interrupt->Vector];
    OldIrql = KfRaiseIrql(HIGH_LEVEL);
    KeAcquireSpinLockAtDpcLevel(&KiInterruptConnectLock);
    if (Entry->InterruptListHead.Flink == NULL) {
        InitializeListHead(&Entry->InterruptListHead);
    }
    Problem = KipCheckConnect(Interrupt, Entry);
    if (Problem != NULL) {
        Status = STATUS_INVALID_PARAMETER;
    } else if (IsListEmpty(&Entry->InterruptListHead)) {
        Entry->UnclaimedRun = 0;
        Entry->StormMasked = FALSE;
        HalpInstallInterruptEntry(Interrupt->Vector);
        Status = HalpEnableInterruptVector(Interrupt->Vector, Interrupt->Mode);
        if (!NT_SUCCESS(Status)) {
            Problem = "the HAL could not route its line";
            HalpRemoveInterruptEntry(Interrupt->Vector);
        }
    }
    if (NT_SUCCESS(Status)) {
        InsertTailList(&Entry->InterruptListHead, &Interrupt->InterruptListEntry);
        Interrupt->Connected = TRUE;
    }
    KeReleaseSpinLockFromDpcLevel(&KiInterruptConnectLock);
    KeLowerIrql(OldIrql);
    if (Problem != NULL) {
        DbgPrint("KeConnectInterrupt: cannot connect %pS to vector 0x%x: %s\n",
                 Interrupt->MessageServiceRoutine != NULL ? (PVOID)Interrupt->MessageServiceRoutine
                                                          : (PVOID)Interrupt->ServiceRoutine,
                 Interrupt->Vector, Problem);
    }
    return Status;
}

/* IRQL <= DISPATCH_LEVEL. */
VOID
KiDisconnectInterrupt(PKINTERRUPT Interrupt)
{
    PKI_INTERRUPT_VECTOR Entry;
    KIRQL OldIrql;

    if (Interrupt->Type != KI_INTERRUPT_OBJECT_TYPE || !Interrupt->Connected ||
        Interrupt->Vector >= KI_IDT_ENTRIES) {
        DbgPrint("KeDisconnectInterrupt: %p is not a connected interrupt object; ignored\n",
                 (PVOID)Interrupt);
        return;
    }
    Entry = &KiInterruptVectors[Interrupt->Vector];
    OldIrql = KfRaiseIrql(HIGH_LEVEL);
    KeAcquireSpinLockAtDpcLevel(&KiInterruptConnectLock);
    RemoveEntryList(&Interrupt->InterruptListEntry);
    Interrupt->Connected = FALSE;
    if (IsListEmpty(&Entry->InterruptListHead)) {
        HalpDisableInterruptVector(Interrupt->Vector);
        HalpRemoveInterruptEntry(Interrupt->Vector);
    }
    KeReleaseSpinLockFromDpcLevel(&KiInterruptConnectLock);
    KeLowerIrql(OldIrql);
}

/* Any IRQL. */
BOOLEAN
KiIsVectorConnected(ULONG Vector)
{
    const LIST_ENTRY *Head;

    if (Vector >= KI_IDT_ENTRIES) {
        return FALSE;
    }
    Head = &KiInterruptVectors[Vector].InterruptListHead;
    return Head->Flink != NULL && Head->Flink != Head;
}

/* The line behind Vector keeps firing and nobody claims it. */
static VOID __attribute__((noinline, cold))
KipMaskUnclaimedLine(ULONG Vector, PKI_INTERRUPT_VECTOR Entry)
{
    ULONG Gsi;

    Entry->StormMasked = TRUE;
    if (HalpVectorToGsi(Vector, &Gsi)) {
        DbgPrint("Interrupt storm: GSI %u (vector 0x%x, IRQL %u) fired %u times in a row and no "
                 "service routine claimed it; masking the line\n", Gsi, Vector,
                 HAL_VECTOR_TO_IRQL(Vector), KI_UNCLAIMED_INTERRUPT_LIMIT);
        HalpDisableInterruptVector(Vector);
    } else {
        DbgPrint("Interrupt storm: vector 0x%x fired %u times in a row and no service routine "
                 "claimed it; it has no IOAPIC line to mask\n", Vector,
                 KI_UNCLAIMED_INTERRUPT_LIMIT);
    }
}

/* Runs at the vector's IRQL with interrupts enabled (hal/intstub.asm); the
 * caller acknowledges the interrupt at the local APIC afterwards. The entry
 * has already set CR8 to the vector's IRQL, which is each object's Irql
 * (checked at connection), so CR8 is written again only for an object whose
 * SynchronizeIrql lies above it. */
VOID
KiInterruptDispatch(ULONG Vector)
{
    PKI_INTERRUPT_VECTOR Entry = &KiInterruptVectors[Vector];
    PLIST_ENTRY Link;
    BOOLEAN Claimed = FALSE;

    Entry->InterruptCount++;    /* one processor; the APIC does not nest a vector in itself */
    for (Link = Entry->InterruptListHead.Flink; Link != &Entry->InterruptListHead;
         Link = Link->Flink) {
        PKINTERRUPT Interrupt = CONTAINING_RECORD(Link, KINTERRUPT, InterruptListEntry);
        BOOLEAN Raise = Interrupt->SynchronizeIrql != Interrupt->Irql;

        if (Raise) {
            KfRaiseIrql(Interrupt->SynchronizeIrql);
        }
        KeAcquireSpinLockAtDpcLevel(Interrupt->ActualLock);
        Claimed = Interrupt->ServiceRoutine(Interrupt, Interrupt->ServiceContext);
        KeReleaseSpinLockFromDpcLevel(Interrupt->ActualLock);
        if (Raise) {
            KeLowerIrql(Interrupt->Irql);
        }
        if (Claimed) {
            Interrupt->ClaimedCount++;
            Entry->UnclaimedRun = 0;
            return;
        }
    }
    Entry->UnclaimedCount++;
    if (++Entry->UnclaimedRun >= KI_UNCLAIMED_INTERRUPT_LIMIT && !Entry->StormMasked) {
        KipMaskUnclaimedLine(Vector, Entry);
    }
}

/* IRQL <= the interrupt's SynchronizeIrql. */
BOOLEAN NTAPI
KeSynchronizeExecution(PKINTERRUPT Interrupt, PKSYNCHRONIZE_ROUTINE SynchronizeRoutine,
                       PVOID SynchronizeContext)
{
    KIRQL OldIrql = KfRaiseIrql(Interrupt->SynchronizeIrql);
    BOOLEAN Result;

    KeAcquireSpinLockAtDpcLevel(Interrupt->ActualLock);
    Result = SynchronizeRoutine(SynchronizeContext);
    KeReleaseSpinLockFromDpcLevel(Interrupt->ActualLock);
    KeLowerIrql(OldIrql);
    return Result;
}

/* IRQL <= the interrupt's SynchronizeIrql; returns the IRQL to give back. */
KIRQL NTAPI
KeAcquireInterruptSpinLock(PKINTERRUPT Interrupt)
{
    KIRQL OldIrql = KfRaiseIrql(Interrupt->SynchronizeIrql);

    KeAcquireSpinLockAtDpcLevel(Interrupt->ActualLock);
    return OldIrql;
}

/* At the interrupt's SynchronizeIrql, holding its lock. */
VOID NTAPI
KeReleaseInterruptSpinLock(PKINTERRUPT Interrupt, KIRQL OldIrql)
{
    KeReleaseSpinLockFromDpcLevel(Interrupt->ActualLock);
    KeLowerIrql(OldIrql);
}
