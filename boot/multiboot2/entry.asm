; boot/multiboot2/entry.asm - the Multiboot2 entry: 32-bit protected mode to
; the kernel's 64-bit entry.
;
; GRUB loads the kernel ELF at its physical addresses (linker.ld: 2 MiB) and
; jumps to Mb2Entry32 (named by the entry-address tag) in 32-bit protected
; mode, paging off, EAX = 0x36D76289 and EBX = physical address of the
; Multiboot2 information (Multiboot2 specification 1.0, section 3.3).
;
; This code builds the boot page tables described in boot/bootinfo.h:
; [0, 4 GiB) identity-mapped and -2 GiB mapped onto physical 0, both with
; 2 MiB pages; turns on PAE, long mode and NX (Intel SDM vol. 3A, 9.8.5);
; then continues in 64-bit mode at the kernel's link address.

MB2_MAGIC        equ 0xE85250D6
MB2_ARCH_I386    equ 0
MB2_LOADER_MAGIC equ 0x36D76289
KERNEL_VIRT      equ 0xFFFFFFFF80000000

PTE_PRESENT      equ 1 << 0
PTE_WRITE        equ 1 << 1
PTE_LARGE        equ 1 << 7

EFER_MSR         equ 0xC0000080
EFER_LME         equ 1 << 8
EFER_NXE         equ 1 << 11

COM1             equ 0x3F8

extern KiMultiboot2Start64

; --- The Multiboot2 header (specification section 3.1) -------------------
section .multiboot2
align 8
Mb2Header:
    dd MB2_MAGIC
    dd MB2_ARCH_I386
    dd Mb2HeaderEnd - Mb2Header
    dd -(MB2_MAGIC + MB2_ARCH_I386 + (Mb2HeaderEnd - Mb2Header))
align 8
    ; Entry address tag (3.1.6): the ELF's own entry is the 64-bit one the
    ; UEFI loader uses, so GRUB is told the 32-bit one here.
    dw 3, 0
    dd 12
    dd Mb2Entry32
align 8
    ; Information request tag (3.1.4): what the kernel reads, all optional.
    dw 1, 1
    dd 8 + 4 * 6
    dd 1        ; command line
    dd 6        ; memory map
    dd 9        ; ELF sections (for symbols)
    dd 14       ; ACPI old RSDP
    dd 15       ; ACPI new RSDP
    dd 2        ; boot loader name
align 8
    dw 0, 0     ; end tag
    dd 8
Mb2HeaderEnd:

; --- 32-bit code, running at its physical address --------------------------
section .boot.text
bits 32
global Mb2Entry32
Mb2Entry32:
    cli
    cld
    mov esp, Mb2BootStackTop
    mov edi, eax                    ; keep the loader magic
    mov esi, ebx                    ; and the information address

    ; Long mode needs CPUID leaf 0x80000001 EDX bit 29 (SDM vol. 2A, CPUID).
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb .no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jz .no_long_mode
    mov ebp, edx                    ; bit 20: NX available

    ; Page tables: PML4[0] -> identity PDPT, PML4[511] -> high PDPT.
    mov eax, Mb2Pdpt0
    or eax, PTE_PRESENT | PTE_WRITE
    mov [Mb2Pml4], eax
    mov eax, Mb2PdptHigh
    or eax, PTE_PRESENT | PTE_WRITE
    mov [Mb2Pml4 + 511 * 8], eax

    ; Four page directories of 2 MiB pages cover [0, 4 GiB).
    xor ecx, ecx                    ; entry index 0..2047
.fill_pd:
    mov eax, ecx
    shl eax, 21                     ; low 32 bits of the physical address
    or eax, PTE_PRESENT | PTE_WRITE | PTE_LARGE
    mov edx, ecx
    shr edx, 11                     ; bits 32+ of (index << 21)
    mov [Mb2Pd + ecx * 8], eax
    mov [Mb2Pd + ecx * 8 + 4], edx
    inc ecx
    cmp ecx, 4 * 512
    jb .fill_pd

    xor ecx, ecx
.fill_pdpt:
    mov eax, ecx
    shl eax, 12
    add eax, Mb2Pd
    or eax, PTE_PRESENT | PTE_WRITE
    mov [Mb2Pdpt0 + ecx * 8], eax
    inc ecx
    cmp ecx, 4
    jb .fill_pdpt

    ; -2 GiB (PDPT index 510) -> physical [0, 1 GiB), the first directory.
    mov eax, Mb2Pd
    or eax, PTE_PRESENT | PTE_WRITE
    mov [Mb2PdptHigh + 510 * 8], eax

    ; CR4.PAE, CR3, EFER.LME (+NXE), then CR0.PG|WP enters long mode.
    mov eax, cr4
    or eax, 1 << 5
    mov cr4, eax
    mov eax, Mb2Pml4
    mov cr3, eax
    mov ecx, EFER_MSR
    rdmsr
    or eax, EFER_LME
    test ebp, 1 << 20
    jz .no_nx
    or eax, EFER_NXE
.no_nx:
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1
    mov cr0, eax

    lgdt [Mb2Gdtr]
    jmp 0x08:Mb2Entry64

.no_long_mode:
    mov esi, Mb2NoLongMode
    call Mb2SerialPuts
.halt:
    hlt
    jmp .halt

; Polled output on COM1, good enough for the one message this stage can give.
Mb2SerialPuts:
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    lodsb
    test al, al
    jz .done
    mov dx, COM1
    out dx, al
    jmp Mb2SerialPuts
.done:
    ret

bits 64
Mb2Entry64:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
    ; EDI = loader magic, ESI = information address (zero-extended by the
    ; 32-bit moves above). Continue at the link address.
    mov rax, KiMultiboot2Start64
    jmp rax

section .boot.data
align 8
Mb2Gdt:
    dq 0
    dq 0x00AF9A000000FFFF           ; 0x08: 64-bit code
    dq 0x00CF92000000FFFF           ; 0x10: data
Mb2Gdtr:
    dw Mb2Gdtr - Mb2Gdt - 1
    dd Mb2Gdt
Mb2NoLongMode:
    db "Kestrel: this CPU has no long mode (x86-64); cannot boot.", 13, 10, 0

section .boot.bss nobits
align 4096
Mb2Pml4:     resb 4096
Mb2Pdpt0:    resb 4096
Mb2PdptHigh: resb 4096
Mb2Pd:       resb 4 * 4096
Mb2BootStack: resb 4096
Mb2BootStackTop:
