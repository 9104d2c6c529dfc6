#!/usr/bin/env python3
"""run.py - Kestrel's benchmarks (`make bench`).

Boots the benchmark configuration (q35, GRUB) twice: plain software emulation
("tcg") and with -icount shift=0,sleep=off ("icount0"), where guest time
advances one nanosecond per instruction, so a latency in ns is a count of
instructions on the path. The kernel (bench=latency on its command line) runs
the benchmarks and prints raw samples; this script turns them into
bench/out/latency.json and a histogram picture per run (gnuplot).

Kernel output it reads (one sample list may span many lines):
  BENCH-RUN tsc_hz=<Hz>
  BENCH-SAMPLES <stage> <ns>,<ns>,...
  BENCH-END
Stages are reported in the order the kernel prints them.
"""
import json
import os
import re
import subprocess
import sys

BUILD = os.environ.get("BUILD", "build")
OUT = os.path.join("bench", "out")
MODES = [
    ("tcg", []),
    ("icount0", ["-icount", "shift=0,sleep=off"]),
]
TIMEOUT = int(os.environ.get("BENCH_TIMEOUT", "600"))


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(1, int(round(fraction * len(sorted_values) + 0.5)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarize(values):
    ordered = sorted(values)
    return {
        "min_ns": ordered[0],
        "median_ns": percentile(ordered, 0.5),
        "p99_ns": percentile(ordered, 0.99),
        "p999_ns": percentile(ordered, 0.999),
        "max_ns": ordered[-1],
    }


def parse(text):
    tsc_hz = None
    stages = {}
    order = []
    ended = False
    for line in text.splitlines():
        line = line.strip()
        match = re.match(r"BENCH-RUN tsc_hz=(\d+)", line)
        if match:
            tsc_hz = int(match.group(1))
            continue
        match = re.match(r"BENCH-SAMPLES (\w+) ([\d,]+)$", line)
        if match:
            stage = match.group(1)
            if stage not in stages:
                stages[stage] = []
                order.append(stage)
            stages[stage] += [int(v) for v in match.group(2).split(",") if v]
            continue
        if line.startswith("BENCH-END"):
            ended = True
    return tsc_hz, [(stage, stages[stage]) for stage in order], ended


def plot(mode, stages, path):
    """One histogram per stage, log-scaled counts, into one PNG."""
    data_path = path + ".dat"
    with open(data_path, "w") as data:
        for index, (stage, values) in enumerate(stages):
            if index:
                data.write("\n\n")
            top = percentile(sorted(values), 0.999) or 1
            width = max(1, top // 60)
            bins = {}
            for value in values:
                if value <= top:
                    bins[value // width * width] = bins.get(value // width * width, 0) + 1
            for start in sorted(bins):
                data.write(f"{start} {bins[start]}\n")
    script = [
        "set terminal png size 1000,{}".format(300 * len(stages)),
        f"set output '{path}'",
        "set multiplot layout {},1 title 'Kestrel interrupt latency ({})'".format(len(stages), mode),
        "set logscale y", "set yrange [0.8:*]", "set style fill solid",
        "set ylabel 'samples'",
    ]
    for index, (stage, _) in enumerate(stages):
        script += [f"set xlabel '{stage}: ns after the programmed expiry (up to p99.9)'",
                   f"plot '{data_path}' index {index} using 1:2 with boxes notitle"]
    script.append("unset multiplot")
    subprocess.run(["gnuplot"], input="\n".join(script).encode(), check=True)
    os.remove(data_path)


def run_mode(mode, extra):
    command = ["tests/qemu.sh", "--boot", "grub", "--machine", "q35",
               "--cmdline", "bench=latency,switch,irp verifier=off harness", "--", *extra]
    proc = subprocess.run(command, capture_output=True, timeout=TIMEOUT)
    text = proc.stdout.decode("latin-1")
    with open(os.path.join(OUT, f"console-{mode}.log"), "w") as log:
        log.write(text)
    tsc_hz, stages, ended = parse(text)
    if proc.returncode != 33 or not ended or not stages:
        sys.exit(f"bench: the {mode} run failed (exit status {proc.returncode}); "
                 f"see {OUT}/console-{mode}.log")
    plot(mode, stages, os.path.join(OUT, f"latency-{mode}.png"))
    samples = min(len(values) for _, values in stages)
    return {"mode": mode, "samples": samples, "tsc_hz": tsc_hz,
            "stages": {stage: summarize(values) for stage, values in stages}}


def main():
    os.makedirs(OUT, exist_ok=True)
    describe = subprocess.run(["git", "describe", "--always", "--dirty"],
                              capture_output=True, text=True).stdout.strip() or "unknown"
    runs = [run_mode(mode, extra) for mode, extra in MODES]
    result = {"kestrel": describe, "runs": runs}
    with open(os.path.join(OUT, "latency.json"), "w") as out:
        json.dump(result, out, indent=1)
        out.write("\n")
    print(json.dumps(result))
    for run in runs:
        for stage, figures in run["stages"].items():
            print(f"{run['mode']:8} {stage:7} " +
                  " ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
