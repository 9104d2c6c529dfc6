/*
 * tests/host/mm_hostenv.h - the kernel services Mm's pure logic calls, for
 * the host tests: DbgPrint into a log the tests can search, KeBugCheckEx that
 * records the code and jumps back into the test, and Mm's lock as a counter
 * that must balance.
 */
#ifndef KESTREL_TESTS_HOST_MM_HOSTENV_H
#define KESTREL_TESTS_HOST_MM_HOSTENV_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/mm/mi.h"

static char MmTestLog[64 * 1024];
static size_t MmTestLogLength;
static unsigned MmTestLogLines;

static jmp_buf MmTestBugCheckJump;
static int MmTestBugCheckArmed;
static ULONG MmTestBugCheckCode;
static ULONG_PTR MmTestBugCheckParameters[4];
static int MmTestLocksHeld;

ULONG
DbgPrint(PCSTR Format, ...)
{
    va_list Args;
    int Length;

    va_start(Args, Format);
    Length = vsnprintf(MmTestLog + MmTestLogLength, sizeof(MmTestLog) - MmTestLogLength, Format,
                       Args);
    va_end(Args);
    if (Length > 0) {
        MmTestLogLength += (size_t)Length;
        if (MmTestLogLength >= sizeof(MmTestLog)) {
            MmTestLogLength = sizeof(MmTestLog) - 1;
        }
        MmTestLogLines++;
    }
    return 0;
}

VOID NTAPI
KeBugCheckEx(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4)
{
    MmTestBugCheckCode = Code;
    MmTestBugCheckParameters[0] = P1;
    MmTestBugCheckParameters[1] = P2;
    MmTestBugCheckParameters[2] = P3;
    MmTestBugCheckParameters[3] = P4;
    if (!MmTestBugCheckArmed) {
        fail_msg("unexpected bugcheck 0x%x (0x%lx, 0x%lx, 0x%lx, 0x%lx)\n%s", Code,
                 (unsigned long)P1, (unsigned long)P2, (unsigned long)P3, (unsigned long)P4,
                 MmTestLog);
    }
    MmTestBugCheckArmed = 0;
    /* Whatever lock the bugchecking code held is abandoned with the machine. */
    MmTestLocksHeld = 0;
    longjmp(MmTestBugCheckJump, 1);
}

ULONG_PTR
MiAcquireLock(PMI_LOCK Lock)
{
    assert_int_equal(Lock->Held, 0);
    Lock->Held = 1;
    MmTestLocksHeld++;
    return 0x202;
}

VOID
MiReleaseLock(PMI_LOCK Lock, ULONG_PTR SavedFlags)
{
    assert_int_equal(Lock->Held, 1);
    assert_int_equal(SavedFlags, 0x202);
    Lock->Held = 0;
    MmTestLocksHeld--;
}

static void
MmTestResetLog(void)
{
    MmTestLog[0] = 0;
    MmTestLogLength = 0;
    MmTestLogLines = 0;
}

/* Runs Statement expecting it to bugcheck with Code. */
#define MM_EXPECT_BUGCHECK(Code, Statement)                                     \
    do {                                                                        \
        MmTestBugCheckCode = 0;                                                 \
        MmTestBugCheckArmed = 1;                                                \
        if (setjmp(MmTestBugCheckJump) == 0) {                                  \
            Statement;                                                          \
            MmTestBugCheckArmed = 0;                                            \
            fail_msg("%s did not bugcheck (expected 0x%x)", #Statement, Code);  \
        }                                                                       \
        assert_int_equal(MmTestBugCheckCode, (Code));                           \
    } while (0)

#define MM_ASSERT_LOG_CONTAINS(Text)                                            \
    do {                                                                        \
        if (strstr(MmTestLog, (Text)) == NULL) {                                \
            fail_msg("log lacks \"%s\"; log is:\n%s", (Text), MmTestLog);       \
        }                                                                       \
    } while (0)

#endif
