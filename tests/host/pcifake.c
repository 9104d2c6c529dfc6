/*
 * tests/host/pcifake.c - the fake PCI configuration space (pcifake.h), the
 * kernel services the enumeration core calls (DbgPrint, pool), and QEMU's
 * q35 and pc machines as Kestrel's `pcilist` printed them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/pcifake.h"

char FakePciLog[65536];
static size_t FakePciLogLength;
LONG FakePciPoolFailAfter = -1;
LONG FakePciPoolOutstanding;

ULONG
DbgPrint(PCSTR Format, ...)
{
    va_list Args;
    int Written;

    va_start(Args, Format);
    Written = vsnprintf(FakePciLog + FakePciLogLength, sizeof(FakePciLog) - FakePciLogLength,
                        Format, Args);
    va_end(Args);
    if (Written > 0) {
        FakePciLogLength += (size_t)Written;
        if (FakePciLogLength >= sizeof(FakePciLog)) {
            FakePciLogLength = sizeof(FakePciLog) - 1;
        }
    }
    return 0;
}

VOID
FakePciClearLog(VOID)
{
    FakePciLog[0] = '\0';
    FakePciLogLength = 0;
}

PVOID NTAPI
ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    (void)PoolType;
    if (Tag != PCI_POOL_TAG) {
        abort();
    }
    if (FakePciPoolFailAfter == 0) {
        return NULL;
    }
    if (FakePciPoolFailAfter > 0) {
        FakePciPoolFailAfter--;
    }
    FakePciPoolOutstanding++;
    return malloc(NumberOfBytes);
}

VOID NTAPI
ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    if (Tag != PCI_POOL_TAG || P == NULL) {
        abort();
    }
    FakePciPoolOutstanding--;
    free(P);
}

static FAKE_PCI_FUNCTION *
FakeLookup(FAKE_PCI_SPACE *Space, UCHAR Bus, UCHAR Device, UCHAR Function)
{
    if (Device >= PCI_MAX_DEVICES || Function >= PCI_MAX_FUNCTION) {
        Space->Violations++;
        return NULL;
    }
    return Space->Functions[Bus][Device][Function];
}

static NTSTATUS
FakeRead(PVOID Context, UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset, PVOID Buffer,
         ULONG Length)
{
    FAKE_PCI_SPACE *Space = Context;
    FAKE_PCI_FUNCTION *Fake = FakeLookup(Space, Bus, Device, Function);

    Space->Reads++;
    if (Length == 0 || Offset >= PCI_CONFIG_SPACE_LENGTH ||
        Length > PCI_CONFIG_SPACE_LENGTH - Offset) {
        /* The core reads only the conventional 256 bytes. */
        Space->Violations++;
        return STATUS_INVALID_PARAMETER;
    }
    if (Fake == NULL) {
        memset(Buffer, 0xFF, Length);
    } else {
        memcpy(Buffer, Fake->Config + Offset, Length);
    }
    return STATUS_SUCCESS;
}

static ULONG
FakeBarRegister(FAKE_PCI_FUNCTION *Fake, ULONG Offset)
{
    UCHAR Type = Fake->Config[PCI_HEADER_TYPE_OFFSET] & ~PCI_MULTIFUNCTION;
    ULONG Count = Type == PCI_DEVICE_TYPE ? 6 : Type == PCI_BRIDGE_TYPE ? 2 : 1;
    ULONG RomOffset = Type == PCI_DEVICE_TYPE ? PCI_TYPE0_ROM_OFFSET
                      : Type == PCI_BRIDGE_TYPE ? PCI_TYPE1_ROM_OFFSET : 0;

    if (Offset >= PCI_BASE_ADDRESS_OFFSET && Offset < PCI_BASE_ADDRESS_OFFSET + Count * 4) {
        return (Offset - PCI_BASE_ADDRESS_OFFSET) / 4;
    }
    if (RomOffset != 0 && Offset == RomOffset) {
        return 6;
    }
    return 7;
}

static NTSTATUS
FakeWrite(PVOID Context, UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset,
          const VOID *Buffer, ULONG Length)
{
    FAKE_PCI_SPACE *Space = Context;
    FAKE_PCI_FUNCTION *Fake = FakeLookup(Space, Bus, Device, Function);
    ULONG Register, Value, Old;
    USHORT Command;

    if (Fake == NULL) {
        Space->Violations++;
        return STATUS_SUCCESS;
    }
    Fake->Writes++;
    if (Offset == PCI_COMMAND_OFFSET && Length == 2) {
        memcpy(Fake->Config + Offset, Buffer, 2);
        return STATUS_SUCCESS;
    }
    Register = FakeBarRegister(Fake, Offset);
    if (Length != 4 || (Offset & 3) != 0 || Register == 7) {
        fprintf(stderr, "pcifake: refused write of %u bytes at 0x%x of %02x:%02x.%x\n", Length,
                Offset, Bus, Device, Function);
        Space->Violations++;
        return STATUS_SUCCESS;
    }
    memcpy(&Value, Buffer, 4);
    memcpy(&Command, Fake->Config + PCI_COMMAND_OFFSET, 2);
    if ((Value & 0xFFFFF800) == 0xFFFFF800 &&
        (Command & (PCI_ENABLE_IO_SPACE | PCI_ENABLE_MEMORY_SPACE)) != 0) {
        fprintf(stderr, "pcifake: BAR probe at 0x%x of %02x:%02x.%x with decode on\n", Offset,
                Bus, Device, Function);
        Space->Violations++;
    }
    memcpy(&Old, Fake->Config + Offset, 4);
    Value = (Old & ~Fake->WritableMask[Register]) | (Value & Fake->WritableMask[Register]);
    memcpy(Fake->Config + Offset, &Value, 4);
    return STATUS_SUCCESS;
}

FAKE_PCI_SPACE *
FakePciCreate(VOID)
{
    FAKE_PCI_SPACE *Space = calloc(1, sizeof(*Space));

    Space->Access.Read = FakeRead;
    Space->Access.Write = FakeWrite;
    Space->Access.Context = Space;
    Space->Access.Segment = 0;
    FakePciClearLog();
    FakePciPoolFailAfter = -1;
    return Space;
}

VOID
FakePciDestroy(FAKE_PCI_SPACE *Space)
{
    ULONG Bus, Device, Function;

    for (Bus = 0; Bus < 256; Bus++) {
        for (Device = 0; Device < PCI_MAX_DEVICES; Device++) {
            for (Function = 0; Function < PCI_MAX_FUNCTION; Function++) {
                free(Space->Functions[Bus][Device][Function]);
            }
        }
    }
    free(Space);
}

static VOID
Put16(FAKE_PCI_FUNCTION *Function, ULONG Offset, USHORT Value)
{
    memcpy(Function->Config + Offset, &Value, 2);
}

static VOID
Put32(FAKE_PCI_FUNCTION *Function, ULONG Offset, ULONG Value)
{
    memcpy(Function->Config + Offset, &Value, 4);
}

ULONG
FakePciRead32(FAKE_PCI_FUNCTION *Function, ULONG Offset)
{
    ULONG Value;

    memcpy(&Value, Function->Config + Offset, 4);
    return Value;
}

FAKE_PCI_FUNCTION *
FakePciAdd(FAKE_PCI_SPACE *Space, UCHAR Bus, UCHAR Device, UCHAR FunctionNumber, USHORT Vendor,
           USHORT DeviceId, ULONG Class, UCHAR Revision, UCHAR HeaderType, USHORT SubVendor,
           USHORT SubSystem)
{
    FAKE_PCI_FUNCTION *Function = calloc(1, sizeof(*Function));

    Space->Functions[Bus][Device][FunctionNumber] = Function;
    Put16(Function, 0x00, Vendor);
    Put16(Function, 0x02, DeviceId);
    Put32(Function, 0x08, (Class << 8) | Revision);
    Function->Config[PCI_HEADER_TYPE_OFFSET] = HeaderType;
    if ((HeaderType & ~PCI_MULTIFUNCTION) == PCI_DEVICE_TYPE) {
        Put16(Function, 0x2C, SubVendor);
        Put16(Function, 0x2E, SubSystem);
    }
    return Function;
}

VOID
FakePciSetBar(FAKE_PCI_FUNCTION *Function, ULONG Index, FAKE_BAR_TYPE Type, ULONGLONG Address,
              ULONGLONG Size, BOOLEAN Prefetchable)
{
    ULONG Offset = PCI_BASE_ADDRESS_OFFSET + Index * 4;
    USHORT Command;
    ULONG Low;

    memcpy(&Command, Function->Config + PCI_COMMAND_OFFSET, 2);
    switch (Type) {
    case FakeBarIo:
    case FakeBarIo16:
        Function->WritableMask[Index] = (ULONG)~(Size - 1) & PCI_ADDRESS_IO_ADDRESS_MASK;
        if (Type == FakeBarIo16) {
            Function->WritableMask[Index] &= 0xFFFF;
        }
        Put32(Function, Offset, (ULONG)Address | PCI_ADDRESS_IO_SPACE);
        Command |= PCI_ENABLE_IO_SPACE;
        break;
    case FakeBarMem32:
        Function->WritableMask[Index] = (ULONG)~(Size - 1) & PCI_ADDRESS_MEMORY_ADDRESS_MASK;
        Put32(Function, Offset,
              (ULONG)Address | (Prefetchable ? PCI_ADDRESS_MEMORY_PREFETCHABLE : 0));
        Command |= PCI_ENABLE_MEMORY_SPACE;
        break;
    case FakeBarMem64:
        Low = (ULONG)~(Size - 1) & PCI_ADDRESS_MEMORY_ADDRESS_MASK;
        if (Size > 0xFFFFFFFFULL) {
            Low = 0;
        }
        Function->WritableMask[Index] = Low;
        Function->WritableMask[Index + 1] = (ULONG)(~(Size - 1) >> 32);
        Put32(Function, Offset, (ULONG)Address | PCI_TYPE_64BIT |
                                    (Prefetchable ? PCI_ADDRESS_MEMORY_PREFETCHABLE : 0));
        Put32(Function, Offset + 4, (ULONG)(Address >> 32));
        Command |= PCI_ENABLE_MEMORY_SPACE;
        break;
    }
    Put16(Function, PCI_COMMAND_OFFSET, Command);
}

VOID
FakePciSetRom(FAKE_PCI_FUNCTION *Function, ULONG Address, ULONG Size)
{
    UCHAR Type = Function->Config[PCI_HEADER_TYPE_OFFSET] & ~PCI_MULTIFUNCTION;
    ULONG Offset = Type == PCI_BRIDGE_TYPE ? PCI_TYPE1_ROM_OFFSET : PCI_TYPE0_ROM_OFFSET;

    Function->WritableMask[6] = (~(Size - 1) & PCI_ADDRESS_ROM_ADDRESS_MASK) |
                                PCI_ROMADDRESS_ENABLED;
    Put32(Function, Offset, Address);
}

VOID
FakePciSetInterrupt(FAKE_PCI_FUNCTION *Function, UCHAR Line, UCHAR Pin)
{
    Function->Config[PCI_INTERRUPT_LINE_OFFSET] = Line;
    Function->Config[PCI_INTERRUPT_LINE_OFFSET + 1] = Pin;
}

VOID
FakePciSetBridgeBuses(FAKE_PCI_FUNCTION *Function, UCHAR Primary, UCHAR Secondary,
                      UCHAR Subordinate)
{
    Function->Config[0x18] = Primary;
    Function->Config[0x19] = Secondary;
    Function->Config[0x1A] = Subordinate;
}

VOID
FakePciSetCapabilityPointer(FAKE_PCI_FUNCTION *Function, UCHAR Pointer)
{
    UCHAR Type = Function->Config[PCI_HEADER_TYPE_OFFSET] & ~PCI_MULTIFUNCTION;
    USHORT Status;

    memcpy(&Status, Function->Config + PCI_STATUS_OFFSET, 2);
    Status |= PCI_STATUS_CAPABILITIES_LIST;
    Put16(Function, PCI_STATUS_OFFSET, Status);
    Function->Config[Type == PCI_CARDBUS_BRIDGE_TYPE ? PCI_TYPE2_CAPABILITIES_OFFSET
                                                     : PCI_CAPABILITIES_OFFSET] = Pointer;
}

VOID
FakePciAddCapability(FAKE_PCI_FUNCTION *Function, UCHAR Offset, UCHAR Id, UCHAR Next,
                     const VOID *Body, ULONG Length)
{
    USHORT Status;

    memcpy(&Status, Function->Config + PCI_STATUS_OFFSET, 2);
    if ((Status & PCI_STATUS_CAPABILITIES_LIST) == 0) {
        FakePciSetCapabilityPointer(Function, Offset);
    }
    Function->Config[Offset] = Id;
    Function->Config[Offset + 1] = Next;
    if (Length != 0) {
        memcpy(Function->Config + Offset + 2, Body, Length);
    }
}

VOID
FakePciAddMsi(FAKE_PCI_FUNCTION *Function, UCHAR Offset, UCHAR Next, USHORT Control)
{
    UCHAR Body[22] = {0};

    memcpy(Body, &Control, 2);
    FakePciAddCapability(Function, Offset, PCI_CAPABILITY_ID_MSI, Next, Body,
                         (Control & 0x80) ? 12 : 8);
}

VOID
FakePciAddMsix(FAKE_PCI_FUNCTION *Function, UCHAR Offset, UCHAR Next, USHORT TableSize,
               ULONG TableBir, ULONG TableOffset, ULONG PbaBir, ULONG PbaOffset)
{
    UCHAR Body[10];
    USHORT Control = (USHORT)(TableSize - 1);
    ULONG Table = TableOffset | TableBir, Pba = PbaOffset | PbaBir;

    memcpy(Body, &Control, 2);
    memcpy(Body + 2, &Table, 4);
    memcpy(Body + 6, &Pba, 4);
    FakePciAddCapability(Function, Offset, PCI_CAPABILITY_ID_MSIX, Next, Body, sizeof(Body));
}

static VOID
FakeAddPciExpress(FAKE_PCI_FUNCTION *Function, UCHAR Offset, UCHAR Next)
{
    UCHAR Body[58] = {0x02, 0x00};      /* version 2, endpoint */

    FakePciAddCapability(Function, Offset, PCI_CAPABILITY_ID_PCI_EXPRESS, Next, Body,
                         sizeof(Body));
}

static VOID
FakeAddPowerManagement(FAKE_PCI_FUNCTION *Function, UCHAR Offset, UCHAR Next)
{
    UCHAR Body[6] = {0x03, 0x00};

    FakePciAddCapability(Function, Offset, PCI_CAPABILITY_ID_POWER_MANAGEMENT, Next, Body,
                         sizeof(Body));
}

/* QEMU 7.2 -M q35 with -device nvme and -device pci-serial, SeaBIOS. */
VOID
FakePciBuildQ35(FAKE_PCI_SPACE *Space)
{
    FAKE_PCI_FUNCTION *F;

    FakePciAdd(Space, 0, 0, 0, 0x8086, 0x29C0, 0x060000, 0x00, 0x00, 0x1AF4, 0x1100);

    F = FakePciAdd(Space, 0, 1, 0, 0x1234, 0x1111, 0x030000, 0x02, 0x00, 0x1AF4, 0x1100);
    FakePciSetBar(F, 0, FakeBarMem32, 0xFD000000, 0x1000000, TRUE);
    FakePciSetBar(F, 2, FakeBarMem32, 0xFEBD8000, 0x1000, FALSE);
    FakePciSetRom(F, 0xFEBC0000, 0x10000);

    F = FakePciAdd(Space, 0, 2, 0, 0x8086, 0x10D3, 0x020000, 0x00, 0x00, 0x8086, 0x0000);
    FakePciSetBar(F, 0, FakeBarMem32, 0xFEB80000, 0x20000, FALSE);
    FakePciSetBar(F, 1, FakeBarMem32, 0xFEBA0000, 0x20000, FALSE);
    FakePciSetBar(F, 2, FakeBarIo, 0xC040, 0x20, FALSE);
    FakePciSetBar(F, 3, FakeBarMem32, 0xFEBD0000, 0x4000, FALSE);
    FakePciSetRom(F, 0xFEB40000, 0x40000);
    FakePciSetInterrupt(F, 11, 1);
    FakeAddPowerManagement(F, 0xC8, 0xD0);
    FakePciAddMsi(F, 0xD0, 0xE0, 0x0080);
    FakeAddPciExpress(F, 0xE0, 0xA0);
    FakePciAddMsix(F, 0xA0, 0x00, 5, 3, 0x0000, 3, 0x2000);
    FakePciSetCapabilityPointer(F, 0xC8);

    F = FakePciAdd(Space, 0, 3, 0, 0x1B36, 0x0010, 0x010802, 0x02, 0x00, 0x1AF4, 0x1100);
    FakePciSetBar(F, 0, FakeBarMem64, 0xFEBD4000, 0x4000, FALSE);
    FakePciSetInterrupt(F, 11, 1);
    FakePciAddMsix(F, 0x40, 0x80, 65, 0, 0x2000, 0, 0x3000);
    FakeAddPciExpress(F, 0x80, 0x60);
    FakeAddPowerManagement(F, 0x60, 0x00);

    F = FakePciAdd(Space, 0, 4, 0, 0x1B36, 0x0002, 0x070002, 0x01, 0x00, 0x1AF4, 0x1100);
    FakePciSetBar(F, 0, FakeBarIo, 0xC080, 0x8, FALSE);
    FakePciSetInterrupt(F, 10, 1);

    FakePciAdd(Space, 0, 31, 0, 0x8086, 0x2918, 0x060100, 0x02, PCI_MULTIFUNCTION, 0x1AF4, 0x1100);
    F = FakePciAdd(Space, 0, 31, 2, 0x8086, 0x2922, 0x010601, 0x02, 0x00, 0x1AF4, 0x1100);
    FakePciSetBar(F, 4, FakeBarIo, 0xC060, 0x20, FALSE);
    FakePciSetBar(F, 5, FakeBarMem32, 0xFEBD9000, 0x1000, FALSE);
    FakePciSetInterrupt(F, 10, 1);
    FakePciAddMsi(F, 0x80, 0xA8, 0x0080);
    FakePciAddCapability(F, 0xA8, PCI_CAPABILITY_ID_SATA_CONFIG, 0x00, "\x10\x00\x48\x00", 4);
    F = FakePciAdd(Space, 0, 31, 3, 0x8086, 0x2930, 0x0C0500, 0x02, 0x00, 0x1AF4, 0x1100);
    FakePciSetBar(F, 4, FakeBarIo, 0x0700, 0x40, FALSE);
    FakePciSetInterrupt(F, 10, 1);
}

/* QEMU 7.2 -M pc (i440FX + PIIX3) with the same devices, SeaBIOS. */
VOID
FakePciBuildPc(FAKE_PCI_SPACE *Space)
{
    FAKE_PCI_FUNCTION *F;

    FakePciAdd(Space, 0, 0, 0, 0x8086, 0x1237, 0x060000, 0x02, 0x00, 0x1AF4, 0x1100);
    FakePciAdd(Space, 0, 1, 0, 0x8086, 0x7000, 0x060100, 0x00, PCI_MULTIFUNCTION, 0x1AF4, 0x1100);
    F = FakePciAdd(Space, 0, 1, 1, 0x8086, 0x7010, 0x010180, 0x00, 0x00, 0x1AF4, 0x1100);
    FakePciSetBar(F, 4, FakeBarIo, 0xC040, 0x10, FALSE);
    F = FakePciAdd(Space, 0, 1, 3, 0x8086, 0x7113, 0x068000, 0x03, 0x00, 0x1AF4, 0x1100);
    FakePciSetInterrupt(F, 9, 1);

    F = FakePciAdd(Space, 0, 2, 0, 0x1234, 0x1111, 0x030000, 0x02, 0x00, 0x1AF4, 0x1100);
    FakePciSetBar(F, 0, FakeBarMem32, 0xFD000000, 0x1000000, TRUE);
    FakePciSetBar(F, 2, FakeBarMem32, 0xFEBF4000, 0x1000, FALSE);
    FakePciSetRom(F, 0xFEBE0000, 0x10000);

    F = FakePciAdd(Space, 0, 3, 0, 0x8086, 0x100E, 0x020000, 0x03, 0x00, 0x1AF4, 0x1100);
    FakePciSetBar(F, 0, FakeBarMem32, 0xFEBC0000, 0x20000, FALSE);
    FakePciSetBar(F, 1, FakeBarIo, 0xC000, 0x40, FALSE);
    FakePciSetRom(F, 0xFEB80000, 0x40000);
    FakePciSetInterrupt(F, 11, 1);

    F = FakePciAdd(Space, 0, 4, 0, 0x1B36, 0x0010, 0x010802, 0x02, 0x00, 0x1AF4, 0x1100);
    FakePciSetBar(F, 0, FakeBarMem64, 0xFEBF0000, 0x4000, FALSE);
    FakePciSetInterrupt(F, 11, 1);
    FakePciAddMsix(F, 0x40, 0x80, 65, 0, 0x2000, 0, 0x3000);
    FakeAddPciExpress(F, 0x80, 0x00);

    F = FakePciAdd(Space, 0, 5, 0, 0x1B36, 0x0002, 0x070002, 0x01, 0x00, 0x1AF4, 0x1100);
    FakePciSetBar(F, 0, FakeBarIo, 0xC050, 0x8, FALSE);
    FakePciSetInterrupt(F, 10, 1);
}

VOID
FakePciMultiSzToText(const WCHAR *MultiSz, char *Text, size_t Size)
{
    size_t Out = 0;

    while (*MultiSz != 0 && Out + 1 < Size) {
        while (*MultiSz != 0 && Out + 1 < Size) {
            Text[Out++] = (char)*MultiSz++;
        }
        MultiSz++;
        if (*MultiSz != 0 && Out + 1 < Size) {
            Text[Out++] = '|';
        }
    }
    Text[Out] = '\0';
}

VOID
FakePciWideToText(const WCHAR *Wide, char *Text, size_t Size)
{
    size_t Out = 0;

    while (*Wide != 0 && Out + 1 < Size) {
        Text[Out++] = (char)*Wide++;
    }
    Text[Out] = '\0';
}
