; tests/host/data/mb2capture.asm - a Multiboot2 image that only dumps what GRUB hands it.
;
; Booted by GRUB like Kestrel (same information request), it writes the
; Multiboot2 information block (Multiboot2 Specification 1.0, section 3.6)
; to COM1 as hex lines between "MB2DUMP BEGIN" and "MB2DUMP END", then leaves
; QEMU through isa-debug-exit. mb2capture.sh turns the dump into a fixture
; for tests/host/mb2.c. It is an ELF64 file with a symbol table, like the
; kernel, so that GRUB's ELF sections tag has the kernel's shape.

MB2_MAGIC   equ 0xE85250D6
COM1        equ 0x3F8

section .multiboot2 align=8
Header:
    dd MB2_MAGIC, 0, HeaderEnd - Header
    dd -(MB2_MAGIC + (HeaderEnd - Header))
align 8
    dw 3, 0                         ; entry address (3.1.6)
    dd 12
    dd CaptureEntry
align 8
    dw 1, 1                         ; information request (3.1.4), as entry.asm
    dd 8 + 4 * 6
    dd 1, 6, 9, 14, 15, 2
align 8
    dw 0, 0
    dd 8
HeaderEnd:

section .text
bits 32
global CaptureEntry
CaptureEntry:
    mov esp, StackTop
    mov esi, Begin
    call PutString
    mov ecx, [ebx]                  ; total_size
    xor edi, edi
.byte:
    cmp edi, ecx
    jae .done
    mov al, [ebx + edi]
    call PutHexByte
    inc edi
    test edi, 31
    jnz .byte
    mov al, 10
    call PutChar
    jmp .byte
.done:
    mov esi, End
    call PutString
    mov dx, 0xF4                    ; isa-debug-exit: QEMU exits with 33
    mov al, 0x10
    out dx, al
.halt:
    hlt
    jmp .halt

PutHexByte:
    push eax
    shr al, 4
    call PutNibble
    pop eax
PutNibble:
    and al, 15
    add al, '0'
    cmp al, '9'
    jbe PutChar
    add al, 'a' - '9' - 1
PutChar:
    push edx
    push eax
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    pop eax
    mov dx, COM1
    out dx, al
    pop edx
    ret

PutString:
    lodsb
    test al, al
    jz .out
    call PutChar
    jmp PutString
.out:
    ret

section .data
Begin: db "MB2DUMP BEGIN", 10, 0
End:   db 10, "MB2DUMP END", 10, 0

section .bss
align 16
Stack: resb 4096
StackTop:
