/*
 * tests/host/rtl_fakes.h - stand-ins for the kernel services Rtl calls,
 * shared by the Rtl host tests (tests/host/rtl_fakes.c).
 *
 * DbgPrint records the last line so a test can check that bad input is
 * reported by name. KeBugCheckEx fails the test unless one is expected, in
 * which case it records the code and jumps back to RTL_EXPECT_BUGCHECK.
 */
#ifndef KESTREL_TESTS_HOST_RTL_FAKES_H
#define KESTREL_TESTS_HOST_RTL_FAKES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <wdm.h>

extern char RtlFakeLastMessage[512];
extern unsigned RtlFakeMessageCount;

extern jmp_buf RtlFakeBugCheckReturn;
extern BOOLEAN RtlFakeBugCheckExpected;
extern ULONG RtlFakeBugCheckCode;

/* Forgets earlier messages; returns nothing. */
void RtlFakeResetMessages(void);

/* Asserts that exactly one message was printed since the last reset and
 * that it contains every one of the given fragments (NULL-terminated). */
void RtlFakeAssertReported(const char *Fragment, ...);

/* Asserts that nothing was printed since the last reset. */
void RtlFakeAssertQuiet(void);

#define RTL_EXPECT_BUGCHECK(Statement, Code)                                 \
    do {                                                                     \
        RtlFakeBugCheckExpected = TRUE;                                      \
        RtlFakeBugCheckCode = 0;                                             \
        if (setjmp(RtlFakeBugCheckReturn) == 0) {                            \
            Statement;                                                       \
            RtlFakeBugCheckExpected = FALSE;                                 \
            fail_msg("%s returned instead of stopping the machine", #Statement); \
        }                                                                    \
        RtlFakeBugCheckExpected = FALSE;                                     \
        assert_int_equal(RtlFakeBugCheckCode, (Code));                       \
    } while (0)

#endif /* KESTREL_TESTS_HOST_RTL_FAKES_H */
