/*
 * tests/kernel/ktest.h - tests that run inside the kernel, under QEMU.
 *
 * A test is a function registered with KTEST(Name); the linker gathers them
 * into a table (section .ktest, see linker.ld). The kernel command line picks
 * which run: "ktest=all" runs every ordinary test in one boot, "ktest=a,b"
 * runs the named ones. Each prints exactly one result line:
 *
 *     KTEST <name> PASS
 *     KTEST <name> FAIL <file>:<line>: <what failed>
 *
 * and the run ends with "KTEST-SUMMARY <p> passed, <f> failed".
 *
 * A test registered with KTEST_BUGCHECK(Name, Code) plants a bug on purpose:
 * it must stop the machine with bugcheck Code. It never runs under
 * "ktest=all"; the harness boots it alone and checks the crash report's
 * "*** STOP: 0x<Code>" line. If the test returns, it failed.
 */
#ifndef KESTREL_TESTS_KERNEL_KTEST_H
#define KESTREL_TESTS_KERNEL_KTEST_H

#include <wdm.h>

typedef struct _KTEST_CONTEXT {
    BOOLEAN Failed;
} KTEST_CONTEXT, *PKTEST_CONTEXT;

typedef VOID KTEST_ROUTINE(PKTEST_CONTEXT Context);

typedef struct _KTEST_DESCRIPTOR {
    PCSTR Name;
    KTEST_ROUTINE *Routine;
    ULONG ExpectedBugCheck; /* 0 for an ordinary test */
} KTEST_DESCRIPTOR;

#define KTEST_REGISTER_(Name, Code)                                                        \
    static KTEST_ROUTINE KTest_##Name;                                                     \
    static const KTEST_DESCRIPTOR KTestDescriptor_##Name                                   \
        __attribute__((used, section(".ktest." #Name), aligned(8))) = {#Name, KTest_##Name, \
                                                                       (Code)};            \
    static VOID KTest_##Name(PKTEST_CONTEXT KtContext)

#define KTEST(Name) KTEST_REGISTER_(Name, 0)
#define KTEST_BUGCHECK(Name, Code) KTEST_REGISTER_(Name, Code)

/* Records the first failure (printing its line) and leaves the test. */
VOID KtFail(PKTEST_CONTEXT Context, PCSTR File, ULONG Line, PCSTR Format, ...)
    __attribute__((format(printf, 4, 5)));

#define KT_ASSERT(Condition)                                                \
    do {                                                                    \
        if (!(Condition)) {                                                 \
            KtFail(KtContext, __FILE__, __LINE__, "%s", #Condition);        \
            return;                                                         \
        }                                                                   \
    } while (0)

#define KT_ASSERT_EQ(Actual, Expected)                                                    \
    do {                                                                                  \
        ULONGLONG KtActual_ = (ULONGLONG)(Actual), KtExpected_ = (ULONGLONG)(Expected);   \
        if (KtActual_ != KtExpected_) {                                                   \
            KtFail(KtContext, __FILE__, __LINE__, "%s == 0x%llx, expected %s == 0x%llx", \
                   #Actual, KtActual_, #Expected, KtExpected_);                           \
            return;                                                                       \
        }                                                                                 \
    } while (0)

#define KT_ASSERT_STATUS(Actual, Expected) KT_ASSERT_EQ((ULONG)(Actual), (ULONG)(Expected))

/* Runs the tests the command line selects; returns the number that failed.
 * Implemented in tests/kernel/ktest.c. */
ULONG KtRunSelected(PCSTR CommandLine);

#endif /* KESTREL_TESTS_KERNEL_KTEST_H */
