#!/usr/bin/env python3
"""Chaos end-to-end test of the monitor (DESIGN.md sections 5 and 9; issue 3).

A writer thread appends realistic Claude Code lines to many transcripts across several
projects while `bridge sync --start-monitoring --reconcile 1` is killed with SIGKILL at random
instants (uptimes ~20 ms .. 1.5 s, a tenth of them 3-20 ms; downtimes 0 .. 1.5 s) and
restarted, over and over; sometimes it is stopped with SIGTERM instead (only once its banner
says its handler is installed), and must then exit 0 within one second. The writer does what
Claude Code and the tools around it do to transcripts:

  * streaming: one response written as one line per content block, the same
    message.id + requestId on every line, output_tokens growing (e.g. 3 -> 1500), the blocks of one
    response spread over many writer steps (so over kills and restarts); responses that
    straddle midnight UTC; responses without requestId; lines without message id;
    "<synthetic>" API-error lines; tool results of ~1 KiB .. 1 MiB (4 MiB in large);
  * partial writes: a line (or several) written in two or three write() calls with small
    pauses, cut mid-line and often inside a UTF-8 multibyte character; partial lines left
    unfinished for a while (across kills) and completed later; a whole JSON object whose
    newline comes later;
  * new session files, new project directories, new <session>/subagents/ directories, with
    agent_progress echoes of the subagent's responses in the parent session; resumed sessions
    that start with a copy of another session's lines; a session file moved to a new name;
  * destructive operations: truncate-and-rewrite with the same inode (old content + new
    lines), atomic replace by rename (a temp file, sometimes itself named *.jsonl, renamed
    over the transcript; old content + new lines), copytruncate (copy to a sibling *.jsonl,
    truncate to 0, append new lines, sometimes more bytes than the old size in one write),
    deletion (sometimes followed at once by a new file in the same directory: inode reuse),
    deletion and re-creation at the same path (after a copy), deletion of a whole
    <session>/ directory of subagents.

Content overwritten before the monitor ever read it is excluded by DESIGN (section 9). To keep
the oracle exact, a destructive operation starts only while a monitor process is up, and only
after the ledger's checkpoint for the file (files.offset, files.inode, read through sqlite3
read-only) shows it completely read; the monitor can still be killed during and right after
the operation. While no monitor is running, only non-destructive operations happen.

Every complete line written to a transcript is also appended to a journal file with the same
relative path; tools/oracle.py over the journal is the expected result (merging by key makes
the copies in resumed sessions, rotated copies and rewrites harmless).

`bridge validate` re-derives from the files on disk and matches an event to the path of its
earliest line, so the writer keeps what the files can vouch for: the copy made before a
delete-and-recreate at the same path, and the rotated copy of a copytruncate (the events stay
with the original path, whose file ended first), are never deleted; subagent responses stay inside one UTC day and their
echoes carry the same timestamps.

At the end: a monitor runs until every transcript is read (bounded wait), stops on SIGTERM
(exit 0 within 1 s), `bridge validate` exits 0, and `report daily --json` (daily and totals),
the event count and the reject count equal the oracle exactly. Also checked along the way: a
restarted monitor always takes over the lock of a killed one; a second writer (`sync --once`
or another monitor) exits 3 naming the running monitor's pid; the number of events in the
ledger never goes down; a monitor never exits on its own.

Usage:
    python3 tests/e2e/chaos_test.py --binary PATH [--scale ci|large] [--seed S] [--keep]

ci: >= 90 monitor starts (>= 75 SIGKILLs), ~130 transcripts, ~60 MiB written, ~75 s on 2 cores.
large: >= 400 starts (>= 340 SIGKILLs), ~600 transcripts, ~600 MiB (twice on disk), ~6 min.
The seed fixes the writer's and the killer's random choices; which operations run while the
monitor is down, and the interleaving with it, depend on timing and are not reproducible.
ops.log in the temp dir (--keep) lists every operation, with whether a monitor was up.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import namedtuple

from e2e_common import (Cli, Rng, TestFailure, check, dumps, fail, file_tail, iso_ms, main, oracle,
                        stop, transcripts)

SCALES = {
    # max_files: no new sessions, projects or subagents beyond it (copies still appear).
    "ci": dict(min_starts=90, min_sigkills=75, projects=4, sessions=10, max_files=100,
               big_max=1 << 20, pace=0.012, read_deadline=30.0, final_deadline=120.0,
               lock_checks=3),
    "large": dict(min_starts=400, min_sigkills=340, projects=10, sessions=30, max_files=400,
                  big_max=4 << 20, pace=0.008, read_deadline=60.0, final_deadline=600.0,
                  lock_checks=8),
}
DAY_MS = 86_400_000
START_MS = 1_756_684_800_000  # 2025-09-01T00:00:00Z
WINDOW_DAYS = 58
MONITOR = ("bridge", "sync", "--start-monitoring", "--reconcile", "1")
MODELS = ("claude-sonnet-4-5-20250929", "claude-opus-4-6", "claude-haiku-4-5-20251001",
          "claude-sonnet-4-20250514")
WORDS = ("the", "usage", "file", "test", "build", "naïve", "café", "Ünïcødé", "日本語",
         "テキスト", "한국어", "ταυτότητα", "—", "«quote»", "🚀", "✨", "👍🏽", "∑∫√", "½",
         "function", "return", "const", "await", "fetch", "token", "cache", "merge", "key",
         "line", "write", "read", "offset", "inode", "rename", "truncate", "stream")
FRAGMENTS = (
    "    if (usage.input_tokens > 12) { return \"usage\"; }  // see usage notes\n",
    "2025-09-03T12:00:00.123Z INFO done usage={\"input_tokens\":42}\n",
    "\x1b[32m✓\x1b[0m test passed (12 ms)\t\x1b[2m[worker 3]\x1b[0m\n",
    "Ünïcødé — «ταυτότητα» 日本語のテキスト 한국어 עברית العربية ∑∫√ ‰ ½\n",
    "emoji: 🚀✨🔥 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ (grapheme clusters)\u2028line separator inside\n",
    '{"type":"assistant","message":{"id":"msg_01FAKE","usage":{"input_tokens":999999,'
    '"output_tokens":888888}},"requestId":"req_011CFAKE","timestamp":"2025-09-03T00:52:34Z"}\n',
    'C:\\Users\\dev\\"quoted"\\path \\"usage\\":{ "usage": {"input_tokens": 1}\n',
    "\r\n\t\u00a0\u200b trailing whitespace and control chars \u0007\u001f\n",
)


def joined(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in lines)


# --------------------------------------------------------------------------- the ledger


class LedgerView:
    """Read-only look at the ledger's checkpoints (one connection per thread)."""

    def __init__(self, ledger: str) -> None:
        self.ledger = ledger
        self.conn: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection | None:
        if self.conn is None:
            if not os.path.exists(self.ledger):
                return None
            try:
                self.conn = sqlite3.connect(f"file:{self.ledger}?mode=ro", uri=True,
                                            timeout=5, isolation_level=None,
                                            check_same_thread=False)
            except sqlite3.Error:
                return None
        return self.conn

    def query(self, sql: str, args: tuple = ()):
        for _ in range(200):
            conn = self._connect()
            if conn is None:
                return None
            try:
                return conn.execute(sql, args).fetchall()
            except sqlite3.OperationalError as e:
                text = str(e)
                if "no such table" in text:
                    return None
                if "locked" in text or "busy" in text or "disk I/O" in text:
                    time.sleep(0.005)
                    continue
                # e.g. the schema changed under us: reconnect.
                self.close()
                time.sleep(0.005)
        return None

    def checkpoint(self, path: str):
        rows = self.query("SELECT offset, size, inode, state FROM files WHERE path=?", (path,))
        return rows[0] if rows else None

    def events(self) -> int | None:
        rows = self.query("SELECT count(*) FROM events")
        return rows[0][0] if rows else None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def unread(view: LedgerView, path: str) -> str | None:
    """None when the ledger's checkpoint covers the whole file at `path`, else why not."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "file missing"
    row = view.checkpoint(path)
    if row is None:
        return f"no checkpoint (file size {st.st_size})"
    offset, size, inode, state = row
    if inode != st.st_ino or offset != st.st_size:
        return (f"checkpoint offset {offset} size {size} inode {inode} state {state}; "
                f"file size {st.st_size} inode {st.st_ino}")
    return None


class Worker:
    """A thread's body (work); its exception is kept for the main thread and stops the other."""
    error: BaseException | None = None

    def run(self) -> None:
        try:
            self.work()
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            self.error = e
            self.abort.set()
        finally:
            self.close()

    def close(self) -> None:
        self.view.close()


# --------------------------------------------------------------------------- the monitor


class Keeper(Worker):
    """Starts, kills and restarts the monitor (the chaos thread)."""

    def __init__(self, cli: Cli, logs: str, rng: Rng, scale: dict,
                 abort: threading.Event) -> None:
        self.cli, self.logs, self.rng, self.scale, self.abort = cli, logs, rng, scale, abort
        self.proc: subprocess.Popen | None = None
        self.err_path = ""
        self.starts = 0
        self.counts = {"sigkill": 0, "sigterm": 0, "killed_before_banner": 0,
                       "lock_checks": 0}
        self.term_times: list[float] = []
        self.uptimes: list[float] = []
        self.events_seen: list[int] = []
        self.view = LedgerView(cli.ledger)
        self.lock = threading.Lock()

    # --- one process

    def start(self) -> subprocess.Popen:
        n = self.starts
        self.starts += 1
        out_path = os.path.join(self.logs, f"monitor-{n:04d}.out")
        self.err_path = os.path.join(self.logs, f"monitor-{n:04d}.err")
        with open(out_path, "wb") as out, open(self.err_path, "wb") as err:
            proc = self.cli.popen(*MONITOR, stdout=out, stderr=err)
        with self.lock:
            self.proc = proc
        return proc

    def up(self) -> bool:
        with self.lock:
            return self.proc is not None and self.proc.poll() is None

    def banner(self) -> bool:
        """The monitor printed its banner: its SIGTERM handler is installed."""
        try:
            with open(self.err_path, "rb") as f:
                return b"keeping" in f.read(4096)
        except OSError:
            return False

    def check_alive(self, proc: subprocess.Popen, what: str) -> None:
        rc = proc.poll()
        if rc is not None:  # (the message reads the log: built only on failure)
            fail(f"the monitor (start #{self.starts}, pid {proc.pid}) exited by itself with "
                 f"code {rc} {what}; expected it to keep running\n"
                 f"stderr: {file_tail(self.err_path)}")

    def stop_term(self, proc: subprocess.Popen, label: str) -> float:
        """SIGTERM; the monitor must exit 0 within 1 s. Returns the time it took."""
        took, _, _ = stop(proc, f"{label}: the monitor", 1.0, self.err_path)
        self.term_times.append(took)
        return took

    def second_writer(self, proc: subprocess.Popen) -> None:
        """While this monitor holds the ledger, other writers exit 3 naming its pid."""
        for cmd in (("bridge", "sync", "--once"), MONITOR):
            self.check_alive(proc, "before a second writer was started")
            try:
                p = self.cli.run(*cmd, timeout=20)
            except subprocess.TimeoutExpired:
                fail(f"a second writer `{' '.join(cmd)}` did not exit within 20 s while the "
                     f"monitor pid {proc.pid} held the ledger")
            err = p.stderr.decode(errors="replace")
            if proc.poll() is not None:
                return  # Cannot judge: the holder died meanwhile (checked by the caller).
            if p.returncode != 3 or str(proc.pid) not in err:
                fail(f"while monitor pid {proc.pid} held the ledger, `{' '.join(cmd)}` exited "
                     f"{p.returncode} (expected 3) with stderr {err.strip()!r} (expected it "
                     f"to name pid {proc.pid})")
        if self.shows_running(proc):
            self.counts["lock_checks"] += 1

    def shows_running(self, proc: subprocess.Popen) -> bool:
        """sync-status in another process shows this monitor running (its sync_runs row).

        False if the monitor died meanwhile (the caller checks that)."""
        deadline = time.monotonic() + 10
        while True:
            p = self.cli.run("bridge", "sync-status", "--json", timeout=20)
            if proc.poll() is not None:
                return False
            if p.returncode != 0:
                fail(f"`bridge sync-status --json` while monitor pid {proc.pid} runs exited "
                     f"{p.returncode}: {p.stderr.decode(errors='replace')}")
            run = json.loads(p.stdout).get("lastRun") or {}
            if run.get("pid") == proc.pid and run.get("result") == "running":
                return True
            if time.monotonic() > deadline:
                fail(f"`bridge sync-status --json` 10 s after monitor pid {proc.pid} started: "
                     f"lastRun pid {run.get('pid')} result {run.get('result')!r}, expected "
                     f"pid {proc.pid} and 'running'")
            time.sleep(0.01)

    def uptime(self) -> float:
        u = self.rng.random()
        if u < 0.1:  # killed while opening the ledger or catching up
            return self.rng.log_uniform(0.003, 0.02)
        return self.rng.log_uniform(0.02, 1.5) if u < 0.55 else self.rng.uniform(0.02, 1.5)

    def downtime(self) -> float:
        # A tenth are longer outages: a bigger catch-up to be killed in.
        return self.rng.uniform(0.4, 1.5) if self.rng.random() < 0.1 else \
            self.rng.uniform(0.0, 0.4)

    # --- the chaos loop

    def work(self) -> None:
        sc = self.scale
        lock_rounds = set(self.rng.sample(range(2, sc["min_starts"]), sc["lock_checks"]))
        rounds = 0
        while not self.abort.is_set() and (rounds < sc["min_starts"] or
                                           self.counts["sigkill"] < sc["min_sigkills"]):
            proc = self.start()
            t0 = time.monotonic()
            uptime = self.uptime()
            if rounds in lock_rounds:
                deadline = t0 + 10
                while not self.banner() and time.monotonic() < deadline:
                    self.check_alive(proc, "before its banner")
                    time.sleep(0.002)
                self.second_writer(proc)
            while True:
                left = t0 + uptime - time.monotonic()
                if left <= 0 or self.abort.is_set():
                    break
                time.sleep(min(left, 0.01))
                self.check_alive(proc, f"{time.monotonic() - t0:.3f} s after its start")
            self.check_alive(proc, "before it was to be killed")
            lived = time.monotonic() - t0
            self.uptimes.append(lived)
            if self.rng.random() < 0.15 and self.banner():
                self.stop_term(proc, f"start #{self.starts}")
                self.counts["sigterm"] += 1
            else:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                check(proc.returncode == -signal.SIGKILL,
                      f"the monitor pid {proc.pid} exited {proc.returncode} before its "
                      f"SIGKILL\nstderr: {file_tail(self.err_path)}")
                self.counts["sigkill"] += 1
                if not self.banner():
                    self.counts["killed_before_banner"] += 1
            n = self.view.events()
            if n is not None:
                check(not self.events_seen or n >= self.events_seen[-1],
                      f"the number of events in the ledger went down after start "
                      f"#{self.starts} was stopped: {self.events_seen[-5:]} then {n}")
                self.events_seen.append(n)
            rounds += 1
            # Down for a while; the writer keeps writing (non-destructive operations only).
            time.sleep(self.downtime())


# --------------------------------------------------------------------------- the writer


Project = namedtuple("Project", "dirname cwd branch")


class Response:
    def __init__(self, msg_id: str, req_id: str | None, blocks: int, partial: int, final: int,
                 usage: dict, model: str) -> None:
        self.msg_id, self.req_id, self.blocks = msg_id, req_id, blocks
        self.partial, self.final, self.usage, self.model = partial, final, usage, model
        self.i = 0


class Session:
    """A conversation's state; its transcript is `rel` (relative to the claude dir)."""

    def __init__(self, project: Project, session_id: str, rel: str, v2: bool, clock: int,
                 model: str, agent_id: str | None = None, parent: "Session | None" = None):
        self.project, self.session_id, self.rel, self.v2 = project, session_id, rel, v2
        self.clock, self.model, self.agent_id, self.parent = clock, model, agent_id, parent
        self.parent_uuid: str | None = None
        self.response: Response | None = None
        self.context = 10_000
        self.cache_1h = False


class TFile:
    """A transcript the writer knows; `session` is None for rotated copies."""

    def __init__(self, rel: str, session: Session | None) -> None:
        self.rel, self.session = rel, session
        self.pending: bytes | None = None       # rest of an unfinished line (with '\n')
        self.pending_line: bytes | None = None  # that whole line, journaled on completion
        # The only copy left of a deleted file's lines: never deleted nor truncated, so
        # that `bridge validate` (which re-derives from the files on disk) can vouch for them.
        self.keep = False


class Writer(Worker):
    """Appends realistic lines and plays file-system tricks (the writer thread)."""

    def __init__(self, root: str, journal: str, rng: Rng, scale: dict,
                 keeper: Keeper, abort: threading.Event, stop: threading.Event) -> None:
        self.root, self.journal, self.rng, self.scale = root, journal, rng, scale
        self.keeper, self.abort, self.stop = keeper, abort, stop
        self.view = LedgerView(keeper.cli.ledger)
        self.files: dict[str, TFile] = {}
        self.projects: list[Project] = []
        self.serial = 0
        self.counts: dict[str, int] = {}
        self.lines_written = 0
        self.bytes_written = 0
        self.read_waits: list[float] = []
        self.oplog = open(os.path.join(os.path.dirname(journal), "ops.log"), "w")
        self.t0 = time.monotonic()

    def note(self, what: str, *rels: str) -> None:
        """Counts an operation and logs it in ops.log (kept with --keep), for post-mortems."""
        self.count(what)
        state = "up  " if self.keeper.up() else "down"
        self.oplog.write(f"{time.monotonic() - self.t0:9.3f} {state} {what} {' '.join(rels)}\n")

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    # --- ids and text

    def words(self, n: int) -> str:
        return " ".join(self.rng.choices(WORDS, k=n))

    def log_uniform(self, lo: float, hi: float) -> int:
        return int(self.rng.log_uniform(lo, hi))

    def big_text(self, size: int) -> str:
        self.serial += 1
        unit = "".join(self.rng.choices(FRAGMENTS, k=6)) + self.words(20) + "\n"
        head = f"output #{self.serial} {self.words(4)}\n"
        return head + unit * max(1, size // len(unit.encode()))

    def path(self, rel: str) -> str:
        return os.path.join(self.root, rel)

    # --- lines of a session

    def envelope(self, s: Session, **tail) -> dict:
        line = {"parentUuid": s.parent_uuid, "isSidechain": s.agent_id is not None,
                "userType": "external", "cwd": s.project.cwd, "sessionId": s.session_id,
                "version": "2.1.39" if s.v2 else "1.0.98", "gitBranch": s.project.branch}
        if s.agent_id:
            line["agentId"] = s.agent_id
        if s.v2:
            line["slug"] = "radiant-floating-music"
        line.update(tail)
        if "uuid" in line:
            s.parent_uuid = line["uuid"]
        return line

    def tick(self, s: Session, lo: int, hi: int) -> str:
        s.clock += self.rng.randrange(lo, hi)
        return iso_ms(s.clock)

    def prompt(self, s: Session) -> bytes:
        return dumps(self.envelope(s, type="user", message={
            "role": "user", "content": self.words(self.rng.randrange(3, 40))},
            uuid=self.rng.uuid4(), timestamp=self.tick(s, 5_000, 600_000)))

    def tool_result(self, s: Session) -> bytes:
        u = self.rng.random()
        if u < 0.97:
            size = self.log_uniform(600, 8_000)
        elif u < 0.995:
            size = self.log_uniform(8_000, 128_000)
        else:
            size = self.log_uniform(128_000, self.scale["big_max"])
        text = self.big_text(size)
        tool_id = "toolu_01" + self.rng.b58(22)
        return dumps(self.envelope(s, type="user", message={"role": "user", "content": [
            {"tool_use_id": tool_id, "type": "tool_result", "content": text}]},
            uuid=self.rng.uuid4(), timestamp=self.tick(s, 200, 20_000),
            toolUseResult={"stdout": text, "stderr": "", "interrupted": False,
                           "isImage": False}))

    def misc_line(self, s: Session) -> bytes:
        kind = self.rng.randrange(4)
        if kind == 0:
            return dumps(self.envelope(s, type="system", subtype="informational",
                                       content=self.words(8), timestamp=self.tick(s, 10, 500),
                                       uuid=self.rng.uuid4(), isMeta=False))
        if kind == 1:
            return dumps(self.envelope(s, type="progress", data={
                "type": "hook_progress", "hookEvent": "SessionStart",
                "hookName": "SessionStart:startup", "command": "$HOME/.claude/hooks/n.sh"},
                parentToolUseID=self.rng.uuid4(), toolUseID=self.rng.uuid4(),
                timestamp=self.tick(s, 10, 500), uuid=self.rng.uuid4()))
        if kind == 2:
            mid = self.rng.uuid4()
            return dumps({"type": "file-history-snapshot", "messageId": mid,
                          "snapshot": {"messageId": mid, "trackedFileBackups": {},
                                       "timestamp": iso_ms(s.clock)},
                          "isSnapshotUpdate": False})
        return dumps({"type": "summary", "summary": "Session: " + self.words(5),
                      "leafUuid": self.rng.uuid4()})

    def synthetic(self, s: Session) -> bytes:
        zero = {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
                "server_tool_use": {"web_search_requests": 0, "web_fetch_requests": 0},
                "service_tier": None,
                "cache_creation": {"ephemeral_1h_input_tokens": 0,
                                   "ephemeral_5m_input_tokens": 0}}
        return dumps(self.envelope(
            s, type="assistant", uuid=self.rng.uuid4(), timestamp=self.tick(s, 100, 3_000),
            message={"id": self.rng.uuid4(), "container": None, "model": "<synthetic>",
                     "role": "assistant", "stop_reason": "stop_sequence", "stop_sequence": "",
                     "type": "message", "usage": zero,
                     "content": [{"type": "text", "text": "API Error: 529 Overloaded"}]},
            isApiErrorMessage=True))

    def usage_json(self, r: Response, output: int) -> dict:
        u = dict(r.usage)
        u["output_tokens"] = output
        return u

    def block(self, s: Session) -> dict:
        if self.rng.random() < 0.5:
            return {"type": "text", "text": self.words(self.rng.randrange(3, 60))}
        return {"type": "tool_use", "id": "toolu_01" + self.rng.b58(22), "name": "Read",
                "input": {"file_path": f"{s.project.cwd}/src/{self.words(1)}.ts"}}

    def start_response(self, s: Session) -> None:
        rng = self.rng
        to_midnight = DAY_MS - s.clock % DAY_MS
        if s.agent_id is not None:
            # Subagent responses stay inside one UTC day, so that their echoes in the
            # parent (same timestamps) can vouch for them in `bridge validate` when the
            # subagent file is deleted.
            if to_midnight < 120_000:
                s.clock += to_midnight + 1_000
        elif rng.random() < 0.05:
            s.clock += to_midnight - rng.randrange(100, 1_500)  # Straddle midnight UTC.
        cc = rng.randrange(0, 6_000)
        split = ({"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": cc}
                 if s.cache_1h else
                 {"ephemeral_5m_input_tokens": cc, "ephemeral_1h_input_tokens": 0})
        usage = {"input_tokens": rng.randrange(1, 12), "cache_creation_input_tokens": cc,
                 "cache_read_input_tokens": s.context, "cache_creation": split,
                 "output_tokens": 0, "service_tier": "standard"}
        if s.v2:
            usage["server_tool_use"] = {"web_search_requests": rng.randrange(0, 3)
                                        if rng.random() < 0.03 else 0,
                                        "web_fetch_requests": 0}
        final = self.log_uniform(20, 3_000)
        s.response = Response("msg_01" + self.rng.b58(22),
                              "req_011C" + self.rng.b58(20) if rng.random() > 0.03 else None,
                              rng.randrange(1, 5), rng.choice((1, 3, 8, 10)), final, usage,
                              rng.choice(MODELS) if rng.random() < 0.1 else s.model)
        s.context += cc + final
        if s.context > 180_000:
            s.context = rng.randrange(15_000, 40_000)

    def response_line(self, s: Session) -> list[tuple[TFile | None, bytes]]:
        """The next content-block line of the open response (plus an echo in the parent)."""
        r = s.response
        assert r is not None
        last = r.i == r.blocks - 1
        output = r.final if last or (not s.v2 and r.i > 0) else r.partial
        msg = {"model": r.model, "id": r.msg_id, "type": "message", "role": "assistant",
               "content": [self.block(s)], "stop_reason": "tool_use" if last else None,
               "stop_sequence": None, "usage": self.usage_json(r, output)}
        line = self.envelope(s, message=msg)
        if r.req_id is not None:
            line["requestId"] = r.req_id
        line.update({"type": "assistant", "uuid": self.rng.uuid4(),
                     "timestamp": self.tick(s, 300, 4_000)})
        s.parent_uuid = line["uuid"]
        r.i += 1
        if last:
            s.response = None
        out: list[tuple[TFile | None, bytes]] = [(None, dumps(line))]
        parent = s.parent
        if parent is not None and parent.rel in self.files and self.rng.random() < 0.7:
            echoed = {"type": "assistant", "timestamp": line["timestamp"],
                      "message": dict(msg, context_management=None)}
            if r.req_id is not None:
                echoed["requestId"] = r.req_id
            echoed["uuid"] = line["uuid"]
            if self.rng.random() < 0.3:  # an echo of a partial: smaller than the file's
                u = dict(msg["usage"])
                u["output_tokens"] = min(u["output_tokens"], 3)
                echoed["message"] = dict(echoed["message"], usage=u)
            echo = self.envelope(parent, type="progress", data={
                "message": echoed, "normalizedMessages": [], "type": "agent_progress",
                "prompt": "explore", "agentId": s.agent_id},
                toolUseID="agent_msg_01" + self.rng.b58(22), parentToolUseID="toolu_01" +
                self.rng.b58(22), uuid=self.rng.uuid4(), timestamp=self.tick(parent, 1, 700))
            out.append((self.files[parent.rel], dumps(echo)))
            self.count("echo_lines")
        return out

    def no_message_id(self, s: Session) -> bytes:
        """An assistant line without message id: its uuid is the key."""
        return dumps(self.envelope(s, type="assistant", message={
            "type": "message", "role": "assistant", "model": s.model,
            "content": [{"type": "text", "text": self.words(5)}],
            "usage": {"input_tokens": 3, "output_tokens": self.rng.randrange(1, 500),
                      "cache_creation_input_tokens": 0, "cache_read_input_tokens": 100}},
            uuid=self.rng.uuid4(), timestamp=self.tick(s, 100, 2_000)))

    def step(self, s: Session) -> list[tuple[TFile | None, bytes]]:
        """One thing the session writes; None as the file means the session's own file."""
        if s.response is not None:
            self.count("stream_lines")
            return self.response_line(s)
        u = self.rng.random()
        if u < 0.45:
            self.start_response(s)
            self.count("responses")
            return self.response_line(s)
        for below, what, line in ((0.62, "prompts", self.prompt),
                                  (0.84, "tool_results", self.tool_result),
                                  (0.865, "synthetic", self.synthetic),
                                  (0.875, "no_message_id", self.no_message_id),
                                  (1.0, "misc_lines", self.misc_line)):
            if u < below:
                self.count(what)
                return [(None, line(s))]

    def grow_lines(self, f: TFile, at_least: int = 0, steps: int | None = None) -> list[bytes]:
        """The lines of `steps` (default 1-3) steps of f's session, more until they hold
        `at_least` bytes; echoes go to the parent's file at once."""
        out: list[bytes] = []
        total = 0
        steps = self.rng.randrange(1, 4) if steps is None else steps
        while steps > 0 or total < at_least:
            steps -= 1
            for target, line in self.step(f.session):
                if target is None:
                    out.append(line)
                    total += len(line) + 1
                else:
                    self.append_lines(target, [line], "whole")
        return out

    # --- raw writing

    def read(self, rel: str) -> bytes:
        with open(self.path(rel), "rb") as src:
            return src.read()

    def journal_add(self, rel: str, data: bytes) -> None:
        path = os.path.join(self.journal, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "ab") as f:
            f.write(data)
        self.lines_written += data.count(b"\n")

    def cut_points(self, data: bytes, n: int) -> list[int]:
        """n cut positions in (0, len), often inside a UTF-8 multibyte character."""
        cuts = set()
        cont = None
        for _ in range(n):
            if self.rng.random() < 0.6:
                if cont is None:
                    # Continuation bytes: cutting before one splits a character.
                    cont = [i for i in range(1, len(data)) if 0x80 <= data[i] <= 0xBF] \
                        if len(data) < 200_000 else []
                if cont:
                    cuts.add(self.rng.choice(cont))
                    self.count("cuts_mid_utf8")
                    continue
            cuts.add(self.rng.randrange(1, len(data)))
        return sorted(cuts)

    def raw_write(self, path: str, data: bytes, flags: int = os.O_WRONLY | os.O_APPEND,
                  chunks: list[int] | None = None) -> None:
        """Writes data with one write() per chunk (cut at `chunks`), pausing in between."""
        fd = os.open(path, flags | os.O_CREAT, 0o644)
        try:
            start = 0
            for end in (chunks or []) + [len(data)]:
                view = memoryview(data)[start:end]
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                if end != len(data):
                    time.sleep(self.rng.uniform(0.0005, 0.03))
                start = end
        finally:
            os.close(fd)
        self.bytes_written += len(data)

    def write_new(self, f: TFile, data: bytes, **kw) -> None:
        """Writes data to f's file and, all of it being complete lines, to the journal."""
        self.raw_write(self.path(f.rel), data, **kw)
        self.journal_add(f.rel, data)

    def complete_pending(self, f: TFile, pause: bool = True) -> None:
        if f.pending is None:
            return
        data, line = f.pending, f.pending_line
        chunks = self.cut_points(data, 1) if pause and len(data) > 2 and \
            self.rng.random() < 0.3 else None
        self.raw_write(self.path(f.rel), data, chunks=chunks)
        self.journal_add(f.rel, line)
        f.pending = f.pending_line = None
        self.count("partials_completed")

    def append_lines(self, f: TFile, lines: list[bytes], mode: str) -> None:
        """Appends whole lines: at once, in 2-3 write() calls, or leaving the last unfinished."""
        self.complete_pending(f, pause=False)
        data = joined(lines)
        if mode == "split" and len(data) > 4:
            self.write_new(f, data, chunks=self.cut_points(data, self.rng.randrange(1, 3)))
            self.count("split_writes")
        elif mode == "pending":
            body, last = data[:-len(lines[-1]) - 1], lines[-1] + b"\n"
            if self.rng.random() < 0.25:
                cut = len(last) - 1  # a whole object, its newline later
                self.count("partial_no_newline")
            else:
                cut = self.cut_points(last[:-2], 1)[0] if len(last) > 3 else 1
                self.count("partial_prefix")
            self.raw_write(self.path(f.rel), body + last[:cut])
            if body:
                self.journal_add(f.rel, body)
            f.pending, f.pending_line = last[cut:], last
        else:
            self.write_new(f, data)

    def write_steps(self, f: TFile, steps: int, mode: str = "whole") -> None:
        """`steps` steps of f's session; echo lines go to the parent's file."""
        own = self.grow_lines(f, steps=steps)
        if own:
            self.append_lines(f, own, mode)

    # --- file and directory creation

    def new_project(self) -> Project:
        n = len(self.projects)
        cwd = f"/home/user/code/proj-{n}-{self.rng.b58(4)}"
        p = Project(cwd.replace("/", "-"), cwd, self.rng.choice(("main", "dev", "")))
        os.makedirs(os.path.join(self.root, "projects", p.dirname), exist_ok=True)
        self.projects.append(p)
        return p

    def session_clock(self) -> int:
        return START_MS + self.rng.randrange(WINDOW_DAYS * DAY_MS)

    def new_session(self, project: Project, resume_from: TFile | None = None) -> TFile:
        sid = self.rng.uuid4()
        rel = os.path.join("projects", project.dirname, sid + ".jsonl")
        s = Session(project, sid, rel, self.rng.random() < 0.7, self.session_clock(),
                    self.rng.choice(MODELS))
        s.cache_1h = s.v2 and self.rng.random() < 0.2
        f = self.files[rel] = TFile(rel, s)
        prefix = b""
        if resume_from is not None:
            # A resumed session starts with a copy of the earlier session's lines (already
            # in the journal of their source).
            prefix = self.read(resume_from.rel)
            if resume_from.pending is not None:
                prefix = prefix[:prefix.rfind(b"\n") + 1]
            if resume_from.session is not None:
                s.clock = max(s.clock, resume_from.session.clock + 60_000)
            self.count("resumed_sessions")
        lines = [self.prompt(s)]
        if prefix:
            lines.insert(0, dumps({"type": "summary", "summary": "Resumed: " + self.words(4),
                                   "leafUuid": self.rng.uuid4()}))
            self.raw_write(self.path(rel), prefix)
        self.append_lines(f, lines, self.rng.choice(("whole", "split")))
        self.write_steps(f, self.rng.randrange(1, 4), "whole")
        self.note("new-session", rel, *(["resumed-from", resume_from.rel] if resume_from else []))
        return f

    def new_subagent(self, parent: TFile) -> TFile:
        ps = parent.session
        agent = f"a{self.rng.getrandbits(24):06x}"
        rel = os.path.join("projects", ps.project.dirname, ps.session_id, "subagents",
                           f"agent-{agent}.jsonl")
        if rel in self.files:
            return self.files[rel]
        fresh = not os.path.isdir(os.path.dirname(self.path(rel)))
        os.makedirs(os.path.dirname(self.path(rel)), exist_ok=True)
        s = Session(ps.project, ps.session_id, rel, ps.v2, ps.clock + 1_000, ps.model,
                    agent_id=agent, parent=ps)
        f = self.files[rel] = TFile(rel, s)
        self.append_lines(f, [self.prompt(s)], "whole")
        self.write_steps(f, self.rng.randrange(1, 3), "whole")
        self.note("new-subagent-dir" if fresh else "new-subagent", rel)
        return f

    # --- operations

    def sessions(self, main_only: bool = False) -> list[TFile]:
        return [f for f in self.files.values() if f.session is not None and
                not (main_only and f.session.agent_id is not None)]

    def wait_read(self, files: list[TFile], op: str) -> None:
        """Waits until the ledger has read every file completely (bounded)."""
        for f in files:
            self.complete_pending(f, pause=False)
        t0 = time.monotonic()
        deadline = t0 + self.scale["read_deadline"]
        while True:
            behind = next(((f, why) for f in files
                           if (why := unread(self.view, self.path(f.rel))) is not None), None)
            if behind is None:
                self.read_waits.append(time.monotonic() - t0)
                return
            if self.abort.is_set():
                raise TestFailure("aborted")
            if time.monotonic() > deadline:
                fail(f"before {op} of {behind[0].rel}: the ledger had not read the file "
                     f"completely {self.scale['read_deadline']:.0f} s after its last write "
                     f"although a monitor was running most of that time: {behind[1]}")
            time.sleep(0.003)

    def read_one(self, candidates: list[TFile], op: str) -> TFile | None:
        """One of the candidates (None if there is none), once the ledger has read it all."""
        if not candidates:
            return None
        f = self.rng.choice(candidates)
        self.wait_read([f], op)
        return f

    def op_append(self) -> None:
        f = self.rng.choice(self.sessions())
        u = self.rng.random()
        mode = "whole" if u < 0.55 else "split" if u < 0.85 else "pending"
        self.write_steps(f, self.rng.randrange(1, 5), mode)
        self.note(f"append-{mode}", f.rel)

    def op_complete(self) -> None:
        waiting = [f for f in self.files.values() if f.pending is not None]
        if waiting:
            f = self.rng.choice(waiting)
            self.complete_pending(f)
            self.note("complete", f.rel)

    def op_new_session(self) -> None:
        p = self.rng.choice(self.projects)
        src = None
        if self.rng.random() < 0.3:
            same = [f for f in self.sessions(main_only=True) if f.session.project is p]
            if same:
                src = self.rng.choice(same)
        self.new_session(p, resume_from=src)

    def op_new_project(self) -> None:
        self.new_session(self.new_project())
        self.count("new-project")

    def op_new_subagent(self) -> None:
        self.new_subagent(self.rng.choice(self.sessions(main_only=True)))

    def op_move(self) -> None:
        """A session file moved to a new name in its directory (content kept)."""
        cands = self.sessions(main_only=True)
        if len(cands) < 2:
            return
        f = self.rng.choice(cands)
        old_rel = f.rel
        new_rel = os.path.join(os.path.dirname(f.rel), self.rng.uuid4() + ".jsonl")
        os.rename(self.path(f.rel), self.path(new_rel))
        del self.files[f.rel]
        f.rel = f.session.rel = new_rel
        self.files[new_rel] = f
        self.note("move", new_rel, "from", old_rel)

    @staticmethod
    def head_lines(old: bytes, rng: Rng) -> bytes:
        """The first k complete lines of `old`, k < all of them (b"" for a one-line file)."""
        ends = [i + 1 for i in range(len(old)) if old[i] == 0x0A]
        return old[:ends[rng.randrange(len(ends) - 1)]] if len(ends) > 1 else b""

    def edit_a_prompt(self, old: bytes) -> tuple[bytes, bytes]:
        """`old` with one user prompt (not a usage record) rewritten to another length."""
        lines = old.split(b"\n")
        prompts = []
        for i, line in enumerate(lines):
            if line.startswith(b'{"parentUuid"') and b'"type":"user","message":{"role":"user",' \
                    b'"content":"' in line and len(line) < 20_000:
                prompts.append(i)
        if not prompts:
            return old, b""
        i = self.rng.choice(prompts)
        obj = json.loads(lines[i])
        obj["message"]["content"] = "(edited) " + self.words(self.rng.randrange(1, 30))
        lines[i] = dumps(obj)
        return b"\n".join(lines), lines[i] + b"\n"

    def op_rewrite(self) -> None:
        """Truncate and rewrite in place (same inode): old content + new lines; sometimes
        with a user prompt in the middle edited (the bytes before the old end shift)."""
        f = self.read_one(self.sessions(), "truncate-and-rewrite")
        old, edited = self.read(f.rel), b""
        if self.rng.random() < 0.4:
            old, edited = self.edit_a_prompt(old)
        new = joined(self.grow_lines(f))
        data = old + new
        chunks = sorted(set(self.rng.sample(range(1, len(data)), min(2, len(data) - 1))))
        self.raw_write(self.path(f.rel), data, flags=os.O_WRONLY | os.O_TRUNC,
                       chunks=chunks if self.rng.random() < 0.5 else None)
        self.journal_add(f.rel, edited + new)
        self.note("rewrite-same-inode" + ("-edited" if edited else ""), f.rel)

    def op_rename_over(self) -> None:
        """Atomic save: a temp file with old content + new lines renamed over the file."""
        f = self.read_one(self.sessions(), "rename-over")
        path = self.path(f.rel)
        old = self.read(f.rel)
        new = joined(self.grow_lines(f))
        d, name = os.path.split(path)
        if self.rng.random() < 0.5:
            tmp = os.path.join(d, f".{name}.tmp{self.rng.getrandbits(20)}")
        else:
            tmp = os.path.join(d, f".tmp-{self.rng.b58(6)}.jsonl")  # itself a transcript
            self.count("rename_tmp_is_transcript")
        self.raw_write(tmp, old + new, flags=os.O_WRONLY | os.O_TRUNC)
        if self.rng.random() < 0.5:
            time.sleep(self.rng.uniform(0, 0.02))
        os.rename(tmp, path)
        self.journal_add(f.rel, new)
        self.note("rename-over", f.rel, "from", os.path.relpath(tmp, self.root))

    def op_copytruncate(self) -> None:
        """Copy to a sibling *.jsonl, truncate to 0 (same inode), append new lines."""
        f = self.read_one([f for f in self.sessions() if not f.keep], "copytruncate")
        if f is None:
            return
        path = self.path(f.rel)
        copy_rel = f"{f.rel[:-len('.jsonl')]}-{self.rng.b58(4)}.jsonl"
        shutil.copyfile(path, self.path(copy_rel))
        copy = self.files[copy_rel] = TFile(copy_rel, None)
        # Never deleted: the copy is all that is left of the old lines, and their events
        # stay with the original path (the file that ended first, docs/design.md), which
        # now holds other lines; `bridge validate` matches events to files by path. (A
        # response still streaming also continues after the truncation with later
        # timestamps: without the copy the files could not show its earliest line's day.)
        copy.keep = True
        self.note("copytruncate", f.rel, "copy", copy_rel)
        old = self.read(f.rel)
        os.truncate(path, 0)
        if self.rng.random() < 0.5 and len(old) < (4 << 20):
            # More than the old size in one write: only the identity check sees the change;
            # sometimes starting with the old first lines (same head, different tail).
            head = self.head_lines(old, self.rng) if self.rng.random() < 0.4 else b""
            self.write_new(f, head + joined(self.grow_lines(f, len(old) + 1 - len(head))))
            self.count("copytruncate_bigger_same_head" if head else "copytruncate_bigger")
        else:
            if self.rng.random() < 0.5:
                time.sleep(self.rng.uniform(0, 0.02))
            self.append_lines(f, self.grow_lines(f), "split")

    def op_delete(self) -> None:
        """Deletes a transcript (sometimes a new file appears at once: inode reuse)."""
        f = self.read_one([f for f in self.files.values() if not f.keep and (
                           f.session is None or f.session.agent_id is not None or
                           len(self.sessions(main_only=True)) > 3)], "deletion")
        if f is None:
            return
        os.unlink(self.path(f.rel))
        del self.files[f.rel]
        self.note("delete", f.rel)
        if self.rng.random() < 0.5:
            project = (f.session.project if f.session is not None and
                       f.session.agent_id is None else self.rng.choice(self.projects))
            self.new_session(project)
            self.count("delete_then_create")

    def op_delete_recreate(self) -> None:
        """Copy (a resumed session), delete, and a new session at the same path at once."""
        f = self.read_one([f for f in self.sessions(main_only=True) if not f.keep],
                          "delete-and-recreate")
        if f is None:
            return
        s = f.session
        # The copy is all that is left of the old file's lines; `bridge validate` matches
        # events to files by path, and the path is about to hold a different file.
        self.new_session(s.project, resume_from=f).keep = True
        path = self.path(f.rel)
        old = self.read(f.rel)
        old_inode = os.stat(path).st_ino
        os.unlink(path)
        nf = self.files[f.rel] = TFile(f.rel, Session(s.project, s.session_id, f.rel, s.v2,
                                                      self.session_clock(), s.model))
        for sub in self.files.values():  # its subagents now echo into the new file
            if sub.session is not None and sub.session.parent is s:
                sub.session.parent = nf.session
        lines = [self.prompt(nf.session)]
        head = b""
        if self.rng.random() < 0.5 and len(old) < (4 << 20):
            # Bigger than the old file at once, sometimes starting with its first lines
            # (same path, same head, maybe the same inode: only the tail tells).
            head = self.head_lines(old, self.rng) if self.rng.random() < 0.5 else b""
            lines += self.grow_lines(nf, len(old) + 1 - len(head))
            self.count("recreate_bigger")
        self.write_new(nf, head + joined(lines))  # one write()
        if os.stat(path).st_ino == old_inode:
            self.count("recreate_same_inode")
        self.note("delete-recreate" + ("-same-head" if head else ""), f.rel)

    def op_rmtree_subagents(self) -> None:
        """Deletes a session's whole <session>/ directory of subagents."""
        dirs: dict[str, list[TFile]] = {}
        for f in self.files.values():
            parts = f.rel.split(os.sep)
            if len(parts) == 5 and parts[3] == "subagents":
                dirs.setdefault(os.path.join(*parts[:3]), []).append(f)
        dirs = {d: fs for d, fs in dirs.items() if not any(f.keep for f in fs)}
        if not dirs:
            return
        d = self.rng.choice(sorted(dirs))
        self.wait_read(dirs[d], "removal of the subagents directory")
        shutil.rmtree(self.path(d))
        for f in dirs[d]:
            del self.files[f.rel]
        self.note("rmtree", d)

    # --- the loop

    def setup(self) -> None:
        for _ in range(self.scale["projects"]):
            self.new_project()
        for i in range(self.scale["sessions"]):
            f = self.new_session(self.projects[i % len(self.projects)])
            if self.rng.random() < 0.3:
                self.new_subagent(f)

    def one_op(self) -> None:
        for f in [f for f in self.files.values() if f.pending is not None]:
            if self.rng.random() < 0.15:
                self.complete_pending(f)
        ops = [(self.op_append, 50), (self.op_complete, 6), (self.op_new_session, 4),
               (self.op_new_project, 0.6), (self.op_new_subagent, 3), (self.op_move, 0.7)]
        if self.keeper.up():
            ops += [(self.op_rewrite, 2.5), (self.op_rename_over, 2.5),
                    (self.op_copytruncate, 1.5), (self.op_delete, 1.5),
                    (self.op_delete_recreate, 0.7), (self.op_rmtree_subagents, 0.4)]
        op = self.rng.choices([o for o, _ in ops], weights=[w for _, w in ops])[0]
        if op in (self.op_new_session, self.op_new_project, self.op_new_subagent) and \
                len(self.files) >= self.scale["max_files"]:
            op = self.op_append  # no new files beyond max_files
        op()

    def work(self) -> None:
        while not self.stop.is_set() and not self.abort.is_set():
            self.one_op()
            time.sleep(self.rng.uniform(0, self.scale["pace"]))
        for f in list(self.files.values()):
            self.complete_pending(f, pause=False)

    def close(self) -> None:
        self.view.close()
        self.oplog.close()


# --------------------------------------------------------------------------- the test


def wait_caught_up(root: str, deadline_s: float, keeper: Keeper, proc: subprocess.Popen) -> float:
    """Waits (bounded) until the ledger has read every transcript completely."""
    t0 = time.monotonic()
    while True:
        keeper.check_alive(proc, "while catching up at the end")
        behind = [(p, why) for p in transcripts(root)
                  if (why := unread(keeper.view, p)) is not None]
        if not behind:
            return time.monotonic() - t0
        if time.monotonic() - t0 > deadline_s:
            sample = "\n".join(f"  {os.path.relpath(p, root)}: {why}" for p, why in behind[:10])
            fail(f"the final monitor did not catch up within {deadline_s:.0f} s: "
                 f"{len(behind)} transcripts not completely read, e.g.\n{sample}")
        time.sleep(0.02)


def scenario(script) -> str:
    log, tmp, scale, seed = script.log, script.tmp, SCALES[script.scale], script.seed
    abort, stop = threading.Event(), threading.Event()
    keeper = writer = None
    threads: list[threading.Thread] = []
    try:
        root = os.path.join(tmp, "claude")
        journal = os.path.join(tmp, "journal")
        logs = os.path.join(tmp, "logs")
        for d in (os.path.join(root, "projects"), os.path.join(journal, "projects"), logs):
            os.makedirs(d)
        cli = Cli(script.binary, root, os.path.join(tmp, "ledger.db"))
        keeper = Keeper(cli, logs, Rng(seed * 2 + 1), scale, abort)
        writer = Writer(root, journal, Rng(seed * 2), scale, keeper, abort, stop)
        writer.setup()
        log(f"initial tree: {len(writer.projects)} projects, {len(writer.files)} transcripts")

        threads = [threading.Thread(target=writer.run, name="writer"),
                   threading.Thread(target=keeper.run, name="chaos")]
        for t in threads:
            t.start()
        t_chaos = time.monotonic()
        threads[1].join()
        if keeper.error is not None:
            stop.set()
            threads[0].join()
            raise keeper.error
        chaos_s = time.monotonic() - t_chaos
        # The writer may be waiting for the ledger before a destructive operation: a final
        # monitor serves it while it stops.
        stop.set()
        final = keeper.start()
        threads[0].join()
        if writer.error is not None:
            raise writer.error
        log(f"chaos: {keeper.starts - 1} monitor starts in {chaos_s:.1f} s "
            f"({keeper.counts['sigkill']} SIGKILL, {keeper.counts['sigterm']} SIGTERM "
            f"exits 0 in max {max(keeper.term_times, default=0) * 1000:.0f} ms, "
            f"{keeper.counts['killed_before_banner']} killed before their banner, "
            f"{keeper.counts['lock_checks']} second-writer checks); uptimes "
            f"{min(keeper.uptimes) * 1000:.0f} ms .. {max(keeper.uptimes) * 1000:.0f} ms")
        waits = sorted(writer.read_waits)
        log(f"writer: {writer.lines_written} lines, {writer.bytes_written / 2**20:.1f} MiB, "
            f"{len(writer.files)} transcripts now; waits for the ledger before destructive "
            f"operations: {len(waits)}, median "
            f"{(waits[len(waits) // 2] if waits else 0) * 1000:.0f} ms, max "
            f"{(waits[-1] if waits else 0) * 1000:.0f} ms")
        log(f"operations: {dict(sorted(writer.counts.items()))}")

        caught = wait_caught_up(root, scale["final_deadline"], keeper, final)
        keeper.shows_running(final)
        keeper.check_alive(final, "at the end")
        took = keeper.stop_term(final, "final monitor")
        keeper.view.close()
        log(f"final monitor caught up in {caught:.2f} s, exited 0 {took * 1000:.0f} ms "
            f"after SIGTERM")

        expected = oracle(journal)
        status = cli.status()
        check(status["files"].get("unreadBytes") == 0,
              f"sync-status after the end: files.unreadBytes {status['files']} (expected 0)")
        check(status["events"] == expected["totals"]["events"],
              f"sync-status events: expected {expected['totals']['events']} (oracle), "
              f"got {status['events']}")
        cli.check_against(expected, "over everything the writer wrote")
        totals = expected["totals"]
        return (f"{keeper.starts - 1} monitor starts ({keeper.counts['sigkill']} SIGKILL, "
                f"{keeper.counts['sigterm']} SIGTERM) under {writer.lines_written} lines "
                f"written to {len(transcripts(root))} transcripts; {totals['events']} events, "
                f"{totals['totalTokens']} tokens over {len(expected['daily'])} days equal to "
                f"the oracle; validate ok")
    finally:
        abort.set()
        stop.set()
        if keeper is not None and keeper.proc is not None and keeper.proc.poll() is None:
            keeper.proc.send_signal(signal.SIGKILL)
            keeper.proc.wait()
        for t in threads:
            t.join(timeout=60)


if __name__ == "__main__":
    sys.exit(main("chaos_test", __doc__, scenario))
