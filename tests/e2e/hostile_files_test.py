#!/usr/bin/env python3
"""Files that are not transcripts, under a running monitor (issue: trust at
the edges II).

  * A transcript swapped for a FIFO while `bridge sync --start-monitoring`
    runs: the monitor skips it with a warning naming it, keeps ingesting
    other files (a line appended elsewhere reaches the ledger), and SIGTERM
    stops it within 1 s with exit 0 (it used to block in open() for good).
  * A symlink to a device (/dev/zero) named like a transcript is skipped.

Usage: python3 tests/e2e/hostile_files_test.py --binary build/dev/context-cleaner
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import ledger_events  # noqa: E402
from e2e_common import wait_for as common_wait_for  # noqa: E402


def assistant(n, session="s-1"):
    return json.dumps({
        "type": "assistant", "uuid": f"u-{session}-{n}", "sessionId": session,
        "timestamp": f"2025-09-03T10:00:{n:02d}.000Z", "requestId": f"req_{session}_{n}",
        "cwd": "/w", "version": "2.0.0",
        "message": {"id": f"msg_{session}_{n}", "model": "claude-sonnet-4-20250514",
                    "role": "assistant", "content": [],
                    "usage": {"input_tokens": 1, "output_tokens": 2}}})


def fail(msg):
    sys.exit(f"hostile_files_test: FAIL: {msg}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = os.path.join(tmp, "claude", "projects", "-w")
        os.makedirs(project)
        victim = os.path.join(project, "s-1.jsonl")
        other = os.path.join(project, "s-2.jsonl")
        with open(victim, "w") as f:
            f.write(assistant(1) + "\n")
        with open(other, "w") as f:
            f.write(assistant(1, "s-2") + "\n")
        os.symlink("/dev/zero", os.path.join(project, "zero.jsonl"))
        base = ["--claude-dir", os.path.join(tmp, "claude"),
                "--ledger", os.path.join(tmp, "ledger.db")]
        errlog = open(os.path.join(tmp, "stderr"), "w+")
        proc = subprocess.Popen([args.binary] + base + ["bridge", "sync", "--start-monitoring",
                                                         "--reconcile", "2"],
                                stdout=errlog, stderr=errlog)
        try:
            wait_for(lambda: ledger_events(args.binary, base) == 2, "the first two events")
            os.unlink(victim)
            os.mkfifo(victim)
            with open(other, "a") as f:
                f.write(assistant(2, "s-2") + "\n")
            wait_for(lambda: ledger_events(args.binary, base) == 3,
                     "a line appended beside the FIFO")
            time.sleep(2.5)  # A reconcile pass meets the FIFO too.
            with open(other, "a") as f:
                f.write(assistant(3, "s-2") + "\n")
            wait_for(lambda: ledger_events(args.binary, base) == 4,
                     "a line appended after a reconcile pass")
            errlog.seek(0)
            text = errlog.read()
            if "a FIFO, not a regular file" not in text:
                fail(f"no warning names the FIFO:\n{text}")
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=10)
            took = time.monotonic() - started
            if code != 0 or took > 1.0:
                fail(f"SIGTERM gave exit {code} after {took:.2f} s")
        finally:
            if proc.poll() is None:
                proc.kill()
    print("hostile_files_test: PASS: a FIFO swapped in is skipped with a warning, "
          "ingestion goes on, SIGTERM stops the monitor within 1 s")


def wait_for(predicate, what, seconds=15):
    common_wait_for(predicate, what, seconds, "hostile_files_test")


if __name__ == "__main__":
    main()
