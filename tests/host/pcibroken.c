/*
 * tests/host/pcibroken.c - the PCI enumeration core on hostile config
 * spaces: capability lists that loop or point into the header, bridges
 * whose bus numbers point back at scanned buses, reserved encodings, and a
 * bus where nothing answers. Each must end bounded, with a message that
 * names the function and the fault, and the rest of the bus still found.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/pcifake.h"

int PciBrokenTests(void);

static PCI_SCAN_RESULT Result;

static void
Scan(FAKE_PCI_SPACE *Space)
{
    assert_int_equal(PciEnumerateBus(&Space->Access, 0, &Result), STATUS_SUCCESS);
}

static void
Finish(FAKE_PCI_SPACE *Space)
{
    assert_int_equal(Space->Violations, 0);
    PciFreeScanResult(&Result);
    assert_int_equal(FakePciPoolOutstanding, 0);
    FakePciDestroy(Space);
}

static void
NothingAnswers(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();

    (void)State;
    Scan(Space);
    assert_int_equal(Result.FunctionCount, 0);
    assert_null(Result.Functions);
    assert_int_equal(Result.BusCount, 1);
    assert_int_equal(Space->Reads, 32);         /* function 0 of each device, once */
    Finish(Space);
}

static void
CapabilityLoop(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    FAKE_PCI_FUNCTION *Fake;

    (void)State;
    Fake = FakePciAdd(Space, 0, 3, 0, 0x1234, 0x0001, 0x020000, 0, 0, 0, 0);
    FakePciAddCapability(Fake, 0x40, PCI_CAPABILITY_ID_POWER_MANAGEMENT, 0x50, NULL, 0);
    FakePciAddCapability(Fake, 0x50, PCI_CAPABILITY_ID_VENDOR_SPECIFIC, 0x43, NULL, 0);
    Fake = FakePciAdd(Space, 0, 4, 0, 0x1234, 0x0002, 0x020000, 0, 0, 0, 0);
    FakePciAddCapability(Fake, 0xFC, PCI_CAPABILITY_ID_VENDOR_SPECIFIC, 0xFC, NULL, 0);
    Scan(Space);
    assert_int_equal(Result.FunctionCount, 2);
    assert_int_equal(Result.Functions->CapabilityCount, 2);
    assert_int_equal(Result.Functions->Next->CapabilityCount, 1);
    assert_non_null(strstr(FakePciLog, "PCI 00:03.0: capability list loops back to 0x40"));
    assert_non_null(strstr(FakePciLog, "PCI 00:04.0: capability list loops back to 0xfc"));
    assert_int_equal(Result.ProblemCount, 2);
    Finish(Space);
}

static void
CapabilityPointerIntoHeader(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    FAKE_PCI_FUNCTION *Fake;

    (void)State;
    Fake = FakePciAdd(Space, 0, 5, 0, 0x1234, 0x0003, 0x020000, 0, 0, 0, 0);
    FakePciAddMsi(Fake, 0x60, 0x10, 0x0000);
    Fake = FakePciAdd(Space, 0, 6, 0, 0x1234, 0x0004, 0x020000, 0, 0, 0, 0);
    FakePciSetCapabilityPointer(Fake, 0x3C);
    Scan(Space);
    assert_true(Result.Functions->Msi.Present);            /* what came before the fault */
    assert_non_null(strstr(FakePciLog, "PCI 00:05.0: capability pointer 0x10 points into the header"));
    assert_non_null(strstr(FakePciLog, "PCI 00:06.0: capability pointer 0x3c points into the header"));
    Finish(Space);
}

static void
BridgeBackToItsOwnBus(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    FAKE_PCI_FUNCTION *Fake;

    (void)State;
    Fake = FakePciAdd(Space, 0, 1, 0, 0x8086, 0x2448, 0x060400, 0, PCI_BRIDGE_TYPE, 0, 0);
    FakePciSetBridgeBuses(Fake, 0, 1, 1);
    Fake = FakePciAdd(Space, 1, 0, 0, 0x8086, 0x2448, 0x060400, 0, PCI_BRIDGE_TYPE, 0, 0);
    FakePciSetBridgeBuses(Fake, 1, 1, 1);          /* itself */
    Fake = FakePciAdd(Space, 1, 2, 0, 0x8086, 0x2448, 0x060400, 0, PCI_BRIDGE_TYPE, 0, 0);
    FakePciSetBridgeBuses(Fake, 1, 0, 0);          /* never numbered */
    FakePciAdd(Space, 1, 5, 0, 0x1B36, 0x0002, 0x070002, 1, 0, 0x1AF4, 0x1100);
    Scan(Space);
    assert_int_equal(Result.BusCount, 2);
    assert_int_equal(Result.FunctionCount, 4);
    assert_non_null(strstr(FakePciLog, "PCI 01:00.0: bridge says its secondary bus is 1, a bus "
                                       "already scanned; not followed"));
    assert_non_null(strstr(FakePciLog, "PCI 01:02.0: bridge has secondary bus 0"));
    assert_int_equal(Result.ProblemCount, 2);
    Finish(Space);
}

static void
BridgeCycleAndEveryBusChained(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    FAKE_PCI_FUNCTION *Fake;
    ULONG Bus;

    (void)State;
    /* Bus n's bridge leads to n + 1; bus 255's leads back to bus 3. */
    for (Bus = 0; Bus < 256; Bus++) {
        Fake = FakePciAdd(Space, (UCHAR)Bus, 0, 0, 0x8086, 0x244E, 0x060400, 0, PCI_BRIDGE_TYPE,
                          0, 0);
        FakePciSetBridgeBuses(Fake, (UCHAR)Bus, (UCHAR)(Bus == 255 ? 3 : Bus + 1), 255);
    }
    Scan(Space);
    assert_int_equal(Result.BusCount, 256);
    assert_int_equal(Result.FunctionCount, 256);
    assert_non_null(strstr(FakePciLog, "PCI ff:00.0: bridge says its secondary bus is 3"));
    Finish(Space);
}

static void
SubordinateBelowSecondary(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    FAKE_PCI_FUNCTION *Fake;

    (void)State;
    Fake = FakePciAdd(Space, 0, 1, 0, 0x8086, 0x2448, 0x060400, 0, PCI_BRIDGE_TYPE, 0, 0);
    FakePciSetBridgeBuses(Fake, 0, 4, 2);
    FakePciAdd(Space, 4, 0, 0, 0x1B36, 0x0002, 0x070002, 1, 0, 0x1AF4, 0x1100);
    Scan(Space);
    assert_int_equal(Result.FunctionCount, 2);
    assert_non_null(strstr(FakePciLog, "PCI 00:01.0: bridge's subordinate bus 2 is below its "
                                       "secondary bus 4"));
    Finish(Space);
}

static void
ReservedEncodings(void **State)
{
    FAKE_PCI_SPACE *Space = FakePciCreate();
    FAKE_PCI_FUNCTION *Fake;
    PPCI_FUNCTION Function;

    (void)State;
    Fake = FakePciAdd(Space, 0, 1, 0, 0x1234, 0x0010, 0x010802, 0, 0, 0, 0);
    FakePciSetBar(Fake, 0, FakeBarMem32, 0xFE000000, 0x1000, FALSE);
    Fake->Config[0x10] |= 0x6;                      /* memory type 3: reserved */
    Fake->WritableMask[0] = 0xFFFFF000;
    FakePciSetBar(Fake, 5, FakeBarMem64, 0xFE100000, 0x1000, FALSE);  /* 64-bit in the last */
    Fake->WritableMask[6] = 0;                      /* the fake's "BAR6" is the ROM: none */
    FakePciSetInterrupt(Fake, 11, 9);               /* pin 9 */
    FakePciAddMsi(Fake, 0x40, 0x50, 7 << 1);        /* 2^7 messages */
    FakePciAddMsix(Fake, 0x50, 0x00, 8, 2, 0, 2, 0x800);   /* BIR 2: no such BAR */
    Fake = FakePciAdd(Space, 0, 2, 0, 0x0000, 0x0000, 0x000000, 0, 0, 0, 0);  /* vendor 0 */
    FakePciAdd(Space, 0, 3, 0, 0x1234, 0x0011, 0x050000, 0, 0x7F, 0, 0);   /* header 0x7F */
    Scan(Space);
    assert_int_equal(Result.FunctionCount, 2);
    Function = Result.Functions;
    assert_int_equal(Function->BarCount, 0);
    assert_int_equal(Function->InterruptPin, 0);
    assert_int_equal(Function->Msi.MessageCount, 1);
    assert_false(Function->MsiX.Present);
    assert_non_null(strstr(FakePciLog, "PCI 00:01.0: BAR0 has the reserved memory type 3"));
    assert_non_null(strstr(FakePciLog, "PCI 00:01.0: BAR5 says 64-bit but is the last register"));
    assert_non_null(strstr(FakePciLog, "PCI 00:01.0: interrupt pin 9 is not INTA#-INTD#"));
    assert_non_null(strstr(FakePciLog, "PCI 00:01.0: MSI asks for 2^7 messages"));
    assert_non_null(strstr(FakePciLog, "PCI 00:01.0: MSI-X table (BIR 2)"));
    assert_non_null(strstr(FakePciLog, "PCI 00:02.0: vendor ID 0000 is invalid"));
    assert_non_null(strstr(FakePciLog, "PCI 00:03.0: header type 0x7f"));
    assert_int_equal(Function->Next->BarCount, 0);
    assert_int_equal(Result.ProblemCount, 7);
    Finish(Space);
}

int
PciBrokenTests(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(NothingAnswers),
        cmocka_unit_test(CapabilityLoop),
        cmocka_unit_test(CapabilityPointerIntoHeader),
        cmocka_unit_test(BridgeBackToItsOwnBus),
        cmocka_unit_test(BridgeCycleAndEveryBusChained),
        cmocka_unit_test(SubordinateBelowSecondary),
        cmocka_unit_test(ReservedEncodings),
    };

    return cmocka_run_group_tests_name("pci-broken", Tests, NULL, NULL);
}
