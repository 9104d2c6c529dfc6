; kernel/ke/kientry.asm - the entries of the kernel's own interrupts: the
; DISPATCH_LEVEL software interrupt (vector 0x2F, the DPC drain) and the
; clock (vector 0xD1).
;
; Each builds the same KTRAP_FRAME as hal/trap.asm (kernel/ke/amd64.h) and
; calls its C half with a pointer to it: the clock hands it to the DPC
; watchdog, whose crash report then shows where the runaway DPC was. The
; gates are interrupt gates, so both enter with IF=0; the C halves set CR8
; themselves. 22 quadwords keep RSP 16-byte aligned for the call (SDM Vol.
; 3A 6.14.2: the processor aligns RSP before pushing its 5).

%include "kernel/ke/trapframe.inc"

extern KiDispatchInterruptHandler
extern KiClockInterruptHandler

section .text
bits 64

%macro KI_INTERRUPT_ENTRY 3         ; name, vector, C handler
global %1:function (%1.end - %1)
%1:
    push 0                          ; no error code
    push %2
    KI_SAVE_TRAP_REGISTERS
    mov rdi, rsp
    cld
    call %3
    KI_RESTORE_TRAP_REGISTERS
    add rsp, 16
    iretq
.end:
%endmacro

KI_INTERRUPT_ENTRY KiDispatchInterrupt, 0x2F, KiDispatchInterruptHandler
KI_INTERRUPT_ENTRY KiClockInterrupt, 0xD1, KiClockInterruptHandler
