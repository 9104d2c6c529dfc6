/*
 * hal/pciconfig.c - one interface to PCI configuration space over the two
 * mechanisms (hal/pcip.h), its argument checks, and the WDK's
 * HalGetBusDataByOffset/HalSetBusDataByOffset on top.
 *
 * Accesses are split into naturally aligned 1, 2 and 4-byte pieces: both
 * mechanisms (PCI 3.0 3.2.2.3.2; PCIe 4.0 7.2.2.2) only promise accesses
 * that do not cross a dword and are aligned to their size.
 */
#include "hal/pcip.h"
#include "hal/acpip.h"

static HAL_PCI_MECHANISM HalpPciConfigMechanism;
static BOOLEAN HalpPciPortsUsable;

/* PASSIVE_LEVEL, once, after HalpInitializeAcpi and MmInitSystem. */
VOID
HalpInitializePciConfig(VOID)
{
    const ACPI_MCFG_INFO *Mcfg = &HalpAcpiInformation.Mcfg;
    ULONG Index;

    HalpPciPortsUsable = HalpPciPortsPresent();
    if (HalpAcpiInformation.McfgPresent && Mcfg->AllocationCount != 0) {
        HalpPciConfigMechanism = HalPciMechanismEcam;
        for (Index = 0; Index < Mcfg->AllocationCount; Index++) {
            DbgPrint("PCI: ECAM for segment %u buses %u-%u at 0x%llx\n",
                     Mcfg->Allocations[Index].Segment, Mcfg->Allocations[Index].StartBus,
                     Mcfg->Allocations[Index].EndBus, Mcfg->Allocations[Index].BaseAddress);
        }
        if (HalpPciPortsUsable) {
            DbgPrint("PCI: ports 0xCF8/0xCFC too, for segment 0 buses outside the MCFG\n");
        }
    } else if (HalpPciPortsUsable) {
        HalpPciConfigMechanism = HalPciMechanismPorts;
        DbgPrint("PCI: configuration space through ports 0xCF8/0xCFC (%s)\n",
                 HalpAcpiInformation.McfgPresent ? "the MCFG lists no range" : "no MCFG");
    } else {
        HalpPciConfigMechanism = HalPciMechanismNone;
        DbgPrint("PCI: no MCFG and ports 0xCF8/0xCFC do not answer; no PCI config access\n");
    }
}

/* Any IRQL. */
HAL_PCI_MECHANISM
HalpPciMechanism(VOID)
{
    return HalpPciConfigMechanism;
}

/* Any IRQL. */
ULONG
HalpPciConfigSpaceLength(USHORT Segment, UCHAR Bus)
{
    if (HalpPciConfigMechanism == HalPciMechanismEcam && HalpPciEcamCovers(Segment, Bus)) {
        return PCI_EXTENDED_CONFIG_LENGTH;
    }
    if (HalpPciPortsUsable && Segment == 0) {
        return PCI_CONFIG_SPACE_LENGTH;
    }
    return 0;
}

/* Checks an access and says which mechanism serves it. */
static NTSTATUS
HalpPciCheckAccess(USHORT Segment, UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset,
                   ULONG Length, PCSTR What, PBOOLEAN UseEcam)
{
    ULONG SpaceLength = HalpPciConfigSpaceLength(Segment, Bus);

    if (Device >= PCI_MAX_DEVICES || Function >= PCI_MAX_FUNCTION) {
        DbgPrint("PCI: %s of %04x:%02x:%02x.%x: device must be below 32 and function below 8\n",
                 What, Segment, Bus, Device, Function);
        return STATUS_INVALID_PARAMETER;
    }
    if (SpaceLength == 0) {
        DbgPrint("PCI: %s of %04x:%02x:%02x.%x: no MCFG range holds segment %u bus %u and "
                 "the ports reach only segment 0\n", What, Segment, Bus, Device, Function,
                 Segment, Bus);
        return STATUS_NOT_SUPPORTED;
    }
    if (Length == 0 || Offset >= SpaceLength || Length > SpaceLength - Offset) {
        DbgPrint("PCI: %s of %04x:%02x:%02x.%x: offset 0x%x length 0x%x is outside its "
                 "%u bytes of config space\n", What, Segment, Bus, Device, Function, Offset,
                 Length, SpaceLength);
        return STATUS_INVALID_PARAMETER;
    }
    *UseEcam = SpaceLength == PCI_EXTENDED_CONFIG_LENGTH;
    return STATUS_SUCCESS;
}

/* The widest naturally aligned access at Offset that Remaining allows. */
static ULONG
HalpPciAccessWidth(ULONG Offset, ULONG Remaining)
{
    if ((Offset & 3) == 0 && Remaining >= 4) {
        return 4;
    }
    if ((Offset & 1) == 0 && Remaining >= 2) {
        return 2;
    }
    return 1;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
HalpPciReadConfig(USHORT Segment, UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset,
                  PVOID Buffer, ULONG Length)
{
    PUCHAR Out = Buffer;
    BOOLEAN UseEcam;
    NTSTATUS Status;

    Status = HalpPciCheckAccess(Segment, Bus, Device, Function, Offset, Length, "read",
                                &UseEcam);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    while (Length != 0) {
        ULONG Width = HalpPciAccessWidth(Offset, Length);
        ULONG Value;

        if (UseEcam) {
            volatile VOID *Register = HalpPciEcamAddress(Segment, Bus, Device, Function, Offset);

            if (Register == NULL) {
                return STATUS_INSUFFICIENT_RESOURCES;
            }
            Value = Width == 4   ? READ_REGISTER_ULONG((volatile ULONG *)Register)
                    : Width == 2 ? READ_REGISTER_USHORT((volatile USHORT *)Register)
                                 : READ_REGISTER_UCHAR((volatile UCHAR *)Register);
        } else {
            Value = HalpPciPortsRead(Bus, Device, Function, Offset, Width);
        }
        RtlCopyMemory(Out, &Value, Width);  /* little-endian: the low bytes */
        Out += Width;
        Offset += Width;
        Length -= Width;
    }
    return STATUS_SUCCESS;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
HalpPciWriteConfig(USHORT Segment, UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset,
                   const VOID *Buffer, ULONG Length)
{
    const UCHAR *In = Buffer;
    BOOLEAN UseEcam;
    NTSTATUS Status;

    Status = HalpPciCheckAccess(Segment, Bus, Device, Function, Offset, Length, "write",
                                &UseEcam);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    while (Length != 0) {
        ULONG Width = HalpPciAccessWidth(Offset, Length);
        ULONG Value = 0;

        RtlCopyMemory(&Value, In, Width);
        if (UseEcam) {
            volatile VOID *Register = HalpPciEcamAddress(Segment, Bus, Device, Function, Offset);

            if (Register == NULL) {
                return STATUS_INSUFFICIENT_RESOURCES;
            }
            if (Width == 4) {
                WRITE_REGISTER_ULONG((volatile ULONG *)Register, Value);
            } else if (Width == 2) {
                WRITE_REGISTER_USHORT((volatile USHORT *)Register, (USHORT)Value);
            } else {
                WRITE_REGISTER_UCHAR((volatile UCHAR *)Register, (UCHAR)Value);
            }
        } else {
            HalpPciPortsWrite(Bus, Device, Function, Offset, Width, Value);
        }
        In += Width;
        Offset += Width;
        Length -= Width;
    }
    return STATUS_SUCCESS;
}

/* Checks the WDK routines' own arguments; FALSE (after a message) when the
 * access cannot be made. */
static BOOLEAN
HalpCheckBusData(BUS_DATA_TYPE BusDataType, ULONG BusNumber, ULONG SlotNumber, PCSTR Routine)
{
    PCI_SLOT_NUMBER Slot;

    Slot.u.AsULONG = SlotNumber;
    if (BusDataType != PCIConfiguration) {
        DbgPrint("%s: bus data type %d is not supported; only PCIConfiguration (%d) is\n",
                 Routine, (int)BusDataType, (int)PCIConfiguration);
        return FALSE;
    }
    if (BusNumber > PCI_MAX_BRIDGE_NUMBER || Slot.u.bits.Reserved != 0) {
        DbgPrint("%s: bus %u slot 0x%x: the bus must be below 256 and the slot's bits 31:8 "
                 "zero\n", Routine, BusNumber, SlotNumber);
        return FALSE;
    }
    return TRUE;
}

/* IRQL <= DISPATCH_LEVEL. */
ULONG NTAPI
HalGetBusDataByOffset(BUS_DATA_TYPE BusDataType, ULONG BusNumber, ULONG SlotNumber,
                      PVOID Buffer, ULONG Offset, ULONG Length)
{
    PCI_SLOT_NUMBER Slot;
    USHORT VendorId;

    if (!HalpCheckBusData(BusDataType, BusNumber, SlotNumber, "HalGetBusDataByOffset")) {
        return 0;
    }
    Slot.u.AsULONG = SlotNumber;
    if (!NT_SUCCESS(HalpPciReadConfig(0, (UCHAR)BusNumber, (UCHAR)Slot.u.bits.DeviceNumber,
                                      (UCHAR)Slot.u.bits.FunctionNumber, Offset, Buffer,
                                      Length))) {
        return 0;
    }
    /* The WDK: an empty slot read from its start gives 2 bytes, the invalid
     * vendor ID, so that callers can tell "no device" from data. */
    if (Offset == 0 && Length >= sizeof(USHORT)) {
        RtlCopyMemory(&VendorId, Buffer, sizeof(USHORT));
        if (VendorId == PCI_INVALID_VENDORID) {
            return sizeof(USHORT);
        }
    }
    return Length;
}

/* IRQL <= DISPATCH_LEVEL. */
ULONG NTAPI
HalSetBusDataByOffset(BUS_DATA_TYPE BusDataType, ULONG BusNumber, ULONG SlotNumber,
                      PVOID Buffer, ULONG Offset, ULONG Length)
{
    PCI_SLOT_NUMBER Slot;

    if (!HalpCheckBusData(BusDataType, BusNumber, SlotNumber, "HalSetBusDataByOffset")) {
        return 0;
    }
    Slot.u.AsULONG = SlotNumber;
    if (!NT_SUCCESS(HalpPciWriteConfig(0, (UCHAR)BusNumber, (UCHAR)Slot.u.bits.DeviceNumber,
                                       (UCHAR)Slot.u.bits.FunctionNumber, Offset, Buffer,
                                       Length))) {
        return 0;
    }
    return Length;
}
