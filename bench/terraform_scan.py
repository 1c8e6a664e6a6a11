#!/usr/bin/env python3
"""Times the release binary end to end on the generated Terraform corpus (1x and 10x).

Builds `rampart` in release without the cloud SDKs (the pull-request check's build), generates
the corpora, and runs `rampart scan` several times on each, reporting the median wall time and
the peak RSS (from wait4). Usage: bench/terraform_scan.py [--runs N] [--workdir DIR] [--rampart BIN]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def release_binary(given=None, features=("--no-default-features",)):
    """`given` if named, else the release rampart built with these cargo feature flags (the
    IaC-only build by default)."""
    if given:
        return given
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(["cargo", "build", "--release", "--locked", *features, "--bin", "rampart"], cwd=ROOT, check=True)
    return os.path.join(target, "release", "rampart")


def run_once(cmd, cwd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    # 1: failures found; 2: some of the input could not be assessed (TerraGoat has a value
    # known only after apply). Both are scans that ran to the end.
    if code not in (0, 1, 2):
        sys.exit(f"{' '.join(cmd)} exited {code}: {proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def measure(binary, corpus, runs):
    cmd = [binary, "scan", ".", "--format", "json", "--fail-on", "never"]
    run_once(cmd, corpus)  # warm the page cache
    samples = [run_once(cmd, corpus) for _ in range(runs)]
    return (
        statistics.median(s[0] for s in samples),
        max(s[1] for s in samples),
        statistics.median(s[2] for s in samples),
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workdir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "rampart-bench"))
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--rampart", help="the rampart binary (default: build the IaC-only release one)")
    args = ap.parse_args()
    binary = release_binary(args.rampart)
    results = {}
    for scale in [int(s) for s in args.scales.split(",")]:
        corpus = os.path.join(args.workdir, f"corpus-{scale}x")
        if not os.path.isdir(corpus):
            subprocess.run([sys.executable, os.path.join(HERE, "gen_terraform_corpus.py"), corpus, "--scale", str(scale)], check=True)
        runs = args.runs if scale == 1 else max(1, args.runs // 2)
        wall, rss, cpu = measure(binary, corpus, runs)
        results[scale] = wall
        print(f"{scale:>3}x corpus: median wall {wall:.3f} s, CPU {cpu:.2f} s, peak RSS {rss:.0f} MiB ({runs} runs)")
    if 1 in results and 10 in results:
        print(f"10x corpus takes {results[10] / results[1]:.2f}x the time of 1x (target: under 11x)")


if __name__ == "__main__":
    main()
