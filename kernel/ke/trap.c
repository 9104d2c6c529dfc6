/*
 * kernel/ke/trap.c - what the kernel does with a processor exception.
 *
 * Kestrel has no exception handling (no SEH, no fixups) and no user mode
 * yet, so every exception is a kernel bug and ends in a bugcheck. Which
 * bugcheck follows Windows x64, so that the codes mean what a driver writer
 * already knows. Windows turns most faults into exceptions, and an exception
 * nobody handles in kernel mode is KMODE_EXCEPTION_NOT_HANDLED (0x1E) with
 * the NTSTATUS exception code; faults it never turns into exceptions are
 * UNEXPECTED_KERNEL_MODE_TRAP (0x7F) with the vector; a few have codes of
 * their own.
 *
 *   vec  name                          bugcheck  parameters
 *   0    #DE divide error              0x1E      STATUS_INTEGER_DIVIDE_BY_ZERO, RIP, 0, 0
 *   1    #DB debug                     0x1E      STATUS_SINGLE_STEP, RIP, 0, 0
 *   2    NMI                           0x80      port 0x61 status, 0, 0, 0
 *   3    #BP breakpoint (int3)         0x1E      STATUS_BREAKPOINT, RIP of the int3, 0, 0
 *   4    #OF overflow                  0x1E      STATUS_INTEGER_OVERFLOW, RIP, 0, 0
 *   5    #BR bound range               0x1E      STATUS_ARRAY_BOUNDS_EXCEEDED, RIP, 0, 0
 *   6    #UD invalid opcode            0x1E      STATUS_ILLEGAL_INSTRUCTION, RIP, 0, 0
 *   13   #GP general protection        0x1E      STATUS_ACCESS_VIOLATION, RIP, 0, -1
 *                                                (Windows' "address unknown" form; the
 *                                                CPU does not say which address)
 *   14   #PF page fault                see KipPageFault below
 *   17   #AC alignment check           0x1E      STATUS_DATATYPE_MISALIGNMENT, RIP, 0, 0
 *   18   #MC machine check             0x9C      bank, 0, MCi_STATUS high, MCi_STATUS low
 *   7-12, 15, 16, 19-31 (#NM, #DF, #TS, #NP, #SS, #MF, #XM, #VE, #CP, reserved)
 *                                      0x7F      vector, error code, trap frame, RIP
 *   32-255 unexpected interrupt        0x7F      vector, 0, trap frame, RIP
 *
 * Windows' 0x7F takes the trap number in P1 and leaves P2-P4 undocumented;
 * Kestrel puts the error code, the trap frame's address and RIP there.
 */
#include "kernel/ke/ki.h"
#include "kernel/dbg/kdp.h"

typedef struct _KI_TRAP_INFO {
    PCSTR Mnemonic;
    PCSTR Name;
    NTSTATUS ExceptionCode; /* 0: reported as UNEXPECTED_KERNEL_MODE_TRAP */
} KI_TRAP_INFO;

/* Names from the SDM, Vol. 3A, Table 6-1. */
static const KI_TRAP_INFO KiTrapInfo[32] = {
    [0] = {"#DE", "Divide error", STATUS_INTEGER_DIVIDE_BY_ZERO},
    [1] = {"#DB", "Debug exception", STATUS_SINGLE_STEP},
    [2] = {"NMI", "Non-maskable interrupt", 0},
    [3] = {"#BP", "Breakpoint", STATUS_BREAKPOINT},
    [4] = {"#OF", "Overflow", STATUS_INTEGER_OVERFLOW},
    [5] = {"#BR", "BOUND range exceeded", STATUS_ARRAY_BOUNDS_EXCEEDED},
    [6] = {"#UD", "Invalid opcode", STATUS_ILLEGAL_INSTRUCTION},
    [7] = {"#NM", "Device not available", 0},
    [8] = {"#DF", "Double fault", 0},
    [9] = {"-", "Coprocessor segment overrun", 0},
    [10] = {"#TS", "Invalid TSS", 0},
    [11] = {"#NP", "Segment not present", 0},
    [12] = {"#SS", "Stack-segment fault", 0},
    [13] = {"#GP", "General protection", STATUS_ACCESS_VIOLATION},
    [14] = {"#PF", "Page fault", STATUS_ACCESS_VIOLATION},
    [15] = {"-", "Reserved", 0},
    [16] = {"#MF", "x87 floating-point error", 0},
    [17] = {"#AC", "Alignment check", STATUS_DATATYPE_MISALIGNMENT},
    [18] = {"#MC", "Machine check", 0},
    [19] = {"#XM", "SIMD floating-point exception", 0},
    [20] = {"#VE", "Virtualization exception", 0},
    [21] = {"#CP", "Control protection exception", 0},
    [22] = {"-", "Reserved", 0},
    [23] = {"-", "Reserved", 0},
    [24] = {"-", "Reserved", 0},
    [25] = {"-", "Reserved", 0},
    [26] = {"-", "Reserved", 0},
    [27] = {"-", "Reserved", 0},
    [28] = {"#HV", "Hypervisor injection exception", 0},
    [29] = {"#VC", "VMM communication exception", 0},
    [30] = {"#SX", "Security exception", 0},
    [31] = {"-", "Reserved", 0},
};

/* Page-fault error code bits (SDM Vol. 3A 4.7, Figure 4-12). */
#define PF_PRESENT 0x01
#define PF_WRITE 0x02
#define PF_USER 0x04
#define PF_RESERVED_BIT 0x08
#define PF_INSTRUCTION_FETCH 0x10
#define PF_PROTECTION_KEY 0x20
#define PF_SHADOW_STACK 0x40
#define PF_SGX 0x8000

/* Where the kernel's half of the address space starts (docs/design.md). */
#define KI_SYSTEM_RANGE_START 0xFFFF800000000000ULL

/* Windows' access-violation exception parameter 0 (and P3 of 0x1E). */
#define KI_ACCESS_READ 0
#define KI_ACCESS_WRITE 1
#define KI_ACCESS_EXECUTE 8

/* Machine-check MSRs (SDM Vol. 4, Table 2-2; Vol. 3B 16.3). */
#define MSR_MCG_CAP 0x179
#define MSR_MC0_STATUS 0x401
#define MCI_STATUS_VAL (1ULL << 63)

static ULONG64
KipReadMsr(ULONG Msr)
{
    ULONG Low, High;

    __asm__ __volatile__("rdmsr" : "=a"(Low), "=d"(High) : "c"(Msr));
    return ((ULONG64)High << 32) | Low;
}

static ULONG_PTR
KipReadCr2(VOID)
{
    ULONG_PTR Value;

    __asm__ __volatile__("mov %%cr2, %0" : "=r"(Value));
    return Value;
}

/* Decodes a selector error code (SDM Vol. 3A 6.13, Figure 6-7). */
static VOID
KipPrintSelectorErrorCode(ULONG64 ErrorCode)
{
    static const PCSTR Tables[] = {"GDT", "IDT", "LDT", "IDT"};

    if (ErrorCode == 0) {
        DbgPrint(" (no selector: a non-canonical address, a privileged or malformed "
                 "instruction, or a bad descriptor field)");
        return;
    }
    DbgPrint(" (selector index 0x%llx in the %s%s)", (ErrorCode >> 3) & 0x1FFF,
             Tables[(ErrorCode >> 1) & 3], (ErrorCode & 1) ? ", during an external event" : "");
}

static VOID
KipPrintPageFaultErrorCode(ULONG64 ErrorCode)
{
    DbgPrint(" (%s, %s, %s mode%s%s%s%s)",
             (ErrorCode & PF_PRESENT) ? "protection violation" : "page not present",
             (ErrorCode & PF_INSTRUCTION_FETCH) ? "instruction fetch"
             : (ErrorCode & PF_WRITE)           ? "write"
                                                : "read",
             (ErrorCode & PF_USER) ? "user" : "kernel",
             (ErrorCode & PF_RESERVED_BIT) ? ", reserved bit set in a paging entry" : "",
             (ErrorCode & PF_PROTECTION_KEY) ? ", protection key" : "",
             (ErrorCode & PF_SHADOW_STACK) ? ", shadow stack" : "",
             (ErrorCode & PF_SGX) ? ", SGX" : "");
}

VOID
KiPrintTrapDescription(const KTRAP_FRAME *TrapFrame)
{
    ULONG64 Vector = TrapFrame->Vector;
    ULONG64 ErrorCode = TrapFrame->ErrorCode;

    if (Vector >= 32) {
        DbgPrint("Trap: vector %llu (0x%llx), an unexpected interrupt: nothing is connected "
                 "to this vector\n", Vector, Vector);
        return;
    }
    DbgPrint("Trap: vector %llu, %s %s, error code 0x%llx", Vector, KiTrapInfo[Vector].Mnemonic,
             KiTrapInfo[Vector].Name, ErrorCode);
    switch (Vector) {
    case 10:
    case 11:
    case 12:
    case 13:
        KipPrintSelectorErrorCode(ErrorCode);
        break;
    case 14:
        KipPrintPageFaultErrorCode(ErrorCode);
        break;
    default:
        break;
    }
    DbgPrint("\n");
    if (Vector == 14) {
        DbgPrint("Faulting address (CR2): 0x%016llx\n", (ULONGLONG)KipReadCr2());
    }
    if (Vector == 8) {
        DbgPrint("A double fault is most often a kernel stack overflow: the page fault on "
                 "the guard page could not be delivered on the same stack.\n");
    }
}

/*
 * Page faults, as Windows reports them:
 * - not present (or a corrupt paging entry) at a kernel address:
 *   PAGE_FAULT_IN_NONPAGED_AREA (CR2, error code bits W/RSVD/I, RIP, 0)
 *   (Windows x64 documents P2 as 0 read, 2 write, 0x10 execute: the error
 *   code's own bits);
 * - an instruction fetch from a present no-execute page:
 *   ATTEMPTED_EXECUTE_OF_NOEXECUTE_MEMORY (CR2, PTE, trap frame, RIP);
 * - a write to a present read-only page:
 *   ATTEMPTED_WRITE_TO_READONLY_MEMORY (CR2, PTE, trap frame, RIP);
 * - anything else (the low half, where user mode will live; a present page
 *   that denies a read) is an access violation no one handled:
 *   KMODE_EXCEPTION_NOT_HANDLED (STATUS_ACCESS_VIOLATION, RIP, 0/1/8, CR2).
 * FIXME: the PTE parameter is 0 until kernel/mm offers a safe page walk.
 */
static DECLSPEC_NORETURN VOID
KipPageFault(PKTRAP_FRAME TrapFrame, ULONG_PTR FaultAddress)
{
    ULONG64 ErrorCode = TrapFrame->ErrorCode;
    ULONG_PTR Access = KI_ACCESS_READ;
    ULONG64 Pte = 0;

    if ((ErrorCode & PF_PRESENT) && !(ErrorCode & PF_RESERVED_BIT)) {
        if (ErrorCode & PF_INSTRUCTION_FETCH) {
            KiBugCheckWithTrapFrame(ATTEMPTED_EXECUTE_OF_NOEXECUTE_MEMORY, FaultAddress, Pte,
                                    (ULONG_PTR)TrapFrame, TrapFrame->Rip, TrapFrame);
        }
        if (ErrorCode & PF_WRITE) {
            KiBugCheckWithTrapFrame(ATTEMPTED_WRITE_TO_READONLY_MEMORY, FaultAddress, Pte,
                                    (ULONG_PTR)TrapFrame, TrapFrame->Rip, TrapFrame);
        }
    } else if (FaultAddress >= KI_SYSTEM_RANGE_START) {
        KiBugCheckWithTrapFrame(PAGE_FAULT_IN_NONPAGED_AREA, FaultAddress,
                                ErrorCode & (PF_WRITE | PF_RESERVED_BIT | PF_INSTRUCTION_FETCH),
                                TrapFrame->Rip, 0, TrapFrame);
    }
    if (ErrorCode & PF_INSTRUCTION_FETCH) {
        Access = KI_ACCESS_EXECUTE;
    } else if (ErrorCode & PF_WRITE) {
        Access = KI_ACCESS_WRITE;
    }
    KiBugCheckWithTrapFrame(KMODE_EXCEPTION_NOT_HANDLED, (ULONG)STATUS_ACCESS_VIOLATION,
                            TrapFrame->Rip, Access, FaultAddress, TrapFrame);
}

/* The first machine-check bank holding a valid error, for 0x9C's parameters
 * (SDM Vol. 3B 16.3.2.2). The bank count comes from MCG_CAP, present when
 * CPUID.1:EDX.MCA[bit 14] is set. */
static DECLSPEC_NORETURN VOID
KipMachineCheck(PKTRAP_FRAME TrapFrame)
{
    ULONG Eax = 1, Ebx, Ecx = 0, Edx;
    ULONG Bank, BankCount;

    __asm__ __volatile__("cpuid" : "+a"(Eax), "=b"(Ebx), "+c"(Ecx), "=d"(Edx));
    if (Edx & (1U << 14)) {
        BankCount = (ULONG)(KipReadMsr(MSR_MCG_CAP) & 0xFF);
        for (Bank = 0; Bank < BankCount; Bank++) {
            ULONG64 Status = KipReadMsr(MSR_MC0_STATUS + 4 * Bank);

            if (Status & MCI_STATUS_VAL) {
                KiBugCheckWithTrapFrame(MACHINE_CHECK_EXCEPTION, Bank, 0, Status >> 32,
                                        (ULONG)Status, TrapFrame);
            }
        }
    }
    KiBugCheckWithTrapFrame(MACHINE_CHECK_EXCEPTION, (ULONG_PTR)-1, 0, 0, 0, TrapFrame);
}

/* Runs on the trap's stack with interrupts off (every gate is an interrupt
 * gate). Nothing returns yet: every trap is a bugcheck. */
VOID
KiDispatchTrap(PKTRAP_FRAME TrapFrame)
{
    ULONG64 Vector = TrapFrame->Vector;
    /* CR2 first: any page fault taken from here on would overwrite it. */
    ULONG_PTR FaultAddress = (Vector == 14) ? KipReadCr2() : 0;
    ULONG_PTR Rip = TrapFrame->Rip;

    if (Vector >= 32) {
        KiBugCheckWithTrapFrame(UNEXPECTED_KERNEL_MODE_TRAP, Vector, 0, (ULONG_PTR)TrapFrame,
                                Rip, TrapFrame);
    }
    switch (Vector) {
    case 2: {
        UCHAR PortB;

        /* System control port B: bit 7 parity/SERR#, bit 6 I/O channel check. */
        __asm__ __volatile__("inb $0x61, %0" : "=a"(PortB));
        KiBugCheckWithTrapFrame(NMI_HARDWARE_FAILURE, PortB, 0, 0, 0, TrapFrame);
    }
    case 3:
        /* RIP is past the one-byte int3; the exception address is the int3. */
        KiBugCheckWithTrapFrame(KMODE_EXCEPTION_NOT_HANDLED, (ULONG)STATUS_BREAKPOINT, Rip - 1,
                                0, 0, TrapFrame);
    case 13:
        KiBugCheckWithTrapFrame(KMODE_EXCEPTION_NOT_HANDLED, (ULONG)STATUS_ACCESS_VIOLATION, Rip,
                                0, (ULONG_PTR)-1, TrapFrame);
    case 14:
        KipPageFault(TrapFrame, FaultAddress);
    case 18:
        KipMachineCheck(TrapFrame);
    default:
        break;
    }
    if (KiTrapInfo[Vector].ExceptionCode != 0) {
        KiBugCheckWithTrapFrame(KMODE_EXCEPTION_NOT_HANDLED,
                                (ULONG)KiTrapInfo[Vector].ExceptionCode, Rip, 0, 0, TrapFrame);
    }
    KiBugCheckWithTrapFrame(UNEXPECTED_KERNEL_MODE_TRAP, Vector, TrapFrame->ErrorCode,
                            (ULONG_PTR)TrapFrame, Rip, TrapFrame);
}
