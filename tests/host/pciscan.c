/*
 * tests/host/pciscan.c - PciScan (drivers/pci/enum.c) as the bus driver's
 * FDOs use it: one bus at a time, and with a Known callback that spares
 * the functions the driver already has PDOs for. A known function must be
 * identified from its header alone, with not one config write; the fake
 * space counts every write per function, so a BAR sizing cannot hide.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/pcifake.h"

/* Bus 0: host bridge 00:00.0 (no BARs), a NIC 00:02.0 (memory and I/O
 * BARs), a bridge 00:04.0 to bus 1 (one BAR of its own); bus 1: a 16550 at
 * 01:02.0 (an I/O BAR). */
static FAKE_PCI_FUNCTION *Nic, *Bridge, *Uart;

static FAKE_PCI_SPACE *
BuildSpace(VOID)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();

    FakePciAdd(Space, 0, 0, 0, 0x8086, 0x29C0, 0x060000, 0, PCI_DEVICE_TYPE, 0x1AF4, 0x1100);
    Nic = FakePciAdd(Space, 0, 2, 0, 0x8086, 0x10D3, 0x020000, 0, PCI_DEVICE_TYPE, 0x8086, 0);
    FakePciSetBar(Nic, 0, FakeBarMem32, 0xFEA40000, 0x20000, FALSE);
    FakePciSetBar(Nic, 2, FakeBarIo, 0xD040, 0x20, FALSE);
    Bridge = FakePciAdd(Space, 0, 4, 0, 0x1B36, 0x0001, 0x060400, 0, PCI_BRIDGE_TYPE, 0, 0);
    FakePciSetBridgeBuses(Bridge, 0, 1, 1);
    FakePciSetBar(Bridge, 0, FakeBarMem64, 0xFEA99000, 0x100, FALSE);
    Uart = FakePciAdd(Space, 1, 2, 0, 0x1B36, 0x0002, 0x070002, 1, PCI_DEVICE_TYPE, 0x1AF4,
                      0x1100);
    FakePciSetBar(Uart, 0, FakeBarIo, 0xC000, 8, FALSE);
    Nic->Writes = Bridge->Writes = Uart->Writes = 0;
    return Space;
}

typedef struct _KNOWN_LIST {
    ULONG Count;
    struct { UCHAR Bus, Device, Function; USHORT Vendor, DeviceId; } Entries[8];
    ULONG Asked;
} KNOWN_LIST;

static BOOLEAN
IsKnown(PVOID Context, const PCI_FUNCTION *Identity)
{
    KNOWN_LIST *List = Context;
    ULONG Index;

    List->Asked++;
    /* The header is read before the question: identity is there, no BAR is. */
    assert_int_equal(Identity->BarCount, 0);
    assert_true(Identity->VendorId != 0 && Identity->VendorId != 0xFFFF);
    for (Index = 0; Index < List->Count; Index++) {
        if (List->Entries[Index].Bus == Identity->Bus &&
            List->Entries[Index].Device == Identity->Device &&
            List->Entries[Index].Function == Identity->Function &&
            List->Entries[Index].Vendor == Identity->VendorId &&
            List->Entries[Index].DeviceId == Identity->DeviceId) {
            return TRUE;
        }
    }
    return FALSE;
}

static PPCI_FUNCTION
Find(PCI_SCAN_RESULT *Result, UCHAR Bus, UCHAR Device)
{
    PPCI_FUNCTION Function;

    for (Function = Result->Functions; Function != NULL; Function = Function->Next) {
        if (Function->Bus == Bus && Function->Device == Device) {
            return Function;
        }
    }
    return NULL;
}

/* One bus, nothing known: every function on it sized, nothing behind the
 * bridge looked at. */
static void
OneBusSizesNewFunctions(void **State)
{
    FAKE_PCI_SPACE *Space = BuildSpace();
    PCI_SCAN_REQUEST Request = {.Bus = 0, .ParentBus = 0};
    PCI_SCAN_RESULT Result;

    (void)State;
    assert_int_equal(PciScan(&Space->Access, &Request, &Result), STATUS_SUCCESS);
    assert_int_equal(Result.BusCount, 1);
    assert_int_equal(Result.FunctionCount, 3);
    assert_int_equal(Result.KnownCount, 0);
    assert_null(Find(&Result, 1, 2));
    assert_int_equal(Find(&Result, 0, 2)->BarCount, 2);
    assert_int_equal(Find(&Result, 0, 4)->BarCount, 1);
    assert_false(Find(&Result, 0, 2)->Known);
    assert_true(Nic->Writes > 0);
    assert_true(Bridge->Writes > 0);
    assert_int_equal(Uart->Writes, 0);
    assert_int_equal(Space->Violations, 0);
    PciFreeScanResult(&Result);
    assert_int_equal(FakePciPoolOutstanding, 0);
    FakePciDestroy(Space);
}

/* A re-scan where the NIC is known: its BARs are not touched (no write at
 * all), its record holds the header; the bridge, new, is sized. */
static void
KnownFunctionIsNotWritten(void **State)
{
    FAKE_PCI_SPACE *Space = BuildSpace();
    KNOWN_LIST Known = {.Count = 1, .Entries = {{0, 2, 0, 0x8086, 0x10D3}}};
    PCI_SCAN_REQUEST Request = {.Bus = 0, .ParentBus = 0, .Known = IsKnown, .Context = &Known};
    PCI_SCAN_RESULT Result;
    PPCI_FUNCTION Function;

    (void)State;
    assert_int_equal(PciScan(&Space->Access, &Request, &Result), STATUS_SUCCESS);
    assert_int_equal(Known.Asked, 3);
    assert_int_equal(Result.FunctionCount, 3);
    assert_int_equal(Result.KnownCount, 1);
    Function = Find(&Result, 0, 2);
    assert_true(Function->Known);
    assert_int_equal(Function->BarCount, 0);
    assert_int_equal(Function->DeviceId, 0x10D3);
    assert_int_equal(Nic->Writes, 0);
    assert_true(Bridge->Writes > 0);
    assert_int_equal(Space->Violations, 0);
    PciFreeScanResult(&Result);
    FakePciDestroy(Space);
}

/* The same slot with another device in it is not the known function. */
static void
OtherDeviceInKnownSlotIsNew(void **State)
{
    FAKE_PCI_SPACE *Space = BuildSpace();
    KNOWN_LIST Known = {.Count = 1, .Entries = {{0, 2, 0, 0x8086, 0x100E}}};
    PCI_SCAN_REQUEST Request = {.Bus = 0, .ParentBus = 0, .Known = IsKnown, .Context = &Known};
    PCI_SCAN_RESULT Result;

    (void)State;
    assert_int_equal(PciScan(&Space->Access, &Request, &Result), STATUS_SUCCESS);
    assert_int_equal(Result.KnownCount, 0);
    assert_false(Find(&Result, 0, 2)->Known);
    assert_int_equal(Find(&Result, 0, 2)->BarCount, 2);
    assert_true(Nic->Writes > 0);
    PciFreeScanResult(&Result);
    FakePciDestroy(Space);
}

/* Everything known, through the bridge too: not one config write in the
 * whole space, and the known bridge is still followed (its buses come from
 * the header). The function behind it carries the parent bus. */
static void
AllKnownMeansNoWrites(void **State)
{
    FAKE_PCI_SPACE *Space = BuildSpace();
    KNOWN_LIST Known = {.Count = 4,
                        .Entries = {{0, 0, 0, 0x8086, 0x29C0},
                                    {0, 2, 0, 0x8086, 0x10D3},
                                    {0, 4, 0, 0x1B36, 0x0001},
                                    {1, 2, 0, 0x1B36, 0x0002}}};
    PCI_SCAN_REQUEST Request = {.Bus = 0, .ParentBus = 0, .FollowBridges = TRUE,
                                .Known = IsKnown, .Context = &Known};
    PCI_SCAN_RESULT Result;

    (void)State;
    assert_int_equal(PciScan(&Space->Access, &Request, &Result), STATUS_SUCCESS);
    assert_int_equal(Result.BusCount, 2);
    assert_int_equal(Result.FunctionCount, 4);
    assert_int_equal(Result.KnownCount, 4);
    assert_int_equal(Nic->Writes + Bridge->Writes + Uart->Writes, 0);
    assert_int_equal(Find(&Result, 0, 4)->SecondaryBus, 1);
    assert_int_equal(Find(&Result, 1, 2)->ParentBus, 0);
    assert_int_equal(Space->Violations, 0);
    PciFreeScanResult(&Result);
    FakePciDestroy(Space);
}

/* A bridge's FDO scans its secondary bus alone; ParentBus comes from the
 * request. */
static void
SecondaryBusAlone(void **State)
{
    FAKE_PCI_SPACE *Space = BuildSpace();
    PCI_SCAN_REQUEST Request = {.Bus = 1, .ParentBus = 0};
    PCI_SCAN_RESULT Result;
    PPCI_FUNCTION Function;
    char Text[64];

    (void)State;
    assert_int_equal(PciScan(&Space->Access, &Request, &Result), STATUS_SUCCESS);
    assert_int_equal(Result.BusCount, 1);
    assert_int_equal(Result.FunctionCount, 1);
    Function = Result.Functions;
    assert_int_equal(Function->Bus, 1);
    assert_int_equal(Function->ParentBus, 0);
    assert_int_equal(Function->Bars[0].Length, 8);
    FakePciWideToText(Function->InstanceId, Text, sizeof(Text));
    assert_string_equal(Text, "01&02&0");
    assert_int_equal(Nic->Writes + Bridge->Writes, 0);
    PciFreeScanResult(&Result);
    FakePciDestroy(Space);
}

/* The checks a bridge's secondary bus must pass before anyone scans it. */
static void
SecondaryBusChecks(void **State)
{
    BOOLEAN Taken[256] = {FALSE};
    PCI_FUNCTION Bridge = {.Bus = 2, .Device = 1, .HeaderType = PCI_BRIDGE_TYPE,
                           .SecondaryBus = 3, .SubordinateBus = 3};
    ULONG Problems = 0;

    (void)State;
    FakePciClearLog();
    assert_true(PciCheckSecondaryBus(&Bridge, Taken, &Problems));
    assert_int_equal(Problems, 0);
    Taken[3] = TRUE;
    assert_false(PciCheckSecondaryBus(&Bridge, Taken, &Problems));
    assert_non_null(strstr(FakePciLog, "PCI 02:01.0: bridge says its secondary bus is 3, a bus "
                                       "already scanned"));
    Bridge.SecondaryBus = 2;
    assert_false(PciCheckSecondaryBus(&Bridge, Taken, &Problems));
    Bridge.SecondaryBus = 0;
    assert_false(PciCheckSecondaryBus(&Bridge, Taken, &Problems));
    assert_int_equal(Problems, 3);
}

/* A PCI Express capability at 0x40 with the given Capabilities register
 * and Slot Capabilities (PCIe 4.0 7.5.3.2, 7.5.3.9). */
static VOID
AddExpress(FAKE_PCI_FUNCTION *Function, USHORT Capabilities, ULONG SlotCapabilities)
{
    UCHAR Body[0x20] = {0};

    memcpy(&Body[0x02 - 2], &Capabilities, sizeof(Capabilities));
    memcpy(&Body[0x14 - 2], &SlotCapabilities, sizeof(SlotCapabilities));
    FakePciAddCapability(Function, 0x40, PCI_CAPABILITY_ID_PCI_EXPRESS, 0, Body, sizeof(Body));
}

/* The slot a root port or downstream port names (Physical Slot Number,
 * bits 31:19) when Slot Implemented is set; nothing otherwise. */
static void
ExpressSlotNumbers(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    FAKE_PCI_FUNCTION *Fake;
    PCI_SCAN_REQUEST Request = {.Bus = 0, .ParentBus = 0};
    PCI_SCAN_RESULT Result;

    (void)State;
    Fake = FakePciAdd(Space, 0, 1, 0, 0x1B36, 0x000C, 0x060400, 0, PCI_BRIDGE_TYPE, 0, 0);
    FakePciSetBridgeBuses(Fake, 0, 1, 1);
    AddExpress(Fake, 0x0142, 5U << 19);         /* root port, slot implemented, slot 5 */
    Fake = FakePciAdd(Space, 0, 2, 0, 0x1B36, 0x000C, 0x060400, 0, PCI_BRIDGE_TYPE, 0, 0);
    FakePciSetBridgeBuses(Fake, 0, 2, 2);
    AddExpress(Fake, 0x0042, 6U << 19);         /* root port, no slot */
    Fake = FakePciAdd(Space, 0, 3, 0, 0x1B36, 0x0010, 0x010802, 2, PCI_DEVICE_TYPE, 0, 0);
    AddExpress(Fake, 0x0102, 7U << 19);         /* an endpoint cannot have a slot below it */
    Fake = FakePciAdd(Space, 0, 4, 0, 0x1B36, 0x000E, 0x060400, 0, PCI_BRIDGE_TYPE, 0, 0);
    FakePciSetBridgeBuses(Fake, 0, 3, 3);
    AddExpress(Fake, 0x0162, 0x1FFFU << 19);    /* switch downstream port, slot 8191 */
    assert_int_equal(PciScan(&Space->Access, &Request, &Result), STATUS_SUCCESS);
    assert_int_equal(Find(&Result, 0, 1)->PhysicalSlotNumber, 5);
    assert_true(Find(&Result, 0, 1)->PciExpress);
    assert_int_equal(Find(&Result, 0, 2)->PhysicalSlotNumber, MAXULONG);
    assert_int_equal(Find(&Result, 0, 3)->PhysicalSlotNumber, MAXULONG);
    assert_true(Find(&Result, 0, 3)->PciExpress);
    assert_int_equal(Find(&Result, 0, 4)->PhysicalSlotNumber, 0x1FFF);
    assert_int_equal(Space->Violations, 0);
    PciFreeScanResult(&Result);
    FakePciDestroy(Space);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(OneBusSizesNewFunctions),
        cmocka_unit_test(KnownFunctionIsNotWritten),
        cmocka_unit_test(OtherDeviceInKnownSlotIsNew),
        cmocka_unit_test(AllKnownMeansNoWrites),
        cmocka_unit_test(SecondaryBusAlone),
        cmocka_unit_test(SecondaryBusChecks),
        cmocka_unit_test(ExpressSlotNumbers),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
