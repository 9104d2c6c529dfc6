#!/bin/sh
# dump-from-qemu.sh - regenerate the ACPI fixtures of the host tests from what
# QEMU's firmware really builds.
#
#   tests/host/data/acpi/dump-from-qemu.sh [machine...]
#
# Machines: pc and q35 boot through GRUB on SeaBIOS (RSDP revision 0, RSDT);
# q35-uefi boots Kestrel's UEFI loader on OVMF (revision 2, XSDT). Default:
# all three. Each boots with "acpidump harness":
# the kernel prints every table as ACPIDUMP lines (format in hal/acpidump.c)
# and ends QEMU with exit status 33. The lines are checked (every offset
# present, lengths agree, tables sum to zero, the ACPIDUMP-END count
# matches) and written to tests/host/data/acpi/<machine>/<SIG>@<address>.bin,
# replacing the old fixtures. The address is the table's physical address,
# so tests/host/acpifake.c can rebuild the machine's address space.
set -eu

cd "$(dirname "$0")/../../../.."
OUT=tests/host/data/acpi
[ $# -gt 0 ] || set -- pc q35 q35-uefi

make -s kernel efi

for machine in "$@"; do
    case "$machine" in
    *-uefi) boot=uefi ;;
    *) boot=grub ;;
    esac
    log=$(mktemp "${TMPDIR:-/tmp}/acpidump-$machine.XXXXXX")
    status=0
    timeout 180 tests/qemu.sh --boot "$boot" --machine "${machine%-uefi}" \
        --cmdline "acpidump harness" >"$log" 2>&1 || status=$?
    if [ "$status" -ne 33 ]; then
        echo "dump-from-qemu: QEMU ($machine) exited with status $status, not 33; log: $log" >&2
        exit 1
    fi
    python3 - "$log" "$OUT/$machine" <<'PY'
import os, sys

log, out = sys.argv[1], sys.argv[2]
tables, order, expected = {}, [], None
with open(log, "rb") as f:
    for raw in f:
        line = raw.decode("latin-1").strip()
        at = line.find("ACPIDUMP")
        if at < 0:
            continue
        fields = line[at:].split()
        if fields[0] == "ACPIDUMP-END":
            expected = int(fields[1], 16)
            continue
        if fields[0] != "ACPIDUMP" or len(fields) != 6:
            sys.exit(f"dump-from-qemu: malformed line: {line!r}")
        sig, addr, length, offset, data = fields[1], int(fields[2], 16), int(fields[3], 16), \
            int(fields[4], 16), bytes.fromhex(fields[5])
        key = (sig, addr)
        if key not in tables:
            tables[key] = (length, {})
            order.append(key)
        if tables[key][0] != length:
            sys.exit(f"dump-from-qemu: {sig} at {addr:#x}: lengths disagree")
        tables[key][1][offset] = data

if expected is None or expected != len(order):
    sys.exit(f"dump-from-qemu: {out}: ACPIDUMP-END says {expected}, found {len(order)} tables")
os.makedirs(out, exist_ok=True)
for name in os.listdir(out):
    if name.endswith(".bin"):
        os.remove(os.path.join(out, name))
for sig, addr in order:
    length, chunks = tables[(sig, addr)]
    blob, position = b"", 0
    for offset in sorted(chunks):
        if offset != position:
            sys.exit(f"dump-from-qemu: {sig} at {addr:#x}: bytes missing at {position:#x}")
        blob += chunks[offset]
        position += len(chunks[offset])
    if len(blob) != length:
        sys.exit(f"dump-from-qemu: {sig} at {addr:#x}: {len(blob)} bytes, expected {length}")
    checked = blob[:20] if sig == "RSDP" else blob
    if sum(checked) % 256 != 0:
        sys.exit(f"dump-from-qemu: {sig} at {addr:#x}: checksum does not add up")
    with open(os.path.join(out, f"{sig}@{addr:x}.bin"), "wb") as f:
        f.write(blob)
    print(f"{out}/{sig}@{addr:x}.bin: {length} bytes")
PY
    rm -f "$log"
done
