/*
 * kernel/ke/amd64.h - the x86-64 processor structures the kernel owns:
 * segment descriptors, the task state segment, interrupt gates, the trap
 * frame the entry stubs build, and the per-processor control region (KPCR).
 *
 * Layouts follow the Intel SDM, Volume 3A (cited per structure). Names follow
 * the Windows x64 kernel where it has a counterpart (KGDTENTRY64, KTSS64,
 * KIDTENTRY64, KTRAP_FRAME, KPCR), but Kestrel's layouts are its own: nothing
 * outside the kernel depends on them yet.
 */
#ifndef KESTREL_KERNEL_KE_AMD64_H
#define KESTREL_KERNEL_KE_AMD64_H

#include <wdm.h>
#include "kernel/ke/readyq.h"

/*
 * GDT selectors: the values Windows x64 uses, so that SYSCALL/SYSRET and
 * later binary compatibility line up. SYSCALL loads CS from STAR[47:32] and
 * SS from that + 8 (R0_CODE, R0_DATA); SYSRET to 64-bit mode loads CS from
 * STAR[63:48] + 16 and SS from STAR[63:48] + 8, so STAR[63:48] = R3_CMCODE
 * gives R3_CODE and R3_DATA (SDM Vol. 2B, SYSCALL and SYSRET). 0x08 and 0x38
 * stay null, as in Windows.
 */
#define KGDT64_NULL 0x00
#define KGDT64_R0_CODE 0x10
#define KGDT64_R0_DATA 0x18
#define KGDT64_R3_CMCODE 0x20
#define KGDT64_R3_DATA 0x28
#define KGDT64_R3_CODE 0x30
#define KGDT64_SYS_TSS 0x40 /* 16 bytes: 0x40 and 0x48 */
#define KI_GDT_ENTRIES (0x50 / 8)

#define RPL_MASK 3

/* A code or data segment descriptor (SDM Vol. 3A 3.4.5, Figure 3-8). */
typedef ULONG64 KGDTENTRY64, *PKGDTENTRY64;

/* The 64-bit task state segment (SDM Vol. 3A 8.7, Figure 8-11). Ist[0] is
 * not an IST slot: the field there is reserved, as in Windows' KTSS64. */
typedef struct __attribute__((packed)) _KTSS64 {
    ULONG Reserved0;
    ULONG64 Rsp0;
    ULONG64 Rsp1;
    ULONG64 Rsp2;
    ULONG64 Ist[8];
    ULONG64 Reserved2;
    USHORT Reserved3;
    USHORT IoMapBase;
} KTSS64, *PKTSS64;

/* A 64-bit interrupt or trap gate (SDM Vol. 3A 6.14.1, Figure 6-8). */
typedef struct _KIDTENTRY64 {
    USHORT OffsetLow;
    USHORT Selector;
    UCHAR IstIndex;   /* bits 0-2; the rest must be zero */
    UCHAR TypeAttributes; /* P, DPL, type 0xE = interrupt gate */
    USHORT OffsetMiddle;
    ULONG OffsetHigh;
    ULONG Reserved;
} KIDTENTRY64, *PKIDTENTRY64;

#define KI_IDT_ENTRIES 256

/* Interrupt stack table slots (TSS.Ist[n]): the exceptions that must get a
 * known-good stack whatever the state of the current one. */
#define KI_IST_DOUBLE_FAULT 1
#define KI_IST_NMI 2
#define KI_IST_MACHINE_CHECK 3
#define KI_IST_COUNT 3
#define KI_IST_STACK_SIZE (16 * 1024)

/*
 * What hal/trap.asm saves on every trap and interrupt, lowest address first.
 * HalpTrapCommon pushes the general registers; the vector's stub pushes the
 * vector number and, where the processor pushed none, a zero error code; the
 * processor pushes the rest (SDM Vol. 3A 6.14.2, Figure 6-9). The sizes add
 * up to 22 quadwords, so RSP stays 16-byte aligned for the C dispatcher.
 * KiCaptureContext fills the same structure for KeBugCheckEx, with Vector
 * set to KI_NO_VECTOR.
 */
typedef struct _KTRAP_FRAME {
    ULONG64 Rax;
    ULONG64 Rbx;
    ULONG64 Rcx;
    ULONG64 Rdx;
    ULONG64 Rsi;
    ULONG64 Rdi;
    ULONG64 Rbp;
    ULONG64 R8;
    ULONG64 R9;
    ULONG64 R10;
    ULONG64 R11;
    ULONG64 R12;
    ULONG64 R13;
    ULONG64 R14;
    ULONG64 R15;
    ULONG64 Vector;
    ULONG64 ErrorCode;
    ULONG64 Rip;
    ULONG64 SegCs;
    ULONG64 EFlags;
    ULONG64 Rsp;
    ULONG64 SegSs;
} KTRAP_FRAME, *PKTRAP_FRAME;

#define KI_NO_VECTOR ((ULONG64)-1)

/* hal/trap.asm uses these offsets; the build fails if they drift. */
_Static_assert(sizeof(KTRAP_FRAME) == 22 * 8, "KTRAP_FRAME must match hal/trap.asm");
_Static_assert(offsetof(KTRAP_FRAME, Vector) == 15 * 8, "KTRAP_FRAME must match hal/trap.asm");
_Static_assert(offsetof(KTRAP_FRAME, Rip) == 17 * 8, "KTRAP_FRAME must match hal/trap.asm");
_Static_assert(sizeof(KTSS64) == 0x68, "KTSS64 is 104 bytes (SDM Figure 8-11)");
_Static_assert(sizeof(KIDTENTRY64) == 16, "a 64-bit gate is 16 bytes");

/*
 * The processor control block (PRCB): the per-processor state of the
 * dispatcher, embedded in the KPCR as on Windows x64. Only its own
 * processor touches it, with interrupts disabled (KiDisableInterrupts in
 * kernel/ke/dispatcher.h) around every change, because ISRs queue DPCs.
 */
typedef struct _KPRCB {
    /* The DPC queue (kernel/ke/dpc.c). DpcRoutineActive is TRUE while the
     * drain loop runs, so that an insertion needs no new software
     * interrupt; DpcRequested is TRUE while one is already on its way. */
    LIST_ENTRY DpcListHead;
    ULONG DpcQueueDepth;
    volatile BOOLEAN DpcRoutineActive;
    volatile BOOLEAN DpcRequested;
    UCHAR DpcReserved[2];
    ULONG64 DpcCount;                   /* DPC routines run since boot */
    /* The DPC watchdog: which routine runs now and since when (interrupt
     * time); the clock interrupt compares against the limit. */
    PVOID volatile ActiveDpcRoutine;
    volatile ULONG64 ActiveDpcStartTime;
    /* Timers (kernel/ke/timer.c): armed KTIMERs sorted by due time, and the
     * DPC that the clock interrupt queues when the first one is due. */
    LIST_ENTRY TimerListHead;
    KDPC TimerExpirationDpc;
    /* The clock (kernel/ke/clock.c). */
    volatile ULONG64 InterruptCount;    /* clock interrupts taken */
    volatile ULONG64 NextClockTime;     /* interrupt time the clock is programmed for */
    /* The scheduler (kernel/ke/sched.c, thread.h): under the dispatcher
     * lock, except QuantumEnd and LastQuantumTime (the clock's). */
    struct _KTHREAD *CurrentThread;
    struct _KTHREAD *NextThread;        /* chosen to preempt CurrentThread */
    struct _KTHREAD *IdleThread;
    volatile BOOLEAN QuantumEnd;        /* the current thread's turn is over */
    ULONG64 LastQuantumTime;            /* interrupt time last charged */
    ULONG64 ContextSwitches;
    KI_READY_QUEUES ReadyQueues;
} KPRCB, *PKPRCB;

/*
 * The processor control region: one per processor, reached through the GS
 * base (IA32_GS_BASE) so that code on any processor finds its own. It holds
 * the processor's GDT and TSS (each processor needs its own TSS, and so its
 * own TSS descriptor) and points at the IDT, which all processors share.
 * Its processor control block (KPRCB: DPC queue, timers, clock) is
 * embedded at the end.
 */
typedef struct _KPCR {
    struct _KPCR *Self;        /* gs:[0], so KeGetPcr() is one load */
    ULONG Number;              /* processor number, 0 for the boot processor */
    ULONG Reserved;
    PKGDTENTRY64 GdtBase;
    PKTSS64 TssBase;
    PKIDTENTRY64 IdtBase;
    /* The highest address of each IST stack (Ist[n] = IstTop[n - 1]) and the
     * lowest usable one, for backtraces: a frame pointer outside every known
     * stack is not followed. */
    ULONG_PTR IstTop[KI_IST_COUNT];
    ULONG_PTR IstBottom[KI_IST_COUNT];
    /* The stack the processor runs on outside traps. The scheduler will keep
     * these current; until then they describe the boot stack. */
    ULONG_PTR StackTop;
    ULONG_PTR StackBottom;
    DECLSPEC_ALIGN(16) KGDTENTRY64 Gdt[KI_GDT_ENTRIES];
    DECLSPEC_ALIGN(16) KTSS64 Tss;
    KPRCB Prcb;                /* last, so that the fields above keep their offsets */
} KPCR, *PKPCR;

/* One entry until the kernel starts application processors: raising this
 * is all SMP needs from the tables here. */
#define KI_MAXIMUM_PROCESSORS 1
extern KPCR KiProcessorControlRegion[KI_MAXIMUM_PROCESSORS];

/* The current processor's control region. Valid once KiInitializeProcessor
 * has set the GS base. */
FORCEINLINE PKPCR
KeGetPcr(VOID)
{
    PKPCR Pcr;

    __asm__ __volatile__("movq %%gs:0, %0" : "=r"(Pcr));
    return Pcr;
}

/* The current processor's control block. */
FORCEINLINE PKPRCB
KeGetCurrentPrcb(VOID)
{
    return &KeGetPcr()->Prcb;
}

#endif /* KESTREL_KERNEL_KE_AMD64_H */
