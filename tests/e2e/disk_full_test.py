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

import os
import subprocess
import sys
import time

from e2e_common import (Cli, Skipped, assistant_line, check_report, fail, main, oracle,
                        stop, wait_for)


def append(path, session, first, count):
    with open(path, "a") as f:
        for n in range(first, first + count):
            ts = f"2025-09-03T{10 + n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}.000Z"
            f.write(assistant_line(f"{session}_{n}", ts,
                                   {"input_tokens": n, "output_tokens": 2 * n + 1,
                                    "cache_read_input_tokens": 7},
                                   session=session, text="x" * 200) + "\n")


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


def scenario(script) -> str:
    small = script.path("small")
    os.makedirs(small)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        raise Skipped(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); needs root")
    proc = None
    try:
        projects = script.path("claude", "projects", "-w")
        os.makedirs(projects)
        a, b = os.path.join(projects, "a.jsonl"), os.path.join(projects, "b.jsonl")
        append(a, "a", 0, 50)
        append(b, "b", 0, 50)
        cli = Cli(script.binary, script.path("claude"), os.path.join(small, "ledger.db"))
        errlog = open(script.path("stderr"), "w+")
        proc = cli.popen("bridge", "sync", "--start-monitoring", stdout=errlog, stderr=errlog)
        wait_for(lambda: cli.events() == 100, "the catch-up", 20)
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
        script.log(f"disk full: the monitor runs on, {cli.events()} events stored of 2100")
        os.unlink(filler)
        wait_for(lambda: cli.events() == 2100, "the catch-up after space returned", 60)
        errlog.seek(0)
        if "written again" not in errlog.read():
            fail("the monitor did not say the ledger is written again")
        check_report("after the full disk", oracle(script.path("claude")), cli.report(),
                     "the ledger differs from the oracle")
        stop(proc, "the monitor", 10)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        subprocess.run(["umount", "-l", small], capture_output=True)
    return "the monitor ran through a full disk and caught up exactly once space returned"


if __name__ == "__main__":
    sys.exit(main("disk_full_test", __doc__, scenario))
