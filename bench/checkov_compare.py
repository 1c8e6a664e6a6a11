#!/usr/bin/env python3
"""Runs Checkov (installed into a throwaway virtualenv) and rampart on the same Terraform
corpora, in one run, and prints wall time, CPU time and peak RSS side by side with their ratios.
CPU seconds are the steadier figure on a shared machine.

Usage: bench/checkov_compare.py [--corpus DIR]... [--rampart BIN] [--runs N]
                                [--checkov-version 3.3.30] [--workdir DIR]
Without --corpus: the generated 1x corpus (bench/gen_terraform_corpus.py). Without --rampart:
builds the IaC-only release binary. rampart's figures are the median of --runs runs; Checkov's
are one run after a first one that fills its caches.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from terraform_scan import release_binary, run_once  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", action="append", help="a Terraform directory (repeatable)")
    ap.add_argument("--rampart", help="the rampart binary (default: build it)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--checkov-version", default="3.3.30")
    ap.add_argument("--workdir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "rampart-bench"))
    args = ap.parse_args()
    corpora = args.corpus
    if not corpora:
        corpus = os.path.join(args.workdir, "corpus-1x")
        if not os.path.isdir(corpus):
            subprocess.run([sys.executable, os.path.join(HERE, "gen_terraform_corpus.py"), corpus], check=True)
        corpora = [corpus]
    rampart = release_binary(args.rampart)

    rows = []
    with tempfile.TemporaryDirectory(prefix="checkov-venv-") as venv:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        pip = os.path.join(venv, "bin", "pip")
        subprocess.run([pip, "install", "--quiet", "--disable-pip-version-check", f"checkov=={args.checkov_version}"], check=True)
        checkov = os.path.join(venv, "bin", "checkov")
        for corpus in corpora:
            cmd = [checkov, "-d", ".", "--framework", "terraform", "--quiet", "--compact", "-o", "json", "--skip-download"]
            run_once(cmd, corpus)  # the first run compiles and caches Checkov's own files
            checkov_figures = run_once(cmd, corpus)
            r_cmd = [rampart, "scan", ".", "--format", "json", "--fail-on", "never"]
            run_once(r_cmd, corpus)  # warm the page cache
            samples = [run_once(r_cmd, corpus) for _ in range(args.runs)]
            rampart_figures = tuple(statistics.median(s[i] for s in samples) for i in range(3))
            rows.append((corpus, checkov_figures, rampart_figures))

    for corpus, (c_wall, c_rss, c_cpu), (r_wall, r_rss, r_cpu) in rows:
        print(f"corpus: {corpus}")
        print(f"  {'tool':<22}{'wall s':>10}{'CPU s':>10}{'peak RSS MiB':>15}")
        print(f"  {'checkov ' + args.checkov_version:<22}{c_wall:>10.3f}{c_cpu:>10.3f}{c_rss:>15.0f}")
        print(f"  {'rampart (median)':<22}{r_wall:>10.3f}{r_cpu:>10.3f}{r_rss:>15.0f}")
        print(f"  rampart: {c_wall / r_wall:.0f}x less wall time, {c_cpu / r_cpu:.0f}x less CPU, "
              f"{c_rss / r_rss:.0f}x less memory")


if __name__ == "__main__":
    main()
