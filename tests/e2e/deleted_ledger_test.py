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

import json
import os
import shutil
import stat
import subprocess
import sys
import time

from e2e_common import (Cli, assistant_line, check_report, fail, generate_corpus, main, oracle,
                        stop, token_report, transcripts)


def wait_for_report(cli: Cli, want: dict, what: str, seconds: float) -> float:
    """Seconds until the ledger's report equals the oracle's `want`."""
    started = time.monotonic()
    last = None
    while time.monotonic() - started < seconds:
        p = cli.run("report", "daily", "--json", "--timezone", "UTC", timeout=60)
        last = token_report(json.loads(p.stdout)) if p.returncode == 0 else None
        if last == {k: want[k] for k in ("daily", "totals")}:
            return time.monotonic() - started
        time.sleep(0.1)
    if last is None:
        fail(f"{what}: the report did not equal oracle.py within {seconds} s\n"
             "  (no ledger to report on)")
    check_report(what, want, last, f"the report did not equal oracle.py within {seconds} s")


def append_line(root: str, n: int) -> None:
    """A new response appended to the first transcript (sorted by path)."""
    with open(transcripts(root)[0], "a") as f:
        f.write(assistant_line(f"deleted_{n}", "2025-09-03T10:00:00.000Z",
                               {"input_tokens": 100 + n, "output_tokens": 7},
                               session="s-deleted") + "\n")


def scenario(script) -> str:
    root = script.path("claude")
    generate_corpus(root, 1, 5)
    data = script.path("data")
    cli = Cli(script.binary, root, os.path.join(data, "ledger.db"))
    ledger = cli.ledger
    err_path = script.path("monitor.err")
    with open(err_path, "wb") as err:
        monitor = cli.popen("bridge", "sync", "--start-monitoring",
                            stdout=subprocess.DEVNULL, stderr=err)
    try:
        waited = wait_for_report(cli, oracle(root), "catch-up", 60)
        script.log(f"catch-up: the report equals the oracle after {waited:.1f} s")

        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(ledger + suffix):
                os.unlink(ledger + suffix)
        append_line(root, 1)
        waited = wait_for_report(cli, oracle(root), "ledger.db deleted", 15)
        script.log(f"file: a new ledger equals the oracle {waited:.1f} s after the deletion")

        shutil.rmtree(data)
        append_line(root, 2)
        waited = wait_for_report(cli, oracle(root), "ledger directory deleted", 15)
        script.log(f"directory: a new ledger equals the oracle {waited:.1f} s after the deletion")

        stop(monitor, "the monitor", 30, err_path)
    finally:
        if monitor.poll() is None:
            monitor.kill()
            monitor.wait()
    said = open(err_path, "rb").read().decode(errors="replace")
    if said.count("was deleted") < 2:
        fail(f"the monitor did not say twice that the ledger was deleted:\n{said[-3000:]}")
    mode = stat.S_IMODE(os.stat(ledger).st_mode)
    if mode != 0o600:
        fail(f"the new ledger is {oct(mode)}, expected 0o600")
    dir_mode = stat.S_IMODE(os.stat(data).st_mode)
    if dir_mode != 0o700:
        fail(f"the new ledger's directory is {oct(dir_mode)}, expected 0o700")
    return "a deleted ledger file and directory were rebuilt equal to the oracle"


if __name__ == "__main__":
    sys.exit(main("deleted_ledger_test", __doc__, scenario, keep_on_failure=True))
