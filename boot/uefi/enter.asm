; boot/uefi/enter.asm - from the loader into the kernel: LdrEnterKernel.
;
; Called after ExitBootServices with the System V convention:
;   RDI = physical address of the KESTREL_BOOT_INFO (stays in RDI for the kernel)
;   RSI = CR3 value (boot/uefi/paging.c)
;   RDX = kernel entry, KiStartup64 at -2 GiB
;   RCX = address of the loader's GDTR (null, 0x08 code, 0x10 data)
;   R8  = top of a small stack below 4 GiB
; Everything it touches after the CR3 load (this code, the GDT, the stack)
; lies below 4 GiB, which the boot page tables identity-map; loader.c checks
; that before leaving boot services. The code is position-independent: the
; firmware loaded the loader wherever it liked.

EFER_MSR  equ 0xC0000080
EFER_NXE  equ 1 << 11
CR0_WP    equ 1 << 16
KERNEL_CS equ 0x08
KERNEL_DS equ 0x10

default rel
section .text
bits 64
global LdrEnterKernel

LdrEnterKernel:
    cli
    mov r9, rdx                     ; CPUID below overwrites RDX and RCX
    mov r10, rcx

    ; EFER.NXE when the CPU has NX (CPUID.80000001H:EDX bit 20; Intel SDM
    ; vol. 3A, 4.1.1), as boot/multiboot2/entry.asm does: the kernel's own
    ; page tables mark data no-execute.
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb .no_nx
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 20
    jz .no_nx
    mov ecx, EFER_MSR
    rdmsr
    or eax, EFER_NXE
    wrmsr
.no_nx:
    ; The firmware's GDT is in boot-services memory, which the kernel may
    ; reuse: switch to the loader's, in loader data, before leaving.
    lgdt [r10]
    mov rsp, r8
    mov cr3, rsi
    ; Supervisor writes honour read-only pages from now on, as on the
    ; Multiboot2 path (SDM vol. 3A, 2.5, CR0.WP).
    mov rax, cr0
    or rax, CR0_WP
    mov cr0, rax

    ; Reload CS by a far return, then the data segments.
    lea rax, [.reload]
    push KERNEL_CS
    push rax
    o64 retf
.reload:
    mov eax, KERNEL_DS
    mov ds, eax
    mov es, eax
    mov ss, eax
    xor eax, eax
    mov fs, eax
    mov gs, eax
    xor ebp, ebp                    ; ends the backtrace chain
    jmp r9

section .note.GNU-stack noalloc noexec nowrite progbits
