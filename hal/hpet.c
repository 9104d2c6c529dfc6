/*
 * hal/hpet.c - the High Precision Event Timer, as a calibration reference.
 *
 * IA-PC HPET (High Precision Event Timers) Specification 1.0a (Intel,
 * 2004). The ACPI HPET table (3.2.4, parsed by hal/acpihpet.c) gives the
 * register block's physical address; the block is 1 KiB of memory-mapped
 * registers (2.3.1). Kestrel only reads the main counter: its period is
 * stated in the capabilities register, so it measures how fast the TSC and
 * the LAPIC timer run. The comparators stay unused.
 */
#include "hal/halp.h"
#include "hal/acpip.h"
#include "hal/timep.h"

/* 2.3.1, Table 2-1 "Memory-Mapped Register Space". */
#define HPET_REGISTER_BLOCK_SIZE 0x400
#define HPET_GENERAL_CAPABILITIES 0x000
#define HPET_GENERAL_CONFIGURATION 0x010
#define HPET_MAIN_COUNTER 0x0F0

/* 2.3.4, General Capabilities and ID Register: COUNTER_CLK_PERIOD in bits
 * 63:32, femtoseconds per tick, non-zero and at most 0x05F5E100 (100 ns);
 * COUNT_SIZE_CAP (bit 13): the main counter is 64 bits wide. */
#define HPET_PERIOD_SHIFT 32
#define HPET_MAXIMUM_PERIOD_FS 0x05F5E100ULL
#define HPET_COUNT_SIZE_CAP (1ULL << 13)

/* 2.3.5, General Configuration Register: ENABLE_CNF (bit 0) runs the main
 * counter. LEG_RT_CNF (bit 1) is left as the firmware set it. */
#define HPET_ENABLE_CNF (1ULL << 0)

ULONG64 HalpHpetPeriodFs;
static volatile UCHAR *HalpHpetBase;
static BOOLEAN HalpHpetCounter64;

static ULONG64
HalpHpetRead(ULONG Offset)
{
    return READ_REGISTER_ULONG64((volatile ULONG64 *)(HalpHpetBase + Offset));
}

static VOID
HalpHpetWrite(ULONG Offset, ULONG64 Value)
{
    WRITE_REGISTER_ULONG64((volatile ULONG64 *)(HalpHpetBase + Offset), Value);
}

/* PASSIVE_LEVEL, once. */
BOOLEAN
HalpHpetInitialize(VOID)
{
    PHYSICAL_ADDRESS Physical;
    ULONG64 Capabilities;
    ULONG64 Configuration;

    if (HalpHpetBase != NULL) {
        return TRUE;
    }
    if (!HalpAcpiInformation.HpetPresent) {
        return FALSE;
    }
    Physical.QuadPart = (LONGLONG)HalpAcpiInformation.Hpet.BaseAddress;
    HalpHpetBase = MmMapIoSpace(Physical, HPET_REGISTER_BLOCK_SIZE, MmNonCached);
    if (HalpHpetBase == NULL) {
        DbgPrint("HPET: cannot map the registers at 0x%llx; not using the HPET\n",
                 (ULONGLONG)Physical.QuadPart);
        return FALSE;
    }
    Capabilities = HalpHpetRead(HPET_GENERAL_CAPABILITIES);
    HalpHpetPeriodFs = Capabilities >> HPET_PERIOD_SHIFT;
    if (HalpHpetPeriodFs == 0 || HalpHpetPeriodFs > HPET_MAXIMUM_PERIOD_FS) {
        DbgPrint("HPET: the counter period %llu fs is outside the specification's 1-100000000 "
                 "fs (capabilities 0x%016llx); not using the HPET\n",
                 HalpHpetPeriodFs, Capabilities);
        MmUnmapIoSpace((PVOID)HalpHpetBase, HPET_REGISTER_BLOCK_SIZE);
        HalpHpetBase = NULL;
        return FALSE;
    }
    HalpHpetCounter64 = (Capabilities & HPET_COUNT_SIZE_CAP) != 0;
    Configuration = HalpHpetRead(HPET_GENERAL_CONFIGURATION);
    if (!(Configuration & HPET_ENABLE_CNF)) {
        HalpHpetWrite(HPET_GENERAL_CONFIGURATION, Configuration | HPET_ENABLE_CNF);
    }
    return TRUE;
}

/* Any IRQL once initialized. A 32-bit counter (COUNT_SIZE_CAP clear)
 * returns its value in the low half; differences over less than its wrap
 * time (over 7 minutes at 100 ns) are taken modulo 2^32 by the caller. */
ULONG64
HalpHpetReadCounter(VOID)
{
    ULONG64 Value = HalpHpetRead(HPET_MAIN_COUNTER);

    return HalpHpetCounter64 ? Value : (ULONG)Value;
}
