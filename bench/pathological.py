#!/usr/bin/env python3
"""Times rampart on inputs of pathological size, which must scan in time linear in their size:

  blocks-10k   10,000 resource blocks in one 2.3 MB .tf file
  blocks-35k   the same with 35,000 blocks (an 8.1 MB file, just under the 8 MiB limit for one file)
  flow-yaml    a manifest whose YAML flow collections nest 100,000 deep (refused past a depth,
               with a diagnostic) next to 2,000 ordinary objects
  long-lines   a manifest of 2,000 objects whose strings are 100 KB each

Reports CPU seconds (user + system, from wait4) and wall seconds per input, and the ratio of the
35k-block file to the 10k-block one (linear is about 3.5). The machine is shared: compare CPU
seconds, not wall time. Usage: bench/pathological.py [--rampart BIN] [--workdir DIR]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def blocks(n):
    parts = []
    for i in range(n):
        parts.append(
            f'resource "aws_security_group" "sg{i}" {{\n'
            f'  name        = "sg-{i}"\n'
            f'  description = "generated group {i}"\n'
            f"  ingress {{\n"
            f"    from_port   = {i % 65535}\n"
            f"    to_port     = {i % 65535}\n"
            f'    protocol    = "tcp"\n'
            f'    cidr_blocks = ["10.0.0.0/8"]\n'
            f"  }}\n"
            f"}}\n\n"
        )
    return "".join(parts)


def manifests(n, value_len=12):
    value = "x" * value_len
    docs = []
    for i in range(n):
        docs.append(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
            f"  name: cm-{i}\n  namespace: default\ndata:\n  key: {value}\n"
        )
    return "---\n".join(docs)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def build_inputs(work):
    inputs = {}
    d = os.path.join(work, "blocks-10k")
    write(os.path.join(d, "main.tf"), blocks(10_000))
    inputs["blocks-10k"] = d
    d = os.path.join(work, "blocks-35k")
    write(os.path.join(d, "main.tf"), blocks(35_000))
    inputs["blocks-35k"] = d
    d = os.path.join(work, "flow-yaml")
    depth = 100_000
    write(os.path.join(d, "deep.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + "[" * depth + "]" * depth + "\n")
    write(os.path.join(d, "many.yaml"), manifests(2_000))
    inputs["flow-yaml"] = d
    d = os.path.join(work, "long-lines")
    write(os.path.join(d, "long.yaml"), manifests(2_000, value_len=100_000))
    inputs["long-lines"] = d
    return inputs


def run(binary, cwd):
    cmd = [binary, "scan", ".", "--format", "json", "--fail-on", "never"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rampart", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "rampart"))
    p.add_argument("--workdir")
    p.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if not args.build_only and not os.path.isfile(args.rampart):
        sys.exit(f"{args.rampart}: build it with `cargo build --release --no-default-features`")
    work = args.workdir or tempfile.mkdtemp(prefix="rampart-pathological-")
    if args.build_only:
        build_inputs(work)
        return
    # Written by a child process: a child forked from this one would start with the memory the
    # inputs took here, and its peak RSS would report that instead of rampart's.
    subprocess.run([sys.executable, __file__, "--build-only", "--workdir", work], check=True)
    inputs = {name: os.path.join(work, name) for name in ["blocks-10k", "blocks-35k", "flow-yaml", "long-lines"]}
    print(f"{'input':<12} {'size MB':>8} {'exit':>4} {'CPU s':>8} {'wall s':>8} {'RSS MB':>8}")
    cpu = {}
    for name, d in inputs.items():
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)) / 1e6
        code, c, w, rss = run(args.rampart, d)
        cpu[name] = c
        print(f"{name:<12} {size:>8.1f} {code:>4} {c:>8.2f} {w:>8.2f} {rss:>8.0f}")
    print(f"35k/10k CPU ratio: {cpu['blocks-35k'] / max(cpu['blocks-10k'], 1e-9):.1f} (3.5 is linear)")


if __name__ == "__main__":
    main()
