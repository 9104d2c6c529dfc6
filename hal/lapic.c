/*
 * hal/lapic.c - the boot processor's local APIC.
 *
 * Intel SDM vol. 3A chapter 11 (10 before 2022), register names and bits in
 * hal/lapic.h. Two access modes exist: xAPIC, registers in a 4 KiB MMIO page
 * (mapped uncached, as 11.4.1 requires), and x2APIC, the same registers as
 * MSRs 0x800-0x8FF (11.12). x2APIC is used when CPUID offers it (QEMU 7.2's
 * software CPU does not); the choice is made once here and HalpLapicRead /
 * HalpLapicWrite follow it.
 *
 * The local APIC is left with: the software-enable bit and spurious vector
 * 0xFF in the SVR, task priority 0 (the IRQL lives in CR8, which is TPR[7:4]),
 * LINT0 and LINT1 as the MADT's local APIC NMI entries say (NMI, usually on
 * LINT1) and otherwise masked (LINT0's ExtINT would let the 8259s in), the
 * error LVT on vector 0xFE, and the timer, thermal and performance-counter
 * entries masked: the timer belongs to hal/apictimer.c.
 */
#include "hal/halp.h"
#include "hal/lapic.h"
#include "hal/acpip.h"
#include "kernel/ke/ki.h"

volatile ULONG *HalpLapicEoiRegister;
volatile ULONG HalpLapicErrorCount;

static volatile UCHAR *HalpLapicBase;   /* xAPIC mapping; NULL in x2APIC mode */
static BOOLEAN HalpX2Apic;
static BOOLEAN HalpLapicReady;
static ULONG HalpLapicMaxLvt;

static ULONG64
HalpReadMsr(ULONG Msr)
{
    ULONG Low, High;

    __asm__ __volatile__("rdmsr" : "=a"(Low), "=d"(High) : "c"(Msr));
    return ((ULONG64)High << 32) | Low;
}

static VOID
HalpWriteMsr(ULONG Msr, ULONG64 Value)
{
    __asm__ __volatile__("wrmsr" : : "c"(Msr), "a"((ULONG)Value), "d"((ULONG)(Value >> 32))
                         : "memory");
}

/* Any IRQL. */
ULONG
HalpLapicRead(ULONG Offset)
{
    if (HalpX2Apic) {
        return (ULONG)HalpReadMsr(LAPIC_X2APIC_MSR(Offset));
    }
    return *(volatile ULONG *)(HalpLapicBase + Offset);
}

/* Any IRQL. In x2APIC mode the ICR is written whole through its MSR; write
 * LAPIC_ICR_HIGH first and LAPIC_ICR_LOW second, as for the xAPIC, and the
 * pair becomes one 64-bit write. */
VOID
HalpLapicWrite(ULONG Offset, ULONG Value)
{
    static ULONG PendingIcrHigh;

    if (HalpX2Apic) {
        if (Offset == LAPIC_ICR_HIGH) {
            PendingIcrHigh = Value;
            return;
        }
        if (Offset == LAPIC_ICR_LOW) {
            HalpWriteMsr(LAPIC_X2APIC_MSR(LAPIC_ICR_LOW), ((ULONG64)PendingIcrHigh << 32) | Value);
            return;
        }
        HalpWriteMsr(LAPIC_X2APIC_MSR(Offset), Value);
        return;
    }
    *(volatile ULONG *)(HalpLapicBase + Offset) = Value;
}

BOOLEAN
HalpLapicIsX2Apic(VOID)
{
    return HalpX2Apic;
}

/* This processor's APIC ID: 8 bits in xAPIC mode (ID[31:24], 11.4.6), 32 in
 * x2APIC mode (11.12.5.1). */
ULONG
HalpLapicGetId(VOID)
{
    ULONG Id = HalpLapicRead(LAPIC_ID);

    return HalpX2Apic ? Id : Id >> 24;
}

/* Any IRQL, interrupts off: ends the in-service interrupt of highest
 * priority (11.8.5). x2APIC requires the value 0 (11.12.1.2). */
VOID
HalpLapicEoi(VOID)
{
    HalpLapicWrite(LAPIC_EOI, 0);
}

/* Any IRQL. A fixed interrupt to this processor; it is held in the IRR until
 * CR8 (the TPR) and the in-service priority let it through (11.8.3.1). */
VOID
HalpLapicSendSelfIpi(ULONG Vector)
{
    ULONG_PTR Flags;

    if (!HalpLapicReady) {
        DbgPrint("HalpLapicSendSelfIpi(0x%x): the local APIC is not initialized yet\n", Vector);
        KeBugCheckEx(HAL_INITIALIZATION_FAILED, 4, Vector, 0, 0);
    }
    if (HalpX2Apic) {
        /* The x2APIC has a register for exactly this (11.12.11). */
        HalpWriteMsr(LAPIC_X2APIC_MSR(LAPIC_SELF_IPI), Vector & 0xFF);
        return;
    }
    /* Interrupts off: an interrupt handler between the wait and the write
     * could start an IPI of its own. Older xAPICs drop an ICR write while
     * the previous IPI is still being sent (11.6.1, delivery status). */
    __asm__ __volatile__("pushfq; popq %0; cli" : "=r"(Flags) : : "memory");
    while (HalpLapicRead(LAPIC_ICR_LOW) & LAPIC_ICR_SEND_PENDING) {
        __asm__ __volatile__("pause");
    }
    HalpLapicWrite(LAPIC_ICR_LOW, (Vector & 0xFF) | LAPIC_ICR_DELIVERY_FIXED |
                                      LAPIC_ICR_ASSERT | LAPIC_ICR_DEST_SELF);
    if (Flags & (1UL << 9)) {
        __asm__ __volatile__("sti" : : : "memory");
    }
}

/* Any IRQL. Only DISPATCH_LEVEL has a software interrupt so far; APC_LEVEL
 * waits for threads (see the vector map in hal/halp.h). */
VOID
HalRequestSoftwareInterrupt(KIRQL Irql)
{
    if (Irql == DISPATCH_LEVEL) {
        HalpLapicSendSelfIpi(HAL_DISPATCH_VECTOR);
        return;
    }
    KiNotImplemented("HalRequestSoftwareInterrupt for an IRQL other than DISPATCH_LEVEL");
}

/* The error interrupt (vector 0xFE, HIGH_LEVEL). The ESR latches errors
 * until it is written, so write, then read (11.5.3). */
static BOOLEAN
HalpLapicErrorIsr(PKINTERRUPT Interrupt, PVOID Context)
{
    ULONG Status;

    UNREFERENCED_PARAMETER(Interrupt);
    UNREFERENCED_PARAMETER(Context);
    HalpLapicWrite(LAPIC_ESR, 0);
    Status = HalpLapicRead(LAPIC_ESR);
    HalpLapicErrorCount++;
    DbgPrint("Local APIC error: ESR 0x%x%s%s%s%s\n", Status,
             (Status & LAPIC_ESR_SEND_ILLEGAL_VECTOR) ? " send-illegal-vector" : "",
             (Status & LAPIC_ESR_RECEIVE_ILLEGAL_VECTOR) ? " receive-illegal-vector" : "",
             (Status & LAPIC_ESR_ILLEGAL_REGISTER) ? " illegal-register" : "",
             (Status & (LAPIC_ESR_SEND_ACCEPT | LAPIC_ESR_RECEIVE_ACCEPT)) ? " accept" : "");
    return TRUE;
}

static KINTERRUPT HalpLapicErrorInterrupt;

/* The LVT value for LINT Lint from the MADT's local APIC NMI entries for
 * this processor: NMI delivery with the entry's polarity (NMIs are always
 * edge triggered, 11.5.1), else masked. */
static ULONG
HalpLintSetting(ULONG Lint, ULONG ProcessorUid, BOOLEAN UidKnown)
{
    const ACPI_MADT_INFO *Madt = &HalpAcpiInformation.Madt;
    ULONG Index;

    if (!HalpAcpiInformation.MadtPresent) {
        /* No MADT: the MultiProcessor Specification's default configuration
         * wires NMI to LINT1 (MPS 1.4, 5.1). */
        return Lint == 1 ? LAPIC_LVT_DELIVERY_NMI : LAPIC_LVT_MASKED;
    }
    for (Index = 0; Index < Madt->LocalNmiCount; Index++) {
        const ACPI_LOCAL_NMI *Nmi = &Madt->LocalNmis[Index];

        if (Nmi->Lint == Lint &&
            (Nmi->AllProcessors || (UidKnown && Nmi->ProcessorUid == ProcessorUid))) {
            return LAPIC_LVT_DELIVERY_NMI |
                   (Nmi->Polarity == AcpiActiveLow ? LAPIC_LVT_ACTIVE_LOW : 0);
        }
    }
    return LAPIC_LVT_MASKED;
}

/* The boot processor's ACPI processor UID, from its APIC ID. */
static BOOLEAN
HalpFindProcessorUid(ULONG ApicId, PULONG ProcessorUid)
{
    const ACPI_MADT_INFO *Madt = &HalpAcpiInformation.Madt;
    ULONG Index;

    for (Index = 0; HalpAcpiInformation.MadtPresent && Index < Madt->ProcessorCount; Index++) {
        if (Madt->Processors[Index].ApicId == ApicId) {
            *ProcessorUid = Madt->Processors[Index].ProcessorUid;
            return TRUE;
        }
    }
    return FALSE;
}

/* Chooses the mode and maps the registers. */
static VOID
HalpLapicSelectMode(VOID)
{
    ULONG Eax = 1, Ebx, Ecx = 0, Edx;
    ULONG64 ApicBase = HalpReadMsr(MSR_IA32_APIC_BASE);
    ULONGLONG Physical = ApicBase & APIC_BASE_ADDRESS_MASK;
    PHYSICAL_ADDRESS Address;

    __asm__ __volatile__("cpuid" : "+a"(Eax), "=b"(Ebx), "+c"(Ecx), "=d"(Edx));
    if (!(Edx & CPUID_1_EDX_APIC)) {
        DbgPrint("HAL: this processor has no local APIC (CPUID.1:EDX[9] clear); Kestrel "
                 "needs one\n");
        KeBugCheckEx(HAL_INITIALIZATION_FAILED, 1, Edx, 0, 0);
    }
    if ((Ecx & CPUID_1_ECX_X2APIC) && !KiCommandLineHasWord("nox2apic")) {
        /* x2APIC mode is entered from enabled xAPIC mode (11.12.5, Figure
         * 11-27): a firmware that left the APIC disabled gets it enabled
         * first, then EXTD is set. */
        if (!(ApicBase & APIC_BASE_ENABLE)) {
            ApicBase |= APIC_BASE_ENABLE;
            HalpWriteMsr(MSR_IA32_APIC_BASE, ApicBase);
        }
        HalpWriteMsr(MSR_IA32_APIC_BASE, ApicBase | APIC_BASE_EXTD);
        HalpX2Apic = TRUE;
        HalpLapicEoiRegister = NULL;
        return;
    }
    if (!(ApicBase & APIC_BASE_ENABLE)) {
        HalpWriteMsr(MSR_IA32_APIC_BASE, ApicBase | APIC_BASE_ENABLE);
    }
    if (HalpAcpiInformation.MadtPresent && HalpAcpiInformation.Madt.LocalApicAddress != 0) {
        if (HalpAcpiInformation.Madt.LocalApicAddress != Physical) {
            DbgPrint("HAL: the MADT puts the local APIC at 0x%llx, IA32_APIC_BASE at 0x%llx; "
                     "using the MADT's\n", HalpAcpiInformation.Madt.LocalApicAddress, Physical);
        }
        Physical = HalpAcpiInformation.Madt.LocalApicAddress;
    }
    Address.QuadPart = (LONGLONG)Physical;
    HalpLapicBase = MmMapIoSpace(Address, PAGE_SIZE, MmNonCached);
    if (HalpLapicBase == NULL) {
        DbgPrint("HAL: cannot map the local APIC at 0x%llx\n", Physical);
        KeBugCheckEx(HAL_INITIALIZATION_FAILED, 2, Physical, 0, 0);
    }
    HalpLapicEoiRegister = (volatile ULONG *)(HalpLapicBase + LAPIC_EOI);
}

/* Runs once on the boot processor at PASSIVE_LEVEL, interrupts off. */
VOID
HalpInitializeLapic(VOID)
{
    ULONG ApicId, ProcessorUid = 0;
    BOOLEAN UidKnown;
    NTSTATUS Status;

    HalpLapicSelectMode();
    ApicId = HalpLapicGetId();
    UidKnown = HalpFindProcessorUid(ApicId, &ProcessorUid);
    HalpLapicMaxLvt = (HalpLapicRead(LAPIC_VERSION) >> 16) & 0xFF;

    /* Everything masked first, so nothing half-programmed can fire. */
    HalpLapicWrite(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
    HalpLapicWrite(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
    HalpLapicWrite(LAPIC_LVT_LINT1, LAPIC_LVT_MASKED);
    HalpLapicWrite(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED);
    if (HalpLapicMaxLvt >= 4) {
        HalpLapicWrite(LAPIC_LVT_PERFMON, LAPIC_LVT_MASKED);
    }
    if (HalpLapicMaxLvt >= 5) {
        HalpLapicWrite(LAPIC_LVT_THERMAL, LAPIC_LVT_MASKED);
    }
    if (HalpLapicMaxLvt >= 6) {
        HalpLapicWrite(LAPIC_LVT_CMCI, LAPIC_LVT_MASKED);
    }

    /* Flat model, all-ones logical ID: only physical destinations are used,
     * but the xAPIC resets with DFR all ones anyway (11.6.2.2). */
    if (!HalpX2Apic) {
        HalpLapicWrite(LAPIC_DFR, 0xFFFFFFFFU);
    }
    HalpLapicWrite(LAPIC_TPR, 0);
    HalpLapicWrite(LAPIC_SVR, LAPIC_SVR_ENABLE | HAL_SPURIOUS_VECTOR);
    HalpLapicReady = TRUE;

    HalpLapicWrite(LAPIC_LVT_LINT0, HalpLintSetting(0, ProcessorUid, UidKnown));
    HalpLapicWrite(LAPIC_LVT_LINT1, HalpLintSetting(1, ProcessorUid, UidKnown));

    /* The error interrupt is an interrupt object like any device's. */
    KiInitializeInterrupt(&HalpLapicErrorInterrupt, HalpLapicErrorIsr, NULL, NULL,
                          HAL_LAPIC_ERROR_VECTOR, HIGH_LEVEL, HIGH_LEVEL, Latched, FALSE, 1);
    Status = KiConnectInterrupt(&HalpLapicErrorInterrupt);
    if (!NT_SUCCESS(Status)) {
        KeBugCheckEx(HAL_INITIALIZATION_FAILED, 3, (ULONG)Status, 0, 0);
    }
    /* Clear anything latched before the vector existed (back-to-back writes,
     * 11.5.3), then unmask. */
    HalpLapicWrite(LAPIC_ESR, 0);
    HalpLapicWrite(LAPIC_ESR, 0);
    HalpLapicWrite(LAPIC_LVT_ERROR, HAL_LAPIC_ERROR_VECTOR);
    /* Anything in service from before (a firmware interrupt never
     * acknowledged) would block its class forever. */
    HalpLapicEoi();

    DbgPrint("HAL: local APIC id %u, %s, version 0x%x, %u LVT entries, LINT0 %s, LINT1 %s\n",
             ApicId, HalpX2Apic ? "x2APIC (MSRs)" : "xAPIC (MMIO)",
             HalpLapicRead(LAPIC_VERSION) & 0xFF, HalpLapicMaxLvt + 1,
             (HalpLapicRead(LAPIC_LVT_LINT0) & LAPIC_LVT_MASKED) ? "masked" : "NMI",
             (HalpLapicRead(LAPIC_LVT_LINT1) & LAPIC_LVT_MASKED) ? "masked" : "NMI");
}
