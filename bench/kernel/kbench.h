/*
 * bench/kernel/kbench.h - benchmarks that run inside the kernel.
 *
 * `bench=<name>[,<name>]` on the kernel command line runs them after boot;
 * bench/run.py (make bench) boots the benchmark configurations and turns
 * their output into bench/out/latency.json. Output lines:
 *
 *     BENCH-RUN tsc_hz=<Hz>
 *     BENCH-SAMPLES <stage> <ns>,<ns>,...     (repeated; appended in order)
 *     BENCH-END
 */
#ifndef KESTREL_BENCH_KERNEL_KBENCH_H
#define KESTREL_BENCH_KERNEL_KBENCH_H

#include <wdm.h>

/* Runs the benchmarks the command line names; FALSE if any failed. */
BOOLEAN KbRunSelected(VOID);

/* bench/kernel/latency.c: timer expiry to vector entry, ISR and DPC. */
BOOLEAN KbRunLatency(VOID);

/* bench/kernel/switch.c: two threads ping-ponging through events. */
BOOLEAN KbRunSwitch(VOID);

/* bench/kernel/irp.c: ZwDeviceIoControlFile through a three-deep stack. */
BOOLEAN KbRunIrp(VOID);

/* Starts a system thread running Routine (bench/kernel/kbench.c); waits for
 * threads to end and closes their handles. PASSIVE_LEVEL. */
BOOLEAN KbStartThread(PHANDLE Handle, PKSTART_ROUTINE Routine);
VOID KbJoinThreads(PHANDLE Handles, ULONG Count);

/* Prints one stage's samples, converted from TSC ticks to nanoseconds. */
VOID KbPrintSamples(PCSTR Stage, const ULONG64 *Ticks, ULONG Count);

#endif /* KESTREL_BENCH_KERNEL_KBENCH_H */
