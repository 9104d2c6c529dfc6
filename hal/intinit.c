/*
 * hal/intinit.c - bringing up the interrupt controllers, and the gates of
 * the vectors interrupt objects use.
 *
 * Order matters: the 8259s are silenced first (they may still be wired to
 * the processor through LINT0 in "virtual wire" mode), then the local APIC
 * is enabled, then every IOAPIC input is masked. Only after all three may
 * the kernel enable interrupts: from then on the only interrupts that can
 * arrive are the ones somebody connected.
 */
#include "hal/halp.h"
#include "hal/acpip.h"
#include "kernel/ke/ki.h"

/* hal/intstub.asm and hal/trap.asm. */
extern const ULONG_PTR HalpInterruptEntryTable[KI_IDT_ENTRIES];
extern const ULONG_PTR HalpTrapStubTable[KI_IDT_ENTRIES];

/* Runs once at PASSIVE_LEVEL with interrupts off, after MmInitSystem (it
 * maps registers) and HalpInitializeAcpi (it reads the MADT). */
VOID
HalpInitializeInterruptControllers(VOID)
{
    /* Without a MADT the firmware still has 8259s (a PC/AT); with one, the
     * PCAT_COMPAT flag says whether it does. */
    if (!HalpAcpiInformation.MadtPresent || HalpAcpiInformation.Madt.PcatCompat) {
        HalpInitializePic();
    }
    HalpInitializeVectorMap(&HalpVectorMap);
    HalpSetIdtGate(HAL_SPURIOUS_VECTOR, (PVOID)HalpInterruptEntryTable[HAL_SPURIOUS_VECTOR], 0,
                   0);
    HalpInitializeLapic();
    HalpInitializeIoApics();
}

/* Interrupts must not reach Vector while its gate changes: the caller holds
 * the connect lock at HIGH_LEVEL. */
VOID
HalpInstallInterruptEntry(ULONG Vector)
{
    if (Vector >= KI_IDT_ENTRIES || HalpInterruptEntryTable[Vector] == 0) {
        DbgPrint("HAL: vector 0x%x has no interrupt entry\n", Vector);
        KeBugCheckEx(HAL_INITIALIZATION_FAILED, 5, Vector, 0, 0);
    }
    HalpSetIdtGate(Vector, (PVOID)HalpInterruptEntryTable[Vector], 0, 0);
}

VOID
HalpRemoveInterruptEntry(ULONG Vector)
{
    HalpSetIdtGate(Vector, (PVOID)HalpTrapStubTable[Vector], 0, 0);
}
