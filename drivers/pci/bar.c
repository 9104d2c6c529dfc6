/*
 * drivers/pci/bar.c - sizing Base Address Registers, PCI Local Bus 3.0
 * 6.2.5.1: save the register, write all ones, read back, restore. The bits
 * that stay zero are the size; the low bits are read-only and say what the
 * BAR decodes (I/O; 32-bit, below-1 MiB or 64-bit memory; prefetchable). A
 * 64-bit BAR spans two registers and both are sized together. The
 * expansion ROM register (6.2.5.2) is sized the same way with its enable
 * bit kept clear.
 *
 * While a BAR holds all ones it would decode a bogus range, so I/O and
 * memory decode are turned off in the Command register for the whole
 * sizing and the Command register is restored afterwards (6.2.5.1, the
 * "implementation note" on sizing).
 */
#include "pci.h"

static ULONG
PciReadUlong(const PCI_CONFIG_ACCESS *Access, const PCI_FUNCTION *Function, ULONG Offset)
{
    ULONG Value = 0xFFFFFFFF;

    (VOID)PciReadFunctionConfig(Access, Function, Offset, &Value, sizeof(Value));
    return Value;
}

static VOID
PciWriteUlong(const PCI_CONFIG_ACCESS *Access, const PCI_FUNCTION *Function, ULONG Offset,
              ULONG Value)
{
    (VOID)PciWriteFunctionConfig(Access, Function, Offset, &Value, sizeof(Value));
}

/* Writes Probe to the register at Offset and returns what reads back, with
 * the original value put back. */
static ULONG
PciProbeRegister(const PCI_CONFIG_ACCESS *Access, const PCI_FUNCTION *Function, ULONG Offset,
                 ULONG Probe, PULONG Original)
{
    ULONG Readback;

    *Original = PciReadUlong(Access, Function, Offset);
    PciWriteUlong(Access, Function, Offset, Probe);
    Readback = PciReadUlong(Access, Function, Offset);
    PciWriteUlong(Access, Function, Offset, *Original);
    return Readback;
}

/* A decoded size is a power of two: the writable address bits are one
 * contiguous run up to the top. */
static BOOLEAN
PciCheckLength(const PCI_FUNCTION *Function, ULONG Index, ULONGLONG Length)
{
    if (Length == 0 || (Length & (Length - 1)) != 0) {
        DbgPrint("PCI %02x:%02x.%x: BAR%u decodes a size of 0x%llx, not a power of two; "
                 "ignored\n", Function->Bus, Function->Device, Function->Function, Index, Length);
        return FALSE;
    }
    return TRUE;
}

/* Sizes register Index; returns how many registers it used (1 or 2). */
static ULONG
PciSizeOneBar(const PCI_CONFIG_ACCESS *Access, PPCI_FUNCTION Function, ULONG Index,
              ULONG RegisterCount)
{
    ULONG Offset = PCI_BASE_ADDRESS_OFFSET + Index * sizeof(ULONG);
    ULONG Original, Mask, OriginalHigh, MaskHigh;
    PCI_BAR Bar = {.Index = (UCHAR)Index};

    Mask = PciProbeRegister(Access, Function, Offset, 0xFFFFFFFF, &Original);
    if (Mask == 0) {
        return 1;                               /* unimplemented */
    }
    if (Mask & PCI_ADDRESS_IO_SPACE) {
        ULONG SizeMask = Mask & PCI_ADDRESS_IO_ADDRESS_MASK;

        /* A 16-bit I/O decoder returns zeros in bits 31:16 (6.2.5.1). */
        if ((SizeMask & 0xFFFF0000) == 0) {
            SizeMask |= 0xFFFF0000;
        }
        Bar.Kind = PciBarIo;
        Bar.Address = Original & PCI_ADDRESS_IO_ADDRESS_MASK;
        Bar.Length = (ULONG)(~SizeMask + 1);
    } else {
        ULONGLONG SizeMask = Mask & PCI_ADDRESS_MEMORY_ADDRESS_MASK;

        Bar.Prefetchable = (Mask & PCI_ADDRESS_MEMORY_PREFETCHABLE) != 0;
        Bar.Address = Original & PCI_ADDRESS_MEMORY_ADDRESS_MASK;
        switch (Mask & PCI_ADDRESS_MEMORY_TYPE_MASK) {
        case PCI_TYPE_32BIT:
            Bar.Kind = PciBarMemory32;
            SizeMask |= 0xFFFFFFFF00000000ULL;
            break;
        case PCI_TYPE_20BIT:
            Bar.Kind = PciBarMemoryBelow1M;
            SizeMask |= 0xFFFFFFFF00000000ULL;
            break;
        case PCI_TYPE_64BIT:
            if (Index + 1 >= RegisterCount) {
                DbgPrint("PCI %02x:%02x.%x: BAR%u says 64-bit but is the last register; "
                         "ignored\n", Function->Bus, Function->Device, Function->Function, Index);
                Function->ProblemCount++;
                return 1;
            }
            MaskHigh = PciProbeRegister(Access, Function, Offset + 4, 0xFFFFFFFF, &OriginalHigh);
            Bar.Kind = PciBarMemory64;
            Bar.Address |= (ULONGLONG)OriginalHigh << 32;
            SizeMask |= (ULONGLONG)MaskHigh << 32;
            break;
        default:
            DbgPrint("PCI %02x:%02x.%x: BAR%u has the reserved memory type 3; ignored\n",
                     Function->Bus, Function->Device, Function->Function, Index);
            Function->ProblemCount++;
            return 1;
        }
        Bar.Length = ~SizeMask + 1;
    }
    if (!PciCheckLength(Function, Index, Bar.Length)) {
        Function->ProblemCount++;
    } else {
        Function->Bars[Function->BarCount++] = Bar;
    }
    return Bar.Kind == PciBarMemory64 ? 2 : 1;
}

/* The expansion ROM register at Offset (PCI 3.0 6.2.5.2): address bits
 * 31:11, enable bit 0. The probe keeps the enable bit clear. */
static VOID
PciSizeRom(const PCI_CONFIG_ACCESS *Access, PPCI_FUNCTION Function, ULONG Offset)
{
    ULONG Original, Mask;
    PCI_BAR Bar = {.Index = PCI_TYPE0_ADDRESSES, .Kind = PciBarRom};

    Mask = PciProbeRegister(Access, Function, Offset, PCI_ADDRESS_ROM_ADDRESS_MASK, &Original);
    Mask &= PCI_ADDRESS_ROM_ADDRESS_MASK;
    if (Mask == 0) {
        return;
    }
    Bar.Address = Original & PCI_ADDRESS_ROM_ADDRESS_MASK;
    Bar.RomEnabled = (Original & PCI_ROMADDRESS_ENABLED) != 0;
    Bar.Length = (ULONG)(~Mask + 1);
    if (PciCheckLength(Function, Bar.Index, Bar.Length)) {
        Function->Bars[Function->BarCount++] = Bar;
    } else {
        Function->ProblemCount++;
    }
}

/* PASSIVE_LEVEL; nobody may be using the function's ranges meanwhile. */
VOID
PciSizeBars(const PCI_CONFIG_ACCESS *Access, PPCI_FUNCTION Function)
{
    ULONG RegisterCount, RomOffset, Index;
    USHORT Command = 0xFFFF, Disabled;

    switch (Function->HeaderType) {
    case PCI_DEVICE_TYPE:
        RegisterCount = PCI_TYPE0_ADDRESSES;
        RomOffset = PCI_TYPE0_ROM_OFFSET;
        break;
    case PCI_BRIDGE_TYPE:
        RegisterCount = PCI_TYPE1_ADDRESSES;
        RomOffset = PCI_TYPE1_ROM_OFFSET;
        break;
    default:
        /* CardBus: the socket registers are the only BAR. */
        RegisterCount = 1;
        RomOffset = 0;
        break;
    }

    (VOID)PciReadFunctionConfig(Access, Function, PCI_COMMAND_OFFSET, &Command, sizeof(Command));
    Disabled = Command & ~(PCI_ENABLE_IO_SPACE | PCI_ENABLE_MEMORY_SPACE);
    if (Disabled != Command) {
        (VOID)PciWriteFunctionConfig(Access, Function, PCI_COMMAND_OFFSET, &Disabled,
                                     sizeof(Disabled));
    }

    Function->BarCount = 0;
    for (Index = 0; Index < RegisterCount;) {
        Index += PciSizeOneBar(Access, Function, Index, RegisterCount);
    }
    if (RomOffset != 0) {
        PciSizeRom(Access, Function, RomOffset);
    }

    if (Disabled != Command) {
        (VOID)PciWriteFunctionConfig(Access, Function, PCI_COMMAND_OFFSET, &Command,
                                     sizeof(Command));
    }
    Function->Command = Command;
}
