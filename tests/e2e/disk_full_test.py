#!/usr/bin/env python3
"""A full disk is weather, not death (issue: trust at the edges II).

The ledger lives on a small tmpfs of its own. The monitor catches up; the
tmpfs is filled; lines are appended to the transcripts. The monitor must
keep running (saying once that it cannot write), and once space returns
catch up by itself: the ledger then equals tools/oracle.py over the tree
exactly (nothing lost, nothing doubled), and SIGTERM still exits 0.

Mounting needs root (or CAP_SYS_ADMIN); without it the test reports itself
skipped.

Usage: python3 tests/e2e/disk_full_test.py --binary build/dev/context-cleaner
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
from e2e_common import diff_reports, ledger_events, token_report  # noqa: E402
from e2e_common import wait_for as common_wait_for  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fail(msg):
    sys.exit(f"disk_full_test: FAIL: {msg}")


def line(session, n):
    return json.dumps({
        "type": "assistant", "uuid": f"u-{session}-{n}", "sessionId": session,
        "timestamp": f"2025-09-03T{10 + n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}.000Z",
        "requestId": f"req_{session}_{n}", "cwd": "/w", "version": "2.0.0",
        "message": {"id": f"msg_{session}_{n}", "model": "claude-sonnet-4-20250514",
                    "role": "assistant", "content": [{"type": "text", "text": "x" * 200}],
                    "usage": {"input_tokens": n, "output_tokens": 2 * n + 1,
                              "cache_read_input_tokens": 7}}}) + "\n"


def append(path, session, first, count):
    with open(path, "a") as f:
        for n in range(first, first + count):
            f.write(line(session, n))


def cli(binary, base, *args):
    return subprocess.run([binary] + base + list(args), capture_output=True, text=True)


def oracle(root):
    p = subprocess.run([sys.executable, os.path.join(REPO, "tools", "oracle.py"), root],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"oracle.py: {p.stderr}")
    return json.loads(p.stdout)


def fill(directory):
    """Fills the file system holding `directory`; returns the filler's path."""
    filler = os.path.join(directory, "filler")
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    return filler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = os.path.join(tmp, "small")
        os.makedirs(small)
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small],
                                 capture_output=True, text=True)
        if mounted.returncode != 0:
            print(f"disk_full_test: SKIPPED: cannot mount a tmpfs here "
                  f"({mounted.stderr.strip()}); needs root")
            return
        proc = None
        try:
            projects = os.path.join(tmp, "claude", "projects", "-w")
            os.makedirs(projects)
            a, b = os.path.join(projects, "a.jsonl"), os.path.join(projects, "b.jsonl")
            append(a, "a", 0, 50)
            append(b, "b", 0, 50)
            base = ["--claude-dir", os.path.join(tmp, "claude"),
                    "--ledger", os.path.join(small, "ledger.db")]
            errlog = open(os.path.join(tmp, "stderr"), "w+")
            proc = subprocess.Popen([args.binary] + base +
                                    ["bridge", "sync", "--start-monitoring"],
                                    stdout=errlog, stderr=errlog)
            wait_for(lambda: ledger_events(args.binary, base) == 100, "the catch-up", 20)
            filler = fill(small)
            for i in range(10):
                append(a, "a", 50 + i * 100, 100)
                append(b, "b", 50 + i * 100, 100)
                time.sleep(0.2)
            time.sleep(3)
            errlog.seek(0)
            text = errlog.read()
            if proc.poll() is not None:
                fail(f"the monitor exited {proc.returncode} on a full disk:\n{text[-2000:]}")
            if "cannot write the ledger" not in text:
                fail(f"the monitor did not say it cannot write:\n{text[-2000:]}")
            stuck = ledger_events(args.binary, base)
            print(f"[disk_full] disk full: the monitor runs on, {stuck} events stored of 2100")
            os.unlink(filler)
            wait_for(lambda: ledger_events(args.binary, base) == 2100,
                     "the catch-up after space returned", 60)
            errlog.seek(0)
            if "written again" not in errlog.read():
                fail("the monitor did not say the ledger is written again")
            want = token_report(oracle(os.path.join(tmp, "claude", "projects")))
            got = token_report(json.loads(cli(args.binary, base, "report", "daily",
                                              "--json", "--timezone", "UTC").stdout))
            if got != want:
                fail(f"after the full disk the ledger differs from the oracle:\n"
                     f"{diff_reports(want, got)}")
            proc.send_signal(signal.SIGTERM)
            if proc.wait(timeout=10) != 0:
                fail(f"SIGTERM gave exit {proc.returncode}")
        finally:
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
            subprocess.run(["umount", "-l", small], capture_output=True)
    print("disk_full_test: PASS: the monitor ran through a full disk and caught up "
          "exactly once space returned")


def wait_for(predicate, what, seconds=15):
    common_wait_for(predicate, what, seconds, "disk_full_test")


if __name__ == "__main__":
    main()
