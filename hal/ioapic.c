/*
 * hal/ioapic.c - the I/O APICs: where device interrupt lines enter.
 *
 * Every IOAPIC the MADT lists is mapped (uncached) and every one of its
 * inputs masked at boot. An input is known by its global system interrupt
 * number (GSI): IOAPIC i serves GSIs GsiBase(i) .. GsiBase(i) + entries - 1.
 * A redirection entry is programmed when the first interrupt object
 * connects to the vector behind it and masked when the last disconnects
 * (kernel/ke/interrupt.c through HalpEnableInterruptVector, hal/intinit.c).
 *
 * Registers: Intel 82093AA I/O APIC datasheet (order no. 290566-001), 3.0
 * "Register Description": an index register (IOREGSEL) and a data window
 * (IOWIN) in the first 0x20 bytes; behind them IOAPICID, IOAPICVER and the
 * 64-bit redirection table entries (3.2.4, IOREDTBL[23:0]). Chipsets with
 * more inputs use the same layout (Intel ICH9 datasheet 13.5).
 */
#include "hal/halp.h"
#include "hal/acpip.h"
#include "kernel/ke/ki.h"

/* 82093AA 3.0, Table 2: memory-mapped registers. */
#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10

/* 82093AA 3.2: indirect registers. */
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VERSION 0x01            /* 3.2.2: version 7:0, max entry 23:16 */
#define IOAPIC_REG_REDIRECTION(n) (0x10 + 2 * (n))

/* 82093AA 3.2.4: redirection table entry bits. */
#define IOAPIC_RTE_DELIVERY_FIXED (0ULL << 8)
#define IOAPIC_RTE_DEST_PHYSICAL (0ULL << 11)
#define IOAPIC_RTE_ACTIVE_LOW (1ULL << 13)
#define IOAPIC_RTE_REMOTE_IRR (1ULL << 14)
#define IOAPIC_RTE_LEVEL (1ULL << 15)
#define IOAPIC_RTE_MASKED (1ULL << 16)
#define IOAPIC_RTE_DESTINATION_SHIFT 56

typedef struct _HAL_IOAPIC {
    volatile UCHAR *Base;
    ULONG GsiBase;
    ULONG EntryCount;
    UCHAR Id;
} HAL_IOAPIC;

static HAL_IOAPIC HalpIoApics[ACPI_MAX_IOAPICS];
static ULONG HalpIoApicCount;
/* IOREGSEL/IOWIN is a two-step access: one at a time, at HIGH_LEVEL so an
 * interrupt handler that masks a line (the storm guard) cannot cut in. */
static KSPIN_LOCK HalpIoApicLock;

static ULONG
HalpIoApicReadRegister(HAL_IOAPIC *IoApic, ULONG Register)
{
    *(volatile ULONG *)(IoApic->Base + IOAPIC_REGSEL) = Register;
    return *(volatile ULONG *)(IoApic->Base + IOAPIC_WINDOW);
}

static VOID
HalpIoApicWriteRegister(HAL_IOAPIC *IoApic, ULONG Register, ULONG Value)
{
    *(volatile ULONG *)(IoApic->Base + IOAPIC_REGSEL) = Register;
    *(volatile ULONG *)(IoApic->Base + IOAPIC_WINDOW) = Value;
}

/* The IOAPIC serving Gsi, and the input number on it. */
static HAL_IOAPIC *
HalpIoApicForGsi(ULONG Gsi, PULONG Input)
{
    ULONG Index;

    for (Index = 0; Index < HalpIoApicCount; Index++) {
        HAL_IOAPIC *IoApic = &HalpIoApics[Index];

        if (Gsi >= IoApic->GsiBase && Gsi - IoApic->GsiBase < IoApic->EntryCount) {
            *Input = Gsi - IoApic->GsiBase;
            return IoApic;
        }
    }
    return NULL;
}

/* Runs once at boot, PASSIVE_LEVEL, interrupts off. */
VOID
HalpInitializeIoApics(VOID)
{
    const ACPI_MADT_INFO *Madt = &HalpAcpiInformation.Madt;
    ULONG Index, Input;

    if (!HalpAcpiInformation.MadtPresent || Madt->IoApicCount == 0) {
        DbgPrint("HAL: the firmware lists no IOAPIC; device interrupts are unavailable\n");
        return;
    }
    for (Index = 0; Index < Madt->IoApicCount && Index < ACPI_MAX_IOAPICS; Index++) {
        HAL_IOAPIC *IoApic = &HalpIoApics[HalpIoApicCount];
        PHYSICAL_ADDRESS Address;
        ULONG Version;

        Address.QuadPart = Madt->IoApics[Index].Address;
        IoApic->Base = MmMapIoSpace(Address, PAGE_SIZE, MmNonCached);
        if (IoApic->Base == NULL) {
            DbgPrint("HAL: cannot map IOAPIC id %u at 0x%x; its inputs are unusable\n",
                     Madt->IoApics[Index].Id, Madt->IoApics[Index].Address);
            continue;
        }
        IoApic->Id = Madt->IoApics[Index].Id;
        IoApic->GsiBase = Madt->IoApics[Index].GsiBase;
        Version = HalpIoApicReadRegister(IoApic, IOAPIC_REG_VERSION);
        IoApic->EntryCount = ((Version >> 16) & 0xFF) + 1;
        for (Input = 0; Input < IoApic->EntryCount; Input++) {
            HalpIoApicWriteRegister(IoApic, IOAPIC_REG_REDIRECTION(Input) + 1, 0);
            HalpIoApicWriteRegister(IoApic, IOAPIC_REG_REDIRECTION(Input),
                                    (ULONG)IOAPIC_RTE_MASKED);
        }
        DbgPrint("HAL: IOAPIC id %u at 0x%x: version 0x%x, GSIs %u-%u, all masked\n",
                 IoApic->Id, Madt->IoApics[Index].Address, Version & 0xFF, IoApic->GsiBase,
                 IoApic->GsiBase + IoApic->EntryCount - 1);
        HalpIoApicCount++;
    }
}

/* Any IRQL: TRUE when an IOAPIC has an input for Gsi. */
BOOLEAN
HalpIoApicHasGsi(ULONG Gsi)
{
    ULONG Input;

    return HalpIoApicForGsi(Gsi, &Input) != NULL;
}

/* Any IRQL. The entry stays masked: HalpIoApicSetMask opens it. The
 * destination is the boot processor in physical mode; an x2APIC ID above
 * 255 would need interrupt remapping, which Kestrel does not do. */
NTSTATUS
HalpIoApicProgram(ULONG Gsi, ULONG Vector, HAL_INTERRUPT_POLARITY Polarity, KINTERRUPT_MODE Mode)
{
    ULONG Input, Destination = HalpLapicGetId();
    HAL_IOAPIC *IoApic = HalpIoApicForGsi(Gsi, &Input);
    ULONG64 Entry;
    KIRQL OldIrql;

    if (IoApic == NULL) {
        DbgPrint("HAL: no IOAPIC serves GSI %u\n", Gsi);
        return STATUS_NOT_FOUND;
    }
    if (Destination > 0xFF || Vector < HAL_FIRST_DEVICE_VECTOR || Vector > 0xFE) {
        DbgPrint("HAL: cannot route GSI %u to vector 0x%x on APIC ID %u\n", Gsi, Vector,
                 Destination);
        return STATUS_INVALID_PARAMETER;
    }
    Entry = Vector | IOAPIC_RTE_DELIVERY_FIXED | IOAPIC_RTE_DEST_PHYSICAL | IOAPIC_RTE_MASKED |
            (Polarity == HalActiveLow ? IOAPIC_RTE_ACTIVE_LOW : 0) |
            (Mode == LevelSensitive ? IOAPIC_RTE_LEVEL : 0) |
            ((ULONG64)Destination << IOAPIC_RTE_DESTINATION_SHIFT);
    OldIrql = KfRaiseIrql(HIGH_LEVEL);
    KeAcquireSpinLockAtDpcLevel(&HalpIoApicLock);
    /* Masked low half first, so the entry is never live half-written. */
    HalpIoApicWriteRegister(IoApic, IOAPIC_REG_REDIRECTION(Input), (ULONG)IOAPIC_RTE_MASKED);
    HalpIoApicWriteRegister(IoApic, IOAPIC_REG_REDIRECTION(Input) + 1, (ULONG)(Entry >> 32));
    HalpIoApicWriteRegister(IoApic, IOAPIC_REG_REDIRECTION(Input), (ULONG)Entry);
    KeReleaseSpinLockFromDpcLevel(&HalpIoApicLock);
    KeLowerIrql(OldIrql);
    return STATUS_SUCCESS;
}

/* Any IRQL. */
NTSTATUS
HalpIoApicSetMask(ULONG Gsi, BOOLEAN Masked)
{
    ULONG Input, Low;
    HAL_IOAPIC *IoApic = HalpIoApicForGsi(Gsi, &Input);
    KIRQL OldIrql;

    if (IoApic == NULL) {
        return STATUS_NOT_FOUND;
    }
    OldIrql = KfRaiseIrql(HIGH_LEVEL);
    KeAcquireSpinLockAtDpcLevel(&HalpIoApicLock);
    Low = HalpIoApicReadRegister(IoApic, IOAPIC_REG_REDIRECTION(Input));
    Low = Masked ? (Low | (ULONG)IOAPIC_RTE_MASKED) : (Low & ~(ULONG)IOAPIC_RTE_MASKED);
    HalpIoApicWriteRegister(IoApic, IOAPIC_REG_REDIRECTION(Input), Low);
    KeReleaseSpinLockFromDpcLevel(&HalpIoApicLock);
    KeLowerIrql(OldIrql);
    return STATUS_SUCCESS;
}
