/*
 * hal/rtc.c - the CMOS real-time clock: the date and time, read once at
 * boot for KeQuerySystemTime.
 *
 * Motorola MC146818A data sheet, as every PC's RTC implements it: an index
 * written to port 0x70 selects a register read at port 0x71. Registers 0,
 * 2, 4, 7, 8, 9 hold seconds, minutes, hours, day of month, month and year
 * (two digits); status register A bit 7 (UIP) is set while the clock
 * updates them; status register B says how they are coded: bit 2 (DM)
 * binary instead of BCD, bit 1 (24/12) 24-hour instead of 12-hour with bit
 * 7 of the hour meaning PM. The century is in the CMOS register the ACPI
 * FADT names (ACPI 6.5 5.2.9, CENTURY), when it names one. Kestrel takes
 * the RTC to hold UTC, as firmware on virtual machines does by default.
 */
#include "hal/halp.h"
#include "hal/acpip.h"
#include "hal/timep.h"

#define CMOS_INDEX_PORT ((PUCHAR)0x70)
#define CMOS_DATA_PORT ((PUCHAR)0x71)

#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0A
#define RTC_STATUS_B 0x0B

#define RTC_A_UPDATE_IN_PROGRESS 0x80
#define RTC_B_24_HOUR 0x02
#define RTC_B_BINARY 0x04

typedef struct _HALP_RTC_REGISTERS {
    UCHAR Second, Minute, Hour, Day, Month, Year, Century;
} HALP_RTC_REGISTERS;

static UCHAR
HalpCmosRead(UCHAR Index)
{
    WRITE_PORT_UCHAR(CMOS_INDEX_PORT, Index);
    return READ_PORT_UCHAR(CMOS_DATA_PORT);
}

/* One snapshot, taken when no update is in progress. FALSE if the clock
 * never leaves its update (a dead or absent RTC). */
static BOOLEAN
HalpReadRtcRegisters(HALP_RTC_REGISTERS *Registers, UCHAR CenturyIndex)
{
    ULONG Attempts = 0;

    while (HalpCmosRead(RTC_STATUS_A) & RTC_A_UPDATE_IN_PROGRESS) {
        if (++Attempts == 1000000U) {
            return FALSE;
        }
    }
    Registers->Second = HalpCmosRead(RTC_SECONDS);
    Registers->Minute = HalpCmosRead(RTC_MINUTES);
    Registers->Hour = HalpCmosRead(RTC_HOURS);
    Registers->Day = HalpCmosRead(RTC_DAY_OF_MONTH);
    Registers->Month = HalpCmosRead(RTC_MONTH);
    Registers->Year = HalpCmosRead(RTC_YEAR);
    Registers->Century = CenturyIndex != 0 ? HalpCmosRead(CenturyIndex) : 0;
    return TRUE;
}

/* PASSIVE_LEVEL, interrupts off, at boot. */
BOOLEAN
HalpReadRtc(PKI_CALENDAR_TIME Time)
{
    UCHAR CenturyIndex = HalpAcpiInformation.FadtPresent ? HalpAcpiInformation.Fadt.Century : 0;
    HALP_RTC_REGISTERS First, Second;
    ULONG Attempts;
    UCHAR StatusB;
    BOOLEAN Bcd;
    ULONG Century;

    /* An update can still slip in between the UIP check and the reads:
     * read until two snapshots agree. */
    if (!HalpReadRtcRegisters(&First, CenturyIndex)) {
        return FALSE;
    }
    for (Attempts = 0; Attempts < 10; Attempts++) {
        if (!HalpReadRtcRegisters(&Second, CenturyIndex)) {
            return FALSE;
        }
        if (RtlEqualMemory(&First, &Second, sizeof(First))) {
            break;
        }
        First = Second;
    }
    StatusB = HalpCmosRead(RTC_STATUS_B);
    Bcd = !(StatusB & RTC_B_BINARY);
    Time->Second = KiCmosValue(First.Second, Bcd);
    Time->Minute = KiCmosValue(First.Minute, Bcd);
    Time->Hour = KiCmosHour(First.Hour, Bcd, (StatusB & RTC_B_24_HOUR) != 0);
    Time->Day = KiCmosValue(First.Day, Bcd);
    Time->Month = KiCmosValue(First.Month, Bcd);
    /* Without a century register, two-digit years are 2000-2099. */
    Century = CenturyIndex != 0 ? KiCmosValue(First.Century, Bcd) : 20;
    if (Century < 19 || Century > 99) {
        Century = 20;
    }
    Time->Year = Century * 100 + KiCmosValue(First.Year, Bcd);
    return TRUE;
}
