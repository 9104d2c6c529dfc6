; hal/intstub.asm - the short entry of device, clock, IPI and APIC interrupts.
;
; Exceptions go through hal/trap.asm, which saves every register for the
; crash report. An interrupt that is handled and returned from needs much
; less: the C code it calls preserves RBX, RBP, R12-R15 itself (System V
; AMD64 ABI, 3.2.1), so only the nine registers a call may clobber are saved.
; kernel/ke/interrupt.c points a vector's gate here when the first interrupt
; object connects to it (HalpInterruptEntryTable), and back at hal/trap.asm's
; "unexpected interrupt" stub when the last one disconnects.
;
; On entry (interrupt gate: IF = 0), the stack holds what the processor
; pushed (SS, RSP, RFLAGS, CS, RIP; SDM vol. 3A 6.14.2). Then:
;
;     stub    push vector, jump to the common part
;     common  save RAX RCX RDX RSI RDI R8-R11 and the interrupted IRQL (CR8)
;             CR8 = vector >> 4: the IRQL of this vector (the vector map is in
;             hal/halp.h); the local APIC already blocks this class and below
;             through its in-service bit, CR8 makes KeGetCurrentIrql say so
;             STI: higher-IRQL interrupts may preempt the service routines
;             call KiInterruptDispatch(vector): the KINTERRUPT chain
;             CLI, EOI, CR8 = interrupted IRQL, restore, IRETQ
;
; Lowering CR8 with IF still 0 lets anything pending wait for the IRETQ,
; which restores IF: a DPC software interrupt (0x2F) requested by the ISR is
; taken there, once the interrupted code's IRQL is below DISPATCH_LEVEL.
;
; Kernel mode only, like hal/trap.asm: user mode will need SWAPGS here.

extern KiInterruptDispatch
extern HalpLapicEoiRegister
global HalpInterruptEntryTable
global HalpInterruptCommon:function (HalpInterruptCommonEnd - HalpInterruptCommon)
global HalpSpuriousInterrupt:function (HalpSpuriousInterruptEnd - HalpSpuriousInterrupt)
extern KiSpuriousInterruptCount

FIRST_VECTOR equ 0x30               ; the first device vector
LAST_VECTOR equ 0xFE                ; the local APIC error vector
MSR_X2APIC_EOI equ 0x80B            ; SDM vol. 3A Table 11-6

section .text
bits 64

; One stub per vector from 0x30 to 0xFE. PUSH imm32 sign-extends, and every
; vector here is below 0x80000000, so the pushed quadword is the vector.
%assign Vector FIRST_VECTOR
%rep LAST_VECTOR - FIRST_VECTOR + 1
HalpInterrupt%[Vector]Entry:
    push strict dword Vector        ; which vector this is, for the common part
    jmp HalpInterruptCommon
%assign Vector Vector + 1
%endrep

align 16
HalpInterruptCommon:
    push rax                        ; the nine caller-saved registers: the C
    push rcx                        ; code below may change exactly these
    push rdx
    push rsi
    push rdi
    push r8
    push r9
    push r10
    push r11
    mov rax, cr8                    ; the interrupted IRQL, restored on the way out;
    push rax                        ; the tenth push also leaves RSP 16-byte aligned
    mov edi, [rsp + 80]             ; the vector: KiInterruptDispatch's argument
    mov eax, edi
    shr eax, 4                      ; vector >> 4 is the vector's IRQL
    mov cr8, rax                    ; KeGetCurrentIrql() = DIRQL inside the ISRs
    cld                             ; the ABI wants DF = 0; the interrupted code may have set it
    sti                             ; let higher-IRQL interrupts in (the APIC blocks the rest)
    call KiInterruptDispatch
    cli                             ; nothing may arrive between the EOI and the IRETQ
    mov rax, [rel HalpLapicEoiRegister]
    test rax, rax                   ; NULL: the local APIC is in x2APIC mode
    jz .X2ApicEoi
    mov dword [rax], 0              ; xAPIC EOI: any write, 0 by convention (SDM 11.8.5)
    jmp .Restore
.X2ApicEoi:
    mov ecx, MSR_X2APIC_EOI
    xor eax, eax                    ; x2APIC EOI must be written with 0 (SDM 11.12.1.2)
    xor edx, edx
    wrmsr
.Restore:
    pop rax
    mov cr8, rax                    ; back to the interrupted IRQL; IF = 0 until IRETQ
    pop r11
    pop r10
    pop r9
    pop r8
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rax
    add rsp, 8                      ; the vector
    iretq
HalpInterruptCommonEnd:

; Vector 0xFF, the local APIC's spurious interrupt (SDM 11.9): raised when
; an interrupt was withdrawn between its acceptance and its delivery, for
; instance because CR8 rose in between. It sets no in-service bit, so it must
; not be acknowledged: count it and return.
align 16
HalpSpuriousInterrupt:
    lock inc qword [rel KiSpuriousInterruptCount]
    iretq
HalpSpuriousInterruptEnd:

section .rodata
align 8
; The entry of each vector that has one here, 0 for the others (hal/intinit.c).
HalpInterruptEntryTable:
    times FIRST_VECTOR dq 0
%assign Vector FIRST_VECTOR
%rep LAST_VECTOR - FIRST_VECTOR + 1
    dq HalpInterrupt%[Vector]Entry
%assign Vector Vector + 1
%endrep
    dq HalpSpuriousInterrupt
