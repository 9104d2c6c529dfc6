/*
 * bench/kernel/latency.c - interrupt latency: from a timer's programmed expiry
 * to the vector's entry, to the connected ISR's first line, and to its DPC's
 * first line, and to the first line of a thread at priority 31 that was
 * waiting for an event the DPC sets (what Linux's cyclictest measures).
 *
 * A CPU-bound thread at priority 4 runs the whole time, so the timer
 * interrupts real work and the `thread` figure includes a real preemption:
 * the DPC readies the priority-31 thread, and the switch to it happens as
 * the DPC drain ends.
 *
 * The benchmark borrows the local APIC timer from the clock for its run
 * (KiSuspendClock). For each sample it arms the timer one-shot, with the
 * timer's LVT pointing at a CLOCK_LEVEL vector of its own, for a count that
 * changes from sample to sample so that expiries do not fall in step with
 * anything else. The expected expiry in TSC ticks is the TSC read just before
 * the count is written plus the count converted at the calibrated ratio; the
 * timer starts a few instructions after that read, so every figure is high
 * by those few instructions, never low.
 *
 * The vector's IDT gate points at KbLatencyEntry (latency.asm), which stamps
 * the TSC and goes on to the ordinary entry in hal/intstub.asm. A KINTERRUPT
 * connected to the vector the ordinary way (KiConnectInterrupt) records the
 * ISR stage and queues a DPC; the DPC records the DPC stage and sets the
 * waiter's event. The benchmark's own loop (the boot thread, priority 8)
 * blocks until the waiter has stamped its sample.
 */
#include "bench/kernel/kbench.h"
#include "kernel/ke/dispatcher.h"
#include "kernel/mm/pool.h"
#include "hal/halp.h"
#include "hal/timep.h"

#define KB_LATENCY_VECTOR 0xD2          /* CLOCK_LEVEL, free */
#define KB_LATENCY_SAMPLES 10000
#define KB_LATENCY_WARMUP 64            /* first samples warm caches and TLB; dropped */
#define KB_POOL_TAG 0x6863426BU         /* 'kBch' */
#define KB_WAITER_PRIORITY 31
#define KB_HOG_PRIORITY 4

extern VOID KbLatencyEntry(VOID);
extern volatile ULONG64 KbLatencyEntryTsc;
extern volatile ULONG_PTR KbLatencyNextEntry;
extern const ULONG_PTR HalpInterruptEntryTable[];

static KINTERRUPT KbInterrupt;
static KDPC KbDpc;
static volatile ULONG64 KbIsrTsc;
static volatile ULONG64 KbDpcTsc;
static volatile ULONG64 KbThreadTsc;
static KEVENT KbWakeEvent;      /* the DPC sets it; the waiter waits on it */
static KEVENT KbSampleEvent;    /* the waiter sets it; the loop waits on it */
static volatile BOOLEAN KbStop;

/* DIRQL (CLOCK_LEVEL) with the interrupt spin lock held. */
static BOOLEAN
KbLatencyIsr(PKINTERRUPT Interrupt, PVOID Context)
{
    KbIsrTsc = HalpReadTsc();
    UNREFERENCED_PARAMETER(Interrupt);
    UNREFERENCED_PARAMETER(Context);
    KeInsertQueueDpc(&KbDpc, NULL, NULL);
    return TRUE;
}

/* DISPATCH_LEVEL. */
static VOID
KbLatencyDpc(PKDPC Dpc, PVOID Context, PVOID Argument1, PVOID Argument2)
{
    KbDpcTsc = HalpReadTsc();
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Argument1);
    UNREFERENCED_PARAMETER(Argument2);
    KeSetEvent(&KbWakeEvent, IO_NO_INCREMENT, FALSE);
}

/* PASSIVE_LEVEL, priority 31: the cyclictest thread. */
static VOID
KbWaiterThread(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    KeSetPriorityThread(KeGetCurrentThread(), KB_WAITER_PRIORITY);
    for (;;) {
        KeWaitForSingleObject(&KbWakeEvent, Executive, KernelMode, FALSE, NULL);
        KbThreadTsc = HalpReadTsc();
        if (KbStop) {
            break;
        }
        KeSetEvent(&KbSampleEvent, IO_NO_INCREMENT, FALSE);
    }
    PsTerminateSystemThread(STATUS_SUCCESS);
}

/* PASSIVE_LEVEL, priority 4: keeps the processor busy so that every
 * sample interrupts a running thread rather than the idle loop. */
static VOID
KbHogThread(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    KeSetPriorityThread(KeGetCurrentThread(), KB_HOG_PRIORITY);
    while (!KbStop) {
        __asm__ __volatile__("pause");
    }
    PsTerminateSystemThread(STATUS_SUCCESS);
}

/* Timer counts between about 20 and 60 microseconds' worth, stepped by a
 * prime so that successive samples land at unrelated phases. */
static ULONG
KbpNextCount(ULONG Sample)
{
    ULONG64 Base = KiApicTimerFrequency / 50000;   /* 20 us */
    ULONG64 Spread = KiApicTimerFrequency / 25000; /* 40 us */

    if (Base == 0) {
        Base = 1;
    }
    if (Spread == 0) {
        Spread = 1;
    }
    return (ULONG)(Base + ((ULONG64)Sample * 7919) % Spread);
}

/* Connects the benchmark's interrupt and takes the timer from the clock. */
static BOOLEAN
KbpSetUp(VOID)
{
    ULONG_PTR Flags;

    KeInitializeDpc(&KbDpc, KbLatencyDpc, NULL);
    KiInitializeInterrupt(&KbInterrupt, KbLatencyIsr, NULL, NULL, KB_LATENCY_VECTOR,
                          CLOCK_LEVEL, CLOCK_LEVEL, Latched, FALSE, 1);
    if (!NT_SUCCESS(KiConnectInterrupt(&KbInterrupt))) {
        DbgPrint("bench: latency: cannot connect vector 0x%x\n", KB_LATENCY_VECTOR);
        return FALSE;
    }
    Flags = KiDisableInterrupts();
    KbLatencyNextEntry = HalpInterruptEntryTable[KB_LATENCY_VECTOR];
    HalpSetIdtGate(KB_LATENCY_VECTOR, (PVOID)KbLatencyEntry, 0, 0);
    KiSuspendClock();
    HalpApicTimerInitialize(KB_LATENCY_VECTOR);
    KiRestoreInterrupts(Flags);
    return TRUE;
}

static VOID
KbpTearDown(VOID)
{
    ULONG_PTR Flags = KiDisableInterrupts();

    HalpApicTimerStop();
    KiResumeClock();
    KiRestoreInterrupts(Flags);
    /* Puts the ordinary entry back and releases the vector. */
    KiDisconnectInterrupt(&KbInterrupt);
}

/* One sample: arm the timer, block until the waiter has run, and return
 * the expected expiry. */
static ULONG64
KbpTakeSample(ULONG Sample, KI_SCALE *ApicToTsc)
{
    ULONG Count = KbpNextCount(Sample);
    ULONG_PTR Flags;
    ULONG64 Start;

    Flags = KiDisableInterrupts();
    Start = HalpReadTsc();
    HalpApicTimerArm(Count);
    KiRestoreInterrupts(Flags);
    KeWaitForSingleObject(&KbSampleEvent, Executive, KernelMode, FALSE, NULL);
    return Start + KiScale(ApicToTsc, Count);
}

BOOLEAN
KbRunLatency(VOID)
{
    SIZE_T Bytes = 4 * KB_LATENCY_SAMPLES * sizeof(ULONG64);
    ULONG64 *Entry;
    ULONG64 *Isr;
    ULONG64 *Dpc;
    ULONG64 *Thread;
    KI_SCALE ApicToTsc;
    ULONG Sample;
    HANDLE Threads[2];

    if (KeGetCurrentIrql() != PASSIVE_LEVEL) {
        DbgPrint("bench: latency must start at PASSIVE_LEVEL\n");
        return FALSE;
    }
    Entry = ExAllocatePoolWithTag(NonPagedPoolNx, Bytes, KB_POOL_TAG);
    if (Entry == NULL) {
        DbgPrint("bench: latency: no memory for %u samples\n", KB_LATENCY_SAMPLES);
        return FALSE;
    }
    Isr = Entry + KB_LATENCY_SAMPLES;
    Dpc = Isr + KB_LATENCY_SAMPLES;
    Thread = Dpc + KB_LATENCY_SAMPLES;
    KiComputeScale(&ApicToTsc, KiTscFrequency, KiApicTimerFrequency);
    KeInitializeEvent(&KbWakeEvent, SynchronizationEvent, FALSE);
    KeInitializeEvent(&KbSampleEvent, SynchronizationEvent, FALSE);
    KbStop = FALSE;
    if (!KbStartThread(&Threads[0], KbWaiterThread) || !KbStartThread(&Threads[1], KbHogThread)) {
        ExFreePoolWithTag(Entry, KB_POOL_TAG);
        return FALSE;
    }
    if (!KbpSetUp()) {
        KbStop = TRUE;
        KeSetEvent(&KbWakeEvent, IO_NO_INCREMENT, FALSE);
        KbJoinThreads(Threads, 2);
        ExFreePoolWithTag(Entry, KB_POOL_TAG);
        return FALSE;
    }

    for (Sample = 0; Sample < KB_LATENCY_WARMUP + KB_LATENCY_SAMPLES; Sample++) {
        ULONG64 Expiry = KbpTakeSample(Sample, &ApicToTsc);
        ULONG Index = Sample - KB_LATENCY_WARMUP;

        if (Sample < KB_LATENCY_WARMUP) {
            continue;
        }
        /* A stamp before the computed expiry means the timer started
         * sooner than the read before it: report 0, not a wrapped value. */
        Entry[Index] = KbLatencyEntryTsc > Expiry ? KbLatencyEntryTsc - Expiry : 0;
        Isr[Index] = KbIsrTsc > Expiry ? KbIsrTsc - Expiry : 0;
        Dpc[Index] = KbDpcTsc > Expiry ? KbDpcTsc - Expiry : 0;
        Thread[Index] = KbThreadTsc > Expiry ? KbThreadTsc - Expiry : 0;
    }
    KbpTearDown();
    KbStop = TRUE;
    KeSetEvent(&KbWakeEvent, IO_NO_INCREMENT, FALSE);
    KbJoinThreads(Threads, 2);

    KbPrintSamples("entry", Entry, KB_LATENCY_SAMPLES);
    KbPrintSamples("isr", Isr, KB_LATENCY_SAMPLES);
    KbPrintSamples("dpc", Dpc, KB_LATENCY_SAMPLES);
    KbPrintSamples("thread", Thread, KB_LATENCY_SAMPLES);
    ExFreePoolWithTag(Entry, KB_POOL_TAG);
    return TRUE;
}
