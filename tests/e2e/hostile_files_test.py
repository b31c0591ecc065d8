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

import os
import sys
import time

from e2e_common import Cli, assistant_line, fail, main, stop, wait_for


def assistant(n, session="s-1"):
    return assistant_line(f"{session}_{n}", f"2025-09-03T10:00:{n:02d}.000Z",
                          {"input_tokens": 1, "output_tokens": 2}, session=session) + "\n"


def scenario(script) -> str:
    project = script.path("claude", "projects", "-w")
    os.makedirs(project)
    victim = os.path.join(project, "s-1.jsonl")
    other = os.path.join(project, "s-2.jsonl")
    with open(victim, "w") as f:
        f.write(assistant(1))
    with open(other, "w") as f:
        f.write(assistant(1, "s-2"))
    os.symlink("/dev/zero", os.path.join(project, "zero.jsonl"))
    cli = Cli(script.binary, script.path("claude"), script.path("ledger.db"))
    errlog = open(script.path("stderr"), "w+")
    proc = cli.popen("bridge", "sync", "--start-monitoring", "--reconcile", "2",
                     stdout=errlog, stderr=errlog)
    try:
        wait_for(lambda: cli.events() == 2, "the first two events")
        os.unlink(victim)
        os.mkfifo(victim)
        with open(other, "a") as f:
            f.write(assistant(2, "s-2"))
        wait_for(lambda: cli.events() == 3, "a line appended beside the FIFO")
        time.sleep(2.5)  # A reconcile pass meets the FIFO too.
        with open(other, "a") as f:
            f.write(assistant(3, "s-2"))
        wait_for(lambda: cli.events() == 4, "a line appended after a reconcile pass")
        errlog.seek(0)
        text = errlog.read()
        if "a FIFO, not a regular file" not in text:
            fail(f"no warning names the FIFO:\n{text}")
        stop(proc, "the monitor", 1.0)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return ("a FIFO swapped in is skipped with a warning, ingestion goes on, SIGTERM stops "
            "the monitor within 1 s")


if __name__ == "__main__":
    sys.exit(main("hostile_files_test", __doc__, scenario))
