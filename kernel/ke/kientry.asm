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

extern KiDispatchInterruptHandler
extern KiClockInterruptHandler

section .text
bits 64

%macro KI_INTERRUPT_ENTRY 3         ; name, vector, C handler
global %1:function (%1.end - %1)
%1:
    push 0                          ; no error code
    push %2
    push r15
    push r14
    push r13
    push r12
    push r11
    push r10
    push r9
    push r8
    push rbp
    push rdi
    push rsi
    push rdx
    push rcx
    push rbx
    push rax
    mov rdi, rsp
    cld
    call %3
    pop rax
    pop rbx
    pop rcx
    pop rdx
    pop rsi
    pop rdi
    pop rbp
    pop r8
    pop r9
    pop r10
    pop r11
    pop r12
    pop r13
    pop r14
    pop r15
    add rsp, 16
    iretq
.end:
%endmacro

KI_INTERRUPT_ENTRY KiDispatchInterrupt, 0x2F, KiDispatchInterruptHandler
KI_INTERRUPT_ENTRY KiClockInterrupt, 0xD1, KiClockInterruptHandler
