#!/usr/bin/env python3
"""Bad-input end-to-end test (DESIGN.md sections 3, 4, 5 and 9; issue 2).

A hand-written transcript tree full of nasty input: invalid JSON, a truncated line, invalid
UTF-8 in a usage line, NUL bytes, a BOM at a file's start, CRLF line ends, empty lines, wrong
types, negative and huge numbers, a 50 MB assistant line with usage, a 50 MB tool-output user
line, an unterminated final line that is a whole JSON object (counts) and one that is a prefix
(neither counted nor rejected, until its rest and newline are appended), an unreadable file and
directory, and a directory with symlink loops.

Asserted:
  * every run exits 0 and never dies of a signal;
  * every good line is counted exactly: `report daily --json` equals totals computed by hand
    (literals below) and tools/oracle.py;
  * `bridge sync-status --json` counts as many rejects as bad lines were planted;
  * the peak RSS of the sync (and of a backfill) over this tree stays under 100 MB;
  * a ledger whose PRAGMA user_version is 99 is refused with exit 3 and a message naming the
    version, and is left untouched.

Unreadable files and directories: chmod 000 does not stop root. When run as root the
sub-case runs the binary as user `nobody` (setpriv); when that is impossible it is skipped with
a message.

Usage:
    python3 tests/e2e/bad_input_test.py --binary PATH [--scale ci|large] [--seed S] [--keep]
(--scale and --seed are accepted for a uniform interface; the tree is hand-written and fixed,
 except that --seed varies the filler of the 50 MB lines.)
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time

from e2e_common import (REPORT_KEYS, Cli, Parts, TestFailure, check_report, fail, main, make_log,
                        oracle, transcripts)
from e2e_common import dumps as j

log = make_log("bad_input_test")
BOM = b"\xef\xbb\xbf"
RSS_LIMIT_KB = 100 * 1024
# Under ASan (CMake sets this for sanitized builds) the RSS holds shadow memory
# and a quarantine of freed blocks: reported, not judged. The unsanitized
# build of scripts/test.sh judges it.
SANITIZED = bool(os.environ.get("CC_SANITIZED_BUILD"))


def judge_rss(rss_kb: int | None, cmd: str, results: list[str], problems: list[str]) -> None:
    """The peak RSS of `cmd` over the tree with two 50 MB lines is under 100 MB."""
    if rss_kb is None:
        results.append(f"(peak RSS of `{cmd}` could not be measured)")
    elif rss_kb > RSS_LIMIT_KB and SANITIZED:
        results.append(f"(sanitized build: {rss_kb / 1024:.1f} MB is over the 100 MB limit, "
                       f"which applies to unsanitized builds only)")
    elif rss_kb > RSS_LIMIT_KB:
        problems.append(f"peak RSS of `{cmd}` over a tree with two 50 MB lines: "
                        f"{rss_kb / 1024:.1f} MB, expected < 100 MB")


BIG = 50 * 1024 * 1024
SESSION = "5f0c1a52-3b7e-4c1d-9a57-0d6f3e8b2a11"
PROJECT = "-home-u-bad"


def assistant(msg_id, req_id, ts, usage, *, model="claude-sonnet-4-5-20250929", uuid=None,
              text="ok") -> dict:
    line = {"parentUuid": None, "isSidechain": False, "userType": "external",
            "cwd": "/home/u/bad", "sessionId": SESSION, "version": "2.1.31",
            "gitBranch": "main", "type": "assistant",
            "message": {"model": model, "type": "message", "role": "assistant",
                        "content": [{"type": "text", "text": text}],
                        "stop_reason": "end_turn", "stop_sequence": None, "usage": usage},
            "uuid": uuid or f"uuid-{msg_id}-{ts}", "timestamp": ts}
    if msg_id is not None:
        line["message"]["id"] = msg_id
    if req_id is not None:
        line["requestId"] = req_id
    return line


def usage(i=0, o=0, cc=0, cr=0) -> dict:
    return {"input_tokens": i, "cache_creation_input_tokens": cc, "cache_read_input_tokens": cr,
            "output_tokens": o, "service_tier": "standard"}


def user(text, ts="2025-09-01T09:00:00.000Z") -> dict:
    return {"parentUuid": None, "isSidechain": False, "type": "user", "sessionId": SESSION,
            "message": {"role": "user", "content": text}, "uuid": f"u-{ts}-{len(text)}",
            "timestamp": ts}


# --------------------------------------------------------------------------- expectations
# Hand-computed. Day 2025-09-01: G1 (10/20/30/40), G2 (1/2/3/4), G3 streaming 5 -> 50
# (100/50/0/1000), G4 synthetic (0), G5 without requestId 7 -> 70 (1/70/2/0), G6 huge but
# valid: output 2**40 = 1099511627776.  Day 2025-09-02: G7 keyed by uuid (3/4/0/0), G8 a
# subagent response echoed by a progress line, the file's line bigger (7/80/9/10), G9 a
# timestamp with a +02:00 offset on 09-03 that is 09-02 in UTC (1/1/0/0).  Day 2025-09-03:
# the 50 MB assistant line (11/22/33/44), the line after the big lines (1/2/0/0), the first
# line of the tail-object file (2/3/0/0), its unterminated whole-object last line (5/6/0/0).
# Day 2025-09-04: first line of the prefix file (4/5/0/0), the CRLF+BOM file (2/2/0/0); and
# once completed, the prefix line (100/200/0/0).  Day 2025-09-05: two lines holding a lone
# UTF-16 surrogate escape in a string, one in the text (3/30/0/0), one in a field nobody
# reads (4/40/0/0), and a line whose counts are null but its input (2/0/0/0: null is 0).

DAY1 = {"date": "2025-09-01", "inputTokens": 112, "outputTokens": 1099511627918,
        "cacheCreationTokens": 35, "cacheReadTokens": 1044, "totalTokens": 1099511629109,
        "events": 6}
DAY2 = {"date": "2025-09-02", "inputTokens": 11, "outputTokens": 85,
        "cacheCreationTokens": 9, "cacheReadTokens": 10, "totalTokens": 115, "events": 3}
DAY3 = {"date": "2025-09-03", "inputTokens": 19, "outputTokens": 33,
        "cacheCreationTokens": 33, "cacheReadTokens": 44, "totalTokens": 129, "events": 4}
DAY4_BEFORE = {"date": "2025-09-04", "inputTokens": 6, "outputTokens": 7,
               "cacheCreationTokens": 0, "cacheReadTokens": 0, "totalTokens": 13, "events": 2}
DAY4_AFTER = {"date": "2025-09-04", "inputTokens": 106, "outputTokens": 207,
              "cacheCreationTokens": 0, "cacheReadTokens": 0, "totalTokens": 313, "events": 3}
DAY5 = {"date": "2025-09-05", "inputTokens": 9, "outputTokens": 70,
        "cacheCreationTokens": 0, "cacheReadTokens": 0, "totalTokens": 79, "events": 3}
TOTALS_BEFORE = {"inputTokens": 157, "outputTokens": 1099511628113, "cacheCreationTokens": 77,
                 "cacheReadTokens": 1098, "totalTokens": 1099511629445, "events": 18}
TOTALS_AFTER = {"inputTokens": 257, "outputTokens": 1099511628313, "cacheCreationTokens": 77,
                "cacheReadTokens": 1098, "totalTokens": 1099511629745, "events": 19}
EXPECTED_BEFORE = {"daily": [DAY1, DAY2, DAY3, DAY4_BEFORE, DAY5], "totals": TOTALS_BEFORE}
EXPECTED_AFTER = {"daily": [DAY1, DAY2, DAY3, DAY4_AFTER, DAY5], "totals": TOTALS_AFTER}
DAY_NOTES = {
    "2025-09-01": "BOM first line, CRLF line, streaming 5->50, synthetic, no requestId 7->70, "
                  "output 2**40",
    "2025-09-02": "uuid-keyed line, progress echo + subagent file (max 80), +02:00 offset",
    "2025-09-03": "the 50 MB assistant line, the line after the two 50 MB lines, the "
                  "unterminated whole-object last line",
    "2025-09-04": "CRLF+BOM file, the prefix file (its last line counts only once completed)",
    "2025-09-05": "two assistant lines with a lone UTF-16 surrogate escape in a string "
                  "(\\ud83d in the text, \\udc00 in a top-level field), a line with null "
                  "token counts (null is 0)",
}


# --------------------------------------------------------------------------- the tree


def write(path: str, *lines: bytes) -> str:
    """Writes the lines (bytes, as given) to path, making its directory; returns path."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"".join(lines))
    return path


def jl(obj) -> bytes:
    """One JSON line, newline included."""
    return j(obj) + b"\n"


def big_text(size: int, rng: random.Random, header: str) -> str:
    """About `size` characters of text that is hostile to naive scanners."""
    pieces = [
        'if (x) { return "usage"; } // "usage":{"input_tokens":999999}\n',
        '{"type":"assistant","message":{"id":"msg_FAKE","usage":{"output_tokens":777}}}\n',
        "C:\\Users\\dev\\\"quoted\"\\path \\\\ back\\slash\t tab\n",
        "Ünïcødé — 日本語 🚀✨ 👨‍👩‍👧‍👦 \u2028 sep \u0007 bell\n",
        "plain ascii filler text " * 8 + "\n",
    ]
    unit = "".join(rng.sample(pieces, len(pieces)))
    return header + unit * (size // len(unit) + 1)


def build_tree(root: str, rng: random.Random) -> tuple[int, dict]:
    """Writes the tree; returns (number of planted bad lines, paths of interest)."""
    proj = os.path.join(root, "projects", PROJECT)
    bad: list[tuple[str, bytes]] = []
    seven = usage(7, 7, 7, 7)

    def badline(name: str, data: bytes) -> bytes:
        bad.append((name, data))
        return data + b"\n"

    def bad_usage(name: str, n: int, u, ts: str = "2025-09-01T13:00:00.000Z", *,
                  old: bytes = b"", new: bytes = b"") -> bytes:
        """A planted assistant line msg_bN/req_bN, `old` replaced by `new` in its JSON."""
        return badline(name, j(assistant(f"msg_b{n}", f"req_b{n}", ts, u)).replace(old, new))

    # a-main.jsonl: BOM, CRLF, empty lines, bad lines interleaved with good ones.
    main = [
        BOM + j(assistant("msg_g1", "req_g1", "2025-09-01T10:00:00.000Z",
                          usage(10, 20, 30, 40))) + b"\n",
        j(assistant("msg_g2", "req_g2", "2025-09-01T11:00:00.000Z", usage(1, 2, 3, 4)))
        + b"\r\n",
        b"\n",
        b"\r\n",
        jl(user("hello, please fix the usage report")),
        jl({"type": "summary", "summary": "Fixing usage", "leafUuid": "leaf-1"}),
        jl({"type": "file-history-snapshot", "messageId": "m", "snapshot": {}}),
        jl({"type": "system", "subtype": "turn_duration", "durationMs": 5,
            "timestamp": "2025-09-01T10:00:00Z", "uuid": "sys-1"}),
        badline("invalid JSON (double comma)",
                b'{"type":"assistant","message":{"id":"msg_b1","usage":{"input_tokens":5}},,'
                b'"timestamp":"2025-09-01T00:00:00Z"}'),
        jl(assistant("msg_g3", "req_g3", "2025-09-01T12:00:00.000Z", usage(100, 5, 0, 1000),
                     uuid="g3a")),
        badline("truncated line",
                j(assistant("msg_b2", "req_b2", "2025-09-01T12:00:00.500Z",
                            usage(1000, 1000, 1000, 1000)))[:120]),
        jl(assistant("msg_g3", "req_g3", "2025-09-01T12:00:01.000Z", usage(100, 50, 0, 1000),
                     uuid="g3b")),
        bad_usage("invalid UTF-8 in a usage line", 3, seven,
                  old=b"claude-sonnet", new=b"claude-\xff\xfenet"),
        bad_usage("NUL byte inside a usage line", 4, seven,
                  old=b'"role":"assistant"', new=b'"role":"assis\x00tant"'),
        bad_usage("output_tokens as a string", 5, seven | {"output_tokens": "20"}),
        bad_usage("usage as an array", 6, [7, 7, 7, 7]),
        bad_usage("negative input_tokens", 7, usage(-5, 7, 7, 7)),
        bad_usage("output_tokens 1e30", 8, seven,
                  old=b'"output_tokens":7', new=b'"output_tokens":1e30'),
        bad_usage("output_tokens 2**64", 9, usage(7, 2**64, 7, 7)),
        bad_usage("output_tokens 2**40 + 1 (above the 2**40 limit)", 10, usage(7, 2**40 + 1, 7, 7)),
        bad_usage("input_tokens 5.0 (a float)", 11, seven,
                  old=b'"input_tokens":7', new=b'"input_tokens":5.0'),
        badline("a JSON array line", b'["usage",{"input_tokens":1}]'),
        badline("a line of NUL bytes", b"\x00" * 64),
        bad_usage("unparseable timestamp", 12, seven, "yesterday"),
        badline("message.id is a number",
                j(assistant(12345, "req_b13", "2025-09-01T13:00:00.000Z", seven))),
        badline("no message id and no uuid",
                b'{"type":"assistant","message":{"usage":{"input_tokens":1,"output_tokens":1}},'
                b'"timestamp":"2025-09-01T13:00:00.000Z"}'),
        bad_usage("cache_creation is a string", 14, seven | {"cache_creation": "lots"}),
        # Timestamps outside [2023-01-01T00:00:00Z, now + 1 day] (core/record_bounds.h).
        bad_usage("year 0000", 15, seven, "0000-01-01T00:00:00Z"),
        bad_usage("1969", 16, seven, "1969-12-31T23:59:59Z"),
        bad_usage("a second before 2023", 17, seven, "2022-12-31T23:59:59Z"),
        bad_usage("year 9999", 18, seven, "9999-12-31T23:59:59Z"),
        jl(assistant("msg_g4", None, "2025-09-01T14:00:00.000Z",
                     usage(0, 0, 0, 0) | {"server_tool_use": {"web_search_requests": 0,
                                                              "web_fetch_requests": 0}},
                     model="<synthetic>", text="API Error: 529 overloaded")),
        jl(assistant("msg_g5", None, "2025-09-01T15:00:00.000Z", usage(1, 7, 2, 0),
                     uuid="g5a")),
        jl(assistant("msg_g5", None, "2025-09-01T15:00:02.000Z", usage(1, 70, 2, 0),
                     uuid="g5b")),
        jl(assistant("msg_g6", "req_g6", "2025-09-01T16:00:00.000Z", usage(0, 2**40, 0, 0))),
        jl(assistant(None, None, "2025-09-02T07:00:00.000Z", usage(3, 4, 0, 0),
                     uuid="uuid-key-g7")),
        # G8: a subagent response echoed in the parent by a progress line (partial: output 8).
        jl({"type": "progress", "sessionId": SESSION, "uuid": "prog-g8",
            "timestamp": "2025-09-02T08:00:00.500Z",
            "data": {"type": "agent_progress", "agentId": "a00c0de",
                     "message": {"type": "assistant", "timestamp": "2025-09-02T08:00:00.000Z",
                                 "requestId": "req_g8", "uuid": "sub-g8",
                                 "message": {"id": "msg_g8", "type": "message",
                                             "role": "assistant", "model": "claude-haiku-4-5",
                                             "content": [], "usage": usage(7, 8, 9, 10)}}}}),
        jl(assistant("msg_g9", "req_g9", "2025-09-03T01:30:00.000+02:00", usage(1, 1, 0, 0))),
        # Lone UTF-16 surrogate escapes: valid JSON (RFC 8259 grammar; JSON.parse accepts
        # them, and Node's JSON.stringify writes them for a string cut inside an emoji).
        jl(assistant("msg_sur1", "req_sur1", "2025-09-05T10:00:00.000Z", usage(3, 30),
                     text="PLACEHOLDER_SUR1")).replace(b"PLACEHOLDER_SUR1",
                                                       b"cut emoji \\ud83d"),
        jl(assistant("msg_sur2", "req_sur2", "2025-09-05T10:00:01.000Z", usage(4, 40))
           | {"slug": "PLACEHOLDER_SUR2"}).replace(b"PLACEHOLDER_SUR2", b"x\\udc00y"),
        # Null token counts are 0, as absent ones are (the program and tools/oracle.py).
        jl(assistant("msg_null", "req_null", "2025-09-05T11:00:00.000Z",
                     {"input_tokens": 2, "output_tokens": None,
                      "cache_creation_input_tokens": None, "cache_read_input_tokens": None,
                      "cache_creation": {"ephemeral_5m_input_tokens": None},
                      "server_tool_use": {"web_search_requests": None}})),
        # A user line whose tool output looks like usage lines (no usage record).
        jl(user('tool said {"type":"assistant","message":{"id":"x","usage":{"input_tokens":9}}}'
                '\n"usage":{"output_tokens":99}')),
        # A Task result: toolUseResult carries its own usage object (not an API response).
        jl(user("task done") | {"toolUseResult": {"status": "completed", "usage": {
             "input_tokens": 500, "output_tokens": 500}}}),
    ]
    write(os.path.join(proj, f"{SESSION}.jsonl"), *main)

    # The subagent's own file: the echoed response with its final output (80).
    write(os.path.join(proj, SESSION, "subagents", "agent-a00c0de.jsonl"),
          jl(assistant("msg_g8", "req_g8", "2025-09-02T08:00:00.000Z", usage(7, 80, 9, 10),
                       uuid="sub-g8") | {"isSidechain": True, "agentId": "a00c0de"}))

    # b-big.jsonl: a 50 MB assistant line with usage, a 50 MB tool output, a small good line.
    big_path = os.path.join(proj, "b0000000-big0-4000-8000-000000000000.jsonl")
    with open(big_path, "wb") as f:
        f.write(j(assistant("msg_big", "req_big", "2025-09-03T10:00:00.000Z",
                            usage(11, 22, 33, 44),
                            text=big_text(BIG, rng, "a long answer\n"))) + b"\n")
        tool = big_text(BIG, rng, "$ cat huge.log\n")
        f.write(j(user([{"type": "tool_result", "tool_use_id": "toolu_big", "content": tool}],
                       "2025-09-03T10:00:01.000Z")
                  | {"toolUseResult": {"stdout": tool, "stderr": ""}}) + b"\n")
        f.write(j(assistant("msg_after", "req_after", "2025-09-03T10:00:02.000Z",
                            usage(1, 2, 0, 0))) + b"\n")

    # c: the last line is a whole JSON object without newline: it counts.
    write(os.path.join(proj, "c0000000-tail-4000-8000-000000000000.jsonl"),
          jl(assistant("msg_t1", "req_t1", "2025-09-03T11:00:00.000Z", usage(2, 3))),
          j(assistant("msg_tailobj", "req_tailobj", "2025-09-03T11:00:01.000Z", usage(5, 6))))

    # d: the last line is a prefix of an object: not counted, not rejected (yet).
    pending = j(assistant("msg_tailprefix", "req_tailprefix", "2025-09-04T09:00:00.000Z",
                          usage(100, 200)))
    cut = len(pending) * 2 // 3
    prefix_path = write(os.path.join(proj, "d0000000-pref-4000-8000-000000000000.jsonl"),
                        jl(assistant("msg_t2", "req_t2", "2025-09-04T08:00:00.000Z", usage(4, 5))),
                        pending[:cut])

    # f: a BOM and CRLF line ends throughout.
    write(os.path.join(proj, "f0000000-crlf-4000-8000-000000000000.jsonl"),
          BOM + j(user("crlf file", "2025-09-04T07:00:00.000Z")) + b"\r\n",
          j(assistant("msg_crlf", "req_crlf", "2025-09-04T07:00:01.000Z", usage(2, 2))) + b"\r\n",
          b"\r\n")

    return len(bad), {"prefix": prefix_path, "prefix_rest": pending[cut:] + b"\n",
                      "bad": [name for name, _ in bad]}


# --------------------------------------------------------------------------- running


class Run:
    def __init__(self, p: subprocess.CompletedProcess, rss_kb: int | None, seconds: float):
        self.returncode, self.stdout, self.stderr = p.returncode, p.stdout, p.stderr
        self.rss_kb, self.seconds = rss_kb, seconds


def run(cli: Cli, *args: str, measure: bool = False, prefix: list[str] = (),
        tmp: str = "", timeout: float = 600) -> Run:
    """Runs the program; it must not die of a signal. With `measure`, its peak RSS."""
    cmd = list(prefix) + cli.args(*args)
    rss = None
    started = time.monotonic()
    if measure and os.access("/usr/bin/time", os.X_OK):
        out = os.path.join(tmp, "time.out")
        p = subprocess.run(["/usr/bin/time", "-o", out, "-f", "%M"] + cmd,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        try:
            with open(out) as f:
                rss = int(f.read().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError):
            rss = None
    else:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        # ru_maxrss of children is the max over all children so far: an upper bound.
        if measure:
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    r = Run(p, rss, time.monotonic() - started)
    if r.returncode < 0:
        fail(f"`{' '.join(args)}` died of signal {-r.returncode}\n"
             f"stderr: {r.stderr.decode(errors='replace')[-2000:]}")
    return r


def must_succeed(r: Run, what: str) -> Run:
    if r.returncode != 0:
        fail(f"{what}: expected exit 0, got {r.returncode}\n"
             f"stderr: {r.stderr.decode(errors='replace')[-2000:]}")
    return r


def compare(label: str, expected: dict, actual: dict) -> None:
    """`actual` (a report, or oracle.py's output) has the expected daily and totals."""
    check_report(label, expected, {k: actual[k] for k in REPORT_KEYS}, "report differs",
                 DAY_NOTES)


def check_rejects(label: str, st: dict, planted: int, names: list[str]) -> None:
    got = st.get("rejects", {}).get("lines")
    if got != planted:
        by_reason = "; ".join(f"{r.get('reason')}: {r.get('lines')}"
                              for r in st.get("rejects", {}).get("byReason") or [])
        fail(f"{label}: sync-status rejects.lines: expected {planted}, got {got}\n"
             f"  planted: {'; '.join(names)}\n  listed by reason: {by_reason}")


# --------------------------------------------------------------------------- sub-cases


def soft(problems: list[str], fn, *args) -> None:
    """Runs a check; a failure is recorded and the test goes on."""
    try:
        fn(*args)
    except TestFailure as e:
        label, _, body = str(e).partition(":")
        for earlier in problems:
            if earlier.partition(":")[2] == body:
                problems.append(f"{label}: the same difference as above")
                return
        problems.append(str(e))


def test_main_tree(binary: str, tmp: str, rng: random.Random, results: list[str]) -> None:
    root = os.path.join(tmp, "claude")
    planted, info = build_tree(root, rng)
    ledger = os.path.join(tmp, "ledger.db")
    cli = Cli(binary, root, ledger)
    size = sum(os.path.getsize(path) for path in transcripts(root))
    log(f"tree written: {size / 2**20:.1f} MiB, {planted} bad lines planted")
    problems: list[str] = []

    # Sanity of the hand-computed literals: the oracle agrees with them.
    o = oracle(root)
    compare("oracle.py vs the hand-computed literals (a bug in this test)", EXPECTED_BEFORE, o)
    if o["rejects"] != planted:
        fail(f"oracle.py counts {o['rejects']} rejects, the test planted {planted} "
             f"(a bug in this test)")

    r = must_succeed(run(cli, "bridge", "sync", "--once", "--json", measure=True,
                         tmp=tmp), "bridge sync --once over the bad tree")
    results.append(f"sync: exit 0 in {r.seconds:.2f} s, peak RSS "
                   f"{r.rss_kb / 1024 if r.rss_kb else float('nan'):.1f} MB")
    judge_rss(r.rss_kb, "bridge sync --once", results, problems)
    try:
        sync_out = json.loads(r.stdout)
    except ValueError:
        fail(f"sync --once --json printed invalid JSON: {r.stdout[:300]!r}")
    soft(problems, compare, "after the first sync", EXPECTED_BEFORE, cli.report())
    st = cli.status()
    soft(problems, check_rejects, "after the first sync", st, planted, info["bad"])
    if sync_out.get("rejectedLines") not in (None, planted):
        problems.append(f"sync --once --json says rejectedLines "
                        f"{sync_out.get('rejectedLines')}, expected {planted}")

    # Nothing changed: a second sync reads nothing and changes nothing.
    must_succeed(run(cli, "bridge", "sync", "--once"), "second sync")
    soft(problems, compare, "after a second sync with nothing changed", EXPECTED_BEFORE,
         cli.report())

    # Complete the unfinished prefix line: now it counts.
    with open(info["prefix"], "ab") as f:
        f.write(info["prefix_rest"])
    must_succeed(run(cli, "bridge", "sync", "--once"),
                 "sync after completing the prefix line")
    soft(problems, compare, "after completing the unterminated prefix line", EXPECTED_AFTER,
         cli.report())
    soft(problems, check_rejects, "after completing the prefix line", cli.status(),
         planted, info["bad"])
    compare("oracle.py after completing the prefix (a bug in this test)", EXPECTED_AFTER,
            oracle(root))

    soft(problems, cli.validate, "over the bad tree")

    # A backfill into a fresh ledger reads the same; its memory is bounded too.
    ledger2 = os.path.join(tmp, "ledger-backfill.db")
    cli2 = Cli(binary, root, ledger2)
    r = must_succeed(run(cli2, "bridge", "backfill", "--jobs", "2", measure=True,
                         tmp=tmp), "bridge backfill --jobs 2 over the bad tree")
    results.append(f"backfill --jobs 2: exit 0, peak RSS "
                   f"{r.rss_kb / 1024 if r.rss_kb else float('nan'):.1f} MB")
    judge_rss(r.rss_kb, "bridge backfill --jobs 2", results, problems)
    soft(problems, compare, "backfill into a fresh ledger", EXPECTED_AFTER,
         cli2.report())

    # Files tracked: one per transcript file.
    real_files = len(transcripts(root))  # (the tree holds no symlinks)
    tracked = cli.status()["files"]
    if tracked.get("active") != real_files:
        problems.append(f"sync-status files.active is {tracked.get('active')}, the tree holds "
                        f"{real_files} transcript files")
    if problems:
        fail("\n".join(problems))
    results.append(f"{planted} rejects counted, every good line counted, prefix line counted "
                   f"once completed, validate ok, {real_files} files tracked")


def test_deep_nesting(binary: str, tmp: str, results: list[str]) -> None:
    """Lines nested 100,000 deep: no crash (a recursive parser would overflow its stack).

    tools/oracle.py cannot read these (Python's json raises RecursionError), so expectations
    are literals: the program may count the deep usage line (input 5, output 50) or reject
    it; it must count the good line after it and list the deep line if it rejects it.
    """
    root = os.path.join(tmp, "deep")
    deep = b"[" * 100_000 + b"]" * 100_000
    deep_obj = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    write(os.path.join(root, "projects", "-p", "deep.jsonl"),
          jl(assistant("msg_deep", "req_deep", "2025-09-07T00:00:00.000Z", usage(5, 50),
                       text="PLACEHOLDER")).replace(b'"PLACEHOLDER"', deep),
          jl(user("x") | {"toolUseResult": {"usage": {"input_tokens": 1}},
                          "deep": "PLACEHOLDER"}).replace(b'"PLACEHOLDER"', deep_obj),
          jl(assistant("msg_after_deep", "req_after_deep", "2025-09-07T00:00:01.000Z",
                       usage(1, 2))))
    ledger = os.path.join(tmp, "deep.db")
    cli = Cli(binary, root, ledger)
    must_succeed(run(cli, "bridge", "sync", "--once", timeout=60),
                 "sync over lines nested 100,000 deep")
    totals = cli.report()["totals"]
    rejects = cli.status()["rejects"]["lines"]
    got = (totals["inputTokens"], totals["outputTokens"], totals["events"])
    if got == (6, 52, 2):
        results.append(f"deep nesting: counted, {rejects} rejects")
    elif got == (1, 2, 1) and rejects >= 1:
        results.append(f"deep nesting: no crash; the deep usage line rejected ({rejects} "
                       f"rejects), the next line counted")
    else:
        fail(f"lines nested 100,000 deep: expected (input, output, events) (6, 52, 2), or "
             f"(1, 2, 1) with the deep line rejected; got {got} with {rejects} rejects")


def test_symlink_loops(binary: str, tmp: str, results: list[str]) -> None:
    """Directories with symlink loops: no hang, and each real file read once.

    projects/-home-u-loop/ holds one transcript (a good line and a bad line) and symlinks
    `self -> .`, `parent -> ..`, `loop-a -> loop-b -> loop-a`, `dangling.jsonl -> loop-a`.
    Whether or not the program follows directory symlinks, the one real file must be read
    once: one event, one reject, one file tracked (tools/oracle.py agrees). Then a second
    `again -> .` is added (three loops in one directory): the sync must still finish quickly
    (a walk that follows loops to a fixed depth visits 3**depth directories).
    """
    root = os.path.join(tmp, "loops")
    loop = os.path.join(root, "projects", "-home-u-loop")
    write(os.path.join(loop, "s0000000-loop-4000-8000-000000000000.jsonl"),
          jl(assistant("msg_loop", "req_loop", "2025-09-04T06:00:00.000Z", usage(1, 1))),
          b'{"type":"assistant","usage":{"input_tokens":1},}\n')  # invalid JSON
    os.symlink(".", os.path.join(loop, "self"))
    os.symlink("..", os.path.join(loop, "parent"))
    os.symlink("loop-b", os.path.join(loop, "loop-a"))
    os.symlink("loop-a", os.path.join(loop, "loop-b"))
    os.symlink("loop-a", os.path.join(loop, "dangling.jsonl"))
    totals = {"inputTokens": 1, "outputTokens": 1, "cacheCreationTokens": 0,
              "cacheReadTokens": 0, "totalTokens": 2, "events": 1}
    expected = {"daily": [{"date": "2025-09-04", **totals}], "totals": totals}
    compare("oracle.py on the loop tree (a bug in this test)", expected, oracle(root))
    problems = []

    ledger = os.path.join(tmp, "loops.db")
    cli = Cli(binary, root, ledger)
    try:
        must_succeed(run(cli, "bridge", "sync", "--once", "--json", timeout=20),
                     "sync over symlink loops")
        compare("symlink loops", expected, cli.report())
        st = cli.status()
        if st["files"].get("active") != 1:
            problems.append(f"with `self -> .` and `parent -> ..`: sync-status files.active is "
                            f"{st['files'].get('active')}, expected 1 (the one real file is "
                            f"tracked under paths self/s..., self/self/s..., "
                            f"parent/-home-u-loop/s..., ...)")
        if st["rejects"].get("lines") != 1:
            problems.append(f"with `self -> .` and `parent -> ..`: sync-status rejects.lines is "
                            f"{st['rejects'].get('lines')}, expected 1 (one bad line in one "
                            f"real file)")
    except subprocess.TimeoutExpired:
        problems.append("with `self -> .` and `parent -> ..`: `bridge sync --once` did not "
                        "finish in 20 s")

    os.symlink(".", os.path.join(loop, "again"))
    ledger = os.path.join(tmp, "loops2.db")
    cli = Cli(binary, root, ledger)
    started = time.monotonic()
    try:
        must_succeed(run(cli, "bridge", "sync", "--once", timeout=20),
                     "sync over three symlink loops")
        compare("three symlink loops", expected, cli.report())
    except subprocess.TimeoutExpired:
        problems.append("with a third loop `again -> .` in the same directory: "
                        "`bridge sync --once` over this 1 KB tree did not finish in 20 s "
                        "(killed)")
    if problems:
        fail("directories with symlink loops (tree: projects/-home-u-loop/{s....jsonl, "
             "self -> ., parent -> .., loop-a <-> loop-b, dangling.jsonl -> loop-a}):\n  "
             + "\n  ".join(problems))
    results.append(f"symlink loops: exit 0, the one real file read once, "
                   f"{time.monotonic() - started:.2f} s with three loops")


def test_newer_schema(binary: str, tmp: str, results: list[str]) -> None:
    root = os.path.join(tmp, "schema")
    write(os.path.join(root, "projects", "-p", "s.jsonl"),
          jl(assistant("msg_s", "req_s", "2025-09-05T00:00:00.000Z", usage(1, 1))))
    ledger = os.path.join(tmp, "schema.db")
    cli = Cli(binary, root, ledger)
    must_succeed(run(cli, "bridge", "sync", "--once"), "sync (schema setup)")
    db = sqlite3.connect(ledger)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    digest = hashlib.sha256(open(ledger, "rb").read()).hexdigest()
    for cmd in (["bridge", "sync", "--once"], ["report", "daily", "--json", "--timezone", "UTC"]):
        r = run(cli, *cmd)
        err = (r.stderr + r.stdout).decode(errors="replace")
        if r.returncode != 3:
            fail(f"`{' '.join(cmd)}` on a ledger with user_version 99: expected exit 3, got "
                 f"{r.returncode}\noutput: {err}")
        if "99" not in err or "version" not in err.lower():
            fail(f"`{' '.join(cmd)}` on a ledger with user_version 99: the message should "
                 f"name the version (99); got: {err!r}")
    db = sqlite3.connect(ledger)
    version = db.execute("PRAGMA user_version").fetchone()[0]
    db.close()
    if version != 99 or hashlib.sha256(open(ledger, "rb").read()).hexdigest() != digest:
        fail(f"the newer ledger was modified (user_version now {version})")
    results.append(f"user_version 99 refused with exit 3: {err.strip()!r}")


def check_totals(cli: Cli, want: dict, msg: str) -> None:
    """The report's totals hold `want`; else fails with msg (naming {want} and {got})."""
    got = cli.report()["totals"]
    if {k: got[k] for k in want} != want:
        fail(msg.format(want=want, got=got))


def test_unreadable(binary: str, tmp: str, results: list[str]) -> None:
    """An unreadable file and directory: skipped (exit 0), counted once readable again."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if not setpriv:
            results.append("SKIPPED unreadable file/directory: running as root (chmod 000 "
                           "does not stop root) and setpriv is missing")
            return
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        os.chmod(tmp, 0o755)
    root = os.path.join(tmp, "perm")
    proj = os.path.join(root, "projects", "-p")
    locked_dir = os.path.join(root, "projects", "-locked")
    ok = os.path.join(proj, "ok.jsonl")
    locked_file = os.path.join(proj, "locked.jsonl")
    for path, mid, u in ((ok, "msg_ok", usage(1, 2)), (locked_file, "msg_lf", usage(10, 20)),
                         (os.path.join(locked_dir, "in-dir.jsonl"), "msg_ld", usage(100, 200))):
        write(path, jl(assistant(mid, "req_" + mid, "2025-09-06T00:00:00.000Z", u)))
    ledger_dir = os.path.join(tmp, "perm-ledger")
    os.makedirs(ledger_dir)
    for d, dirs, names in os.walk(root):
        os.chmod(d, 0o755)
        for n in names:
            os.chmod(os.path.join(d, n), 0o644)
    os.chmod(ledger_dir, 0o777)
    os.chmod(locked_file, 0)
    os.chmod(locked_dir, 0)
    try:
        # Is it really unreadable for the user the binary runs as?
        probe = subprocess.run(prefix + ["cat", locked_file], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        if probe.returncode == 0:
            results.append("SKIPPED unreadable file/directory: chmod 000 does not stop this "
                           "user from reading")
            return
        cli = Cli(binary, root, os.path.join(ledger_dir, "l.db"))
        r = must_succeed(run(cli, "bridge", "sync", "--once", "--json", prefix=prefix),
                         "sync with an unreadable file and directory")
        check_totals(cli, {"inputTokens": 1, "outputTokens": 2, "events": 1},
                     "with an unreadable file and directory: expected totals {want} (the "
                     "readable file only), got {got}")
        sync_out = json.loads(r.stdout)
        note = f"unreadableFiles={sync_out.get('unreadableFiles')}"
        # Readable again: the next sync must count them.
        os.chmod(locked_file, 0o644)
        os.chmod(locked_dir, 0o755)
        must_succeed(run(cli, "bridge", "sync", "--once", prefix=prefix),
                     "sync after making the file and directory readable")
        check_totals(cli, {"inputTokens": 111, "outputTokens": 222, "events": 3},
                     "after chmod back to readable, the next sync should count the file and "
                     "the directory's file: expected totals {want}, got {got}")
        results.append(f"unreadable file and directory: exit 0, skipped ({note}), counted once "
                       f"readable" + (" (run as nobody via setpriv)" if prefix else ""))
    finally:
        for p in (locked_file, locked_dir):
            if os.path.exists(p):
                os.chmod(p, 0o755)


def test_messages(binary: str, tmp: str, results: list[str]) -> None:
    """Issue 14 item 19 and ccusage's short flags: each bad value is named, with what
    is expected (exit 2); counts are singular or plural; -s -u -j -z -b -o -p -t work."""
    root = os.path.join(tmp, "msg")
    write(os.path.join(root, "projects", "-p", "s.jsonl"),
          jl(assistant("msg_m", "req_m", "2025-09-05T00:00:00.000Z", usage(1, 1))),
          b"{not json\n")
    ledger = os.path.join(tmp, "msg.db")
    cli = Cli(binary, root, ledger)
    outs = []

    def expect(code: int, *args: str, says: list[str], cli_=cli) -> str:
        r = cli_.run(*args)
        text = (r.stdout + r.stderr).decode(errors="replace")
        outs.append(text)
        if r.returncode != code:
            fail(f"`{' '.join(args)}`: expected exit {code}, got {r.returncode}: {text!r}")
        for want in says:
            if want not in text:
                fail(f"`{' '.join(args)}`: the message should say {want!r}; got {text!r}")
        return text

    expect(0, "--source", "host-a", "bridge", "sync", "--once", says=["events: 1 new"])
    # A directory, or a file that is not SQLite, given as the ledger.
    folder = os.path.join(tmp, "msg-dir")
    os.makedirs(folder)
    expect(2, "report", "daily", says=["is a directory", "ledger.db"],
           cli_=Cli(binary, root, folder))
    text_file = os.path.join(tmp, "passwd")
    with open(text_file, "w") as f:
        f.write("root:x:0:0:root:/root:/bin/bash\n")
    for cmd in (["report", "daily"], ["bridge", "sync", "--once"]):
        expect(2, *cmd, says=["is not a context-cleaner ledger (not an SQLite database)"],
               cli_=Cli(binary, root, text_file))
    # A day that does not exist, for reports and backfill alike.
    expect(2, "report", "daily", "--since", "2026-11-31",
           says=["2026-11-31 does not exist: November has 30 days"])
    expect(2, "bridge", "backfill", "--until", "20260229", "--dry-run",
           says=["February 2026 has 28 days"])
    expect(2, "report", "daily", "--since", "nov", says=["YYYY-MM-DD", "'nov'"])
    expect(2, "report", "blocks", "--token-limit", "lots", says=["max", "'lots'"])
    # A machine the ledger does not know is not "no usage".
    expect(2, "report", "daily", "--source", "nosuchhost",
           says=["'nosuchhost'", "'host-a'"])
    expect(0, "report", "daily", "--source", "host-a", "--json", says=['"daily"'])
    expect(2, "bridge", "sync", "--interval", "0.05",
           says=["--interval: at least 0.1", "--start-monitoring"])
    # Singular counts: one event, one rejected line.
    st = expect(0, "bridge", "sync-status", says=["rejects: 1 line\n"])
    for text in outs + [st]:
        bad = re.search(r"(?<![\d,.])1 (events|lines|files|rejected lines|new events)\b", text)
        if bad:
            fail(f"a plural after 1: {bad.group(0)!r} in {text!r}")
    # Short flags like ccusage's: the same report as the long ones.
    long_ = cli.json("report", "daily", "--since", "20250901", "--until", "2025-09-30",
                     "--json", "--timezone", "UTC", "--breakdown", "--order", "desc",
                     "--project", "-p")
    short = cli.json("report", "daily", "-s", "20250901", "-u", "2025-09-30", "-j", "-z",
                     "UTC", "-b", "-o", "desc", "-p", "-p")
    if long_ != short or not long_.get("daily"):
        fail(f"short flags gave another report:\nlong:  {long_}\nshort: {short}")
    blocks = cli.json("report", "blocks", "-j", "-t", "max")
    if "blocks" not in blocks:
        fail(f"report blocks -j -t max: {blocks}")
    help_text = cli.ok("report", "daily", "--help").stdout.decode()
    for flag in ("-s, --since", "-u, --until", "-j, --json", "-z, --timezone",
                 "-b, --breakdown", "-o, --order", "-p, --project"):
        if flag not in help_text:
            fail(f"report daily --help does not show {flag!r}:\n{help_text}")
    results.append("messages: directory and non-SQLite ledgers, impossible dates, "
                   "--token-limit, unknown --source, --interval minimum, singulars; "
                   "short flags -s -u -j -z -b -o -p -t")


def scenario(script) -> str:
    binary, tmp = script.binary, script.tmp
    parts = Parts()
    parts.run("main tree", test_main_tree, binary, tmp, random.Random(script.seed),
              parts.results)
    parts.run("deep nesting", test_deep_nesting, binary, tmp, parts.results)
    parts.run("symlink loops", test_symlink_loops, binary, tmp, parts.results)
    parts.run("newer schema", test_newer_schema, binary, tmp, parts.results)
    parts.run("unreadable", test_unreadable, binary, tmp, parts.results)
    parts.run("messages", test_messages, binary, tmp, parts.results)
    for line in parts.results:
        log(line)
    if parts.failures:
        fail(f"{len(parts.failures)} of 6 sub-tests:\n" + "\n\n".join(parts.failures))
    skipped = parts.skipped()
    return (f"exit 0 throughout, exact totals, rejects counted, bounded memory, newer schema "
            f"refused{f' ({skipped} sub-case skipped)' if skipped else ''}")


if __name__ == "__main__":
    sys.exit(main("bad_input_test", __doc__, scenario))
