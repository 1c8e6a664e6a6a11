#!/usr/bin/env python3
"""Times `rampart scan aws` (release) against a moto server seeded at the scale of a mid-sized
account: about 200 users, 500 roles, 100 customer policies, 200 buckets, 50 security groups,
50 DynamoDB tables, 25 KMS keys and 17 RDS databases, plus the planted problems of the test
scenario (tests/aws/seed.py). Reads iam, ec2, s3, kms, rds, dynamodb, cloudtrail and eks in one
region, counts the requests moto served during the scan (from its request log), and checks that
no planted problem was missed.

For scale: Prowler 5.46 took about 150 s wall, 87 s CPU and 7,500 requests for the same services
at that size on this machine.

Usage: bench/aws_scan.py [--runs N] [--scale N] [--concurrency N] [--rampart BIN]
(--scale 0.1 is a tenth of that account, 4 four times it; --rampart times that binary instead of
building the release one: request counts do not depend on the build, times do)
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "aws"))
from terraform_scan import ROOT, release_binary  # noqa: E402
import seed  # noqa: E402

SERVICES = "iam,ec2,s3,kms,rds,dynamodb,cloudtrail,eks"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def requests_served(log_path):
    """Requests moto has answered so far: one werkzeug log line each."""
    with open(log_path, errors="replace") as f:
        return sum(1 for line in f if '"' in line and " HTTP/1.1\" " in line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", type=float, default=1)
    ap.add_argument("--rampart", help="the rampart binary (default: build the release one)")
    ap.add_argument("--snapshot", help="keep the collected snapshot in this file (bench/snapshot_scale.py)")
    ap.add_argument("--concurrency", type=int, help="rampart's --concurrency (default: its own)")
    args = ap.parse_args()
    binary = release_binary(args.rampart, features=())

    work = tempfile.mkdtemp(prefix="rampart-aws-bench-")
    log_path = os.path.join(work, "moto.log")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true", MOTO_EC2_LOAD_DEFAULT_AMIS="false")
    with open(log_path, "w") as log:
        moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                stdout=log, stderr=log, env=env)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.1)
        start = time.perf_counter()
        out = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "aws", "seed.py"), "--endpoint", endpoint,
                              "--scale", str(args.scale)], check=True, capture_output=True, text=True)
        seeded = json.loads(out.stdout)
        print(f"seeded {seeded['bulk']} plus {len(seeded['planted'])} planted problems "
              f"in {time.perf_counter() - start:.0f} s", file=sys.stderr)

        scan_env = dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="testing",
                        AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null",
                        AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_EC2_METADATA_DISABLED="true")
        cmd = [binary, "scan", "aws", "--regions", "us-east-1", "--services", SERVICES,
               "--format", "json", "--fail-on", "never"]
        if args.concurrency:
            cmd += ["--concurrency", str(args.concurrency)]
        if args.snapshot:
            cmd += ["--snapshot", os.path.abspath(args.snapshot)]
        samples = []
        findings = None
        for _ in range(args.runs):
            before = requests_served(log_path)
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=work, env=scan_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            stdout = proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            code = os.waitstatus_to_exitcode(status)
            if code != 0:
                sys.exit(f"rampart exited {code}: {proc.stderr.read().decode()}")
            time.sleep(0.5)  # let moto flush its log
            samples.append((wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0,
                            requests_served(log_path) - before))
            findings = json.loads(stdout)

        failed = {(r["rule_id"], r["resource"]["name"]) for r in findings["results"] if r["status"] == "fail"}
        # TLS-03 judges load balancer listeners (elbv2), which is not among the compared services.
        missed = [p for p in map(tuple, seeded["planted"]) if p not in failed and p[0] != "TLS-03"]
        errors = [c["scope"] for c in findings["coverage"] if c["status"] == "error"]
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[1] for s in samples)
        rss = max(s[2] for s in samples)
        reqs = statistics.median(s[3] for s in samples)
        print(f"rampart scan aws ({SERVICES}, one region), {args.runs} runs: median wall {wall:.2f} s, "
              f"CPU {cpu:.2f} s, peak RSS {rss:.0f} MiB, {reqs:.0f} requests; "
              f"{findings['summary']['resources']} resources, {len(failed)} failures")
        print(f"  walls: {', '.join(f'{s[0]:.2f}' for s in samples)} s; requests: {', '.join(str(s[3]) for s in samples)}")
        print(f"  planted problems missed: {missed or 'none'}; coverage errors: {errors or 'none'}")
        print(f"  vs Prowler 5.46 (150 s wall, 87 s CPU, 7,500 requests): {150 / wall:.1f}x faster wall, "
              f"{87 / cpu:.1f}x less CPU, {7500 / max(reqs, 1):.1f}x fewer requests")
        if missed or errors:
            sys.exit(1)
    finally:
        moto.terminate()
        moto.wait()


if __name__ == "__main__":
    main()
