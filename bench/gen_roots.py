#!/usr/bin/env python3
"""Writes COPIES copies of one Terraform root (with its modules and manifests) as COPIES root
modules side by side, each with its names made unique: every occurrence of --unique WORD in the
copy's files becomes WORD-NN. For the scaling figures of the README: how a scan grows with the
number of roots (each judged apart), e.g.

    bench/gen_roots.py examples/connectcentral /tmp/roots-50 --copies 50
    bench/checkov_compare.py --corpus /tmp/roots-50

Usage: bench/gen_roots.py SRC DEST [--copies N] [--unique WORD]
"""
import argparse
import os
import shutil


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src")
    ap.add_argument("dest")
    ap.add_argument("--copies", type=int, default=50)
    ap.add_argument("--unique", default="connectcentral")
    args = ap.parse_args()
    if os.path.exists(args.dest):
        shutil.rmtree(args.dest)
    for i in range(args.copies):
        copy = os.path.join(args.dest, f"root-{i:02}")
        shutil.copytree(args.src, copy)
        for dirpath, _, files in os.walk(copy):
            for name in files:
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8", errors="surrogateescape") as f:
                    text = f.read()
                with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                    f.write(text.replace(args.unique, f"{args.unique}-{i:02}"))
    print(f"{args.copies} roots in {args.dest}")


if __name__ == "__main__":
    main()
