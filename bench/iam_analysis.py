#!/usr/bin/env python3
"""Times the least-privilege analysis on a generated account: 2,000 roles, 5,000 customer managed
policies, 200 users in 20 groups, 100 stores holding FERPA data. Writes the account as a rampart
snapshot (as the live collector would), then times `rampart scan snapshot.json` (release), which
computes effective permissions, escalation paths and the access map and evaluates every rule.

Usage: bench/iam_analysis.py [--roles N] [--policies N] [--rampart BIN]...
(with --rampart, each binary given is timed on the same snapshot instead of building one)
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from terraform_scan import release_binary, run_once  # noqa: E402

ACCT = "111122223333"
ACTIONS = [
    "s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:Get*", "s3:*", "dynamodb:Query", "dynamodb:GetItem",
    "dynamodb:PutItem", "dynamodb:*", "kms:Decrypt", "kms:GenerateDataKey", "ec2:Describe*", "ec2:RunInstances",
    "logs:CreateLogStream", "logs:PutLogEvents", "cloudwatch:PutMetricData", "sqs:SendMessage", "sqs:ReceiveMessage",
    "sts:AssumeRole", "iam:PassRole", "iam:GetRole", "iam:List*", "lambda:InvokeFunction", "rds-db:connect",
]


def resource(uid, rtype, name, attrs, tags=None, arn=None):
    return {"uid": uid, "type": rtype, "name": name, "account": ACCT, "region": "us-east-1", "tags": tags or {},
            "attributes": attrs, "derived": {}, "attribute_meta": {},
            "origin": {"source": "aws", "arn": arn or uid, "api_call": "iam:GetAccountAuthorizationDetails"}}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--roles", type=int, default=2000)
    ap.add_argument("--policies", type=int, default=5000)
    ap.add_argument("--rampart", action="append", default=[], help="a rampart binary to time (repeatable)")
    args = ap.parse_args()
    rnd = random.Random(7)
    buckets = [f"records-{i}" for i in range(50)]
    tables = [f"table-{i}" for i in range(50)]
    res_patterns = (["*"] + [f"arn:aws:s3:::{b}/*" for b in buckets] + [f"arn:aws:dynamodb:us-east-1:{ACCT}:table/{t}" for t in tables]
                    + [f"arn:aws:iam::{ACCT}:role/app-*", f"arn:aws:sqs:us-east-1:{ACCT}:queue-*"])
    resources = []
    policies = []
    for i in range(args.policies):
        stmts = []
        for s in range(rnd.randint(1, 4)):
            st = {"Effect": "Allow" if rnd.random() < 0.95 else "Deny", "Action": rnd.sample(ACTIONS, rnd.randint(1, 4)),
                  "Resource": rnd.sample(res_patterns, rnd.randint(1, 3))}
            if rnd.random() < 0.1:
                st["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": ["true"]}}
            stmts.append(st)
        doc = {"Version": "2012-10-17", "Statement": stmts}
        arn = f"arn:aws:iam::{ACCT}:policy/p-{i}"
        policies.append((arn, doc))
        resources.append(resource(arn, "aws_iam_policy", f"p-{i}", {"name": f"p-{i}", "path": "/", "document": doc, "attachments": []}, arn=arn))
    for i in range(args.roles):
        kind = rnd.random()
        if kind < 0.6:
            principal = {"Service": [rnd.choice(["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"])]}
        elif kind < 0.9:
            principal = {"AWS": [f"arn:aws:iam::{ACCT}:root"]}
        else:
            principal = {"AWS": [f"arn:aws:iam::{ACCT}:role/app-{rnd.randrange(args.roles)}"]}
        trust = {"Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole"], "Principal": principal}]}
        attached = [{"name": arn.rsplit("/", 1)[1], "kind": "managed", "arn": arn, "document": doc}
                    for arn, doc in rnd.sample(policies, rnd.randint(1, 4))]
        if rnd.random() < 0.01:
            attached.append({"name": "AdministratorAccess", "kind": "aws_managed", "arn": "arn:aws:iam::aws:policy/AdministratorAccess",
                             "document": {"Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}]}})
        arn = f"arn:aws:iam::{ACCT}:role/app-{i}"
        resources.append(resource(arn, "aws_iam_role", f"app-{i}", {"name": f"app-{i}", "path": "/", "permissions_boundary": None,
                                                                     "assume_role_policy": trust, "policies": attached, "max_session_duration": 3600}, arn=arn))
    for g in range(20):
        arn = f"arn:aws:iam::{ACCT}:group/g-{g}"
        attached = [{"name": a.rsplit("/", 1)[1], "kind": "managed", "arn": a, "document": d} for a, d in rnd.sample(policies, 2)]
        resources.append(resource(arn, "aws_iam_group", f"g-{g}", {"name": f"g-{g}", "path": "/", "permissions_boundary": None, "policies": attached, "members": []}, arn=arn))
    for u in range(200):
        arn = f"arn:aws:iam::{ACCT}:user/u-{u}"
        resources.append(resource(arn, "aws_iam_user", f"u-{u}", {"name": f"u-{u}", "path": "/", "permissions_boundary": None, "policies": [],
                                                                   "groups": [f"arn:aws:iam::{ACCT}:group/g-{u % 20}"], "console_access": True, "access_keys": []}, arn=arn))
    for b in buckets:
        arn = f"arn:aws:s3:::{b}"
        resources.append(resource(arn, "aws_s3_bucket", b, {"bucket": b, "policy": None}, tags={"data-classification": "ferpa"}, arn=arn))
    for t in tables:
        arn = f"arn:aws:dynamodb:us-east-1:{ACCT}:table/{t}"
        resources.append(resource(arn, "aws_dynamodb_table", t, {"name": t}, tags={"data-classification": "ferpa"}, arn=arn))
    resources.sort(key=lambda r: r["uid"])
    snap = {"schema_version": 1, "tool": {"name": "rampart", "version": "bench"}, "sources": ["generated"],
            "resources": resources, "coverage": [], "diagnostics": []}
    work = tempfile.mkdtemp(prefix="rampart-iam-bench-")
    path = os.path.join(work, "snapshot.json")
    with open(path, "w") as f:
        json.dump(snap, f)
    binaries = args.rampart or [release_binary()]
    print(f"{args.roles} roles, {args.policies} policies, 20 groups, 200 users, 100 FERPA stores")
    for rampart in binaries:
        cmd = [rampart, "scan", path, "--select", "IAM", "--format", "json", "--fail-on", "never", "--root", work]
        wall, rss, cpu = run_once(cmd, work)
        out = subprocess.run(cmd + ["--timings"], cwd=work, capture_output=True, text=True)
        summary = json.loads(out.stdout)["summary"]
        print(f"{rampart}: wall {wall:.2f} s, CPU {cpu:.2f} s, peak RSS {rss:.0f} MiB")
        print("\n".join(l for l in out.stderr.splitlines() if "rampart:" in l))
        print(f"results: {summary['by_status']}")


if __name__ == "__main__":
    main()
