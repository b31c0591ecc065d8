#!/usr/bin/env python3
"""A ledger deleted under a running monitor is noticed and rebuilt at its path.

`bridge sync --start-monitoring` runs on a small generated corpus. Then:

  file:       ledger.db, -wal and -shm are deleted, and a line is appended to
              a transcript. Within a few seconds a new ledger is at the path
              whose report equals tools/oracle.py's totals (the line included),
              and the monitor said what happened.
  directory:  the ledger's whole directory (its lock file too) is deleted and
              another line appended: the same again.

The monitor then stops on SIGTERM with exit 0, and the new ledger is 0600.

    python3 tests/e2e/deleted_ledger_test.py --binary PATH [--keep]
"""

import argparse
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

from e2e_common import TestFailure, diff_reports, fail, make_log, token_report

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ORACLE = os.path.join(REPO, "tools", "oracle.py")
GEN = os.path.join(REPO, "tools", "gen_corpus.py")

log = make_log("deleted_ledger")


def oracle(root: str) -> dict:
    p = subprocess.run([sys.executable, ORACLE, os.path.join(root, "projects")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        fail(f"oracle.py failed: {p.stderr.decode(errors='replace')}")
    expected = json.loads(p.stdout)
    return {k: expected[k] for k in ("daily", "totals")}


def report(base: list[str]) -> dict | None:
    p = subprocess.run(base + ["report", "daily", "--json", "--timezone", "UTC"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if p.returncode != 0:
        return None
    return token_report(json.loads(p.stdout))


def wait_for_report(base: list[str], want: dict, what: str, seconds: float) -> float:
    started = time.monotonic()
    last = None
    while time.monotonic() - started < seconds:
        last = report(base)
        if last == want:
            return time.monotonic() - started
        time.sleep(0.1)
    fail(f"{what}: the report did not equal oracle.py within {seconds} s\n"
         + (diff_reports(want, last) if last else "  (no ledger to report on)"))
    return 0.0


def append_line(root: str, n: int) -> str:
    """A new response appended to the first transcript (sorted by path)."""
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(root, "projects"))
                   for f in fs if f.endswith(".jsonl"))
    line = json.dumps({
        "type": "assistant", "uuid": f"deleted-ledger-{n}", "sessionId": "s-deleted",
        "timestamp": "2025-09-03T10:00:00.000Z", "requestId": f"req_deleted_{n}",
        "cwd": "/w", "version": "2.0.0",
        "message": {"id": f"msg_deleted_{n}", "model": "claude-sonnet-4-20250514",
                    "role": "assistant", "content": [],
                    "usage": {"input_tokens": 100 + n, "output_tokens": 7}}})
    with open(files[0], "a") as f:
        f.write(line + "\n")
    return files[0]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv)
    binary = os.path.abspath(args.binary)
    tmp = tempfile.mkdtemp(prefix="cc-deleted-ledger-")
    monitor = None
    started = time.monotonic()
    try:
        root = os.path.join(tmp, "claude")
        gen = subprocess.run([sys.executable, GEN, "--out", root, "--size-mb", "1",
                              "--seed", "5"], stderr=subprocess.PIPE, check=False)
        if gen.returncode != 0:
            fail(f"gen_corpus.py failed: {gen.stderr.decode(errors='replace')}")
        data = os.path.join(tmp, "data")
        ledger = os.path.join(data, "ledger.db")
        base = [binary, "--claude-dir", root, "--ledger", ledger]
        err_path = os.path.join(tmp, "monitor.err")
        with open(err_path, "wb") as err:
            monitor = subprocess.Popen(base + ["bridge", "sync", "--start-monitoring"],
                                       stdout=subprocess.DEVNULL, stderr=err)
        waited = wait_for_report(base, oracle(root), "catch-up", 60)
        log(f"catch-up: the report equals the oracle after {waited:.1f} s")

        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(ledger + suffix):
                os.unlink(ledger + suffix)
        append_line(root, 1)
        waited = wait_for_report(base, oracle(root), "ledger.db deleted", 15)
        log(f"file: a new ledger equals the oracle {waited:.1f} s after the deletion")

        shutil.rmtree(data)
        append_line(root, 2)
        waited = wait_for_report(base, oracle(root), "ledger directory deleted", 15)
        log(f"directory: a new ledger equals the oracle {waited:.1f} s after the deletion")

        monitor.send_signal(signal.SIGTERM)
        code = monitor.wait(timeout=30)
        monitor = None
        said = open(err_path, "rb").read().decode(errors="replace")
        if code != 0:
            fail(f"the monitor exited {code} on SIGTERM\nstderr: {said[-3000:]}")
        if said.count("was deleted") < 2:
            fail(f"the monitor did not say twice that the ledger was deleted:\n{said[-3000:]}")
        mode = stat.S_IMODE(os.stat(ledger).st_mode)
        if mode != 0o600:
            fail(f"the new ledger is {oct(mode)}, expected 0o600")
        dir_mode = stat.S_IMODE(os.stat(data).st_mode)
        if dir_mode != 0o700:
            fail(f"the new ledger's directory is {oct(dir_mode)}, expected 0o700")
        print(f"deleted_ledger_test: PASS in {time.monotonic() - started:.1f} s")
        return 0
    except TestFailure as e:
        print(f"deleted_ledger_test: FAIL (temp dir {tmp}):\n{e}", file=sys.stderr)
        args.keep = True
        return 1
    finally:
        if monitor is not None:
            monitor.kill()
            monitor.wait()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
