; kernel/ke/ctxswap.asm - the context switch and a new thread's first steps.
;
; A thread that is not running is described by one value: the stack
; pointer saved in its KTHREAD (KernelStack, kernel/ke/thread.h). Below it
; on its own stack lie what the System V AMD64 ABI (3.2.1) says a called
; routine must preserve - RBX, RBP, R12-R15 - and RFLAGS, so that each
; thread gets back its own interrupt flag; everything else the C caller of
; KiSwapContext has already given up. Kernel code uses no x87/SSE state
; (-mgeneral-regs-only), so there is none to save.
;
;     KernelStack -> RFLAGS  R15  R14  R13  R12  RBX  RBP  return address
;
; A new thread's stack is built by KiInitializeThread to look the same,
; with KiThreadStartup as the return address and the routine to run in
; RBX, R12 and R13. Switches happen at DISPATCH_LEVEL with the dispatcher
; lock held (the caller's job); nothing here touches CR8.

global KiSwapContext:function (KiSwapContext.end - KiSwapContext)
global KiThreadStartup:function (KiThreadStartup.end - KiThreadStartup)
extern KiThreadStartupRelease

KTHREAD_KERNEL_STACK equ 0x18       ; offsetof(KTHREAD, KernelStack), asserted in thread.h

section .text
bits 64

; VOID KiSwapContext(PKTHREAD OldThread /* RDI */, PKTHREAD NewThread /* RSI */)
KiSwapContext:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    pushfq
    mov [rdi + KTHREAD_KERNEL_STACK], rsp
    mov rsp, [rsi + KTHREAD_KERNEL_STACK]
    popfq
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret
.end:

; A new thread's first instructions, entered by KiSwapContext's RET with
; RBX = the system routine, R12 = the start routine, R13 = its context,
; RBP = 0 (the end of the frame-pointer chain for backtraces) and RSP
; 16-byte aligned. The system routine never returns.
KiThreadStartup:
    call KiThreadStartupRelease     ; lock released, PASSIVE_LEVEL, interrupts on
    mov rdi, r12
    mov rsi, r13
    call rbx
    ud2
.end:
