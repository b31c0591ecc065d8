#!/usr/bin/env python3
"""Hostile names end-to-end test (issue 13, "trust at the edges II").

Transcripts anyone can write carry strings a terminal would obey: a model
named "\\x1b[2J\\x1b]52;c;...\\x07" clears the screen and writes the
clipboard, a project directory with a carriage return or a newline forges a
table row, a C1 control (U+009B, a one-character CSI) does what ESC [ does.
This script writes such a tree (hostile model names, a project directory
named with ESC, CR, LF, BEL, DEL, U+009B and a byte that is not UTF-8, a
hostile session id, git branch, cwd, message and request ids, and a
rejected line cut mid-character at byte 120), then runs:

  bridge sync --once (plain and --json), every report (daily, weekly,
  monthly, session, blocks; plain, --breakdown and --json), bridge
  sync-status, bridge validate (after an append it has to report, quoting
  the hostile path and key), bridge sync --start-monitoring (its pass line
  and its warning), a report on a terminal (a pty: only our own colours),
  and the dashboard's /api/health, breakdowns and /metrics.

Asserted:
  * text output (stdout and stderr) holds no byte below 0x20 but the
    layout's \\n and \\t, no DEL, no ESC, no C1 in UTF-8 (0xC2 0x80..0x9F),
    and is valid UTF-8; the data's newlines appear escaped ("\\n"), never as
    a line of their own;
  * on a terminal the only escape sequences are SGR colours (ESC [ n m);
  * --json output and every API answer decode as strict UTF-8 (and parse
    as JSON), and the hostile strings come back from it intact where they were
    valid text;
  * /api/health serves rejects as file, offset, length, reason and lines:
    never the rejected line's bytes.

Usage:
    python3 tests/e2e/hostile_names_test.py --binary PATH [--keep]
(--scale and --seed are accepted for a uniform interface; the tree is fixed.)
"""

from __future__ import annotations

import http.client
import json
import os
import pty
import re
import select
import subprocess
import sys
import time

from e2e_common import Cli, dumps, fail, main, stop

ESC = "\x1b"
# Strings a terminal would act on, as they appear in the transcripts.
MODEL_OSC52 = ESC + "[2J" + ESC + "]52;c;ZWNobyBoaQ==\x07"
MODEL_C1 = "claude-\u009b2J-\x7fdel\rFAKE-MODEL"
SESSION = "s-" + ESC + "]0;pwned\x07\r\nFAKE-SESSION"
BRANCH = "main" + ESC + "[31m\nFAKE-BRANCH"
CWD = "/home/u/" + ESC + "[2J\r\nFAKE-CWD"
MSG_ID = "msg_" + ESC + "[H\nFAKE-KEY"
# A directory name: bytes, one of them not UTF-8 (0xff).
PROJECT_DIR = (b"-home-u-\x1b[2J\rEVIL\nFAKE-PROJECT\x07\x7f"
               + "\u009b".encode() + b"\xff-caf\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac")
# Rejected lines: their first 120 bytes end inside a character, and hold
# an ESC sequence and a marker that must never reach the HTTP API.
REJECT_MARKER = "REJECTED-LINE-BYTES"


def assistant(n: int, ts: str, model: str, usage: dict | None = None) -> bytes:
    line = {"parentUuid": None, "isSidechain": False, "userType": "external",
            "cwd": CWD, "sessionId": SESSION, "version": "2.1.31", "gitBranch": BRANCH,
            "type": "assistant", "requestId": f"req_{n}" + ESC + "[2K",
            "message": {"id": f"{MSG_ID}-{n}", "model": model, "type": "message",
                        "role": "assistant", "content": [{"type": "text", "text": "ok"}],
                        "stop_reason": "end_turn",
                        "usage": usage or {"input_tokens": 10 + n, "output_tokens": 20,
                                           "cache_creation_input_tokens": 3,
                                           "cache_read_input_tokens": 4}},
            "uuid": f"uuid-{n}", "timestamp": ts}
    return dumps(line) + b"\n"


def rejected_lines() -> bytes:
    # Not JSON (no closing brace); "usage" in it so it is parsed, not skimmed.
    prefix = '{"type":"assistant","usage":' + ESC + "[2J" + REJECT_MARKER
    pad = "x" * (119 - len(prefix.encode()))
    broken = (prefix + pad + "\u65e5\u672c" + ESC + "]52;c;eA==\x07").encode()
    assert len(prefix.encode() + pad.encode()) == 119  # 日 spans bytes 119..121.
    # A line of bytes that are not UTF-8, with C1 and DEL (another reason).
    binary = b'{"usage":"' + REJECT_MARKER.encode() + b'\xff\xfe\xc2\x9b\x7f\x1b[2J"}\n'
    return broken + b"\n" + binary


# ------------------------------------------------------------------ checks of output

C1 = re.compile(rb"\xc2[\x80-\x9f]")


def check_text(what: str, data: bytes) -> None:
    """Text for a terminal: only the layout's controls, valid UTF-8."""
    for i, b in enumerate(data):
        if (b < 0x20 and b not in (0x0A, 0x09)) or b == 0x7F:
            fail(f"{what}: control byte 0x{b:02x} at {i}: {data[max(0, i - 60):i + 60]!r}")
    m = C1.search(data)
    if m:
        fail(f"{what}: C1 control at {m.start()}: {data[max(0, m.start() - 60):m.end() + 60]!r}")
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        fail(f"{what}: not UTF-8: {e}: {data[max(0, e.start - 60):e.end + 60]!r}")
    for line in text.split("\n"):
        if line.startswith("FAKE-") or line.lstrip().startswith("FAKE-"):
            fail(f"{what}: a data newline forged a line: {line!r}\n{text}")
    return text


def check_json(what: str, data: bytes):
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        fail(f"{what}: --json output is not UTF-8: {e}: {data[max(0, e.start - 60):e.end + 60]!r}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        fail(f"{what}: not JSON: {e}: {text[:2000]}")


# ------------------------------------------------------------------ the program

class HostileCli(Cli):
    """The program with a private HOME and colours allowed; its text output checked."""

    def __init__(self, binary: str, tmp: str, ledger: str = "ledger.db"):
        env = dict(os.environ, TZ="UTC", HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, "cfg"))
        env.pop("CLAUDE_CONFIG_DIR", None)
        env.pop("NO_COLOR", None)
        super().__init__(binary, os.path.join(tmp, "claude"), os.path.join(tmp, ledger), env)

    def text(self, *args, expect=0) -> str:
        p = self.expect(expect, *args, timeout=120)
        check_text(" ".join(args) + " (stderr)", p.stderr)
        return check_text(" ".join(args), p.stdout)

    def strict_json(self, *args, expect=0):
        p = self.expect(expect, *args, "--json", timeout=120)
        check_text(" ".join(args) + " --json (stderr)", p.stderr)
        # The JSON itself goes to a terminal too: escaped, no raw controls.
        check_text(" ".join(args) + " --json (as text)", p.stdout)
        return check_json(" ".join(args) + " --json", p.stdout)


def write_tree(cli: HostileCli) -> bytes:
    project = os.path.join(os.fsencode(cli.claude_dir), b"projects", PROJECT_DIR)
    os.makedirs(project)
    session_file = os.path.join(project, SESSION.replace("\n", "_").encode() + b".jsonl")
    with open(session_file, "wb") as f:
        f.write(assistant(1, "2025-09-01T10:00:00.000Z", "claude-sonnet-4-20250514"))
        f.write(assistant(2, "2025-09-01T10:05:00.000Z", MODEL_OSC52))
        f.write(assistant(3, "2025-09-02T11:00:00.000Z", MODEL_C1))
        # A lone surrogate escape in the model name: JSON text, not UTF-8.
        f.write(assistant(4, "2025-09-08T12:00:00.000Z", "lone-XSURROGATEX")
                .replace(b"XSURROGATEX", b"\\ud800"))
        f.write(rejected_lines())
    return session_file


def reports(cli: HostileCli) -> list[str]:
    done = []
    for kind in ("daily", "weekly", "monthly", "session", "blocks"):
        for extra in ((), ("--breakdown",), ("--no-color", "--breakdown")):
            out = cli.text("report", kind, *extra)
            if kind != "blocks" and "\\x1b[2J\\x1b]52;c;" not in out and "--breakdown" in extra:
                fail(f"report {kind} {' '.join(extra)}: the hostile model is not shown escaped:\n{out}")
        rep = cli.strict_json("report", kind, "--breakdown")
        if MODEL_OSC52 not in strings(rep):
            fail(f"report {kind} --json: the model name did not come back intact: {rep}")
        done.append(kind)
    # A project is shown as the cwd its requests recorded (the folder name
    # stays in the JSON's projectPath), escaped; --project echoes what it
    # was given, escaped, with the close names.
    session = cli.text("report", "session")
    if "/home/u/\\x1b[2J\\r\\nFAKE-CWD" not in session:
        fail(f"report session: the project's cwd is not shown escaped:\n{session}")
    rep = cli.strict_json("report", "session")
    if {s["projectName"] for s in rep["sessions"]} != {CWD}:
        fail(f"report session --json: projectName is not the cwd: {rep['sessions']}")
    p = cli.expect(2, "report", "daily", "--project", "x" + ESC + "]0;t\x07\nFAKE-P")
    text = check_text("report daily --project (hostile)", p.stderr)
    if "no project 'x\\x1b]0;t\\x07\\nFAKE-P'" not in text:
        fail(f"--project: the unknown name is not echoed escaped: {text}")
    daily = cli.text("report", "daily", "-i")
    if "Project: /home/u/\\x1b[2J\\r\\nFAKE-CWD" not in daily:
        fail(f"report daily --instances: the project is not shown escaped:\n{daily}")
    return done


def strings(obj) -> set[str]:
    """Every string value in a parsed JSON document."""
    if isinstance(obj, str):
        return {obj}
    if isinstance(obj, dict):
        return set().union(*(strings(v) for v in obj.values())) if obj else set()
    if isinstance(obj, list):
        return set().union(*(strings(v) for v in obj)) if obj else set()
    return set()


def on_a_terminal(cli: HostileCli) -> None:
    """With colours (a pty): our SGR sequences only."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(cli.binary, cli.args("report", "daily", "--breakdown"), cli.env)
    out = b""
    deadline = time.time() + 60
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 1)
        if not r:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        fail(f"report daily on a terminal: {status}: {out[-2000:]!r}")
    if b"\x1b[1m" not in out:
        fail(f"report daily on a terminal: no colours, is it a terminal? {out[:500]!r}")
    plain = re.sub(rb"\x1b\[[0-9;]*m", b"", out).replace(b"\r\n", b"\n")
    check_text("report daily on a terminal (colours removed)", plain)


def validate(cli: HostileCli, session_file: bytes) -> None:
    with open(session_file, "ab") as f:
        f.write(assistant(9, "2025-09-03T09:00:00.000Z", MODEL_OSC52))
    out = cli.text("bridge", "validate", expect=1)
    if "MISMATCH" not in out or "FAKE-KEY" not in out:
        fail(f"validate: expected a difference quoting the hostile key:\n{out}")
    rep = cli.strict_json("bridge", "validate", expect=1)
    if rep.get("ok") is not False or not rep.get("differences"):
        fail(f"validate --json: {rep}")


def monitor(cli: HostileCli, session_file: bytes, tmp: str) -> None:
    """A pass line and the unpriced-model warning of a monitoring sync."""
    out_path, err_path = os.path.join(tmp, "monitor.out"), os.path.join(tmp, "monitor.err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        p = cli.popen("bridge", "sync", "--start-monitoring", "--poll", "0.2",
                      stdout=out, stderr=err)
    try:
        time.sleep(1.0)  # Caught up; the append below is the next pass's.
        with open(session_file, "ab") as f:
            f.write(assistant(10, "2025-09-03T10:00:00.000Z", "new-" + MODEL_OSC52))
        deadline = time.time() + 60
        while time.time() < deadline:
            with open(err_path, "rb") as f:
                if b"no price for model 'new-" in f.read():
                    break
            time.sleep(0.2)
        else:
            fail(f"monitor: no warning for the new model: {open(err_path, 'rb').read()!r}")
    finally:
        stop(p, "bridge sync --start-monitoring", 60, err_path)
    with open(out_path, "rb") as f:
        check_text("bridge sync --start-monitoring", f.read())
    with open(err_path, "rb") as f:
        check_text("bridge sync --start-monitoring (stderr)", f.read())


def dashboard(cli: HostileCli) -> None:
    p = cli.popen("dashboard", "--port", "0", stdout=subprocess.DEVNULL,
                  stderr=subprocess.PIPE)
    try:
        line = p.stderr.readline().decode("utf-8", errors="replace")
        m = re.search(r"dashboard at http://([^:/]+):(\d+)", line)
        if not m:
            fail(f"dashboard: no URL in {line!r}")
        port = int(m.group(2))

        def get(path):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
            r = c.getresponse()
            body = r.read()
            c.close()
            if r.status != 200:
                fail(f"dashboard {path}: {r.status}: {body[:500]!r}")
            return body

        body = get("/api/health")
        health = check_json("/api/health", body)
        recent = health["rejects"]["recent"]
        if len(recent) < 2:
            fail(f"/api/health: expected the rejected lines in recent: {health['rejects']}")
        for r in recent:
            if set(r) != {"file", "offset", "length", "reason", "lines"}:
                fail(f"/api/health: a reject must be file, offset, length, reason, lines: {r}")
        if REJECT_MARKER.encode() in body or b"52;c;eA==" in body:
            fail(f"/api/health serves a rejected line's bytes: {body[:3000]!r}")
        for path in ("/api/overview", "/api/breakdown?by=project", "/api/breakdown?by=session",
                     "/api/breakdown?by=model"):
            check_json(path, get(path))
        try:
            get("/metrics").decode("utf-8", errors="strict")
        except UnicodeDecodeError as e:
            fail(f"/metrics is not UTF-8: {e}")
    finally:
        stop(p, "dashboard", 60)


def scenario(script) -> str:
    cli = HostileCli(script.binary, script.tmp)
    session_file = write_tree(cli)
    results = []
    other = HostileCli(script.binary, script.tmp, "other.db")  # The same tree, a ledger of its own.
    other.strict_json("bridge", "sync", "--once")
    first = cli.ok("bridge", "sync", "--once", timeout=120)
    warnings = check_text("bridge sync --once (stderr)", first.stderr)
    out = check_text("bridge sync --once", first.stdout)
    if "no price for model '\\x1b[2J\\x1b]52;c;ZWNobyBoaQ==\\x07'" not in warnings:
        fail(f"sync --once: the unpriced model's warning is not escaped: {warnings}")
    cli.strict_json("bridge", "sync", "--once")  # Nothing new: a clean --json.
    results.append("sync --once: " + out.strip().split("\n")[-1].strip())
    results.append("reports: " + ", ".join(reports(cli)))
    status = cli.text("bridge", "sync-status")
    if "rejects: 2 lines" not in status:
        fail(f"sync-status: expected 2 rejected lines:\n{status}")
    st = cli.strict_json("bridge", "sync-status")
    if st["rejects"]["lines"] != 2:
        fail(f"sync-status --json: {st['rejects']}")
    results.append("sync-status plain and --json")
    on_a_terminal(cli)
    results.append("report on a pty: SGR only")
    dashboard(cli)
    results.append("/api/health: no raw excerpt, valid UTF-8")
    validate(cli, session_file)
    results.append("validate: the difference quoted escaped")
    monitor(cli, session_file, script.tmp)
    results.append("monitor: pass line and warning escaped")
    for r in results:
        script.log("ok: " + r)
    return (f"{len(results)} checks: no terminal control in text output, strict UTF-8 JSON, "
            f"no rejected bytes served")


if __name__ == "__main__":
    sys.exit(main("hostile_names_test", __doc__, scenario))
