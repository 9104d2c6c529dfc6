/*
 * bench/kernel/switch.c - context-switch cost: two threads ping-ponging
 * through a pair of synchronization events.
 *
 * Thread A sets B's event and waits on its own; B wakes, sets A's event and
 * waits on its own again. One round trip is two switches plus two event
 * sets and two waits, which is what a driver's thread hand-off costs; the
 * figure reported per sample is half a round trip.
 */
#include "bench/kernel/kbench.h"
#include "kernel/ke/dispatcher.h"
#include "kernel/mm/pool.h"
#include "hal/timep.h"

#define KB_SWITCH_ROUNDS 10000
#define KB_SWITCH_WARMUP 64
#define KB_SWITCH_PRIORITY 16
#define KB_POOL_TAG 0x7753426BU         /* 'kBSw' */

static KEVENT KbEventA;
static KEVENT KbEventB;
static ULONG64 *KbRoundTrips;

/* PASSIVE_LEVEL: times each round trip. */
static VOID
KbPingThread(PVOID Context)
{
    ULONG Round;

    UNREFERENCED_PARAMETER(Context);
    KeSetPriorityThread(KeGetCurrentThread(), KB_SWITCH_PRIORITY);
    for (Round = 0; Round < KB_SWITCH_WARMUP + KB_SWITCH_ROUNDS; Round++) {
        ULONG64 Start = HalpReadTsc();

        KeSetEvent(&KbEventB, IO_NO_INCREMENT, FALSE);
        KeWaitForSingleObject(&KbEventA, Executive, KernelMode, FALSE, NULL);
        if (Round >= KB_SWITCH_WARMUP) {
            KbRoundTrips[Round - KB_SWITCH_WARMUP] = (HalpReadTsc() - Start) / 2;
        }
    }
    PsTerminateSystemThread(STATUS_SUCCESS);
}

/* PASSIVE_LEVEL: answers each ping. */
static VOID
KbPongThread(PVOID Context)
{
    ULONG Round;

    UNREFERENCED_PARAMETER(Context);
    KeSetPriorityThread(KeGetCurrentThread(), KB_SWITCH_PRIORITY);
    for (Round = 0; Round < KB_SWITCH_WARMUP + KB_SWITCH_ROUNDS; Round++) {
        KeWaitForSingleObject(&KbEventB, Executive, KernelMode, FALSE, NULL);
        KeSetEvent(&KbEventA, IO_NO_INCREMENT, FALSE);
    }
    PsTerminateSystemThread(STATUS_SUCCESS);
}

BOOLEAN
KbRunSwitch(VOID)
{
    HANDLE Threads[2];

    KbRoundTrips = ExAllocatePoolWithTag(NonPagedPoolNx, KB_SWITCH_ROUNDS * sizeof(ULONG64),
                                         KB_POOL_TAG);
    if (KbRoundTrips == NULL) {
        DbgPrint("bench: switch: no memory for %u samples\n", KB_SWITCH_ROUNDS);
        return FALSE;
    }
    KeInitializeEvent(&KbEventA, SynchronizationEvent, FALSE);
    KeInitializeEvent(&KbEventB, SynchronizationEvent, FALSE);
    /* The pong side first, so that it is already waiting for the first ping. */
    if (!KbStartThread(&Threads[1], KbPongThread)) {
        ExFreePoolWithTag(KbRoundTrips, KB_POOL_TAG);
        return FALSE;
    }
    if (!KbStartThread(&Threads[0], KbPingThread)) {
        /* The pong thread stays blocked on its event: it owns nothing, and
         * its samples buffer is never touched, so this leaks only it. */
        DbgPrint("bench: switch: the pong thread is left waiting\n");
        ZwClose(Threads[1]);
        return FALSE;
    }
    KbJoinThreads(Threads, 2);
    KbPrintSamples("switch", KbRoundTrips, KB_SWITCH_ROUNDS);
    ExFreePoolWithTag(KbRoundTrips, KB_POOL_TAG);
    return TRUE;
}
