#!/usr/bin/env python3
"""serial_peer.py - the host end of QEMU's COM2 for the kernel tests
SerialEchoWithPeer (tests/kernel/serialpeer.c) and, with --break,
SerialBreakFromPeer (tests/kernel/serialerr.c). Python standard library only.

    tests/serial_peer.py SOCKET_PATH [--bytes N] [--timeout SECONDS] [--break]

Listens on a Unix socket; QEMU connects to it as COM2
(KESTREL_COM2=unix:SOCKET_PATH for tests/qemu.sh). Then:
  1. stays silent until the kernel's stream arrives (the kernel's read
     timeout case);
  2. skips what comes before the kernel's marker line (firmware may write
     to COM2 before the kernel runs), reads N bytes and checks them byte
     for byte against the xorshift32 stream seeded 0x1234567;
  3. waits 300 ms (the kernel's WAIT_ON_MASK pends meanwhile);
  4. sends N bytes of the stream seeded 0x89ABCDEF.
Prints a PEER-RX and a PEER-TX line with each stream's CRC-32 (zlib.crc32)
and the throughput it saw; exits 0 only when every received byte matched.

With --break, QEMU's end of the socket is a telnet server
(KESTREL_COM2=unix:SOCKET_PATH,server=on,wait=on,telnet=on: QEMU 7.2
honours telnet only on the listening side, and waits for this peer to
connect before it runs the guest), where a telnet IAC BREAK (0xFF 0xF3)
becomes a break on the UART. The peer connects, ignores QEMU's telnet
negotiation, and:
  1. on the kernel's READY line, sends a bare IAC BREAK;
  2. on its AGAIN line, sends "ab", a break, "cd", 200 ms apart, so that
     QEMU puts the break's NUL between them (it signals a break at once,
     ahead of data that came in the same read).
Telnet mode would double or eat 0xFF in data, which is why the 1 MiB
exchange runs on a plain socket.
"""
import argparse
import os
import socket
import sys
import time
import zlib

SEED_FROM_KERNEL = 0x1234567
SEED_TO_KERNEL = 0x89ABCDEF
MARKER = b"\nKESTREL-SERIAL-PEER-BEGIN\n"


def stream(seed, count):
    """count bytes of the xorshift32 stream (one byte per step)."""
    x = seed
    out = bytearray(count)
    for i in range(count):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = x & 0xFF
    return bytes(out)


IAC_BREAK = b"\xff\xf3"                 # RFC 854: IAC BRK
BREAK_READY = b"\nKESTREL-SERIAL-BREAK-READY\n"
BREAK_AGAIN = b"\nKESTREL-SERIAL-BREAK-AGAIN\n"


def wait_for(conn, marker, seen):
    """Reads until marker has come (seen: what came so far); False on EOF
    or timeout."""
    try:
        while marker not in seen:
            chunk = conn.recv(4096)
            if not chunk:
                return False
            seen += chunk
    except socket.timeout:
        return False
    del seen[:seen.index(marker) + len(marker)]
    return True


def break_exchange(conn):
    """The --break script; 0 when the kernel asked for both breaks."""
    seen = bytearray()
    if not wait_for(conn, BREAK_READY, seen):
        print("PEER-FAIL no READY line from the kernel", flush=True)
        return 1
    conn.sendall(IAC_BREAK)
    print("PEER-BREAK 1 sent: IAC BREAK", flush=True)
    if not wait_for(conn, BREAK_AGAIN, seen):
        print("PEER-FAIL no AGAIN line from the kernel", flush=True)
        return 1
    for piece in (b"ab", IAC_BREAK, b"cd"):
        conn.sendall(piece)
        time.sleep(0.2)
    print("PEER-BREAK 2 sent: ab, IAC BREAK, cd", flush=True)
    return 0


def break_peer(args):
    """--break: connect to QEMU's telnet server socket, run the exchange."""
    deadline = time.monotonic() + args.timeout
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    while True:
        try:
            conn.connect(args.socket_path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() > deadline:
                print("PEER-FAIL QEMU never listened", flush=True)
                return 1
            time.sleep(0.05)
    print(f"PEER connected to {args.socket_path} (telnet)", flush=True)
    conn.settimeout(args.timeout)
    status = break_exchange(conn)
    try:
        while conn.recv(65536):     # until QEMU ends
            pass
    except (socket.timeout, ConnectionResetError):
        pass
    conn.close()
    return status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("socket_path")
    parser.add_argument("--bytes", type=int, default=1024 * 1024)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--break", dest="send_break", action="store_true",
                        help="send telnet breaks instead of the 1 MiB exchange")
    args = parser.parse_args()

    if not args.send_break:
        expected = stream(SEED_FROM_KERNEL, args.bytes)
        answer = stream(SEED_TO_KERNEL, args.bytes)
    if args.send_break:
        return break_peer(args)
    if os.path.exists(args.socket_path):
        os.unlink(args.socket_path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(args.socket_path)
    server.listen(1)
    server.settimeout(args.timeout)
    print(f"PEER listening on {args.socket_path}", flush=True)
    try:
        conn, _ = server.accept()
    except socket.timeout:
        print("PEER-FAIL QEMU never connected", flush=True)
        return 1
    conn.settimeout(args.timeout)

    received = bytearray()
    skipped = None
    first = None
    try:
        while skipped is None or len(received) < args.bytes:
            chunk = conn.recv(65536)
            if not chunk:
                break
            received += chunk
            if skipped is None:
                at = received.find(MARKER)
                if at < 0:
                    continue
                skipped = bytes(received[:at])
                del received[:at + len(MARKER)]
                first = time.monotonic()
    except socket.timeout:
        pass
    last = time.monotonic()
    if skipped is None:
        print(f"PEER-FAIL no marker line in {len(received)} bytes", flush=True)
        return 1
    if skipped:
        print(f"PEER skipped {len(skipped)} bytes before the marker: {skipped[:40]!r}",
              flush=True)
    got = bytes(received[:args.bytes])
    if len(got) < args.bytes:
        print(f"PEER-FAIL received {len(got)} of {args.bytes} bytes", flush=True)
        return 1
    mismatch = next((i for i in range(args.bytes) if got[i] != expected[i]), None)
    rate = args.bytes / (last - first) if first is not None and last > first else 0
    print(f"PEER-RX {args.bytes} bytes crc32 0x{zlib.crc32(got):08x} "
          f"expected 0x{zlib.crc32(expected):08x} "
          f"{'match' if mismatch is None else f'MISMATCH at byte {mismatch}'} "
          f"{rate:.0f} bytes/s", flush=True)
    if mismatch is not None or len(received) != args.bytes:
        if len(received) != args.bytes:
            print(f"PEER-FAIL {len(received) - args.bytes} bytes more than expected", flush=True)
        return 1

    time.sleep(0.3)
    start = time.monotonic()
    conn.sendall(answer)
    print(f"PEER-TX {args.bytes} bytes crc32 0x{zlib.crc32(answer):08x} "
          f"(handed to QEMU in {time.monotonic() - start:.2f} s)", flush=True)
    drain_and_close(conn, server, args.socket_path)
    return 0


def drain_and_close(conn, server, socket_path):
    """Keeps the connection until QEMU ends, so nothing is cut off."""
    try:
        while conn.recv(65536):
            pass
    except (socket.timeout, ConnectionResetError):
        pass
    conn.close()
    server.close()
    os.unlink(socket_path)


if __name__ == "__main__":
    sys.exit(main())
