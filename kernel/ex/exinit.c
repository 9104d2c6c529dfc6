/*
 * kernel/ex/exinit.c - the executive's start-up: the verifier switch its
 * checks obey, and the system worker threads.
 */
#include "kernel/ke/ki.h"
#include "kernel/rtl/crt.h"
#include "kernel/ex/exp.h"

BOOLEAN ExpVerifierEnabled = TRUE;

/* PASSIVE_LEVEL, once, after PsInitializeSystem with interrupts on. */
VOID
ExInitSystem(VOID)
{
    CHAR Value[8];

    /* The same switch the I/O verifier reads: "verifier=off" for benchmarks. */
    if (KiCommandLineValue("verifier", Value, sizeof(Value)) && strcmp(Value, "off") == 0) {
        ExpVerifierEnabled = FALSE;
    }
    DbgPrint("Ex: verifier checks %s\n", ExpVerifierEnabled ? "on" : "off (verifier=off)");
    ExpInitializeWorkerThreads();
}
