/*
 * tests/kernel/pci.c - PCI configuration space and enumeration on QEMU's
 * real chipsets: through ECAM on q35 and ports 0xCF8/0xCFC on pc.
 *
 * The ordinary boots have QEMU's default devices only. The harness's "pci"
 * boots (tests/run-all.py) add an NVMe controller, a PCI-to-PCI bridge and
 * a PCI 16550 behind it; PciNvmeMsix and PciSerialBehindBridge then each
 * print a "found" line the harness requires, and check the device through
 * the BARs enumeration reported.
 */
#include "tests/kernel/ktest.h"
#include "hal/pcip.h"
#include "drivers/pci/pci.h"

/* The host bridge this machine must have: i440FX on pc, Q35 MCH on q35. */
static USHORT
KtPciExpectedHostBridge(VOID)
{
    return HalpPciMechanism() == HalPciMechanismEcam ? 0x29C0 : 0x1237;
}

static PPCI_FUNCTION
KtPciFind(PCI_SCAN_RESULT *Result, ULONG ClassCode)
{
    PPCI_FUNCTION Function;

    for (Function = Result->Functions; Function != NULL; Function = Function->Next) {
        if ((((ULONG)Function->BaseClass << 16) | ((ULONG)Function->SubClass << 8) |
             Function->ProgIf) == ClassCode) {
            return Function;
        }
    }
    return NULL;
}

static BOOLEAN
KtMultiSzHas(const WCHAR *MultiSz, const WCHAR *Wanted)
{
    while (*MultiSz != 0) {
        const WCHAR *A = MultiSz, *B = Wanted;

        while (*A != 0 && *A == *B) {
            A++;
            B++;
        }
        if (*A == 0 && *B == 0) {
            return TRUE;
        }
        while (*MultiSz != 0) {
            MultiSz++;
        }
        MultiSz++;
    }
    return FALSE;
}

KTEST(PciConfigFindsHostBridge)
{
    ULONG Ids = 0, ViaPorts;
    PCI_SLOT_NUMBER Slot = {.u.AsULONG = 0};
    USHORT Vendor = 0;

    KT_ASSERT(HalpPciMechanism() != HalPciMechanismNone);
    KT_ASSERT_STATUS(HalpPciReadConfig(0, 0, 0, 0, 0, &Ids, sizeof(Ids)), STATUS_SUCCESS);
    KT_ASSERT_EQ(Ids & 0xFFFF, 0x8086);
    KT_ASSERT_EQ(Ids >> 16, KtPciExpectedHostBridge());
    /* On q35 both mechanisms reach the same register. */
    ViaPorts = HalpPciPortsRead(0, 0, 0, 0, 4);
    KT_ASSERT_EQ(ViaPorts, Ids);
    /* The WDK routine, and its answer for an empty slot: 2 bytes of 0xFFFF. */
    KT_ASSERT_EQ(HalGetBusDataByOffset(PCIConfiguration, 0, Slot.u.AsULONG, &Vendor, 0, 2), 2);
    KT_ASSERT_EQ(Vendor, 0x8086);
    Slot.u.bits.DeviceNumber = 29;
    Slot.u.bits.FunctionNumber = 7;
    KT_ASSERT_EQ(HalGetBusDataByOffset(PCIConfiguration, 0, Slot.u.AsULONG, &Ids, 0, 4), 2);
    KT_ASSERT_EQ(Ids, 0xFFFFFFFF);
}

KTEST(PciConfigRejectsBadAccesses)
{
    ULONG Value = 0;
    ULONG Limit = HalpPciConfigSpaceLength(0, 0);

    KT_ASSERT_EQ(Limit, HalpPciMechanism() == HalPciMechanismEcam ? 4096 : 256);
    KT_ASSERT_STATUS(HalpPciReadConfig(0, 0, 0, 0, Limit - 4, &Value, 4), STATUS_SUCCESS);
    KT_ASSERT_STATUS(HalpPciReadConfig(0, 0, 0, 0, Limit - 2, &Value, 4),
                     STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(HalpPciReadConfig(0, 0, 0, 0, Limit, &Value, 1), STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(HalpPciReadConfig(0, 0, 32, 0, 0, &Value, 4), STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(HalpPciReadConfig(0, 0, 0, 8, 0, &Value, 4), STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(HalpPciReadConfig(0, 0, 0, 0, 0, &Value, 0), STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(HalpPciWriteConfig(0, 0, 0, 0, 0xFFFFFFFE, &Value, 4),
                     STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(HalpPciReadConfig(7, 0, 0, 0, 0, &Value, 4), STATUS_NOT_SUPPORTED);
    KT_ASSERT_EQ(HalGetBusDataByOffset(Cmos, 0, 0, &Value, 0, 4), 0);
    KT_ASSERT_EQ(HalGetBusDataByOffset(PCIConfiguration, 256, 0, &Value, 0, 4), 0);
    KT_ASSERT_EQ(HalGetBusDataByOffset(PCIConfiguration, 0, 0x100, &Value, 0, 4), 0);
}

KTEST(PciConfigSplitsUnalignedAccesses)
{
    UCHAR Bytes[8], Aligned[8];
    ULONG Index;

    /* Offsets 1-6 as 1 + 2 + 2 + 1 byte accesses must equal the aligned dwords. */
    KT_ASSERT_STATUS(HalpPciReadConfig(0, 0, 0, 0, 0, Aligned, 8), STATUS_SUCCESS);
    KT_ASSERT_STATUS(HalpPciReadConfig(0, 0, 0, 0, 1, Bytes, 6), STATUS_SUCCESS);
    for (Index = 0; Index < 6; Index++) {
        KT_ASSERT_EQ(Bytes[Index], Aligned[Index + 1]);
    }
}

KTEST(PciConfigWriteReadsBack)
{
    PCI_CONFIG_ACCESS Access;
    PCI_SCAN_RESULT Result;
    PPCI_FUNCTION Function;
    UCHAR Saved = 0, Probe = 0x5A, Readback = 0;

    /* The Interrupt Line register is read/write scratch for software (PCI
     * 3.0 6.2.4): write it on a function that has one, read, restore. */
    PciInitializeHalConfigAccess(&Access);
    KT_ASSERT_STATUS(PciEnumerateBus(&Access, 0, &Result), STATUS_SUCCESS);
    for (Function = Result.Functions; Function != NULL; Function = Function->Next) {
        if (Function->InterruptPin != 0) {
            break;
        }
    }
    if (Function == NULL) {
        PciFreeScanResult(&Result);
        KT_ASSERT(!"no function with an interrupt pin on this machine");
    }
    KT_ASSERT_STATUS(HalpPciReadConfig(0, Function->Bus, Function->Device, Function->Function,
                                       PCI_INTERRUPT_LINE_OFFSET, &Saved, 1), STATUS_SUCCESS);
    KT_ASSERT_STATUS(HalpPciWriteConfig(0, Function->Bus, Function->Device, Function->Function,
                                        PCI_INTERRUPT_LINE_OFFSET, &Probe, 1), STATUS_SUCCESS);
    KT_ASSERT_STATUS(HalpPciReadConfig(0, Function->Bus, Function->Device, Function->Function,
                                       PCI_INTERRUPT_LINE_OFFSET, &Readback, 1), STATUS_SUCCESS);
    KT_ASSERT_STATUS(HalpPciWriteConfig(0, Function->Bus, Function->Device, Function->Function,
                                        PCI_INTERRUPT_LINE_OFFSET, &Saved, 1), STATUS_SUCCESS);
    PciFreeScanResult(&Result);
    KT_ASSERT_EQ(Readback, 0x5A);
}

KTEST(PciEnumerateFindsChipset)
{
    PCI_CONFIG_ACCESS Access;
    PCI_SCAN_RESULT Result;
    PPCI_FUNCTION Host, Isa;
    BOOLEAN Q35 = HalpPciMechanism() == HalPciMechanismEcam;
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements;
    PCM_RESOURCE_LIST Resources;
    PPCI_FUNCTION Function;

    PciInitializeHalConfigAccess(&Access);
    KT_ASSERT_STATUS(PciEnumerateBus(&Access, 0, &Result), STATUS_SUCCESS);
    Host = KtPciFind(&Result, 0x060000);
    Isa = KtPciFind(&Result, 0x060100);
    if (Host == NULL || Isa == NULL || Result.ProblemCount != 0) {
        PciFreeScanResult(&Result);
        KT_ASSERT(!"host bridge and ISA bridge found, no problems");
    }
    KT_ASSERT_EQ(Host->Bus, 0);
    KT_ASSERT_EQ(Host->Device, 0);
    KT_ASSERT_EQ(Host->DeviceId, KtPciExpectedHostBridge());
    KT_ASSERT(KtMultiSzHas(Host->CompatibleIds, L"PCI\\CC_0600"));
    /* ICH9 LPC at 00:1f.0 on q35, PIIX3 at 00:01.0 on pc: both multi-function. */
    KT_ASSERT_EQ(Isa->VendorId, 0x8086);
    KT_ASSERT_EQ(Isa->DeviceId, Q35 ? 0x2918 : 0x7000);
    KT_ASSERT_EQ(Isa->Device, Q35 ? 31 : 1);
    KT_ASSERT(Isa->MultiFunction);
    KT_ASSERT(Result.FunctionCount >= (Q35 ? 6U : 5U));
    /* Every function's lists build and agree with its BARs. */
    for (Function = Result.Functions; Function != NULL; Function = Function->Next) {
        KT_ASSERT_STATUS(PciBuildRequirementsList(Function, &Requirements), STATUS_SUCCESS);
        KT_ASSERT_STATUS(PciBuildResourceList(Function, &Resources), STATUS_SUCCESS);
        if (Requirements != NULL) {
            KT_ASSERT_EQ(Requirements->BusNumber, Function->Bus);
            ExFreePoolWithTag(Requirements, PCI_POOL_TAG);
        }
        if (Resources != NULL) {
            KT_ASSERT_EQ(Resources->List[0].InterfaceType, PCIBus);
            ExFreePoolWithTag(Resources, PCI_POOL_TAG);
        }
    }
    PciFreeScanResult(&Result);
}

/* In the harness's "pci" boots only (QEMU -device nvme): prints the line
 * the harness requires. Elsewhere there is nothing to check. */
KTEST(PciNvmeMsix)
{
    PCI_CONFIG_ACCESS Access;
    PCI_SCAN_RESULT Result;
    PPCI_FUNCTION Nvme;
    PHYSICAL_ADDRESS Bar0;
    volatile ULONG *Registers;
    ULONG Version;

    PciInitializeHalConfigAccess(&Access);
    KT_ASSERT_STATUS(PciEnumerateBus(&Access, 0, &Result), STATUS_SUCCESS);
    Nvme = KtPciFind(&Result, 0x010802);
    if (Nvme == NULL) {
        DbgPrint("PCI: no NVMe controller on this machine\n");
        PciFreeScanResult(&Result);
        return;
    }
    if (!Nvme->MsiX.Present || Nvme->BarCount == 0 || Nvme->Bars[0].Kind != PciBarMemory64 ||
        Nvme->MsiX.TableBar != 0 || (ULONGLONG)Nvme->MsiX.TableOffset +
                                            Nvme->MsiX.TableSize * 16ULL > Nvme->Bars[0].Length) {
        PciFreeScanResult(&Result);
        KT_ASSERT(!"NVMe: MSI-X table inside memory64 BAR0");
    }
    /* The controller itself through BAR0: VS (NVMe 1.4, 3.1.2) says 1.x. */
    Bar0.QuadPart = (LONGLONG)Nvme->Bars[0].Address;
    Registers = MmMapIoSpace(Bar0, PAGE_SIZE, MmNonCached);
    KT_ASSERT(Registers != NULL);
    Version = READ_REGISTER_ULONG(&Registers[2]);
    MmUnmapIoSpace((PVOID)Registers, PAGE_SIZE);
    DbgPrint("PCI: NVMe controller at %02x:%02x.%x, version %u.%u, MSI-X %u entries\n",
             Nvme->Bus, Nvme->Device, Nvme->Function, Version >> 16, (Version >> 8) & 0xFF,
             Nvme->MsiX.TableSize);
    PciFreeScanResult(&Result);
    KT_ASSERT_EQ(Version >> 16, 1);
}

/* In the harness's "pci" boots only: a PCI 16550 (class 070002) behind a
 * PCI-to-PCI bridge. Its scratch register (16550 datasheet: offset 7)
 * answers through the I/O BAR enumeration reported, and its instance ID
 * names where it is, bus&device&function, since the same card behind
 * another bridge would have every other ID string the same. */
KTEST(PciSerialBehindBridge)
{
    PCI_CONFIG_ACCESS Access;
    PCI_SCAN_RESULT Result;
    PPCI_FUNCTION Serial;
    PUCHAR Scratch;
    UCHAR Saved, Readback;

    PciInitializeHalConfigAccess(&Access);
    KT_ASSERT_STATUS(PciEnumerateBus(&Access, 0, &Result), STATUS_SUCCESS);
    Serial = KtPciFind(&Result, 0x070002);
    if (Serial == NULL) {
        DbgPrint("PCI: no PCI serial controller on this machine\n");
        PciFreeScanResult(&Result);
        return;
    }
    if (!KtMultiSzHas(Serial->CompatibleIds, L"PCI\\CC_070002") || Serial->BarCount == 0 ||
        Serial->Bars[0].Kind != PciBarIo || Serial->Bars[0].Length != 8) {
        PciFreeScanResult(&Result);
        KT_ASSERT(!"PCI 16550: CC_070002 and an 8-port I/O BAR0");
    }
    if (Serial->Bus == Serial->ParentBus || Serial->InstanceId[2] != L'&' ||
        Serial->InstanceId[1] != L"0123456789ABCDEF"[Serial->Bus & 0xF] ||
        Serial->InstanceId[4] != L"0123456789ABCDEF"[Serial->Device & 0xF] ||
        Serial->InstanceId[6] != (WCHAR)(L'0' + Serial->Function)) {
        PciFreeScanResult(&Result);
        KT_ASSERT(!"PCI 16550: behind a bridge, instance ID bus&device&function");
    }
    Scratch = (PUCHAR)(ULONG_PTR)(Serial->Bars[0].Address + 7);
    Saved = READ_PORT_UCHAR(Scratch);
    WRITE_PORT_UCHAR(Scratch, 0xA5);
    Readback = READ_PORT_UCHAR(Scratch);
    WRITE_PORT_UCHAR(Scratch, Saved);
    DbgPrint("PCI: serial controller at %02x:%02x.%x behind the bridge on bus %u, ports 0x%llx\n",
             Serial->Bus, Serial->Device, Serial->Function, Serial->ParentBus,
             Serial->Bars[0].Address);
    PciFreeScanResult(&Result);
    KT_ASSERT_EQ(Readback, 0xA5);
}
