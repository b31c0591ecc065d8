#!/usr/bin/env python3
"""The listening ports under attack, at the issue's scale: 200 slow
connections per port (one header byte a second each) for 30 s while
GET /healthz and POST /v1/logs are probed once a second; then header
floods, 20 gzip bombs and 20 garbage 16 MiB bodies. Prints the probes'
p50/max latency and RSS before/after the floods (tests/e2e/http_edges_test.py
does the work; CI runs it at 12 s).

Usage: python3 bench/http_edges_bench.py --binary build/release/context-cleaner
"""

import argparse
import os
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--seconds", type=int, default=30)
    args = ap.parse_args()
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e",
                          "http_edges_test.py")
    sys.exit(subprocess.call([sys.executable, script, "--binary", args.binary,
                              "--connections", str(args.connections),
                              "--seconds", str(args.seconds)]))


if __name__ == "__main__":
    main()
