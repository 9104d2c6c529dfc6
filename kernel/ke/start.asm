; kernel/ke/start.asm - the kernel's one 64-bit entry, shared by both boot paths.
;
; KiStartup64 is the ELF entry point that the UEFI loader jumps to;
; KiMultiboot2Start64 is where boot/multiboot2/entry.asm lands after entering
; long mode. Both switch to the boot stack, set the stack-protector cookie
; before any C code that checks it runs (what the WDK's GsDriverEntry does for
; a driver), and call KiSystemStartup with the boot information.

extern KiSystemStartup
extern KiMultiboot2ToBootInfo
global KiStartup64
global KiMultiboot2Start64
global KiBootStackGuard
global KiBootStackTop
global __stack_chk_guard

KI_BOOT_STACK_SIZE equ 16 * 1024

section .text
bits 64

; RDI = address of a KESTREL_BOOT_INFO, valid under the boot page tables.
KiStartup64:
    cli
    lea rsp, [rel KiBootStackTop]
    xor ebp, ebp                    ; ends the backtrace chain
    push rdi
    call KiInitializeStackCookie
    pop rdi
    call KiSystemStartup
    jmp KiHaltForever

; EDI = Multiboot2 loader magic, ESI = physical address of the information.
KiMultiboot2Start64:
    cli
    lea rsp, [rel KiBootStackTop]
    xor ebp, ebp
    push rdi
    push rsi
    call KiInitializeStackCookie
    pop rsi
    pop rdi
    call KiMultiboot2ToBootInfo     ; returns KESTREL_BOOT_INFO* in RAX
    mov rdi, rax
    call KiSystemStartup
    jmp KiHaltForever

; The cookie comes from RDRAND where the CPU has it (CPUID.1:ECX bit 30),
; mixed with the time-stamp counter either way. Clobbers RAX-RDX.
KiInitializeStackCookie:
    push rbx
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov r8, rax
    mov eax, 1
    cpuid
    test ecx, 1 << 30
    jz .mix
    mov ecx, 10                     ; RDRAND may fail transiently: retry
.retry:
    rdrand rax
    jc .got
    dec ecx
    jnz .retry
    jmp .mix
.got:
    xor r8, rax
.mix:
    ; A multiplicative scramble so that nearby TSC values differ in every byte.
    mov rax, 0x9E3779B97F4A7C15
    imul r8, rax
    mov rax, r8
    shr rax, 29
    xor r8, rax
    ; The low byte is zero so that string overruns stop at the cookie.
    shl r8, 8
    mov [rel __stack_chk_guard], r8
    pop rbx
    ret

KiHaltForever:
    cli
    hlt
    jmp KiHaltForever

section .data
align 8
__stack_chk_guard: dq 0x595e9fbd94fda766

section .bss
align 4096
; The page below the boot stack is left unmapped by MmInitSystem so that an
; overflow faults instead of overwriting .bss.
KiBootStackGuard: resb 4096
KiBootStack:      resb KI_BOOT_STACK_SIZE
KiBootStackTop:
