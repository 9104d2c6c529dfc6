/*
 * tests/kernel/ktest.c - the in-kernel test runner.
 *
 * Walks the table the linker built from KTEST() registrations (between
 * __ktest_start and __ktest_end, sorted by name) and runs the ones the
 * command line selects: "ktest=all" for every ordinary test, or a comma
 * separated list of names; "ktest=list" prints the table instead. Planted-bug tests (KTEST_BUGCHECK) run only when
 * named, because they end the boot.
 */
#include "tests/kernel/ktest.h"
#include "kernel/ke/ki.h"
#include "kernel/rtl/rtlp.h"

extern const KTEST_DESCRIPTOR __ktest_start[];
extern const KTEST_DESCRIPTOR __ktest_end[];

#define KTEST_SELECTION_SIZE BOOT_COMMAND_LINE_SIZE /* the whole command line fits */

VOID
KtFail(PKTEST_CONTEXT Context, PCSTR File, ULONG Line, PCSTR Format, ...)
{
    CHAR Reason[256];
    va_list Args;

    va_start(Args, Format);
    RtlpFormatV(Reason, sizeof(Reason), Format, Args);
    va_end(Args);
    if (!Context->Failed) {
        Context->Failed = TRUE;
        DbgPrint("FAIL %s:%u: %s\n", File, Line, Reason);
    }
}

/* TRUE when Name is one of the comma-separated names in Selection. */
static BOOLEAN
KtpIsSelected(PCSTR Selection, PCSTR Name)
{
    PCSTR Cursor = Selection;

    while (*Cursor != '\0') {
        SIZE_T Index = 0;

        while (Name[Index] != '\0' && Cursor[Index] == Name[Index]) {
            Index++;
        }
        if (Name[Index] == '\0' && (Cursor[Index] == ',' || Cursor[Index] == '\0')) {
            return TRUE;
        }
        while (*Cursor != '\0' && *Cursor != ',') {
            Cursor++;
        }
        if (*Cursor == ',') {
            Cursor++;
        }
    }
    return FALSE;
}

static BOOLEAN
KtpNamesEqual(PCSTR Left, PCSTR Right)
{
    while (*Left != '\0' && *Left == *Right) {
        Left++;
        Right++;
    }
    return *Left == *Right;
}

ULONG
KtRunSelected(PCSTR CommandLine)
{
    CHAR Selection[KTEST_SELECTION_SIZE];
    const KTEST_DESCRIPTOR *Test;
    ULONG Passed = 0;
    ULONG Failed = 0;
    BOOLEAN All;

    UNREFERENCED_PARAMETER(CommandLine);
    if (!KiCommandLineValue("ktest", Selection, sizeof(Selection))) {
        DbgPrint("KTEST: the command line has no ktest=<all|name,...>\n");
        return 1;
    }
    if (KtpNamesEqual(Selection, "list")) {
        /* The harness reads this to learn which planted-bug tests exist. */
        for (Test = __ktest_start; Test < __ktest_end; Test++) {
            DbgPrint("KTEST-LIST %s 0x%08X\n", Test->Name, Test->ExpectedBugCheck);
        }
        return 0;
    }
    All = KtpNamesEqual(Selection, "all");

    for (Test = __ktest_start; Test < __ktest_end; Test++) {
        KTEST_CONTEXT Context = {FALSE};

        if (All ? Test->ExpectedBugCheck != 0 : !KtpIsSelected(Selection, Test->Name)) {
            continue;
        }
        DbgPrint("KTEST %s START\n", Test->Name);
        Test->Routine(&Context);
        if (Test->ExpectedBugCheck != 0 && !Context.Failed) {
            /* A planted bug that did not stop the machine is a failure. */
            KtFail(&Context, __FILE__, __LINE__, "returned; expected bugcheck 0x%08X",
                   Test->ExpectedBugCheck);
        }
        if (Context.Failed) {
            DbgPrint("KTEST %s FAIL\n", Test->Name);
            Failed++;
        } else {
            DbgPrint("KTEST %s PASS\n", Test->Name);
            Passed++;
        }
    }
    if (Passed + Failed == 0) {
        DbgPrint("KTEST: no test matches \"%s\"\n", Selection);
        Failed++;
    }
    DbgPrint("KTEST-SUMMARY %u passed, %u failed\n", Passed, Failed);
    return Failed;
}
