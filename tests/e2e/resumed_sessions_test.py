#!/usr/bin/env python3
"""Usage stays with the session where it was spent (issue 14, item 1; docs/design.md).

A session A resumed as B, and B resumed as C: B's file starts with copies of A's requests
(same message ids, request ids and timestamps) with their sessionId rewritten to B's; C's file
starts with copies of A's and B's requests that keep their original sessionId (a file named C
holding lines of A and B). Each file then adds requests of its own. `report session --json`
must list A, B and C, each with the requests it made and nothing else (hand-computed below),
whatever the file names (so whatever their path order) and whatever the read order:
`bridge backfill` with one and four jobs, and `bridge sync --once` after each file appears,
oldest first and newest first. tools/oracle.py --sessions must say the same. And the one
order-dependent corner (docs/design.md): B synced while it held only A's copies keeps them
until a `bridge backfill`, which gives them back to A.

Usage:
    python3 tests/e2e/resumed_sessions_test.py --binary PATH [--seed S] [--keep]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from e2e_common import ORACLE, Cli, check, fail, main

PROJECT = "-home-USER-projects-resume"
MODEL = "claude-sonnet-4-20250514"  # $3 input, $15 output per million tokens.

# (message id, time, input tokens, output tokens, the session that spent it)
REQUESTS = [
    ("msg_a1", "2026-03-02T10:00:00.000Z", 10, 100, "A"),
    ("msg_a2", "2026-03-02T10:05:00.000Z", 10, 200, "A"),
    ("msg_b1", "2026-03-02T11:00:00.000Z", 10, 300, "B"),
    ("msg_c1", "2026-03-02T12:00:00.000Z", 10, 400, "C"),
]
# Hand-computed: A = 20 input + 300 output = 20*3 + 300*15 = 4,560 micro-dollars;
# B = 10*3 + 300*15 = 4,530; C = 10*3 + 400*15 = 6,030.
EXPECTED = {
    "A": {"inputTokens": 20, "outputTokens": 300, "totalCost": 0.00456},
    "B": {"inputTokens": 10, "outputTokens": 300, "totalCost": 0.00453},
    "C": {"inputTokens": 10, "outputTokens": 400, "totalCost": 0.00603},
}


def line(session_id: str, req: tuple) -> str:
    msg, ts, inp, out, _ = req
    return json.dumps({
        "parentUuid": None, "isSidechain": False, "userType": "external",
        "cwd": "/home/USER/projects/resume", "sessionId": session_id, "version": "2.1.39",
        "gitBranch": "main", "type": "assistant", "uuid": "u-" + msg, "timestamp": ts,
        "requestId": "req_" + msg[4:],
        "message": {"id": msg, "type": "message", "role": "assistant", "model": MODEL,
                    "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn",
                    "usage": {"input_tokens": inp, "output_tokens": out,
                              "cache_creation_input_tokens": 0,
                              "cache_read_input_tokens": 0}},
    }, separators=(",", ":")) + "\n"


def files(ids: dict) -> dict:
    """session letter -> file body: B rewrites the copies' sessionId, C keeps it."""
    a, b, c = ids["A"], ids["B"], ids["C"]
    own = {k: [r for r in REQUESTS if r[4] == k] for k in "ABC"}
    return {
        "A": "".join(line(a, r) for r in own["A"]),
        "B": "".join(line(b, r) for r in own["A"] + own["B"]),
        "C": "".join(line(ids[r[4]], r) for r in own["A"] + own["B"])
             + "".join(line(c, r) for r in own["C"]),
    }


def write(root: str, ids: dict, letters: str) -> None:
    d = os.path.join(root, "projects", PROJECT)
    os.makedirs(d, exist_ok=True)
    bodies = files(ids)
    for k in letters:
        with open(os.path.join(d, ids[k] + ".jsonl"), "w", encoding="utf-8") as f:
            f.write(bodies[k])


def check_sessions(label: str, report: dict, ids: dict) -> None:
    by_id = {s.get("sessionId"): s for s in report.get("sessions") or []}
    letter = {v: k for k, v in ids.items()}
    got = sorted(letter.get(s, s) for s in by_id)
    check(got == ["A", "B", "C"], f"{label}: sessions listed: expected A, B, C, got {got}")
    for k, want in EXPECTED.items():
        s = by_id[ids[k]]
        have = {f: s.get(f) for f in want}
        if have["totalCost"] is not None:
            have["totalCost"] = round(have["totalCost"], 9)
        check(have == want, f"{label}: session {k} ({ids[k]}): expected {want}, got {have}")


def check_oracle(label: str, root: str, ids: dict) -> None:
    p = subprocess.run([sys.executable, ORACLE, "--sessions", os.path.join(root, "projects")],
                       stdout=subprocess.PIPE, check=True)
    sessions = {s["sessionId"]: s for s in json.loads(p.stdout)["sessions"]}
    for k, want in EXPECTED.items():
        s = sessions.get(ids[k])
        have = None if s is None else {f: s[f] for f in ("inputTokens", "outputTokens")}
        check(have == {f: want[f] for f in ("inputTokens", "outputTokens")},
              f"{label}: oracle.py --sessions, session {k}: expected {want}, got {have}")


def scenario(script) -> str:
    namings = {
        # The original's path sorts last, then first: the path order must not matter.
        "newest sorts first": {"A": "ffffffff-0000-4000-8000-00000000000a",
                               "B": "88888888-0000-4000-8000-00000000000b",
                               "C": "00000000-0000-4000-8000-00000000000c"},
        "oldest sorts first": {"A": "00000000-0000-4000-8000-00000000000a",
                               "B": "88888888-0000-4000-8000-00000000000b",
                               "C": "ffffffff-0000-4000-8000-00000000000c"},
    }
    runs = 0
    for n, (naming, ids) in enumerate(namings.items()):
        root = os.path.join(script.tmp, f"t{n}")
        write(root, ids, "ABC")
        check_oracle(naming, root, ids)
        for m, mode in enumerate((("bridge", "backfill", "--jobs", "1"),
                                  ("bridge", "backfill", "--jobs", "4"))):
            cli = Cli(script.binary, root, os.path.join(script.tmp, f"l{n}-{m}.db"))
            cli.ok(*mode)
            check_sessions(f"{naming}, `{' '.join(mode[1:])}`",
                           cli.json("report", "session", "--json"), ids)
            runs += 1
        for order in ("ABC", "CBA"):
            root_o = os.path.join(script.tmp, f"t{n}-{order}")
            cli = Cli(script.binary, root_o, os.path.join(script.tmp, f"l{n}-{order}.db"))
            for k in order:
                write(root_o, ids, k)
                cli.ok("bridge", "sync", "--once")
            check_sessions(f"{naming}, `sync --once` as {' then '.join(order)} appear",
                           cli.json("report", "session", "--json"), ids)
            runs += 1
    check_corner(script)
    return (f"{runs} reads: A, B and C each keep the requests they spent; the documented "
            f"corner (B read holding only copies) is put right by a backfill")


def check_corner(script) -> None:
    """docs/design.md's order-dependent corner: B (its path first) synced while it held only
    A's copies ties with A and keeps them; a backfill after B grew gives them back to A."""
    ids = {"A": "ffffffff-0000-4000-8000-00000000000a",
           "B": "00000000-0000-4000-8000-00000000000b"}
    root = os.path.join(script.tmp, "corner")
    d = os.path.join(root, "projects", PROJECT)
    os.makedirs(d)
    own_a = [r for r in REQUESTS if r[4] == "A"]
    own_b = [r for r in REQUESTS if r[4] == "B"]
    with open(os.path.join(d, ids["A"] + ".jsonl"), "w", encoding="utf-8") as f:
        f.write("".join(line(ids["A"], r) for r in own_a))
    b_path = os.path.join(d, ids["B"] + ".jsonl")
    with open(b_path, "w", encoding="utf-8") as f:
        f.write("".join(line(ids["B"], r) for r in own_a))
    cli = Cli(script.binary, root, os.path.join(script.tmp, "corner.db"))
    cli.ok("bridge", "sync", "--once")
    with open(b_path, "a", encoding="utf-8") as f:
        f.write("".join(line(ids["B"], r) for r in own_b))
    cli.ok("bridge", "sync", "--once")

    def outputs() -> dict:
        rep = cli.json("report", "session", "--json")
        names = {v: k for k, v in ids.items()}
        return {names.get(s["sessionId"]): s["outputTokens"] for s in rep["sessions"]}

    got = outputs()
    check(got == {"B": 600},
          f"corner: B read while it held only copies keeps them (documented): got {got}")
    cli.ok("bridge", "backfill")
    got = outputs()
    check(got == {"A": 300, "B": 300}, f"corner after backfill: expected A 300, B 300, got {got}")


if __name__ == "__main__":
    sys.exit(main("resumed_sessions_test", __doc__, scenario, scales=("ci",), seed=1))
