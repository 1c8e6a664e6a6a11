#!/usr/bin/env python3
"""Runs Checkov (installed into a throwaway virtualenv) and rampart on the same generated
Terraform corpus, and prints wall time, CPU time and peak RSS side by side.

Usage: bench/checkov_compare.py [--checkov-version 3.3.30] [--workdir DIR]
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from terraform_scan import ROOT, run_once  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--checkov-version", default="3.3.30")
    ap.add_argument("--workdir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "rampart-bench"))
    args = ap.parse_args()
    corpus = os.path.join(args.workdir, "corpus-1x")
    if not os.path.isdir(corpus):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_terraform_corpus.py"), corpus], check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(["cargo", "build", "--release", "--no-default-features", "--bin", "rampart"], cwd=ROOT, check=True)
    rampart = os.path.join(target, "release", "rampart")

    with tempfile.TemporaryDirectory(prefix="checkov-venv-") as venv:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        pip = os.path.join(venv, "bin", "pip")
        subprocess.run([pip, "install", "--quiet", "--disable-pip-version-check", f"checkov=={args.checkov_version}"], check=True)
        checkov = os.path.join(venv, "bin", "checkov")
        cmd = [checkov, "-d", ".", "--framework", "terraform", "--quiet", "--compact", "-o", "json", "--skip-download"]
        run_once(cmd, corpus)  # first run compiles and caches Checkov's own files
        c_wall, c_rss, c_cpu = run_once(cmd, corpus)

    r_cmd = [rampart, "scan", ".", "--format", "json", "--fail-on", "never"]
    run_once(r_cmd, corpus)
    r_wall, r_rss, r_cpu = run_once(r_cmd, corpus)

    print(f"corpus: {corpus}")
    print(f"{'tool':<22}{'wall s':>10}{'CPU s':>10}{'peak RSS MiB':>15}")
    print(f"{'checkov ' + args.checkov_version:<22}{c_wall:>10.2f}{c_cpu:>10.2f}{c_rss:>15.0f}")
    print(f"{'rampart':<22}{r_wall:>10.2f}{r_cpu:>10.2f}{r_rss:>15.0f}")
    print(f"rampart is {c_wall / r_wall:.0f}x faster in wall time and uses {c_rss / r_rss:.0f}x less memory")


if __name__ == "__main__":
    main()
