/*
 * tests/kernel/crash.c - exceptions, bugchecks, symbols and backtraces.
 *
 * The KTEST_BUGCHECK tests each plant one bug and must stop the machine
 * with the code Windows would use (the table is in kernel/ke/trap.c); the
 * harness boots each alone and checks the "*** STOP: 0x..." line. The
 * ordinary tests check that the crash report's raw material is right: a
 * code address resolves to its function and offset, and a backtrace from a
 * nested call names every caller.
 */
#include "tests/kernel/ktest.h"
#include "kernel/ke/ki.h"
#include "kernel/dbg/kdp.h"

/* Hidden from the optimizer, so that planted bugs are not folded away. */
static volatile ULONG KtpZero = 0;
static volatile ULONG KtpHundred = 100;

KTEST_BUGCHECK(KeBugCheckDivideByZero, KMODE_EXCEPTION_NOT_HANDLED)
{
    /* Not 1 / x: GCC turns an unsigned 1 / x into a comparison. */
    volatile ULONG Quotient = KtpHundred / KtpZero;

    UNREFERENCED_PARAMETER(Quotient);
}

KTEST_BUGCHECK(KeBugCheckInvalidOpcode, KMODE_EXCEPTION_NOT_HANDLED)
{
    __asm__ __volatile__("ud2");
}

KTEST_BUGCHECK(KeBugCheckBreakpoint, KMODE_EXCEPTION_NOT_HANDLED)
{
    __asm__ __volatile__("int3");
}

/* The report's parameters and backtrace are what the harness checks: this
 * function's name must appear in the backtrace. */
KTEST_BUGCHECK(KeBugCheckManualCrash, MANUALLY_INITIATED_CRASH)
{
    KeBugCheckEx(MANUALLY_INITIATED_CRASH, 1, 2, 3, 4);
}

/* Writes from the end of a local array up to (not including) the saved frame
 * pointer: that covers the stack cookie wherever GCC put it above the array,
 * while the return address stays intact so that the report's backtrace can
 * still name the callers. */
static __attribute__((noinline)) VOID
KtpOverrunLocalBuffer(VOID)
{
    CHAR Buffer[16];
    volatile CHAR *Cursor = Buffer;
    PUCHAR SavedFrame = __builtin_frame_address(0);
    SIZE_T Length = (SIZE_T)(SavedFrame - (PUCHAR)Buffer);
    SIZE_T Index;

    for (Index = 0; Index < Length + KtpZero; Index++) {
        Cursor[Index] = 'A';
    }
}

KTEST_BUGCHECK(KeBugCheckStackOverrun, DRIVER_OVERRAN_STACK_BUFFER)
{
    KtpOverrunLocalBuffer();
}

/* Bit 63 set, bits 48-62 clear: not canonical, so the access is a #GP. */
KTEST_BUGCHECK(KeBugCheckNonCanonicalAddress, KMODE_EXCEPTION_NOT_HANDLED)
{
    volatile ULONG64 *Pointer = (volatile ULONG64 *)0x8000000000000000ULL;

    UNREFERENCED_PARAMETER(*Pointer);
}

/* 0xFFFFE00000000000 lies in no region of the kernel's address space
 * (docs/design.md), so nothing ever maps it. */
KTEST_BUGCHECK(KeBugCheckPageFaultKernelAddress, PAGE_FAULT_IN_NONPAGED_AREA)
{
    volatile ULONG64 *Pointer = (volatile ULONG64 *)0xFFFFE00000000000ULL;

    UNREFERENCED_PARAMETER(*Pointer);
}

/* No interrupt source is connected to vector 0x99. */
KTEST_BUGCHECK(KeBugCheckUnexpectedInterrupt, UNEXPECTED_KERNEL_MODE_TRAP)
{
    __asm__ __volatile__("int $0x99");
}

/* A routine that exists in name only stops the machine with its name. */
KTEST_BUGCHECK(KeBugCheckNotImplemented, KMODE_EXCEPTION_NOT_HANDLED)
{
    KiNotImplemented("KtpImaginaryRoutine");
}

/* A failed ASSERT stops the machine (there is no debugger to break into). */
KTEST_BUGCHECK(KeBugCheckAssertionFailure, KMODE_EXCEPTION_NOT_HANDLED)
{
    ASSERT(KtpZero == 1);
}

static BOOLEAN
KtpStringsEqual(PCSTR Left, PCSTR Right)
{
    while (*Left != '\0' && *Left == *Right) {
        Left++;
        Right++;
    }
    return *Left == *Right;
}

/* A function with a known name whose address the symbol test looks up. */
static __attribute__((noinline)) ULONG
KtpNamedFunction(ULONG Value)
{
    return Value * 3 + KtpZero;
}

KTEST(KdSymbolLookup)
{
    PCSTR Name = NULL;
    ULONG_PTR Offset = ~0ULL;

    KT_ASSERT_EQ(KtpNamedFunction(2), 6);
    if (KeLoaderBlock.SymbolTable == 0) {
        KtFail(KtContext, __FILE__, __LINE__, "the boot loader handed over no symbol table");
        return;
    }
    KT_ASSERT(KdpLookupSymbol((ULONG_PTR)KtpNamedFunction + 2, &Name, &Offset));
    KT_ASSERT(KtpStringsEqual(Name, "KtpNamedFunction"));
    KT_ASSERT_EQ(Offset, 2);
    KT_ASSERT(KdpLookupSymbol((ULONG_PTR)KeBugCheckEx, &Name, &Offset));
    KT_ASSERT(KtpStringsEqual(Name, "KeBugCheckEx"));
    KT_ASSERT_EQ(Offset, 0);
    /* Data and the low half are not code. */
    KT_ASSERT(!KdpLookupSymbol((ULONG_PTR)&KtpZero, &Name, &Offset));
    KT_ASSERT(!KdpLookupSymbol(0x1000, &Name, &Offset));
}

typedef struct _KTP_BACKTRACE {
    ULONG_PTR Frames[KDP_MAXIMUM_BACKTRACE];
    ULONG Count;
} KTP_BACKTRACE;

static __attribute__((noinline)) VOID
KtpBacktraceLevel3(KTP_BACKTRACE *Trace)
{
    Trace->Count = KdpCaptureBacktrace((ULONG_PTR)KtpBacktraceLevel3,
                                       (ULONG_PTR)__builtin_frame_address(0), Trace->Frames,
                                       KDP_MAXIMUM_BACKTRACE);
}

static __attribute__((noinline)) VOID
KtpBacktraceLevel2(KTP_BACKTRACE *Trace)
{
    KtpBacktraceLevel3(Trace);
    __asm__ __volatile__("" : : : "memory"); /* keeps the call from being the last instruction */
}

static __attribute__((noinline)) VOID
KtpBacktraceLevel1(KTP_BACKTRACE *Trace)
{
    KtpBacktraceLevel2(Trace);
    __asm__ __volatile__("" : : : "memory");
}

/* TRUE when Frame (a return address) lies inside the function named Name. */
static BOOLEAN
KtpFrameIsIn(ULONG_PTR Frame, PCSTR Name)
{
    PCSTR Found;
    ULONG_PTR Offset;

    return KdpLookupSymbol(Frame - 1, &Found, &Offset) && KtpStringsEqual(Found, Name);
}

KTEST(KdBacktraceNested)
{
    KTP_BACKTRACE Trace;

    KtpBacktraceLevel1(&Trace);
    KT_ASSERT(Trace.Count >= 4);
    KT_ASSERT_EQ(Trace.Frames[0], (ULONG_PTR)KtpBacktraceLevel3);
    KT_ASSERT(KtpFrameIsIn(Trace.Frames[1], "KtpBacktraceLevel2"));
    KT_ASSERT(KtpFrameIsIn(Trace.Frames[2], "KtpBacktraceLevel1"));
    KT_ASSERT(KtpFrameIsIn(Trace.Frames[3], "KTest_KdBacktraceNested"));
}

/* A frame chain that points at itself, or out of every stack, must end the
 * walk instead of looping or faulting. */
KTEST(KdBacktraceBadChain)
{
    ULONG_PTR Frames[KDP_MAXIMUM_BACKTRACE];
    ULONG_PTR Loop[2];

    KT_ASSERT_EQ(KdpCaptureBacktrace(0x1234, 0xDEADBEEF000ULL, Frames, KDP_MAXIMUM_BACKTRACE), 1);
    KT_ASSERT_EQ(KdpCaptureBacktrace(0x1234, 0, Frames, KDP_MAXIMUM_BACKTRACE), 1);
    KT_ASSERT_EQ(KdpCaptureBacktrace(0x1234, 0x8000000000000000ULL, Frames,
                                     KDP_MAXIMUM_BACKTRACE), 1);
    Loop[0] = (ULONG_PTR)&Loop[0];
    Loop[1] = (ULONG_PTR)KtpNamedFunction + 1;
    KT_ASSERT_EQ(KdpCaptureBacktrace(0x1234, (ULONG_PTR)&Loop[0], Frames,
                                     KDP_MAXIMUM_BACKTRACE), 2);
    KT_ASSERT_EQ(Frames[1], (ULONG_PTR)KtpNamedFunction + 1);
    /* A return address outside .text ends the walk before it is recorded. */
    Loop[1] = 0x1000;
    KT_ASSERT_EQ(KdpCaptureBacktrace(0x1234, (ULONG_PTR)&Loop[0], Frames,
                                     KDP_MAXIMUM_BACKTRACE), 1);
}
