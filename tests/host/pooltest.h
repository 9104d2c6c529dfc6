/*
 * tests/host/pooltest.h - what the pool's host tests share: the page source
 * they run the pool on, the captured debug output, and the planted-bug
 * harness (KeBugCheckEx records its code and parameters and jumps back).
 */
#ifndef KESTREL_TESTS_HOST_POOLTEST_H
#define KESTREL_TESTS_HOST_POOLTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/mm/pool.h"

/* The host page source: aligned_alloc pages, every run remembered so that
 * a free with the wrong base or count fails the test. PoolTestPageLimit caps
 * the pages outstanding, to run the pool out of memory. */
extern SIZE_T PoolTestPagesOutstanding;
extern SIZE_T PoolTestPageLimit;

/* Everything the pool printed since the test began. */
extern char PoolTestLog[];
#define assert_logged(Text) PoolTestAssertLogged((Text), __FILE__, __LINE__)
VOID PoolTestAssertLogged(PCSTR Text, PCSTR File, int Line);

/* The last bugcheck. */
typedef struct _POOL_TEST_BUGCHECK {
    ULONG Code;
    ULONG_PTR Parameter[4];
} POOL_TEST_BUGCHECK;
extern POOL_TEST_BUGCHECK PoolTestBugCheck;
extern jmp_buf PoolTestJump;
extern volatile BOOLEAN PoolTestExpectBugCheck;

/* Runs Statement, which must stop the machine with Code and parameter 1 =
 * Parameter1; the test goes on after it. */
#define EXPECT_BUGCHECK(Statement, ExpectedCode, ExpectedParameter1)                 \
    do {                                                                             \
        PoolTestExpectBugCheck = TRUE;                                               \
        if (setjmp(PoolTestJump) == 0) {                                             \
            Statement;                                                               \
            PoolTestExpectBugCheck = FALSE;                                          \
            fail_msg("%s returned; expected bugcheck 0x%X", #Statement,              \
                     (unsigned)(ExpectedCode));                                      \
        }                                                                            \
        PoolTestExpectBugCheck = FALSE;                                              \
        assert_int_equal(PoolTestBugCheck.Code, (ExpectedCode));                     \
        assert_int_equal(PoolTestBugCheck.Parameter[0], (ExpectedParameter1));       \
    } while (0)

/* A fresh system pool (ExpNonPagedPool) on the host page source for every
 * test, torn down (all pages back) afterwards. */
int PoolTestSetup(void **State);
int PoolTestTeardown(void **State);

#define POOL_TEST(Function) cmocka_unit_test_setup_teardown(Function, PoolTestSetup, PoolTestTeardown)

extern const struct CMUnitTest PoolBugTests[];
extern const size_t PoolBugTestCount;
extern const struct CMUnitTest PoolStressTests[];
extern const size_t PoolStressTestCount;

#endif /* KESTREL_TESTS_HOST_POOLTEST_H */
