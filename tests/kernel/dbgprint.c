/*
 * tests/kernel/dbgprint.c - the WDK's format spellings compile and print.
 *
 * Driver source passes %wZ, %ws and %I64x to DbgPrint and RtlStringCbPrintfA
 * as the WDK documents them; this file is compiled with the same -Werror as
 * everything else, so it also proves the headers accept them.
 */
#include "tests/kernel/ktest.h"
#include <ntstrsafe.h>

KTEST(DbgPrintWdkConversions)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\Serial0");
    CHAR Buffer[96];
    NTSTATUS Status;

    Status = RtlStringCbPrintfA(Buffer, sizeof(Buffer), "%wZ|%ws|%I64x|%Iu", &Name, L"COM1",
                                0x123456789ULL, (SIZE_T)42);
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT(RtlCompareMemory(Buffer, "\\Device\\Serial0|COM1|123456789|42", 34) == 34);
    DbgPrint("DbgPrint of %wZ and %ws reaches the console\n", &Name, L"COM1");
}
