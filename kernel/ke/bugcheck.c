/*
 * kernel/ke/bugcheck.c - KeBugCheckEx: stop the machine and say why.
 *
 * A bugcheck is the kernel's answer to a state it cannot continue from. The
 * report goes to the debug port (COM1) in the form Windows users know:
 *
 *     *** STOP: 0x0000001E (0x00000000C0000094,0xFFFFFFFF80203A1C,...)
 *     KMODE_EXCEPTION_NOT_HANDLED
 *     Trap: vector 0, #DE Divide error, error code 0x0     (traps only)
 *     registers, then a symbolized backtrace
 *
 * then the machine halts, or under the test harness ("harness" on the
 * command line) QEMU exits with status 37. Everything on this path is
 * polled and allocation-free. A fault while the report is printed would
 * re-enter here; that second bugcheck prints one short line, by the most
 * primitive means, and stops.
 *
 * FIXME: with more than one processor running, the others must be stopped
 * (an NMI IPI) before the report; there is one processor so far.
 */
#include "kernel/ke/ki.h"
#include "kernel/dbg/kdp.h"
#include "hal/halp.h"

/* 0 until the first bugcheck starts; set atomically so that only one report
 * is ever printed. */
static volatile LONG KiBugCheckActive;

typedef struct _KI_BUGCHECK_NAME {
    ULONG Code;
    PCSTR Name;
} KI_BUGCHECK_NAME;

#define KI_BUGCHECK_NAME(Code) {Code, #Code}

/* Every code in include/bugcodes.h, in numeric order. */
static const KI_BUGCHECK_NAME KiBugCheckNames[] = {
    KI_BUGCHECK_NAME(APC_INDEX_MISMATCH),
    KI_BUGCHECK_NAME(INVALID_DATA_ACCESS_TRAP),
    KI_BUGCHECK_NAME(IRQL_NOT_GREATER_OR_EQUAL),
    KI_BUGCHECK_NAME(IRQL_NOT_LESS_OR_EQUAL),
    KI_BUGCHECK_NAME(NO_EXCEPTION_HANDLING_SUPPORT),
    KI_BUGCHECK_NAME(MAXIMUM_WAIT_OBJECTS_EXCEEDED),
    KI_BUGCHECK_NAME(SPIN_LOCK_ALREADY_OWNED),
    KI_BUGCHECK_NAME(SPIN_LOCK_NOT_OWNED),
    KI_BUGCHECK_NAME(THREAD_NOT_MUTEX_OWNER),
    KI_BUGCHECK_NAME(REFERENCE_BY_POINTER),
    KI_BUGCHECK_NAME(BAD_POOL_HEADER),
    KI_BUGCHECK_NAME(MEMORY_MANAGEMENT),
    KI_BUGCHECK_NAME(KMODE_EXCEPTION_NOT_HANDLED),
    KI_BUGCHECK_NAME(PHASE0_INITIALIZATION_FAILED),
    KI_BUGCHECK_NAME(PHASE1_INITIALIZATION_FAILED),
    KI_BUGCHECK_NAME(SYSTEM_SERVICE_EXCEPTION),
    KI_BUGCHECK_NAME(INTERRUPT_EXCEPTION_NOT_HANDLED),
    KI_BUGCHECK_NAME(NO_MORE_IRP_STACK_LOCATIONS),
    KI_BUGCHECK_NAME(NO_MORE_SYSTEM_PTES),
    KI_BUGCHECK_NAME(MULTIPLE_IRP_COMPLETE_REQUESTS),
    KI_BUGCHECK_NAME(INSUFFICIENT_SYSTEM_MAP_REGS),
    KI_BUGCHECK_NAME(CANCEL_STATE_IN_COMPLETED_IRP),
    KI_BUGCHECK_NAME(FATAL_UNHANDLED_HARD_ERROR),
    KI_BUGCHECK_NAME(PFN_LIST_CORRUPT),
    KI_BUGCHECK_NAME(PAGE_FAULT_IN_NONPAGED_AREA),
    KI_BUGCHECK_NAME(HAL_INITIALIZATION_FAILED),
    KI_BUGCHECK_NAME(PROCESS_INITIALIZATION_FAILED),
    KI_BUGCHECK_NAME(KERNEL_STACK_INPAGE_ERROR),
    KI_BUGCHECK_NAME(INACCESSIBLE_BOOT_DEVICE),
    KI_BUGCHECK_NAME(INSTALL_MORE_MEMORY),
    KI_BUGCHECK_NAME(UNEXPECTED_KERNEL_MODE_TRAP),
    KI_BUGCHECK_NAME(NMI_HARDWARE_FAILURE),
    KI_BUGCHECK_NAME(KERNEL_MODE_EXCEPTION_NOT_HANDLED),
    KI_BUGCHECK_NAME(INVALID_KERNEL_HANDLE),
    KI_BUGCHECK_NAME(MACHINE_CHECK_EXCEPTION),
    KI_BUGCHECK_NAME(DRIVER_POWER_STATE_FAILURE),
    KI_BUGCHECK_NAME(ACPI_BIOS_ERROR),
    KI_BUGCHECK_NAME(ATTEMPTED_WRITE_TO_READONLY_MEMORY),
    KI_BUGCHECK_NAME(SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION),
    KI_BUGCHECK_NAME(SYSTEM_PTE_MISUSE),
    KI_BUGCHECK_NAME(BAD_POOL_CALLER),
    KI_BUGCHECK_NAME(DRIVER_VERIFIER_DETECTED_VIOLATION),
    KI_BUGCHECK_NAME(DRIVER_CORRUPTED_EXPOOL),
    KI_BUGCHECK_NAME(DRIVER_CAUGHT_MODIFYING_FREED_POOL),
    KI_BUGCHECK_NAME(TIMER_OR_DPC_INVALID),
    KI_BUGCHECK_NAME(IRQL_UNEXPECTED_VALUE),
    KI_BUGCHECK_NAME(DRIVER_VERIFIER_IOMANAGER_VIOLATION),
    KI_BUGCHECK_NAME(PNP_DETECTED_FATAL_ERROR),
    KI_BUGCHECK_NAME(DRIVER_LEFT_LOCKED_PAGES_IN_PROCESS),
    KI_BUGCHECK_NAME(PAGE_FAULT_IN_FREED_SPECIAL_POOL),
    KI_BUGCHECK_NAME(PAGE_FAULT_BEYOND_END_OF_ALLOCATION),
    KI_BUGCHECK_NAME(DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS),
    KI_BUGCHECK_NAME(DRIVER_IRQL_NOT_LESS_OR_EQUAL),
    KI_BUGCHECK_NAME(BUGCODE_ID_DRIVER),
    KI_BUGCHECK_NAME(DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL),
    KI_BUGCHECK_NAME(DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION),
    KI_BUGCHECK_NAME(WORKER_THREAD_RETURNED_AT_BAD_IRQL),
    KI_BUGCHECK_NAME(MANUALLY_INITIATED_CRASH),
    KI_BUGCHECK_NAME(RESOURCE_NOT_OWNED),
    KI_BUGCHECK_NAME(WORKER_INVALID),
    KI_BUGCHECK_NAME(THREAD_STUCK_IN_DEVICE_DRIVER),
    KI_BUGCHECK_NAME(UNMOUNTABLE_BOOT_VOLUME),
    KI_BUGCHECK_NAME(DRIVER_RETURNED_STATUS_REPARSE_FOR_VOLUME_OPEN),
    KI_BUGCHECK_NAME(DRIVER_OVERRAN_STACK_BUFFER),
    KI_BUGCHECK_NAME(ATTEMPTED_EXECUTE_OF_NOEXECUTE_MEMORY),
    KI_BUGCHECK_NAME(DPC_WATCHDOG_VIOLATION),
    KI_BUGCHECK_NAME(KERNEL_SECURITY_CHECK_FAILURE),
    KI_BUGCHECK_NAME(KERNEL_AUTO_BOOST_INVALID_LOCK_RELEASE),
};

static PCSTR
KipBugCheckName(ULONG Code)
{
    SIZE_T Index;

    for (Index = 0; Index < sizeof(KiBugCheckNames) / sizeof(KiBugCheckNames[0]); Index++) {
        if (KiBugCheckNames[Index].Code == Code) {
            return KiBugCheckNames[Index].Name;
        }
    }
    return "(a bugcheck code Kestrel has no name for)";
}

/* Writes Value as 16 hex digits straight to the debug port: the nested
 * bugcheck path must not depend on the formatter, which may be what broke. */
static VOID
KipWriteHex(ULONG64 Value)
{
    static const CHAR Digits[] = "0123456789ABCDEF";
    CHAR Text[18];
    ULONG Index;

    Text[0] = '0';
    Text[1] = 'x';
    for (Index = 0; Index < 16; Index++) {
        Text[17 - Index] = Digits[(Value >> (4 * Index)) & 0xF];
    }
    HalpDebugPortWrite(Text, sizeof(Text));
}

static DECLSPEC_NORETURN VOID
KipStopMachine(VOID)
{
    if (KiRunningUnderHarness()) {
        HalpQemuExit(HAL_QEMU_EXIT_BUGCHECK);
    }
    for (;;) {
        __asm__ __volatile__("cli; hlt");
    }
}

/* A bugcheck raised while the first one was being reported. */
static DECLSPEC_NORETURN VOID
KipNestedBugCheck(ULONG Code, ULONG_PTR Parameter1, PVOID Caller)
{
    static const CHAR Line1[] = "\n*** STOP during bugcheck: code ";
    static const CHAR Line2[] = ", P1 ";
    static const CHAR Line3[] = ", at ";
    static const CHAR Line4[] = "; the first report is incomplete. Halted.\n";

    HalpDebugPortWrite(Line1, sizeof(Line1) - 1);
    KipWriteHex(Code);
    HalpDebugPortWrite(Line2, sizeof(Line2) - 1);
    KipWriteHex(Parameter1);
    HalpDebugPortWrite(Line3, sizeof(Line3) - 1);
    KipWriteHex((ULONG_PTR)Caller);
    HalpDebugPortWrite(Line4, sizeof(Line4) - 1);
    KipStopMachine();
}

static VOID
KipPrintRegisters(const KTRAP_FRAME *Frame)
{
    ULONG_PTR Cr0, Cr2, Cr3, Cr4;
    PCSTR Name;
    ULONG_PTR Offset;

    __asm__ __volatile__("mov %%cr0, %0\n\tmov %%cr2, %1\n\tmov %%cr3, %2\n\tmov %%cr4, %3"
                         : "=r"(Cr0), "=r"(Cr2), "=r"(Cr3), "=r"(Cr4));
    if (KdpLookupSymbol(Frame->Rip, &Name, &Offset)) {
        DbgPrint("RIP=%016llx %s+0x%llx\n", Frame->Rip, Name, (ULONGLONG)Offset);
    } else {
        DbgPrint("RIP=%016llx (no symbol)\n", Frame->Rip);
    }
    DbgPrint("RSP=%016llx RBP=%016llx RFLAGS=%016llx\n", Frame->Rsp, Frame->Rbp, Frame->EFlags);
    DbgPrint("RAX=%016llx RBX=%016llx RCX=%016llx\n", Frame->Rax, Frame->Rbx, Frame->Rcx);
    DbgPrint("RDX=%016llx RSI=%016llx RDI=%016llx\n", Frame->Rdx, Frame->Rsi, Frame->Rdi);
    DbgPrint("R8 =%016llx R9 =%016llx R10=%016llx\n", Frame->R8, Frame->R9, Frame->R10);
    DbgPrint("R11=%016llx R12=%016llx R13=%016llx\n", Frame->R11, Frame->R12, Frame->R13);
    DbgPrint("R14=%016llx R15=%016llx\n", Frame->R14, Frame->R15);
    DbgPrint("CS=%04llx SS=%04llx CR0=%016llx CR2=%016llx\n", Frame->SegCs, Frame->SegSs,
             (ULONGLONG)Cr0, (ULONGLONG)Cr2);
    DbgPrint("CR3=%016llx CR4=%016llx\n", (ULONGLONG)Cr3, (ULONGLONG)Cr4);
}

/* The one report. Context holds the registers to show: a trap's, or the
 * caller's as KiCaptureContext saw them. Interrupts are off. */
static DECLSPEC_NORETURN VOID
KipBugCheck(ULONG Code, ULONG_PTR Parameter1, ULONG_PTR Parameter2, ULONG_PTR Parameter3,
            ULONG_PTR Parameter4, PKTRAP_FRAME Context)
{
    if (__atomic_exchange_n(&KiBugCheckActive, 1, __ATOMIC_SEQ_CST) != 0) {
        KipNestedBugCheck(Code, Parameter1, (PVOID)Context->Rip);
    }
    DbgPrint("\n*** STOP: 0x%08X (0x%016llX,0x%016llX,0x%016llX,0x%016llX)\n", Code,
             (ULONGLONG)Parameter1, (ULONGLONG)Parameter2, (ULONGLONG)Parameter3,
             (ULONGLONG)Parameter4);
    DbgPrint("%s\n\n", KipBugCheckName(Code));
    if (Context->Vector != KI_NO_VECTOR) {
        KiPrintTrapDescription(Context);
    }
    KipPrintRegisters(Context);
    DbgPrint("Backtrace:\n");
    if (Context->Vector != KI_NO_VECTOR) {
        KdpPrintTrapBacktrace(Context);
    } else {
        KdpPrintBacktrace(Context->Rip, Context->Rbp);
    }
    DbgPrint("The system has stopped.\n");
    KipStopMachine();
}

/* Any IRQL. Never returns. */
VOID NTAPI
KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1, ULONG_PTR BugCheckParameter2,
             ULONG_PTR BugCheckParameter3, ULONG_PTR BugCheckParameter4)
{
    KTRAP_FRAME Context;

    __asm__ __volatile__("cli" : : : "memory");
    KiCaptureContext(&Context);
    KipBugCheck(BugCheckCode, BugCheckParameter1, BugCheckParameter2, BugCheckParameter3,
                BugCheckParameter4, &Context);
}

/* Any IRQL. Never returns. */
VOID NTAPI
KeBugCheck(ULONG BugCheckCode)
{
    KTRAP_FRAME Context;

    __asm__ __volatile__("cli" : : : "memory");
    KiCaptureContext(&Context);
    KipBugCheck(BugCheckCode, 0, 0, 0, 0, &Context);
}

/* Called by KiDispatchTrap with interrupts off. */
VOID
KiBugCheckWithTrapFrame(ULONG BugCheckCode, ULONG_PTR Parameter1, ULONG_PTR Parameter2,
                        ULONG_PTR Parameter3, ULONG_PTR Parameter4, PKTRAP_FRAME TrapFrame)
{
    __asm__ __volatile__("cli" : : : "memory");
    KipBugCheck(BugCheckCode, Parameter1, Parameter2, Parameter3, Parameter4, TrapFrame);
}

/* Any IRQL. Stops the machine on behalf of a routine that exists in name only. */
VOID
KiNotImplemented(PCSTR Name)
{
    DbgPrint("NOT IMPLEMENTED: %s\n", Name);
    KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, (ULONG)STATUS_NOT_IMPLEMENTED,
                 (ULONG_PTR)__builtin_return_address(0), (ULONG_PTR)Name, 0);
}
