#!/usr/bin/env python3
"""Measures the least-privilege analysis against BishopFox's iam-vulnerable (a Terraform corpus
that pairs each privilege-escalation method with a user and a role, plus false-positive `fp*` and
false-negative `fn*` test principals).

Copies the checkout, enables its optional modules (the EC2, Glue, SageMaker, CloudFormation and
Lambda resources that the "existing resource" methods act on), scans it with each rampart binary
given, and reports per method whether IAM-01 or IAM-09 flags its user or role, and which `fp*`
principals are flagged. Methods a principal of that kind cannot use (a role attaching a policy to
a user or group, or joining a group; a user changing a role it cannot assume) are counted by the
principal that can.

Usage: bench/escalation_catalog.py IAM_VULNERABLE_DIR RAMPART [RAMPART...]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def prepare(src):
    work = tempfile.mkdtemp(prefix="rampart-iamv-")
    dst = os.path.join(work, "iam-vulnerable")
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".git"))
    main = os.path.join(dst, "main.tf")
    lines = []
    for line in open(main, encoding="utf-8").read().split("\n"):
        # `# module "x" {`, `# source = …`, `#   shared_high_priv_servicerole = …`, `# }`
        m = re.match(r"^#\s*((module |source|aws_assume_role_arn|shared_high_priv|\}).*)$", line)
        lines.append(m.group(1) if m else line)
    open(main, "w", encoding="utf-8").write("\n".join(lines))
    return dst


def verdicts(binary, cwd):
    out = subprocess.run([binary, "scan", ".", "--fail-on", "never", "--format", "json",
                          "--select", "IAM-01,IAM-09"], cwd=cwd, capture_output=True, text=True)
    flagged = {}
    for r in json.loads(out.stdout)["results"]:
        if r["resource"]["type"] in ("aws_iam_user", "aws_iam_role") and r["status"] != "pass":
            flagged.setdefault(r["resource"]["name"], []).append(r.get("message", ""))
    return flagged


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cwd = prepare(sys.argv[1])
    names = set()
    for root, _, files in os.walk(os.path.join(cwd, "modules")):
        for f in files:
            if f.endswith(".tf"):
                names.update(re.findall(r'resource "aws_iam_(?:user|role)" "([^"]+)"', open(os.path.join(root, f)).read()))
    # Not methods: the chain's start user (trusted by nothing), targets and shared service roles.
    methods = sorted({re.sub(r"-(user|role)$", "", n) for n in names
                      if re.match(r"(privesc\d*-|fn\d)", n) and "high-priv" not in n
                      and not n.startswith("privesc-AssumeRole-") and n != "privesc-permissive-role-trust"
                      and "sre" not in n})
    fps = sorted(n for n in names if n.startswith("fp"))
    print(f"{len(methods)} methods, {len(fps)} not-exploitable principals")
    for binary in sys.argv[2:]:
        flagged = verdicts(binary, cwd)
        found = [m for m in methods if f"{m}-user" in flagged or f"{m}-role" in flagged
                 or m in flagged or (m == "privesc-AssumeRole" and "privesc-AssumeRole-starting-role" in flagged)]
        missed = [m for m in methods if m not in found]
        wrong = [n for n in fps if n in flagged]
        print(f"{binary}: methods found {len(found)}/{len(methods)}; not-exploitable flagged {len(wrong)}/{len(fps)}")
        for m in missed:
            print(f"  missed {m}")
        for n in wrong:
            print(f"  flagged {n}: {flagged[n][0][:140]}")


if __name__ == "__main__":
    main()
