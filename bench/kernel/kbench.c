/*
 * bench/kernel/kbench.c - runs the benchmarks the command line names and
 * prints their samples for bench/run.py.
 */
#include "bench/kernel/kbench.h"
#include "kernel/ke/ki.h"
#include "kernel/ke/dispatcher.h"
#include "kernel/rtl/rtlp.h"
#include "kernel/rtl/crt.h"

#define KB_SAMPLES_PER_LINE 64

/* Ticks to nanoseconds without overflow for any realistic latency:
 * ticks * 10^9 fits 64 bits up to 18 seconds' worth of ticks at 1 GHz. */
static ULONG64
KbpTicksToNs(ULONG64 Ticks)
{
    return Ticks * 1000000000ULL / KiTscFrequency;
}

VOID
KbPrintSamples(PCSTR Stage, const ULONG64 *Ticks, ULONG Count)
{
    CHAR Line[KB_SAMPLES_PER_LINE * 12 + 64];
    ULONG Index = 0;

    while (Index < Count) {
        SIZE_T Length = RtlpFormat(Line, sizeof(Line), "BENCH-SAMPLES %s ", Stage);
        ULONG InLine;

        for (InLine = 0; InLine < KB_SAMPLES_PER_LINE && Index < Count; InLine++, Index++) {
            Length += RtlpFormat(Line + Length, sizeof(Line) - Length, "%s%llu",
                                 InLine ? "," : "", KbpTicksToNs(Ticks[Index]));
        }
        DbgPrint("%s\n", Line);
    }
}

BOOLEAN
KbStartThread(PHANDLE Handle, PKSTART_ROUTINE Routine)
{
    NTSTATUS Status = PsCreateSystemThread(Handle, THREAD_ALL_ACCESS, NULL, NULL, NULL, Routine, NULL);

    if (!NT_SUCCESS(Status)) {
        DbgPrint("bench: cannot create a thread: 0x%08x\n", Status);
        return FALSE;
    }
    return TRUE;
}

VOID
KbJoinThreads(PHANDLE Handles, ULONG Count)
{
    ULONG Index;

    for (Index = 0; Index < Count; Index++) {
        PVOID Thread;

        if (NT_SUCCESS(ObReferenceObjectByHandle(Handles[Index], SYNCHRONIZE, *PsThreadType,
                                                 KernelMode, &Thread, NULL))) {
            KeWaitForSingleObject(Thread, Executive, KernelMode, FALSE, NULL);
            ObDereferenceObject(Thread);
        }
        ZwClose(Handles[Index]);
    }
}

typedef struct _KB_BENCHMARK {
    PCSTR Name;
    BOOLEAN (*Run)(VOID);
} KB_BENCHMARK;

static const KB_BENCHMARK KbBenchmarks[] = {
    {"latency", KbRunLatency},
    {"switch", KbRunSwitch},
    {"irp", KbRunIrp},
};

/* TRUE when Name is one of the comma-separated names in Selection. */
static BOOLEAN
KbpIsSelected(PCSTR Selection, PCSTR Name)
{
    SIZE_T Length = strlen(Name);
    PCSTR Cursor = Selection;

    while (*Cursor != '\0') {
        if (strncmp(Cursor, Name, Length) == 0 && (Cursor[Length] == ',' || Cursor[Length] == '\0')) {
            return TRUE;
        }
        while (*Cursor != '\0' && *Cursor != ',') {
            Cursor++;
        }
        if (*Cursor == ',') {
            Cursor++;
        }
    }
    return FALSE;
}

BOOLEAN
KbRunSelected(VOID)
{
    CHAR Selection[128];
    BOOLEAN Passed = TRUE;
    ULONG Index;

    if (!KiCommandLineValue("bench", Selection, sizeof(Selection))) {
        return TRUE;
    }
    DbgPrint("BENCH-RUN tsc_hz=%llu\n", KiTscFrequency);
    for (Index = 0; Index < RTL_NUMBER_OF(KbBenchmarks); Index++) {
        if (!KbpIsSelected(Selection, KbBenchmarks[Index].Name)) {
            continue;
        }
        DbgPrint("bench: %s\n", KbBenchmarks[Index].Name);
        if (!KbBenchmarks[Index].Run()) {
            DbgPrint("bench: %s failed\n", KbBenchmarks[Index].Name);
            Passed = FALSE;
        }
    }
    DbgPrint("BENCH-END\n");
    return Passed;
}
