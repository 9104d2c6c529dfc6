/*
 * tests/kernel/acpi.c - the ACPI tables as the running kernel found them,
 * checked against the emulated hardware itself.
 *
 * The host tests (tests/host/acpi.c) prove the parser on dumped tables; these
 * prove the kernel side: that HalpInitializeAcpi ran at boot and reached the
 * tables through the kernel's mappings, and that what the tables say agrees
 * with the devices QEMU really emulates (the HPET's capabilities register,
 * the PCI host bridge seen through the MCFG's ECAM and through ports
 * 0xCF8/0xCFC). They hold on pc and q35, under SeaBIOS and under OVMF.
 */
#include "tests/kernel/ktest.h"
#include "hal/acpip.h"
#include "kernel/ke/ki.h"

/* PCI Local Bus 3.0, 3.2.2.3.2: configuration mechanism #1. */
#define PCI_CONFIG_ADDRESS_PORT 0xCF8
#define PCI_CONFIG_DATA_PORT 0xCFC
#define PCI_CONFIG_ENABLE 0x80000000U

/* Host bridges of QEMU's machines: i440FX (pc, no ECAM) and Q35's MCH. */
#define PCI_DEVICE_I440FX 0x1237
#define PCI_DEVICE_Q35_MCH 0x29C0

/* IA-PC HPET 1.0a, 2.3.4: General Capabilities and ID register, offset 0. */
#define HPET_CAPABILITIES 0x000
#define HPET_REGISTER_SPACE 0x400

/* Vendor and device ID of bus 0, device 0, function 0 by port I/O. */
static ULONG
KtPciReadId(VOID)
{
    WRITE_PORT_ULONG((PULONG)PCI_CONFIG_ADDRESS_PORT, PCI_CONFIG_ENABLE);
    return READ_PORT_ULONG((PULONG)PCI_CONFIG_DATA_PORT);
}

/* The tables, parsed. Only AcpiBootFoundTables insists that the boot did
 * it; the others parse them now if it did not, so that each failure names
 * one fault. */
static const HAL_ACPI_INFORMATION *
KtAcpi(VOID)
{
    if (!HalpAcpiInformation.Present) {
        HalpInitializeAcpi();
    }
    return &HalpAcpiInformation;
}

KTEST(AcpiBootFoundTables)
{
    const HAL_ACPI_INFORMATION *Acpi = &HalpAcpiInformation;

    /* HalpInitializeAcpi ran during boot (kernel/main.c, after MmInitSystem)
     * and the firmware's tables are sound. */
    KT_ASSERT(Acpi->Present);
    KT_ASSERT_EQ(Acpi->Root.RsdpAddress, KeLoaderBlock.RsdpAddress);
    KT_ASSERT_EQ(Acpi->Root.SkippedCount, 0);
    KT_ASSERT(Acpi->MadtPresent);
    KT_ASSERT(Acpi->FadtPresent);
    KT_ASSERT(Acpi->HpetPresent);
    KT_ASSERT(HalpAcpiFindTable(&Acpi->Root, "APIC", 0) != NULL);
    KT_ASSERT(HalpAcpiFindTable(&Acpi->Root, "FACP", 0) != NULL);
    /* With revision 2 and an XSDT (OVMF), the XSDT must be the one used. */
    KT_ASSERT_EQ(Acpi->Root.UsingXsdt, Acpi->Root.RsdpRevision >= 2);
}

KTEST(AcpiQemuInterruptModel)
{
    const HAL_ACPI_INFORMATION *Acpi = KtAcpi();
    const ACPI_MADT_INFO *Madt = &Acpi->Madt;
    ACPI_INTERRUPT_ROUTE Route;

    KT_ASSERT(Acpi->MadtPresent);
    KT_ASSERT_EQ(Madt->LocalApicAddress, 0xFEE00000);
    KT_ASSERT(Madt->PcatCompat);
    KT_ASSERT(Madt->ProcessorCount >= 1);
    KT_ASSERT(Madt->Processors[0].Enabled);
    KT_ASSERT_EQ(Madt->IoApicCount, 1);
    KT_ASSERT_EQ(Madt->IoApics[0].Address, 0xFEC00000);
    KT_ASSERT_EQ(Madt->IoApics[0].GsiBase, 0);
    /* The PIT's IRQ0 reaches IOAPIC input 2 on every PC chipset QEMU has. */
    KT_ASSERT_STATUS(HalpAcpiRouteIsaIrq(Madt, 0, &Route), STATUS_SUCCESS);
    KT_ASSERT_EQ(Route.Gsi, 2);
    KT_ASSERT_EQ(Route.Trigger, AcpiEdgeTriggered);
    KT_ASSERT_EQ(Route.Polarity, AcpiActiveHigh);
    KT_ASSERT_STATUS(HalpAcpiRouteSci(Madt, &Acpi->Fadt, &Route), STATUS_SUCCESS);
    KT_ASSERT_EQ(Route.Gsi, 9);
    KT_ASSERT_EQ(Route.Trigger, AcpiLevelTriggered);
}

KTEST(AcpiHpetMatchesHardware)
{
    const HAL_ACPI_INFORMATION *Acpi = KtAcpi();
    const ACPI_HPET_INFO *Hpet = &Acpi->Hpet;
    PHYSICAL_ADDRESS Address;
    volatile ULONG *Registers;
    ULONG Capabilities;

    KT_ASSERT(Acpi->HpetPresent);
    KT_ASSERT_EQ(Hpet->BaseAddress, 0xFED00000);
    Address.QuadPart = (LONGLONG)Hpet->BaseAddress;
    Registers = MmMapIoSpace(Address, HPET_REGISTER_SPACE, MmNonCached);
    KT_ASSERT(Registers != NULL);
    Capabilities = READ_REGISTER_ULONG(&Registers[HPET_CAPABILITIES / 4]);
    MmUnmapIoSpace((PVOID)Registers, HPET_REGISTER_SPACE);

    /* The table's Event Timer Block ID mirrors this register's low half. */
    KT_ASSERT_EQ(Capabilities >> 16, Hpet->VendorId);
    KT_ASSERT_EQ(((Capabilities >> 8) & 0x1F) + 1, Hpet->ComparatorCount);
    KT_ASSERT_EQ((Capabilities >> 13) & 1, Hpet->Counter64Bit);
}

KTEST(AcpiMcfgReachesHostBridge)
{
    const HAL_ACPI_INFORMATION *Acpi = KtAcpi();
    const ACPI_MCFG_INFO *Mcfg = &Acpi->Mcfg;
    ULONG PortId = KtPciReadId();
    PHYSICAL_ADDRESS Address;
    volatile ULONG *Config;
    ULONG EcamId;

    KT_ASSERT_EQ(PortId & 0xFFFF, 0x8086);
    if (!Acpi->McfgPresent) {
        /* Only the i440FX (pc) lacks ECAM. */
        KT_ASSERT_EQ(PortId >> 16, PCI_DEVICE_I440FX);
        return;
    }
    KT_ASSERT_EQ(PortId >> 16, PCI_DEVICE_Q35_MCH);
    KT_ASSERT_EQ(Mcfg->AllocationCount, 1);
    KT_ASSERT_EQ(Mcfg->Allocations[0].BaseAddress, 0xB0000000);
    KT_ASSERT_EQ(Mcfg->Allocations[0].StartBus, 0);
    /* Bus 0, device 0, function 0 is the first 4 KiB of the ECAM window. */
    Address.QuadPart = (LONGLONG)Mcfg->Allocations[0].BaseAddress;
    Config = MmMapIoSpace(Address, PAGE_SIZE, MmNonCached);
    KT_ASSERT(Config != NULL);
    EcamId = READ_REGISTER_ULONG(&Config[0]);
    MmUnmapIoSpace((PVOID)Config, PAGE_SIZE);
    KT_ASSERT_EQ(EcamId, PortId);
}

/* A copy of the firmware's RSDP in kernel memory (RAM: the direct-map path
 * of the kernel's callbacks): it leads to the same tables, and once its
 * checksum is broken it is refused. */
KTEST(AcpiCopiedRsdp)
{
    static UCHAR Copy[sizeof(ACPI_RSDP)] __attribute__((aligned(16)));
    static ACPI_ROOT Root;
    const HAL_ACPI_INFORMATION *Acpi = KtAcpi();
    const ACPI_PHYSICAL_ACCESS *Access = &HalpAcpiPhysicalAccess;
    ULONG Length = Acpi->Root.RsdpRevision >= 2 ? sizeof(ACPI_RSDP) : ACPI_RSDP_V1_LENGTH;
    ULONGLONG CopyAddress;
    const UCHAR *Rsdp;
    ULONG Index;

    KT_ASSERT(Acpi->Present);
    Rsdp = Access->Map(Access->Context, Acpi->Root.RsdpAddress, Length);
    KT_ASSERT(Rsdp != NULL);
    for (Index = 0; Index < Length; Index++) {
        Copy[Index] = Rsdp[Index];
    }
    Access->Unmap(Access->Context, (PVOID)Rsdp, Length);
    CopyAddress = (ULONGLONG)MmGetPhysicalAddress(Copy).QuadPart;
    KT_ASSERT(CopyAddress != 0);

    KT_ASSERT_STATUS(HalpAcpiParseRoot(&Root, Access, CopyAddress), STATUS_SUCCESS);
    KT_ASSERT_EQ(Root.TableCount, Acpi->Root.TableCount);
    KT_ASSERT_EQ(Root.RootTableAddress, Acpi->Root.RootTableAddress);

    Copy[8]++;      /* the ACPI 1.0 checksum */
    KT_ASSERT_STATUS(HalpAcpiParseRoot(&Root, Access, CopyAddress), STATUS_NOT_FOUND);
    KT_ASSERT_EQ(Root.TableCount, 0);
}
