/*
 * tests/host/pcifake.h - a fake PCI configuration space for the enumeration
 * core (drivers/pci), shared by tests/host/pci.c and tests/host/pcibroken.c.
 *
 * Functions are 4 KiB byte arrays at (bus, device, function); absent ones
 * read as all ones, as hardware does. BARs behave as hardware BARs do: the
 * address bits below the size are hard-wired to zero and the type bits are
 * read-only, so writing all ones and reading back tells the size.
 *
 * The fake is strict, like a scripted register mock: the only writes it
 * accepts are aligned dword writes to BAR and ROM registers and word writes
 * to the Command register. Anything else - a write to a bus number, a
 * misaligned access, an all-ones BAR write while decode is on - counts as a
 * violation, and every test expects none.
 */
#ifndef KESTREL_TESTS_HOST_PCIFAKE_H
#define KESTREL_TESTS_HOST_PCIFAKE_H

#include "drivers/pci/pci.h"

typedef struct _FAKE_PCI_FUNCTION {
    UCHAR Config[PCI_EXTENDED_CONFIG_LENGTH];
    /* Per BAR register (0-5) and the ROM (6): which bits a write changes. */
    ULONG WritableMask[7];
    ULONG Writes;
} FAKE_PCI_FUNCTION;

typedef struct _FAKE_PCI_SPACE {
    FAKE_PCI_FUNCTION *Functions[256][PCI_MAX_DEVICES][PCI_MAX_FUNCTION];
    ULONG Violations;
    ULONG Reads;
    PCI_CONFIG_ACCESS Access;
} FAKE_PCI_SPACE;

FAKE_PCI_SPACE *FakePciCreate(VOID);
VOID FakePciDestroy(FAKE_PCI_SPACE *Space);

/* A function with its identity; Class is 0xBBSSPP. Subsystem IDs go in the
 * type 0 registers (a bridge's need FakePciAddSsvid). */
FAKE_PCI_FUNCTION *FakePciAdd(FAKE_PCI_SPACE *Space, UCHAR Bus, UCHAR Device, UCHAR Function,
                              USHORT Vendor, USHORT DeviceId, ULONG Class, UCHAR Revision,
                              UCHAR HeaderType, USHORT SubVendor, USHORT SubSystem);

typedef enum { FakeBarIo, FakeBarIo16, FakeBarMem32, FakeBarMem64 } FAKE_BAR_TYPE;
/* BAR Index of Type at Address with Size (a power of two); FakeBarMem64
 * takes Index and Index + 1. Memory decode and I/O decode get turned on in
 * Command as firmware would. */
VOID FakePciSetBar(FAKE_PCI_FUNCTION *Function, ULONG Index, FAKE_BAR_TYPE Type,
                   ULONGLONG Address, ULONGLONG Size, BOOLEAN Prefetchable);
VOID FakePciSetRom(FAKE_PCI_FUNCTION *Function, ULONG Address, ULONG Size);
VOID FakePciSetInterrupt(FAKE_PCI_FUNCTION *Function, UCHAR Line, UCHAR Pin);
VOID FakePciSetBridgeBuses(FAKE_PCI_FUNCTION *Function, UCHAR Primary, UCHAR Secondary,
                           UCHAR Subordinate);
/* A capability at Offset: ID, Next, then Length bytes of body. Sets the
 * Status bit; the first one added becomes the list head unless
 * FakePciSetCapabilityPointer says otherwise. */
VOID FakePciAddCapability(FAKE_PCI_FUNCTION *Function, UCHAR Offset, UCHAR Id, UCHAR Next,
                          const VOID *Body, ULONG Length);
VOID FakePciSetCapabilityPointer(FAKE_PCI_FUNCTION *Function, UCHAR Pointer);
/* MSI: MessageControl bits; MSI-X: table size, BIRs and offsets. */
VOID FakePciAddMsi(FAKE_PCI_FUNCTION *Function, UCHAR Offset, UCHAR Next, USHORT Control);
VOID FakePciAddMsix(FAKE_PCI_FUNCTION *Function, UCHAR Offset, UCHAR Next, USHORT TableSize,
                    ULONG TableBir, ULONG TableOffset, ULONG PbaBir, ULONG PbaOffset);

/* The config bytes as registers, for checks. */
ULONG FakePciRead32(FAKE_PCI_FUNCTION *Function, ULONG Offset);

/* QEMU's machines as they boot with Kestrel's test devices (an NVMe
 * controller and a PCI 16550), as `pcilist` printed them. */
VOID FakePciBuildQ35(FAKE_PCI_SPACE *Space);
VOID FakePciBuildPc(FAKE_PCI_SPACE *Space);

/* Everything DbgPrint printed since the last FakePciClearLog. */
extern char FakePciLog[65536];
VOID FakePciClearLog(VOID);

/* Pool: fail every allocation after the next Count (-1: never). */
extern LONG FakePciPoolFailAfter;
extern LONG FakePciPoolOutstanding;

/* A multi-string as "a|b|c" for comparisons. */
VOID FakePciMultiSzToText(const WCHAR *MultiSz, char *Text, size_t Size);
VOID FakePciWideToText(const WCHAR *Wide, char *Text, size_t Size);

#endif /* KESTREL_TESTS_HOST_PCIFAKE_H */
