#!/usr/bin/env python3
"""How evaluation grows with the account: times `rampart report SNAPSHOT --evidence DIR` (every
rule, the least-privilege analysis, every output written) on saved snapshots of different sizes,
and prints resources, results, wall and CPU seconds, peak RSS, and the largest output of each,
with the cost per resource, so growth that is not linear shows.

Snapshots come from `bench/aws_scan.py --scale S --snapshot FILE` (e.g. S = 0.1, 1 and 4 for
the README's N=5, N=50 and N=200).

Usage: bench/snapshot_scale.py [--rampart BIN] [--runs N] SNAPSHOT...
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from terraform_scan import release_binary, run_once  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("snapshots", nargs="+")
    ap.add_argument("--rampart", help="the rampart binary (default: build the IaC-only release one)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    binary = release_binary(args.rampart)
    print(f"{'snapshot':<28}{'resources':>10}{'results':>9}{'wall s':>8}{'CPU s':>7}{'RSS MiB':>9}"
          f"{'ms CPU/res':>11}  largest output")
    for snap in args.snapshots:
        with open(snap) as f:
            resources = len(json.load(f)["resources"])
        work = tempfile.mkdtemp(prefix="rampart-snapshot-scale-")
        pack = os.path.join(work, "pack")
        cmd = [binary, "report", os.path.abspath(snap), "--evidence", pack]
        samples = []
        for _ in range(args.runs):
            shutil.rmtree(pack, ignore_errors=True)
            samples.append(run_once(cmd, work))
        wall = statistics.median(s[0] for s in samples)
        rss = max(s[1] for s in samples)
        cpu = statistics.median(s[2] for s in samples)
        with open(os.path.join(pack, "findings.json")) as f:
            results = len(json.load(f)["results"])
        sizes = sorted(((os.path.getsize(os.path.join(pack, n)), n) for n in os.listdir(pack)), reverse=True)
        largest = ", ".join(f"{n} {b / 1e6:.1f} MB" for b, n in sizes[:3])
        print(f"{os.path.basename(snap):<28}{resources:>10}{results:>9}{wall:>8.2f}{cpu:>7.2f}{rss:>9.0f}"
              f"{1000 * cpu / resources:>11.2f}  {largest}")
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
