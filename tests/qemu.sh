#!/bin/sh
# qemu.sh - boot Kestrel in QEMU in one of its configurations.
#
#   tests/qemu.sh [--boot grub|uefi] [--machine q35|pc] [--cmdline "args"]
#                 [--interactive | --gdb] [--memory SIZE] [-- extra qemu args]
#
# The kernel console (COM1) is QEMU's standard output. --interactive also
# multiplexes the QEMU monitor there (Ctrl-A X quits); --gdb makes QEMU wait
# for a debugger on localhost:1234. An isa-debug-exit device lets the kernel
# end QEMU with a status: 33 = tests passed, 35 = tests failed, 37 = bugcheck.
#
# GRUB path: an ISO whose grub.cfg carries the command line (cached per
# command line under build/iso-cache). UEFI path: OVMF with a fresh copy of
# its variable store and a copy of build/esp.img whose kestrel.cfg carries the
# command line.
set -eu

BUILD=${BUILD:-build}
BOOT=grub
MACHINE=q35
CMDLINE=""
MODE=batch
MEMORY=256M
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd

while [ $# -gt 0 ]; do
    case "$1" in
    --boot) BOOT=$2; shift 2 ;;
    --machine) MACHINE=$2; shift 2 ;;
    --cmdline) CMDLINE=$2; shift 2 ;;
    --memory) MEMORY=$2; shift 2 ;;
    --interactive) MODE=interactive; shift ;;
    --gdb) MODE=gdb; shift ;;
    --) shift; break ;;
    *) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

case "$MACHINE" in
q35|pc) ;;
*) echo "qemu.sh: MACHINE must be q35 or pc, not '$MACHINE'" >&2; exit 2 ;;
esac

# The boot info holds BOOT_COMMAND_LINE_SIZE (boot/bootinfo.h) bytes with
# the NUL; a longer line would lose its end (say, "harness") and the boot
# would run into its timeout instead of failing here.
LIMIT=$(sed -n 's/^#define BOOT_COMMAND_LINE_SIZE \([0-9]*\).*/\1/p' boot/bootinfo.h)
if [ -n "$LIMIT" ] && [ ${#CMDLINE} -ge "$LIMIT" ]; then
    echo "qemu.sh: the command line is ${#CMDLINE} characters; the kernel keeps $((LIMIT - 1))" >&2
    exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kestrel-qemu.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

case "$BOOT" in
grub)
    key=$(printf '%s' "$CMDLINE" | cksum | cut -d' ' -f1)
    iso="$BUILD/iso-cache/$key.iso"
    if [ ! -f "$iso" ] || [ "$iso" -ot "$BUILD/kestrel.elf" ]; then
        mkdir -p "$BUILD/iso-cache" "$WORK/iso/boot/grub"
        cp "$BUILD/kestrel.elf" "$WORK/iso/boot/kestrel.elf"
        # The command line goes into grub.cfg; '|' and '&' are special to sed.
        escaped=$(printf '%s' "$CMDLINE" | sed 's/[|&\\]/\\&/g')
        sed "s|@KCMD@|$escaped|" boot/multiboot2/grub.cfg > "$WORK/iso/boot/grub/grub.cfg"
        grub-mkrescue -o "$iso.tmp.$$" "$WORK/iso" --locales= --fonts= --themes= \
            >"$WORK/mkrescue.log" 2>&1 || { cat "$WORK/mkrescue.log" >&2; exit 1; }
        mv "$iso.tmp.$$" "$iso"
    fi
    set -- -cdrom "$iso" "$@"
    ;;
uefi)
    cp "$BUILD/esp.img" "$WORK/esp.img"
    printf '%s\n' "$CMDLINE" > "$WORK/kestrel.cfg"
    # The kernel is copied in too, so the image never carries a stale one.
    mcopy -o -i "$WORK/esp.img" "$BUILD/kestrel.elf" ::/kestrel.elf
    mcopy -o -i "$WORK/esp.img" "$WORK/kestrel.cfg" ::/kestrel.cfg
    cp "$OVMF_VARS" "$WORK/vars.fd"
    set -- -drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE" \
        -drive "if=pflash,format=raw,file=$WORK/vars.fd" \
        -drive "file=$WORK/esp.img,format=raw,if=ide" "$@"
    ;;
*)
    echo "qemu.sh: BOOT must be grub or uefi, not '$BOOT'" >&2
    exit 2
    ;;
esac

case "$MODE" in
interactive) set -- -serial mon:stdio "$@" ;;
gdb)
    # gdb owns the terminal, so the console goes to a file.
    echo "qemu.sh: waiting for gdb on localhost:1234; console in $BUILD/console.log" >&2
    set -- -serial "file:$BUILD/console.log" -monitor none -s -S "$@"
    ;;
# COM2 exists for the interrupt and serial tests; KESTREL_COM2 connects it
# elsewhere (tests/run-all.py: unix:PATH to tests/serial_peer.py, and
# unix:PATH,server=on,wait=on,telnet=on for its --break mode, where a telnet
# break from the peer becomes a break on the UART).
batch) set -- -serial stdio -serial "${KESTREL_COM2:-null}" -monitor none "$@" ;;
esac

set -- -M "$MACHINE" -m "$MEMORY" -smp 1 -display none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@"
status=0
if [ "$MODE" = gdb ]; then
    # In the background so that stopping this script (make debug does when
    # gdb quits) also stops QEMU.
    qemu-system-x86_64 "$@" &
    qemu_pid=$!
    trap 'kill $qemu_pid 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM
    wait $qemu_pid || status=$?
else
    # Not exec: the trap above removes the per-run copies when QEMU ends.
    qemu-system-x86_64 "$@" || status=$?
fi
exit $status
