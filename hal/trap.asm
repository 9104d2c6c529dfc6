; hal/trap.asm - the entry stubs: how every IDT vector reaches the kernel.
;
; Each vector has a stub of at most three instructions that makes every trap
; look alike on the stack, then jumps to HalpTrapCommon, which saves the
; general registers and calls KiDispatchTrap (kernel/ke/trap.c) with a
; pointer to the resulting KTRAP_FRAME (kernel/ke/amd64.h):
;
;     high  SS, RSP, RFLAGS, CS, RIP   pushed by the processor
;           error code                 by the processor (vectors 8, 10-14, 17,
;                                      21, 29, 30) or a zero from the stub
;           vector                     by the stub
;     low   R15 ... RAX                by HalpTrapCommon
;
; SDM Vol. 3A 6.14.2 (64-bit mode stack frame) and Table 6-1 (which
; exceptions push an error code). The processor aligns RSP to 16 bytes
; before it pushes, and 22 quadwords keep that alignment for the C call.
;
; Vectors 32-255 share one shape of stub; the interrupt code will point the
; vectors it uses at its own entries (HalpSetIdtGate), and every other one
; stays here and is reported as an unexpected interrupt.
;
; Kernel mode only for now: when user mode exists, HalpTrapCommon must SWAPGS
; on entry and exit when the saved CS has RPL 3.

%include "kernel/ke/trapframe.inc"

extern KiDispatchTrap
global HalpTrapCommon:function (HalpTrapCommonEnd - HalpTrapCommon)
global HalpTrapReturnAddress
global HalpTrapStubTable

section .text
bits 64

; A vector for which the processor pushes no error code: push a zero in its
; place so that every KTRAP_FRAME has the same layout.
%macro TRAP_STUB 2
global %2:function (%2.end - %2)
%2:
    push 0
    push %1
    jmp HalpTrapCommon
.end:
%endmacro

; A vector for which the processor has already pushed an error code.
%macro TRAP_STUB_ERRORCODE 2
global %2:function (%2.end - %2)
%2:
    push %1
    jmp HalpTrapCommon
.end:
%endmacro

; The names are the SDM's (Table 6-1), so that a backtrace through a stub
; says which exception it was.
TRAP_STUB            0, HalpDivideErrorTrap
TRAP_STUB            1, HalpDebugTrap
TRAP_STUB            2, HalpNmiTrap
TRAP_STUB            3, HalpBreakpointTrap
TRAP_STUB            4, HalpOverflowTrap
TRAP_STUB            5, HalpBoundRangeTrap
TRAP_STUB            6, HalpInvalidOpcodeTrap
TRAP_STUB            7, HalpDeviceNotAvailableTrap
TRAP_STUB_ERRORCODE  8, HalpDoubleFaultTrap
TRAP_STUB            9, HalpSegmentOverrunTrap
TRAP_STUB_ERRORCODE 10, HalpInvalidTssTrap
TRAP_STUB_ERRORCODE 11, HalpSegmentNotPresentTrap
TRAP_STUB_ERRORCODE 12, HalpStackFaultTrap
TRAP_STUB_ERRORCODE 13, HalpGeneralProtectionTrap
TRAP_STUB_ERRORCODE 14, HalpPageFaultTrap
TRAP_STUB           15, HalpReserved15Trap
TRAP_STUB           16, HalpX87FloatingPointTrap
TRAP_STUB_ERRORCODE 17, HalpAlignmentCheckTrap
TRAP_STUB           18, HalpMachineCheckTrap
TRAP_STUB           19, HalpSimdFloatingPointTrap
TRAP_STUB           20, HalpVirtualizationTrap
TRAP_STUB_ERRORCODE 21, HalpControlProtectionTrap
TRAP_STUB           22, HalpReserved22Trap
TRAP_STUB           23, HalpReserved23Trap
TRAP_STUB           24, HalpReserved24Trap
TRAP_STUB           25, HalpReserved25Trap
TRAP_STUB           26, HalpReserved26Trap
TRAP_STUB           27, HalpReserved27Trap
TRAP_STUB           28, HalpHypervisorInjectionTrap
TRAP_STUB_ERRORCODE 29, HalpVmmCommunicationTrap
TRAP_STUB_ERRORCODE 30, HalpSecurityTrap
TRAP_STUB           31, HalpReserved31Trap

; Vectors 32-255: interrupts. Nothing is connected yet, so each is an
; unexpected interrupt; the stub keeps the vector number for the report.
%assign Vector 32
%rep 224
HalpInterrupt%[Vector]:
    push 0
    push Vector
    jmp HalpTrapCommon
%assign Vector Vector + 1
%endrep

; Every stub lands here with the vector and error code pushed.
HalpTrapCommon:
    KI_SAVE_TRAP_REGISTERS  ; all fifteen: see kernel/ke/trapframe.inc
    mov rdi, rsp            ; KiDispatchTrap(PKTRAP_FRAME)
    cld                     ; the ABI wants DF=0 at a call; the interrupted code may have set it
    call KiDispatchTrap
HalpTrapReturnAddress:      ; a backtrace that meets this return address continues through the trap frame
    KI_RESTORE_TRAP_REGISTERS
    add rsp, 16             ; the vector and the error code
    iretq
HalpTrapCommonEnd:

section .rodata
align 8
; The entry of every vector, for hal/idt.c.
HalpTrapStubTable:
    dq HalpDivideErrorTrap, HalpDebugTrap, HalpNmiTrap, HalpBreakpointTrap
    dq HalpOverflowTrap, HalpBoundRangeTrap, HalpInvalidOpcodeTrap, HalpDeviceNotAvailableTrap
    dq HalpDoubleFaultTrap, HalpSegmentOverrunTrap, HalpInvalidTssTrap, HalpSegmentNotPresentTrap
    dq HalpStackFaultTrap, HalpGeneralProtectionTrap, HalpPageFaultTrap, HalpReserved15Trap
    dq HalpX87FloatingPointTrap, HalpAlignmentCheckTrap, HalpMachineCheckTrap, HalpSimdFloatingPointTrap
    dq HalpVirtualizationTrap, HalpControlProtectionTrap, HalpReserved22Trap, HalpReserved23Trap
    dq HalpReserved24Trap, HalpReserved25Trap, HalpReserved26Trap, HalpReserved27Trap
    dq HalpHypervisorInjectionTrap, HalpVmmCommunicationTrap, HalpSecurityTrap, HalpReserved31Trap
%assign Vector 32
%rep 224
    dq HalpInterrupt%[Vector]
%assign Vector Vector + 1
%endrep
