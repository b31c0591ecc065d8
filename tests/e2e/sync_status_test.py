#!/usr/bin/env python3
"""What sync-status, backfill --dry-run, validate and the long-running commands tell a user
(issue 14 items 8, 9, 16, 20, 21).

Asserted:
  * a transcript whose last line has no newline: once a sync has read the file and left that
    line, `bridge sync-status` reports it as an unfinished line (its file and byte), not as
    unread bytes, and the run's lag stays 0 however long it waits; `/metrics`-free: the JSON
    is what the dashboard's health uses too;
  * rejected lines: sync-status --json lists each one's file and byte offset (and how it
    begins); the text shows them with terminal controls escaped;
  * `bridge backfill --dry-run` on a full ledger counts 0 new files and 0 new events, after a
    new file its file and events, and writes nothing;
  * `bridge validate` on a mismatch names what to do (`bridge sync --once`) and how to look
    at the day that differs; --json has nextSteps;
  * `bridge sync --start-monitoring` and `--interval` print, on SIGTERM, one line saying how
    long they ran and what they synced; --interval's start line names its real period.

Usage:
    python3 tests/e2e/sync_status_test.py --binary PATH [--keep]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from e2e_common import Cli, assistant_line, fail, main, make_log, stop, wait_for

log = make_log("sync_status_test")


def line(key: str, ts: str, output: int) -> bytes:
    return (assistant_line(key, ts, {"input_tokens": 1, "output_tokens": output}) +
            "\n").encode()


def write(path: str, data: bytes, mode: str = "wb") -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(data)


def test_unfinished_and_rejects(cli: Cli, project: str) -> str:
    a = os.path.join(project, "a.jsonl")
    first = line("a1", "2025-09-05T10:00:00.000Z", 5)
    bad = b"{not json \x1b[31mred\n"
    partial = line("a2", "2025-09-05T10:01:00.000Z", 7)
    write(a, first + bad + partial[:40])
    cli.ok("bridge", "sync", "--once")
    time.sleep(1.2)  # Long enough for a lag that grows to show.
    st = cli.status()
    files = st["files"]
    if files["unreadBytes"] != 0 or files["filesBehind"] != 0:
        fail(f"an unfinished last line counted as unread: {files}")
    if files["unfinishedBytes"] != 40 or [(u["file"], u["offset"])
                                         for u in files["unfinishedLines"]] != \
            [(a, len(first) + len(bad))]:
        fail(f"sync-status should list the unfinished line of {a} at byte "
             f"{len(first) + len(bad)}: {files}")
    if st["lastRun"]["lagMs"] != 0:
        fail(f"lag with nothing a sync could read: {st['lastRun']}")
    recent = st["rejects"]["recent"]
    if [(r["file"], r["offset"]) for r in recent] != [(a, len(first))] or \
            not recent[0]["head"].startswith("{not json"):
        fail(f"rejects.recent should name {a} at byte {len(first)}: {recent}")
    text = cli.ok("bridge", "sync-status").stdout.decode()
    for want in (f"{a} at byte {len(first):,}", "unfinished: 1 file ends",
                 "not counted as lag", "\\x1b[31mred"):
        if want not in text:
            fail(f"sync-status text lacks {want!r}:\n{text}")
    if "\x1b" in text:
        fail(f"sync-status printed a raw escape from a rejected line:\n{text!r}")
    # The rest of the line arrives: unread until a sync reads it, then nothing is left.
    write(a, partial[40:], "ab")
    if cli.status()["files"]["unreadBytes"] != len(partial):
        fail(f"the grown file's bytes are unread until synced: {cli.status()['files']}")
    cli.ok("bridge", "sync", "--once")
    files = cli.status()["files"]
    if files["unreadBytes"] or files["unfinishedBytes"] or files["unfinishedLines"]:
        fail(f"after the line was finished and synced: {files}")
    return "an unfinished last line is listed, not lag; rejects listed by file and byte"


def test_dry_run(cli: Cli, project: str) -> str:
    cli.ok("bridge", "backfill")
    before = cli.status()["events"]
    r = cli.json("bridge", "backfill", "--dry-run", "--json")
    if (r["filesNew"], r["eventsNew"], r["eventsUpdated"]) != (0, 0, 0):
        fail(f"backfill --dry-run on a full ledger: {r}")
    text = cli.ok("bridge", "backfill", "--dry-run").stdout.decode()
    if "events: 0 new, 0 updated" not in text:
        fail(f"backfill --dry-run text on a full ledger:\n{text}")
    write(os.path.join(project, "b.jsonl"),
          line("b1", "2025-09-06T10:00:00.000Z", 3) + line("b2", "2025-09-06T10:00:01.000Z", 4))
    r = cli.json("bridge", "backfill", "--dry-run", "--json")
    if (r["filesNew"], r["eventsNew"], r["eventsUpdated"]) != (1, 2, 0):
        fail(f"backfill --dry-run after a new file with 2 events: {r}")
    if cli.status()["events"] != before:
        fail("backfill --dry-run wrote to the ledger")
    return "backfill --dry-run: 0 on a full ledger, a new file's 2 events after"


def test_validate_next_steps(cli: Cli, project: str) -> str:
    # b.jsonl (2025-09-06, left by the dry run) and c.jsonl are not synced yet.
    write(os.path.join(project, "c.jsonl"), line("c1", "2025-09-07T10:00:00.000Z", 9))
    v = cli.expect(1, "bridge", "validate")
    text = v.stdout.decode()
    for want in ("MISMATCH", "What to do:", "context-cleaner bridge sync --once",
                 "--since 2025-09-06 --until 2025-09-06"):
        if want not in text:
            fail(f"validate's mismatch should say {want!r}:\n{text}")
    j = json.loads(cli.expect(1, "bridge", "validate", "--json").stdout)
    if not any("bridge sync --once" in s for s in j.get("nextSteps", [])):
        fail(f"validate --json nextSteps: {j.get('nextSteps')}")
    cli.ok("bridge", "sync", "--once")
    ok = cli.ok("bridge", "validate").stdout.decode()
    if "What to do" in ok:
        fail(f"validate with nothing to do still advises:\n{ok}")
    return "validate's mismatch names `bridge sync --once` and the day to look at"


def test_stop_summary(cli: Cli, project: str) -> str:
    proc = cli.popen("bridge", "sync", "--start-monitoring", stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
    try:
        before = cli.status()["events"]
        wait_for(lambda: "lastRun" in cli.status() and
                 (cli.status()["lastRun"] or {}).get("result") == "running",
                 "the monitor to start")
        write(os.path.join(project, "d.jsonl"), line("d1", "2025-09-08T10:00:00.000Z", 2))
        wait_for(lambda: cli.status()["events"] == before + 1, "the monitor to sync d.jsonl")
    finally:
        _, _, err = stop(proc, "bridge sync --start-monitoring", 15)
    if "stopped after" not in err or "1 new event," not in err:
        fail(f"the monitor said nothing useful on SIGTERM:\n{err}")
    proc = cli.popen("bridge", "sync", "--interval", "0.5", stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
    time.sleep(1.5)
    _, _, err = stop(proc, "bridge sync --interval 0.5", 15)
    if "a pass every 30 s" not in err or "stopped after" not in err:
        fail(f"--interval 0.5: the start and stop lines:\n{err}")
    return "monitor and --interval say on SIGTERM what they synced"


def scenario(script) -> str:
    root = script.path("claude")
    project = os.path.join(root, "projects", "-w")
    os.makedirs(project)
    cli = Cli(script.binary, root, script.path("ledger.db"))
    said = [test_unfinished_and_rejects(cli, project), test_dry_run(cli, project),
            test_validate_next_steps(cli, project), test_stop_summary(cli, project)]
    return "; ".join(said)


if __name__ == "__main__":
    sys.exit(main("sync_status_test", __doc__, scenario, scales=("ci",)))
