/*
 * tests/host/rtl_fakes.c - DbgPrint and KeBugCheckEx for the Rtl host tests.
 */
#include <stdio.h>
#include <string.h>

#include "tests/host/rtl_fakes.h"

char RtlFakeLastMessage[512];
unsigned RtlFakeMessageCount;
jmp_buf RtlFakeBugCheckReturn;
BOOLEAN RtlFakeBugCheckExpected;
ULONG RtlFakeBugCheckCode;

ULONG
DbgPrint(PCSTR Format, ...)
{
    va_list Args;

    va_start(Args, Format);
    vsnprintf(RtlFakeLastMessage, sizeof(RtlFakeLastMessage), Format, Args);
    va_end(Args);
    RtlFakeMessageCount++;
    return STATUS_SUCCESS;
}

VOID NTAPI
KeBugCheckEx(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4)
{
    if (!RtlFakeBugCheckExpected) {
        fail_msg("unexpected bugcheck 0x%x (0x%llx, 0x%llx, 0x%llx, 0x%llx); last message: %s",
                 Code, (unsigned long long)P1, (unsigned long long)P2, (unsigned long long)P3,
                 (unsigned long long)P4, RtlFakeLastMessage);
    }
    RtlFakeBugCheckCode = Code;
    longjmp(RtlFakeBugCheckReturn, 1);
}

void
RtlFakeResetMessages(void)
{
    RtlFakeLastMessage[0] = '\0';
    RtlFakeMessageCount = 0;
}

void
RtlFakeAssertReported(const char *Fragment, ...)
{
    va_list Args;

    if (RtlFakeMessageCount != 1) {
        fail_msg("expected one report, got %u (last: \"%s\")", RtlFakeMessageCount,
                 RtlFakeLastMessage);
    }
    va_start(Args, Fragment);
    for (; Fragment != NULL; Fragment = va_arg(Args, const char *)) {
        if (strstr(RtlFakeLastMessage, Fragment) == NULL) {
            fail_msg("report \"%s\" does not mention \"%s\"", RtlFakeLastMessage, Fragment);
        }
    }
    va_end(Args);
    RtlFakeResetMessages();
}

void
RtlFakeAssertQuiet(void)
{
    if (RtlFakeMessageCount != 0) {
        fail_msg("unexpected report: \"%s\"", RtlFakeLastMessage);
    }
}
