#!/usr/bin/env python3
"""Times rendering the HTML auditor report over about 50,000 results (release build).

Generates a Terraform corpus large enough for ~50k results (12x the standard corpus), runs
`rampart report --html --timings`, and prints the time of each phase, the HTML size, and how long
headless Chromium takes to load the page and take a screenshot.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from terraform_scan import release_binary  # noqa: E402


def main():
    work = os.path.join(os.environ.get("TMPDIR", "/tmp"), "rampart-bench")
    corpus = os.path.join(work, "corpus-12x")
    if not os.path.isdir(corpus):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_terraform_corpus.py"), corpus, "--scale", "12"], check=True)
    rampart = release_binary()
    out = tempfile.mkdtemp(prefix="rampart-report-")
    html = os.path.join(out, "report.html")
    p = subprocess.run([rampart, "report", ".", "--html", html, "--format", "json", "--timings"], cwd=corpus,
                       capture_output=True, text=True, check=True)
    results = sum(int(n) for n in re.findall(r"'?\"(?:pass|fail|error|waived)\": (\d+)", p.stdout.split('"failures_by_severity"')[0]))
    print(f"results: {results}")
    for line in p.stderr.splitlines():
        print(line.replace(html, "report.html"))
    print(f"HTML size: {os.path.getsize(html) / 1e6:.1f} MB")
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if os.path.exists(chromium):
        start = time.perf_counter()
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={out}/chromium", "--window-size=1280,1600",
                        f"--screenshot={out}/report.png", "file://" + html],
                       capture_output=True, check=True)
        print(f"Chromium load + screenshot: {time.perf_counter() - start:.2f} s ({out}/report.png)")


if __name__ == "__main__":
    main()
