#!/usr/bin/env python3
"""Runs Cloudsplaining (installed into a throwaway virtualenv) and rampart on the same
GetAccountAuthorizationDetails JSON and prints, per principal, what each reports: privilege
escalation, administrator access, and data access. The differences are discussed in
docs/cloudsplaining-comparison.md.

Usage: bench/compare_cloudsplaining.py [AUTHORIZATION_DETAILS.json]
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


CATEGORIES = ("PrivilegeEscalation", "ResourceExposure", "DataExfiltration", "InfrastructureModification", "ServiceWildcard", "CredentialsExposure")


def cloudsplaining(path, work):
    """Cloudsplaining's policy-level findings, attributed to the principals each policy is
    attached to (a group's findings to its members)."""
    # Cloudsplaining reads only CLI-style documents: decode URL-encoded ones (the raw API form).
    doc = json.load(open(path))
    for p in doc.get("Policies", []):
        for v in p.get("PolicyVersionList", []):
            if isinstance(v["Document"], str):
                v["Document"] = json.loads(urllib.parse.unquote(v["Document"]))
    decoded = os.path.join(work, "authorization-details.json")
    json.dump(doc, open(decoded, "w"))
    venv = os.path.join(work, "venv")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check", "cloudsplaining==0.9.1"], check=True)
    out = os.path.join(work, "cs")
    os.makedirs(out)
    subprocess.run([os.path.join(venv, "bin", "cloudsplaining"), "scan", "--input-file", decoded, "--output", out, "--skip-open-report"],
                   check=True, capture_output=True)
    data = json.load(open(glob.glob(os.path.join(out, "iam-results-*.json"))[0]))
    members = {}
    for u in data.get("users", {}).values():
        for g in u.get("groups", {}).values():
            members.setdefault(g["name"], []).append(u["name"])
    findings = {p["name"]: set() for kind in ("users", "groups", "roles") for p in data.get(kind, {}).values()}
    for section in ("customer_managed_policies", "inline_policies", "aws_managed_policies"):
        for pol in data.get(section, {}).values():
            kinds = {k for k in CATEGORIES if isinstance(pol.get(k), dict) and pol[k].get("findings")}
            attached = pol.get("AttachedTo", {})
            names = attached.get("roles", []) + attached.get("users", []) + attached.get("groups", [])
            for g in attached.get("groups", []):
                names += members.get(g, [])
            for n in names:
                findings.setdefault(n, set()).update(kinds)
    return findings


def rampart(path):
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(["cargo", "build", "--quiet", "--bin", "rampart"], cwd=ROOT, check=True)
    out = subprocess.run([os.path.join(target, "debug", "rampart"), "scan", path, "--select", "IAM", "--format", "json", "--fail-on", "never"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    findings = {}
    names = {"IAM-01": "Admin", "IAM-02": "BroadWrite", "IAM-09": "PrivilegeEscalation", "IAM-10": "WildcardDataAccess", "IAM-13": "InvalidPolicy"}
    for r in json.loads(out.stdout)["results"]:
        name = r["resource"]["name"]
        findings.setdefault(name, set())
        if r["status"] == "fail" and r["rule_id"] in names:
            findings[name].add(names[r["rule_id"]])
    return findings


def main():
    path = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests/fixtures/iam/authorization-details.json"))
    with tempfile.TemporaryDirectory() as work:
        cs = cloudsplaining(path, work)
    rp = rampart(path)
    print(f"{'principal':<20}{'cloudsplaining':<116} rampart")
    for name in sorted(set(cs) | set(rp)):
        print(f"{name:<20}{', '.join(sorted(cs.get(name, []))) or '-':<116} {', '.join(sorted(rp.get(name, []))) or '-'}")


if __name__ == "__main__":
    main()
