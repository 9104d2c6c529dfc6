; bench/kernel/latency.asm - the benchmark's timestamp at a vector's entry.
;
; The latency benchmark points its vector's IDT gate here. RDTSC is the
; third instruction: the two before it save the registers it overwrites,
; since nothing of the interrupted context may change. That timestamp is the
; `entry` stage. The rest continues at the vector's ordinary entry
; (hal/intstub.asm), so the `isr` and `dpc` stages measure the real path
; plus the eight instructions here.

global KbLatencyEntry
global KbLatencyEntryTsc
global KbLatencyNextEntry

section .text
bits 64
KbLatencyEntry:
    push rax
    push rdx
    rdtsc
    mov [rel KbLatencyEntryTsc], eax
    mov [rel KbLatencyEntryTsc + 4], edx
    pop rdx
    pop rax
    jmp [rel KbLatencyNextEntry]

section .data
align 8
KbLatencyEntryTsc: dq 0
KbLatencyNextEntry: dq 0
