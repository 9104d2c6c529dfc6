#!/usr/bin/env python3
"""run-all.py - every Kestrel test, ending with the line "N passed, N failed".

1. Host unit tests (build/host/*, cmocka, sanitizers): one result per test case.
2. In-kernel tests: each boot configuration boots once with "ktest=all" and
   every KTEST line is one result; the boot itself (banner first, summary
   printed, QEMU exit status 33) is one more.
3. Planted-bug tests (KTEST_BUGCHECK): each boots alone and must stop the
   machine with its bugcheck code (QEMU exit status 37 and the crash report's
   "*** STOP: 0x<code>" line).

A boot that hangs is killed by its timeout and counts as failed. Serial logs
are kept in build/test-logs/. Timings are printed for information only;
nothing here asserts a time.
"""
import concurrent.futures
import os
import re
import subprocess
import sys
import time

BUILD = os.environ.get("BUILD", "build")
LOGS = os.path.join(BUILD, "test-logs")
JOBS = int(os.environ.get("JOBS", os.cpu_count() or 2))

# (name, boot path, machine, seconds before a boot counts as hung)
CONFIGS = [
    ("q35-grub", "grub", "q35", 90),
    ("pc-grub", "grub", "pc", 90),
    ("q35-uefi", "uefi", "q35", 150),
]
EXIT_PASS, EXIT_FAIL, EXIT_BUGCHECK = 33, 35, 37

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b.")
results = []  # (passed, name, detail)


def record(passed, name, detail=""):
    results.append((passed, name, detail))
    line = ("PASS " if passed else "FAIL ") + name
    if detail and not passed:
        line += ": " + detail
    print(line, flush=True)


def clean_lines(raw):
    """Serial output as text lines, without firmware escape sequences."""
    text = ANSI.sub("", raw.decode("latin-1"))
    return [line.rstrip("\r") for line in text.replace("\r\n", "\n").split("\n")]


def boot(config, cmdline, tag, qemu_extra=(), env=None):
    """Boots one configuration; returns (exit status or None on timeout,
    lines, seconds to the banner or None). env: the environment of
    tests/qemu.sh (KESTREL_COM2, ...), os.environ when None."""
    name, path, machine, limit = config
    os.makedirs(LOGS, exist_ok=True)
    log_path = os.path.join(LOGS, f"{name}-{tag}.log")
    command = ["tests/qemu.sh", "--boot", path, "--machine", machine,
               "--cmdline", cmdline + " harness", "--", *qemu_extra]
    start = time.monotonic()
    banner_at = None
    output = bytearray()
    process = subprocess.Popen(command, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True, env=env)
    os.set_blocking(process.stdout.fileno(), False)
    status = None
    while True:
        chunk = None
        try:
            chunk = process.stdout.read()
        except BlockingIOError:
            pass
        if chunk:
            output += chunk
            if banner_at is None and re.search(rb"(^|\n)Kestrel \d", output):
                banner_at = time.monotonic() - start
        status = process.poll()
        if status is not None:
            rest = process.stdout.read()
            if rest:
                output += rest
            break
        if time.monotonic() - start > limit:
            os.killpg(process.pid, 9)
            process.wait()
            status = None
            break
        time.sleep(0.02)
    with open(log_path, "wb") as log:
        log.write(output)
    return status, clean_lines(bytes(output)), banner_at


def run_host_tests():
    host_dir = os.path.join(BUILD, "host")
    if not os.path.isdir(host_dir):
        return
    for binary in sorted(os.listdir(host_dir)):
        path = os.path.join(host_dir, binary)
        if binary.endswith(".d") or not os.access(path, os.X_OK) or os.path.isdir(path):
            continue
        env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP")
        try:
            proc = subprocess.run([path], capture_output=True, env=env, timeout=300)
            out = proc.stdout.decode("latin-1") + proc.stderr.decode("latin-1")
            code = proc.returncode
        except subprocess.TimeoutExpired:
            record(False, f"host/{binary}", "timed out")
            continue
        cases = 0
        for line in out.splitlines():
            match = re.match(r"(not ok|ok) \d+ - (.*)", line.strip())
            if match:
                cases += 1
                ok = match.group(1) == "ok"
                record(ok, f"host/{binary}/{match.group(2).strip()}",
                       "" if ok else "see output above")
                if not ok:
                    print(out, flush=True)
        if code != 0 and (cases == 0 or all(r[0] for r in results[-cases:])):
            print(out, flush=True)
            record(False, f"host/{binary}", f"exit status {code} (crash or sanitizer report)")
        elif cases == 0:
            record(False, f"host/{binary}", "ran no test case")


def kernel_line_index(lines, pattern):
    for index, line in enumerate(lines):
        if re.search(pattern, line):
            return index
    return None


def run_config_all(config):
    """One boot with ktest=all: returns a list of (passed, name, detail)."""
    name = config[0]
    out = []
    status, lines, banner_at = boot(config, "ktest=all", "all")
    banner = kernel_line_index(lines, r"^Kestrel \d+\.\d+\.\d+ ")
    first_kernel_line = kernel_line_index(lines, r"^(Kestrel \d|KTEST|\*\*\* STOP)")
    started = None
    for line in lines:
        match = re.match(r"^KTEST (\S+) (START|PASS|FAIL)", line)
        if not match:
            continue
        test, what = match.groups()
        if what == "START":
            started = test
        else:
            out.append((what == "PASS", f"{name}/{test}", "" if what == "PASS" else
                        "; ".join(l for l in lines if l.startswith("FAIL "))[:300]))
            started = None
    if started is not None:
        stop = next((l for l in lines if l.startswith("*** STOP")), "hung (timeout)")
        out.append((False, f"{name}/{started}", f"did not finish: {stop}"))
    problems = []
    if banner is None:
        problems.append("no 'Kestrel <version>' banner")
    elif first_kernel_line != banner:
        problems.append("the banner was not the kernel's first line")
    if not any(l.startswith("KTEST-SUMMARY") for l in lines):
        problems.append("no KTEST-SUMMARY line")
    if status is None:
        problems.append("timed out")
    elif status != EXIT_PASS and not (status == EXIT_FAIL and any(not r[0] for r in out)):
        problems.append(f"QEMU exit status {status}, expected {EXIT_PASS}")
    out.append((not problems, f"{name}/boot", "; ".join(problems) + f" (log {LOGS}/{name}-all.log)"))
    timing = f"{banner_at:.2f} s" if banner_at is not None else "never"
    print(f"timing: {name}: QEMU start to the kernel's first line: {timing}", flush=True)
    return out


# The PCI boots' extra devices; make_nvme_image() writes the NVMe
# controller's 1 MiB backing file.
NVME_IMAGE = os.path.join(BUILD, "nvme-test.img")
# The boots run at once and share the file: no image locking.
PCI_TEST_DEVICES = ["-drive", f"file={NVME_IMAGE},if=none,id=nvm,format=raw,file.locking=off",
                    "-device", "nvme,serial=kestrel,drive=nvm",
                    "-device", "pci-bridge,id=br1,chassis_nr=1",
                    "-device", "pci-serial,bus=br1,addr=2",
                    "-device", "edu"]


def make_nvme_image():
    os.makedirs(BUILD, exist_ok=True)
    with open(NVME_IMAGE, "wb") as image:
        image.write(bytes(1024 * 1024))


# Machines that are not the usual ones: each boots once with the listed
# tests and must print every listed line (regular expressions) and pass.
# (name, configuration, kernel tests, extra QEMU arguments, required lines)
SPECIAL_BOOTS = [
    # No ACPI at all: the kernel must say so by name and carry on.
    ("no-acpi", CONFIGS[1], "BootCommandLineArrives", ["-machine", "acpi=off"],
     [r"^ACPI: the boot loader found no RSDP"]),
    # 5 GiB: part of RAM lies above 4 GiB and the memory tests map it.
    ("5g-ram", CONFIGS[0], "all", ["-m", "5G"], [r"^Mm: .* free of"]),
    ("5g-ram", CONFIGS[2], "all", ["-m", "5G"], [r"^Mm: .* free of"]),
    # The latency benchmark's kernel half runs to the end and the machine
    # passes; its figures are make bench's business, not judged here.
    ("bench", CONFIGS[0], "BootSymbolsResolve bench=latency,switch,irp",
     ["-icount", "shift=0,sleep=off"],
     [r"^BENCH-SAMPLES thread \d", r"^BENCH-SAMPLES switch \d", r"^BENCH-SAMPLES irp \d",
      r"^BENCH-END"]),
    # PCI: an NVMe controller (MSI-X) and a PCI 16550 behind a PCI-to-PCI
    # bridge, found through ECAM (q35) and ports 0xCF8/0xCFC (pc).
    # The bus driver then gives the 16550 to \Driver\Serial (PciBusSerialCardStarted).
    *[("pci", config, "PciEnumerateFindsChipset,PciNvmeMsix,PciSerialBehindBridge,"
       "NvmeMsixStarted,NvmeIdentifyThroughMsix,NvmeMsixSurvivesStopStart,"
       "PciBusRootStarted,PciBusEveryFunctionHasPdo,PciBusPdoAnswersQueries,"
       "PciBusConfigThroughIrpAndInterface,PciBusReenumerationKeepsPdos,PciBusSerialCardStarted,"
       "PciBusSerialCardInterrupts,PciBusRescanLeavesKnownBarsAlone,PciBusTreeFollowsBridges,"
       "PciBusSlotNumbersFromPorts,PciBusBridgeRefusesStopAndGoesAfterChildren,"
       "PciBusPdoProperties,PciBusSerialCardEnabledAgain,"
       "PciMsiEduStarted,PciMsiEduInterruptsCounted,PciMsiEduFactorial,PciMsiEduStopStart "
       "pcilist",
       PCI_TEST_DEVICES,
       [rf"^PCI 00:00\.0 8086:{host} ",
        r"^PCI: NVMe controller at 00:0[34]\.0, version 1\.\d+, MSI-X \d+ entries",
        # The NVMe controller by MSI-X (tests/kernel/ktnvmetest.c, KtNvme).
        r"^NVMe: KtNvme started on PCI\\VEN_1B36&DEV_0010&\S+ with [1-8] MSI-X message\(s\)",
        r"^NVMe: 4 x Identify Controller through MSI-X message 0: status 0, "
        r"model 'QEMU NVMe Ctrl +', serial 'kestrel +', 4 interrupt\(s\)",
        r"^NVMe: 2 x Identify Controller through MSI-X message 0: status 0, .*, 2 interrupt\(s\)",
        r"^PCI: serial controller at 01:02\.0 behind the bridge on bus 0",
        r"^PCI: \d+ function\(s\) report their bus, description and location",
        r"^PCI: serial card removed in its slot and enabled again",
        r"^PCI: \d+ function\(s\) on 2 bus\(es\), 0 problem",
        r"^PCI: root bus 0: \d+ function\(s\), \d+ new \(sized\), 0 known \(not sized again\), "
        r"0 gone",
        r"^PCI: bus 1 behind bridge 00:[0-9a-f]{2}\.0: 1 function\(s\), 1 new \(sized\), 0 known",
        r"^PCI: tree: ACPI\\PNP0A0[38]\\0 > PCI\\VEN_1B36&DEV_0001&\S+\\00&[0-9A-F]{2}&0 "
        r"\(bus 1\) > PCI\\VEN_1B36&DEV_0002&\S+\\01&02&0 at 01:02\.0",
        r"^PCI: bridge PCI\\VEN_1B36&DEV_0001&\S+ removed after its card and enumerated again",
        r"^PCI: re-scan of bus 1: \d+ function\(s\), 0 new, \d+ known, 0 gone; 0 config write",
        r"^PCI: serial card at 01:02\.0 started by \\Driver\\Serial with I/O 0x",
        r"^PCI: serial card \\DosDevices\\COM\d+: a 256-byte write ended with 0x00000000",
        # QEMU's edu device by MSI (tests/kernel/pcimsi.c, KtEdu).
        r"^EDU: MSI of PCI\\VEN_1234&DEV_11E8&\S+: address 0xfee[0-9a-f]{5} data 0x00[3-9a-c][0-9a-f] "
        r"-> vector 0x[3-9a-c][0-9a-f] IRQL \d+; MSI Enable 1, Interrupt Disable 1",
        r"^EDU: 16 interrupt\(s\) raised, 16 message ISR call\(s\) \(message 0\), \d+ DPC run\(s\), "
        r"0 unclaimed",
        r"^EDU: 10! = 3628800, announced by 1 interrupt\(s\)",
        r"^EDU: stopped: MSI Enable 0, Interrupt Disable 1, Memory Space 0",
        r"^EDU: started again: MSI on, an interrupt raised arrived"])
      for config, host in ((CONFIGS[0], "29c0"), (CONFIGS[1], "1237"), (CONFIGS[2], "29c0"))],
]


def run_special_boot(special):
    tag, config, tests, extra, required = special
    status, lines, _ = boot(config, f"ktest={tests}", tag, extra)
    problems = []
    for pattern in required:
        if not any(re.search(pattern, line) for line in lines):
            problems.append(f"no line matching '{pattern}'")
    failed_tests = [l for l in lines if re.match(r"^KTEST \S+ FAIL", l)]
    problems += failed_tests
    if status != EXIT_PASS:
        problems.append(f"QEMU exit status {status}, expected {EXIT_PASS}")
    name = f"{config[0]}-{tag}/boot"
    return (not problems, name, "; ".join(problems) + f" (log {LOGS}/{config[0]}-{tag}.log)")


def finish_peer(peer, config, tag, prefix, lines, problems):
    """Waits for the host peer of a serial boot (tag), keeps its output in
    the logs, prints it with the kernel's lines that start with prefix,
    and adds to problems what went wrong on its side. Its lines."""
    try:
        peer_out, _ = peer.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(peer.pid, 9)
        peer_out, _ = peer.communicate()
        problems.append("the peer did not finish")
    peer_lines = peer_out.decode("latin-1").splitlines()
    with open(os.path.join(LOGS, f"{config[0]}-{tag}-host.log"), "w") as log:
        log.write("\n".join(peer_lines) + "\n")
    for line in [l for l in lines if l.startswith(prefix)] + peer_lines:
        print(f"{config[0]}: {line}", flush=True)
    if peer.returncode != 0:
        problems.append(f"the peer failed (exit {peer.returncode}): " +
                        "; ".join(l for l in peer_lines if "FAIL" in l or "MISMATCH" in l))
    return peer_lines


def run_serial_peer_boot(config):
    """The serial driver against a real client: tests/serial_peer.py listens
    on a Unix socket, QEMU's COM2 connects to it, and the kernel test
    SerialEchoWithPeer sends and receives 1 MiB each way. Both sides must
    report every byte intact; the throughput lines are printed for
    information."""
    import tempfile
    name = f"{config[0]}-serial-peer/boot"
    folder = tempfile.mkdtemp(prefix="kestrel-peer-")
    socket_path = os.path.join(folder, "com2.sock")
    peer = subprocess.Popen([sys.executable, "tests/serial_peer.py", socket_path],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    problems = []
    for _ in range(100):                    # the peer listens before QEMU connects
        if os.path.exists(socket_path) or peer.poll() is not None:
            break
        time.sleep(0.05)
    env = dict(os.environ, KESTREL_COM2="unix:" + socket_path)
    status, lines, _ = boot(config, "ktest=SerialEchoWithPeer serialpeer", "serial-peer", env=env)
    peer_lines = finish_peer(peer, config, "serial-peer", "SERIAL-PEER", lines, problems)
    kernel_crcs = [re.search(r"crc32 (0x[0-9a-f]+)", l) for l in lines
                   if re.match(r"^SERIAL-PEER (sent|received) 1048576 bytes", l)]
    peer_crcs = [re.search(r"crc32 (0x[0-9a-f]+)", l) for l in peer_lines
                 if re.match(r"^PEER-(RX|TX) 1048576 bytes", l)]
    if len(kernel_crcs) != 2 or len(peer_crcs) != 2 or \
            [m.group(1) for m in kernel_crcs] != [m.group(1) for m in peer_crcs]:
        problems.append("the kernel's and the peer's CRC-32 lines do not agree")
    if not any(re.match(r"^SERIAL-PEER a read left pending ended with 0xc0000120 and 0 bytes", l)
               for l in lines):
        problems.append("no read cancelled (STATUS_CANCELLED) by closing its handle")
    if not any(re.match(r"^KTEST SerialEchoWithPeer PASS", l) for l in lines):
        problems.append("SerialEchoWithPeer did not pass")
    if status != EXIT_PASS:
        problems.append(f"QEMU exit status {status}, expected {EXIT_PASS}")
    subprocess.run(["rm", "-rf", folder])
    return (not problems, name, "; ".join(problems) + f" (log {LOGS}/{config[0]}-serial-peer.log)")


def run_serial_break_boot(config):
    """Line breaks from a real peer: QEMU's COM2 is a telnet server socket
    (QEMU 7.2 honours telnet only when it listens) that waits for
    tests/serial_peer.py --break to connect; a telnet IAC BREAK from the
    peer becomes a break on the UART, and the kernel test
    SerialBreakFromPeer must see SERIAL_EV_BREAK and SERIAL_ERROR_BREAK for
    each. (Telnet mode rewrites 0xFF bytes, so the 1 MiB exchange keeps its
    plain socket.)"""
    import tempfile
    name = f"{config[0]}-serial-break/boot"
    folder = tempfile.mkdtemp(prefix="kestrel-break-")
    socket_path = os.path.join(folder, "com2.sock")
    peer = subprocess.Popen([sys.executable, "tests/serial_peer.py", socket_path, "--break",
                             "--timeout", "60"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    problems = []
    # QEMU listens and waits for the peer, which keeps trying to connect.
    env = dict(os.environ,
               KESTREL_COM2="unix:" + socket_path + ",server=on,wait=on,telnet=on")
    status, lines, _ = boot(config, "ktest=SerialBreakFromPeer serialbreak", "serial-break",
                            env=env)
    peer_lines = finish_peer(peer, config, "serial-break", "SERIAL-BREAK", lines, problems)
    if not any(re.match(r"^SERIAL-BREAK two breaks from the peer", l) for l in lines):
        problems.append("the kernel did not report both breaks")
    if not any(re.match(r"^KTEST SerialBreakFromPeer PASS", l) for l in lines):
        problems.append("SerialBreakFromPeer did not pass")
    if status != EXIT_PASS:
        problems.append(f"QEMU exit status {status}, expected {EXIT_PASS}")
    subprocess.run(["rm", "-rf", folder])
    return (not problems, name, "; ".join(problems) + f" (log {LOGS}/{config[0]}-serial-break.log)")


def list_bugcheck_tests():
    """Asks the kernel for its test table (ktest=list) on the quickest boot."""
    status, lines, _ = boot(CONFIGS[0], "ktest=list", "list")
    tests = []
    for line in lines:
        match = re.match(r"^KTEST-LIST (\S+) 0x([0-9A-Fa-f]+)", line)
        if match and int(match.group(2), 16) != 0:
            tests.append((match.group(1), int(match.group(2), 16)))
    if status != EXIT_PASS:
        record(False, "kernel/test-list", f"ktest=list boot ended with status {status}")
    return tests


def run_bugcheck_test(config, test, code):
    name = config[0]
    status, lines, _ = boot(config, f"ktest={test}", test)
    stop = f"*** STOP: 0x{code:08X}"
    problems = []
    if not any(l.startswith(f"KTEST {test} START") for l in lines):
        problems.append("the test never started")
    if not any(l.startswith(stop) for l in lines):
        seen = next((l for l in lines if l.startswith("*** STOP")), "no STOP line")
        problems.append(f"expected '{stop}', saw '{seen}'")
    if status != EXIT_BUGCHECK:
        problems.append(f"QEMU exit status {status}, expected {EXIT_BUGCHECK}")
    return (not problems, f"{name}/{test}", "; ".join(problems) + f" (log {LOGS}/{name}-{test}.log)")


def run_fuzzers():
    """Each libFuzzer target runs for a bounded time from its committed seeds;
    any crash, sanitizer report or timeout is one failure."""
    out = []
    for target, seeds in [("acpi_fuzz", "tests/fuzz/corpus/acpi")]:
        corpus = os.path.join(BUILD, "fuzz", "corpus-" + target)
        subprocess.run(["rm", "-rf", corpus])
        os.makedirs(corpus)
        command = [os.path.join(BUILD, "fuzz", target), "-max_total_time=30", "-seed=1",
                   "-timeout=10", "-artifact_prefix=" + os.path.join(BUILD, "fuzz") + "/",
                   corpus, seeds]
        try:
            proc = subprocess.run(command, capture_output=True, timeout=120)
            tail = proc.stderr.decode("latin-1").strip().splitlines()[-3:]
            out.append((proc.returncode == 0, f"fuzz/{target}", " | ".join(tail)))
        except subprocess.TimeoutExpired:
            out.append((False, f"fuzz/{target}", "did not stop within 120 s"))
    return out


def main():
    make_nvme_image()
    run_host_tests()
    bugcheck_tests = list_bugcheck_tests()
    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
        jobs = [pool.submit(run_fuzzers)]
        jobs += [pool.submit(run_config_all, config) for config in CONFIGS]
        jobs += [pool.submit(lambda s=special: [run_special_boot(s)]) for special in SPECIAL_BOOTS]
        jobs += [pool.submit(lambda c=config: [run_serial_peer_boot(c)]) for config in CONFIGS]
        jobs += [pool.submit(lambda c=config: [run_serial_break_boot(c)]) for config in CONFIGS]
        jobs += [pool.submit(lambda c=config, t=test, k=code: [run_bugcheck_test(c, t, k)])
                 for config in CONFIGS for test, code in bugcheck_tests]
        for job in jobs:
            for passed, name, detail in job.result():
                record(passed, name, detail)
    passed = sum(1 for r in results if r[0])
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
