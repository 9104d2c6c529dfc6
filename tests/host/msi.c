/*
 * tests/host/msi.c - the MSI and MSI-X messages hal/msi.c composes, checked
 * bit by bit against Intel SDM vol. 3A 11.11 (Figures 11-24 and 11-25) and
 * PCI Local Bus 3.0 6.8.2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hal/halp.h"

static char LastMessage[512];

ULONG
DbgPrint(PCSTR Format, ...)
{
    va_list Args;

    va_start(Args, Format);
    vsnprintf(LastMessage, sizeof(LastMessage), Format, Args);
    va_end(Args);
    return 0;
}

static void
MsiAddressAndData(void **State)
{
    HAL_MSI_MESSAGE Message;

    (void)State;
    assert_int_equal(HalpComposeMsiMessage(0, 0x41, &Message), STATUS_SUCCESS);
    assert_int_equal(Message.Address, 0xFEE00000ULL);
    assert_int_equal(Message.Data, 0x41);

    assert_int_equal(HalpComposeMsiMessage(0x12, 0xB3, &Message), STATUS_SUCCESS);
    assert_int_equal(Message.Address, 0xFEE12000ULL);   /* destination in bits 19:12 */
    assert_int_equal(Message.Data & 0xFF, 0xB3);        /* vector */
    assert_int_equal((Message.Data >> 8) & 7, 0);       /* fixed delivery */
    assert_int_equal((Message.Data >> 15) & 1, 0);      /* edge */
    assert_int_equal(Message.Address & 0xC, 0);         /* RH = 0, DM = physical */

    assert_int_equal(HalpComposeMsiMessage(0xFF, 0xFE, &Message), STATUS_SUCCESS);
    assert_int_equal(Message.Address, 0xFEEFF000ULL);
}

static void
MsiRejectsWhatTheApicCannotTake(void **State)
{
    HAL_MSI_MESSAGE Message = {0x1234, 0x5678};

    (void)State;
    assert_int_equal(HalpComposeMsiMessage(256, 0x41, &Message), STATUS_INVALID_PARAMETER);
    assert_non_null(strstr(LastMessage, "APIC ID 256"));
    assert_int_equal(HalpComposeMsiMessage(0, 0x0F, &Message), STATUS_INVALID_PARAMETER);
    assert_non_null(strstr(LastMessage, "vector 0xf"));
    assert_int_equal(HalpComposeMsiMessage(0, 0x1F, &Message), STATUS_INVALID_PARAMETER);
    assert_int_equal(HalpComposeMsiMessage(0, 0xFF, &Message), STATUS_INVALID_PARAMETER);
    /* A rejected request leaves the output alone. */
    assert_int_equal(Message.Address, 0x1234);
    assert_int_equal(Message.Data, 0x5678);
}

static void
MsixTableEntry(void **State)
{
    HAL_MSIX_TABLE_ENTRY Entry;

    (void)State;
    assert_int_equal(HalpComposeMsixEntry(3, 0x62, TRUE, &Entry), STATUS_SUCCESS);
    assert_int_equal(Entry.MessageAddressLow, 0xFEE03000U);
    assert_int_equal(Entry.MessageAddressHigh, 0);
    assert_int_equal(Entry.MessageData, 0x62);
    assert_int_equal(Entry.VectorControl, 1);
    assert_int_equal(HalpComposeMsixEntry(3, 0x62, FALSE, &Entry), STATUS_SUCCESS);
    assert_int_equal(Entry.VectorControl, 0);
    assert_int_equal(sizeof(HAL_MSIX_TABLE_ENTRY), 16);  /* PCI LB 3.0 Figure 6-11 */
    assert_int_equal(HalpComposeMsixEntry(300, 0x62, FALSE, &Entry), STATUS_INVALID_PARAMETER);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(MsiAddressAndData),
        cmocka_unit_test(MsiRejectsWhatTheApicCannotTake),
        cmocka_unit_test(MsixTableEntry),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
