; kernel/ke/context.asm - KiCaptureContext: the caller's registers, for a report.
;
; KeBugCheckEx has no trap frame, yet its report should show the registers
; and the stack as they were where it was called. C cannot name registers
; reliably, so this routine stores them into a KTRAP_FRAME
; (kernel/ke/amd64.h): RIP is the return address, RSP the caller's stack
; pointer after the return, Vector KI_NO_VECTOR. RDI, the argument itself,
; is stored as it is.

global KiCaptureContext:function (KiCaptureContext.end - KiCaptureContext)

; Offsets into KTRAP_FRAME (checked by _Static_assert in kernel/ke/amd64.h
; for Vector and Rip; the others follow the declaration order).
%define KTF_RAX       0x00
%define KTF_RBX       0x08
%define KTF_RCX       0x10
%define KTF_RDX       0x18
%define KTF_RSI       0x20
%define KTF_RDI       0x28
%define KTF_RBP       0x30
%define KTF_R8        0x38
%define KTF_R9        0x40
%define KTF_R10       0x48
%define KTF_R11       0x50
%define KTF_R12       0x58
%define KTF_R13       0x60
%define KTF_R14       0x68
%define KTF_R15       0x70
%define KTF_VECTOR    0x78
%define KTF_ERRORCODE 0x80
%define KTF_RIP       0x88
%define KTF_CS        0x90
%define KTF_RFLAGS    0x98
%define KTF_RSP       0xA0
%define KTF_SS        0xA8

section .text
bits 64

; VOID KiCaptureContext(PKTRAP_FRAME Context /* RDI */)
KiCaptureContext:
    mov [rdi + KTF_RAX], rax
    mov [rdi + KTF_RBX], rbx
    mov [rdi + KTF_RCX], rcx
    mov [rdi + KTF_RDX], rdx
    mov [rdi + KTF_RSI], rsi
    mov [rdi + KTF_RDI], rdi
    mov [rdi + KTF_RBP], rbp
    mov [rdi + KTF_R8], r8
    mov [rdi + KTF_R9], r9
    mov [rdi + KTF_R10], r10
    mov [rdi + KTF_R11], r11
    mov [rdi + KTF_R12], r12
    mov [rdi + KTF_R13], r13
    mov [rdi + KTF_R14], r14
    mov [rdi + KTF_R15], r15
    mov qword [rdi + KTF_VECTOR], -1
    mov qword [rdi + KTF_ERRORCODE], 0
    mov rax, [rsp]
    mov [rdi + KTF_RIP], rax
    lea rax, [rsp + 8]
    mov [rdi + KTF_RSP], rax
    pushfq
    pop qword [rdi + KTF_RFLAGS]
    mov eax, cs
    mov [rdi + KTF_CS], rax
    mov eax, ss
    mov [rdi + KTF_SS], rax
    mov rax, [rdi + KTF_RAX]
    ret
.end:
