/*
 * kernel/ke/gdt.c - each processor's GDT, TSS and control region (KPCR).
 *
 * In long mode segmentation is almost gone, but three things remain: CS
 * selects 64-bit code and the privilege level, the TSS supplies the stacks
 * the processor switches to on a trap (RSP0 from user mode, and the
 * interrupt stack table for traps that must not trust the current stack),
 * and the GS base gives each processor a pointer to its own data. This file
 * sets up all three for one processor; the selectors are Windows' (see
 * kernel/ke/amd64.h).
 */
#include "kernel/ke/ki.h"
#include "kernel/mm/mi.h"
#include "hal/halp.h"

KPCR KiProcessorControlRegion[KI_MAXIMUM_PROCESSORS];

/*
 * Stacks for #DF, NMI and #MC from the first instruction on: a trap through
 * an IST slot that holds 0 would push onto address 0 and triple-fault. They
 * have no guard page; KiInitializeInterruptStacks replaces them with guarded
 * ones once memory management runs.
 */
static DECLSPEC_ALIGN(16) UCHAR KipBootIstStacks[KI_IST_COUNT][KI_IST_STACK_SIZE];

/* Model-specific registers (SDM Vol. 4, Table 2-2). */
#define MSR_GS_BASE 0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102

/*
 * Code and data descriptors (SDM Vol. 3A 3.4.5): limit 0xFFFFF with G=1, base
 * 0, P=1, S=1; the type's accessed bit is preset so the processor never
 * writes to the GDT. Access byte: 0x9B ring-0 code, 0x93 ring-0 data,
 * 0xFB ring-3 code, 0xF3 ring-3 data. Flags nibble: 0xA = G + L (64-bit
 * code), 0xC = G + D/B (32-bit code, and data).
 */
#define KI_DESCRIPTOR(Access, Flags) \
    (0x000000000000FFFFULL | (0xFULL << 48) | ((ULONG64)(Access) << 40) | ((ULONG64)(Flags) << 52))

static const KGDTENTRY64 KipGdtTemplate[KI_GDT_ENTRIES] = {
    [KGDT64_R0_CODE / 8] = KI_DESCRIPTOR(0x9B, 0xA),
    [KGDT64_R0_DATA / 8] = KI_DESCRIPTOR(0x93, 0xC),
    [KGDT64_R3_CMCODE / 8] = KI_DESCRIPTOR(0xFB, 0xC),
    [KGDT64_R3_DATA / 8] = KI_DESCRIPTOR(0xF3, 0xC),
    [KGDT64_R3_CODE / 8] = KI_DESCRIPTOR(0xFB, 0xA),
};

/* A 16-byte system descriptor for an available 64-bit TSS (type 9, P=1,
 * DPL 0; SDM Vol. 3A 8.2.3, Figure 8-4). */
static VOID
KipSetTssDescriptor(PKGDTENTRY64 Entry, PKTSS64 Tss)
{
    ULONG64 Base = (ULONG64)Tss;
    ULONG64 Limit = sizeof(KTSS64) - 1;

    Entry[0] = (Limit & 0xFFFF) | ((Base & 0xFFFFFF) << 16) | (0x89ULL << 40) |
               (((Limit >> 16) & 0xF) << 48) | (((Base >> 24) & 0xFF) << 56);
    Entry[1] = Base >> 32;
}

static VOID
KipWriteMsr(ULONG Msr, ULONG64 Value)
{
    __asm__ __volatile__("wrmsr" : : "c"(Msr), "a"((ULONG)Value), "d"((ULONG)(Value >> 32)));
}

/*
 * Loads the GDT and every segment register, then the task register. CS can
 * only change through a far transfer: push the new CS and a return address
 * and far-return to it. DS, ES and SS get the kernel data selector (SS must
 * be a writable data segment or null); FS and GS get null, because loading a
 * selector into them would clear the GS base set afterwards.
 */
static VOID
KipLoadGdt(PKPCR Pcr)
{
    struct __attribute__((packed)) {
        USHORT Limit;
        ULONG64 Base;
    } Gdtr = {sizeof(Pcr->Gdt) - 1, (ULONG64)Pcr->Gdt};

    __asm__ __volatile__("lgdt %0\n\t"
                         "pushq %[Code]\n\t"
                         "leaq 1f(%%rip), %%rax\n\t"
                         "pushq %%rax\n\t"
                         "lretq\n"
                         "1:\n\t"
                         "movl %[Data], %%eax\n\t"
                         "movl %%eax, %%ds\n\t"
                         "movl %%eax, %%es\n\t"
                         "movl %%eax, %%ss\n\t"
                         "xorl %%eax, %%eax\n\t"
                         "movl %%eax, %%fs\n\t"
                         "movl %%eax, %%gs\n\t"
                         "ltr %w[Tss]"
                         :
                         : "m"(Gdtr), [Code] "i"(KGDT64_R0_CODE), [Data] "i"(KGDT64_R0_DATA),
                           [Tss] "r"((USHORT)KGDT64_SYS_TSS)
                         : "rax", "memory");
}

static VOID
KipSetIstStack(PKPCR Pcr, ULONG Index, ULONG_PTR Top, SIZE_T Size)
{
    Pcr->Tss.Ist[Index] = Top;
    Pcr->IstTop[Index - 1] = Top;
    Pcr->IstBottom[Index - 1] = Top - Size;
}

/* Fills in one processor's GDT, TSS and KPCR and loads them together with
 * the shared IDT. Interrupts must be off. */
static VOID
KipInitializeProcessorTables(ULONG Number, ULONG_PTR StackBottom, ULONG_PTR StackTop)
{
    PKPCR Pcr = &KiProcessorControlRegion[Number];
    ULONG Index;

    Pcr->Self = Pcr;
    Pcr->Number = Number;
    Pcr->GdtBase = Pcr->Gdt;
    Pcr->TssBase = &Pcr->Tss;
    Pcr->StackBottom = StackBottom;
    Pcr->StackTop = StackTop;
    for (Index = 0; Index < KI_GDT_ENTRIES; Index++) {
        Pcr->Gdt[Index] = KipGdtTemplate[Index];
    }
    KipSetTssDescriptor(&Pcr->Gdt[KGDT64_SYS_TSS / 8], &Pcr->Tss);

    /* No I/O permission bitmap: an offset past the limit means none, and
     * user mode then gets #GP on every port access. */
    Pcr->Tss.IoMapBase = sizeof(KTSS64);
    /* RSP0 is the stack for traps from user mode; the scheduler will set it
     * per thread. Until user mode exists it stays the boot stack. */
    Pcr->Tss.Rsp0 = StackTop;
    for (Index = 1; Index <= KI_IST_COUNT; Index++) {
        KipSetIstStack(Pcr, Index, (ULONG_PTR)&KipBootIstStacks[Index - 1][KI_IST_STACK_SIZE],
                       KI_IST_STACK_SIZE);
    }

    KipLoadGdt(Pcr);
    Pcr->IdtBase = HalpInitializeIdt();
    HalpLoadIdt(Pcr->IdtBase);
    /* The kernel runs with GS pointing at its KPCR; KERNEL_GS_BASE is what
     * SWAPGS will exchange it with once user mode exists. */
    KipWriteMsr(MSR_GS_BASE, (ULONG64)Pcr);
    KipWriteMsr(MSR_KERNEL_GS_BASE, 0);
}

/* Runs once on the boot processor, before memory management, interrupts off. */
VOID
KiInitializeProcessor(VOID)
{
    KipInitializeProcessorTables(0, (ULONG_PTR)KiBootStackGuard + PAGE_SIZE,
                                 (ULONG_PTR)KiBootStackTop);
}

/* Runs once after MmInitSystem, interrupts off: moves #DF, NMI and #MC to
 * stacks with a guard page, so that an overflow there faults visibly instead
 * of running into whatever lies below. The .bss stacks they leave stay as
 * they are: 48 KiB is not worth a special case in the memory manager. */
VOID
KiInitializeInterruptStacks(VOID)
{
    PKPCR Pcr = KeGetPcr();
    ULONG Index;

    for (Index = 1; Index <= KI_IST_COUNT; Index++) {
        PVOID Top = MmCreateKernelStack(KI_IST_STACK_SIZE);

        if (Top == NULL) {
            DbgPrint("Ke: no memory for interrupt stack %u\n", Index);
            KeBugCheckEx(PHASE0_INITIALIZATION_FAILED, Index, KI_IST_STACK_SIZE, 0, 0);
        }
        KipSetIstStack(Pcr, Index, (ULONG_PTR)Top, KI_IST_STACK_SIZE);
    }
}
