#!/usr/bin/env python3
"""make-acpi-corpus.py - the ACPI fuzzer's seed corpus, from the QEMU fixtures.

    tests/fuzz/make-acpi-corpus.py      (from the top of the tree)

Writes tests/fuzz/corpus/acpi/: for pc and q35, each MADT, FADT, HPET and
MCFG behind its mode byte (0-3, see tests/fuzz/acpi_fuzz.c), each table for
mode 4, and each machine for modes 5 and 6: a revision 2 RSDP at physical
0x10000 followed by an XSDT and an RSDT and the tables, rebased so that
their addresses point inside the input. The DSDT is left out (it is large
and the parser only checks it); the FADT then points outside, which is one
more path. Regenerate after dump-from-qemu.sh changes the fixtures.
"""
import glob
import os
import struct

FIXTURES = "tests/host/data/acpi"
OUT = "tests/fuzz/corpus/acpi"
BASE = 0x10000
MODES = {"APIC": 0, "FACP": 1, "HPET": 2, "MCFG": 3}


def fix_checksum(table, offset):
    table[offset] = 0
    table[offset] = (-sum(table)) & 0xFF


def machine(tables):
    """RSDP (36 bytes) + XSDT + RSDT + the tables, 16-byte aligned."""
    count = len(tables)
    xsdt_at = BASE + 48
    rsdt_at = xsdt_at + ((36 + 8 * count + 15) & ~15)
    at = rsdt_at + ((36 + 4 * count + 15) & ~15)
    addresses = []
    for table in tables:
        addresses.append(at)
        at += (len(table) + 15) & ~15
    xsdt = bytearray(b"XSDT" + struct.pack("<IBB6s8sI4sI", 36 + 8 * count, 1, 0, b"KESTRL",
                                           b"FUZZSEED", 1, b"KTST", 1))
    rsdt = bytearray(b"RSDT" + xsdt[4:36])
    struct.pack_into("<I", rsdt, 4, 36 + 4 * count)
    for address in addresses:
        xsdt += struct.pack("<Q", address)
        rsdt += struct.pack("<I", address)
    fix_checksum(xsdt, 9)
    fix_checksum(rsdt, 9)
    rsdp = bytearray(struct.pack("<8sB6sBIIQB3s", b"RSD PTR ", 0, b"KESTRL", 2, rsdt_at, 36,
                                 xsdt_at, 0, b"\0\0\0"))
    fix_checksum(memoryview(rsdp)[:20], 8)
    fix_checksum(rsdp, 32)
    blob = bytearray(at - BASE)
    for address, table in [(BASE, rsdp), (xsdt_at, xsdt), (rsdt_at, rsdt)] + \
            list(zip(addresses, tables)):
        blob[address - BASE:address - BASE + len(table)] = table
    return bytes(blob)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    for machine_dir in sorted(glob.glob(os.path.join(FIXTURES, "*", ""))):
        name = os.path.basename(os.path.dirname(machine_dir))
        tables = []
        for path in sorted(glob.glob(os.path.join(machine_dir, "*.bin"))):
            signature = os.path.basename(path)[:4]
            if signature in ("RSDP", "RSDT", "XSDT", "DSDT"):
                continue
            with open(path, "rb") as f:
                table = f.read()
            tables.append(table)
            if signature in MODES:
                with open(os.path.join(OUT, f"{name}-{signature}"), "wb") as f:
                    f.write(bytes([MODES[signature]]) + table)
            with open(os.path.join(OUT, f"{name}-{signature}-mapped"), "wb") as f:
                f.write(bytes([4]) + table)
        blob = machine(tables)
        for mode in (5, 6):
            with open(os.path.join(OUT, f"{name}-machine-{mode}"), "wb") as f:
                f.write(bytes([mode]) + blob)
    print(f"{OUT}: {len(os.listdir(OUT))} seeds")


if __name__ == "__main__":
    main()
