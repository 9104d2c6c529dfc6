#!/bin/sh
# tests/host/data/mb2capture.sh - capture a real Multiboot2 information block from GRUB.
#
# Builds mb2capture.asm into a tiny ELF64 image, boots it with GRUB (via
# grub-mkrescue) in QEMU, and writes the block GRUB handed over as hex to
# the fixture named by $1 (default grub-bios-q35.hex next to this script).
# Usage: tests/host/data/mb2capture.sh [fixture.hex] [q35|pc]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/grub-bios-q35.hex}
machine=${2:-q35}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

nasm -f elf64 -o "$work/capture.o" "$here/mb2capture.asm"
cat > "$work/capture.ld" <<'LD'
ENTRY(CaptureEntry)
SECTIONS {
    . = 0x100000;
    .text : { *(.multiboot2) *(.text) }
    .data : { *(.data) }
    .bss : { *(.bss) }
}
LD
mkdir -p "$work/iso/boot/grub"
ld -m elf_x86_64 -nostdlib -z max-page-size=0x1000 --no-warn-rwx-segments -T "$work/capture.ld" \
    -o "$work/iso/boot/capture.elf" "$work/capture.o"
cat > "$work/iso/boot/grub/grub.cfg" <<'CFG'
set timeout=0
menuentry "capture" {
    multiboot2 /boot/capture.elf ktest=all harness
    boot
}
CFG
grub-mkrescue -o "$work/capture.iso" "$work/iso" >/dev/null 2>&1
status=0
timeout 60 qemu-system-x86_64 -M "$machine" -m 128M -cdrom "$work/capture.iso" -serial "file:$work/serial.txt" \
    -display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 || status=$?
if [ "$status" -ne 33 ]; then
    echo "mb2capture: QEMU exited with $status, expected 33" >&2
    exit 1
fi
{
    echo "# Multiboot2 information block from GRUB ($(grub-mkrescue --version | head -n1)), QEMU $machine,"
    echo "# 128 MiB, SeaBIOS, captured by tests/host/data/mb2capture.sh. Hex, 32 bytes a line."
    sed -n '/^MB2DUMP BEGIN/,/^MB2DUMP END/p' "$work/serial.txt" | tr -d '\r' | grep -v '^MB2DUMP' | grep -v '^$'
} > "$out"
echo "mb2capture: wrote $out"
