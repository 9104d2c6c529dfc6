/*
 * hal/idt.c - the interrupt descriptor table.
 *
 * One IDT of 256 interrupt gates, shared by every processor (each loads it
 * with LIDT). Every vector starts out pointing at its stub in hal/trap.asm:
 * exceptions 0-31 become bugchecks in KiDispatchTrap, and 32-255 report an
 * unexpected interrupt until interrupt code installs its own entries with
 * HalpSetIdtGate.
 *
 * All gates are interrupt gates (type 0xE), which clear IF on entry, so a
 * handler decides itself when interrupts may nest. #DF, NMI and #MC run on
 * interrupt-stack-table stacks (the TSS's IST slots, kernel/ke/gdt.c): a
 * double fault is often a stack overflow, and NMI and #MC can arrive at any
 * instruction, including the ones that have just switched stacks.
 */
#include "kernel/ke/ki.h"
#include "hal/halp.h"

static DECLSPEC_ALIGN(16) KIDTENTRY64 HalpIdt[KI_IDT_ENTRIES];
static BOOLEAN HalpIdtInitialized;

/* hal/trap.asm: the entry stub of each vector. */
extern const ULONG_PTR HalpTrapStubTable[KI_IDT_ENTRIES];

/* Gate descriptor attribute byte (SDM Vol. 3A 6.14.1, Figure 6-8): P=1, the
 * DPL in bits 5-6, type 0xE = 64-bit interrupt gate. */
#define HAL_GATE_PRESENT 0x80
#define HAL_GATE_TYPE_INTERRUPT 0x0E

/* Points Vector at Handler. Dpl 3 lets user mode raise the vector with INT n
 * (Windows does so for the breakpoint); IstIndex 0 means "stay on the
 * current stack", 1-7 a TSS IST slot. Interrupts must be off, or the vector
 * must not be able to fire while its gate changes. */
VOID
HalpSetIdtGate(ULONG Vector, PVOID Handler, UCHAR IstIndex, UCHAR Dpl)
{
    PKIDTENTRY64 Entry;
    ULONG_PTR Offset = (ULONG_PTR)Handler;

    if (Vector >= KI_IDT_ENTRIES || IstIndex > 7 || Dpl > 3) {
        DbgPrint("HalpSetIdtGate: vector %u, IST %u, DPL %u is out of range\n", Vector,
                 IstIndex, Dpl);
        KeBugCheckEx(HAL_INITIALIZATION_FAILED, Vector, IstIndex, Dpl, Offset);
    }
    Entry = &HalpIdt[Vector];
    Entry->OffsetLow = (USHORT)Offset;
    Entry->Selector = KGDT64_R0_CODE;
    Entry->IstIndex = IstIndex;
    Entry->TypeAttributes = HAL_GATE_PRESENT | (UCHAR)(Dpl << 5) | HAL_GATE_TYPE_INTERRUPT;
    Entry->OffsetMiddle = (USHORT)(Offset >> 16);
    Entry->OffsetHigh = (ULONG)(Offset >> 32);
    Entry->Reserved = 0;
}

/* Fills the IDT the first time it is called and returns it; later calls
 * (one per processor) return the same table. Interrupts off. */
PKIDTENTRY64
HalpInitializeIdt(VOID)
{
    ULONG Vector;

    if (HalpIdtInitialized) {
        return HalpIdt;
    }
    for (Vector = 0; Vector < KI_IDT_ENTRIES; Vector++) {
        HalpSetIdtGate(Vector, (PVOID)HalpTrapStubTable[Vector], 0, 0);
    }
    HalpSetIdtGate(2, (PVOID)HalpTrapStubTable[2], KI_IST_NMI, 0);
    HalpSetIdtGate(3, (PVOID)HalpTrapStubTable[3], 0, 3);
    HalpSetIdtGate(8, (PVOID)HalpTrapStubTable[8], KI_IST_DOUBLE_FAULT, 0);
    HalpSetIdtGate(18, (PVOID)HalpTrapStubTable[18], KI_IST_MACHINE_CHECK, 0);
    HalpIdtInitialized = TRUE;
    return HalpIdt;
}

/* Makes this processor use Idt. */
VOID
HalpLoadIdt(PKIDTENTRY64 Idt)
{
    struct __attribute__((packed)) {
        USHORT Limit;
        ULONG64 Base;
    } Idtr = {KI_IDT_ENTRIES * sizeof(KIDTENTRY64) - 1, (ULONG64)Idt};

    __asm__ __volatile__("lidt %0" : : "m"(Idtr) : "memory");
}
