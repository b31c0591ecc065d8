#!/usr/bin/env python3
"""report_cli_bench: wall time of the real `context-cleaner report KIND`
process (start-up, ledger open, query, grouping, output) over the ledgers
report_bench builds (100,000 and 1,000,000 events in $TMPDIR).

  build/release/bench/report_bench --benchmark_filter=daily   # builds them
  python3 bench/report_cli_bench.py --binary build/release/context-cleaner
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    tmp = tempfile.gettempdir()
    print(f"{'events':>9}  {'report':8} {'median ms':>9} {'min ms':>7}")
    for events in (100_000, 1_000_000):
        ledger = os.path.join(tmp, f"cc-report-bench-{events}.db")
        if not os.path.exists(ledger):
            print(f"{ledger} missing: run report_bench first")
            continue
        for kind in ("daily", "weekly", "monthly", "session", "blocks"):
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                subprocess.run([args.binary, "--ledger", ledger, "report", kind, "--json",
                                "--timezone", "America/New_York"],
                               stdout=subprocess.DEVNULL, check=True)
                times.append((time.perf_counter() - start) * 1000)
            print(f"{events:>9,}  {kind:8} {statistics.median(times):9.1f} {min(times):7.1f}")


if __name__ == "__main__":
    main()
