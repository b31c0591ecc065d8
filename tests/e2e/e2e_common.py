"""What the end-to-end scripts in this folder share: the frame of a script
(its arguments, temp dir, PASS/FAIL/SKIPPED lines), the program's command
line, the generated corpus and the oracle (tools/oracle.py, an independent
implementation of the accounting rules) and the comparison with it.

Each script runs as `python3 tests/e2e/NAME.py`, so this folder is on
sys.path and `from e2e_common import ...` works without packaging.

A script's lines, which tests/CMakeLists.txt and people read:
  NAME: PASS ...          the scenario held (exit 0);
  NAME: SKIPPED: why      it cannot run here (exit 0; ctest reports it skipped);
  NAME: FAIL ...          a check failed (exit 1), with what and why on stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ORACLE = os.path.join(REPO, "tools", "oracle.py")
GEN = os.path.join(REPO, "tools", "gen_corpus.py")
# What the oracle computes of a report, beside its reject count.
REPORT_KEYS = ("daily", "totals")


class TestFailure(Exception):
    """A check failed; the message says expected vs actual."""


class Skipped(Exception):
    """The scenario cannot run here; the message says why."""


def fail(msg: str):
    raise TestFailure(msg)


def check(cond, msg: str) -> None:
    if not cond:
        raise TestFailure(msg)


def make_log(name: str):
    """A progress printer that prefixes every line with [name]."""
    def log(msg: str) -> None:
        print(f"[{name}] {msg}", flush=True)
    return log


def dumps(obj) -> bytes:
    """Compact JSON bytes, as Claude Code writes its lines."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def text_tail(data: bytes | str, limit: int = 2000) -> str:
    """The end of a process's output, as text."""
    if isinstance(data, bytes):
        data = data.decode(errors="replace")
    return data[-limit:]


def file_tail(path: str, limit: int = 1500) -> str:
    """The end of a file (a process's stderr log), as text; "" if unreadable."""
    try:
        with open(path, "rb") as f:
            return text_tail(f.read(), limit)
    except OSError:
        return ""


def iso_ms(ms: int) -> str:
    """Milliseconds since the epoch as Claude Code's timestamps: 2025-09-01T00:00:00.000Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


class Rng(random.Random):
    """A seeded random source that also makes Claude Code's ids."""
    BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

    def b58(self, n: int) -> str:
        return "".join(self.choices(self.BASE58, k=n))

    def uuid4(self) -> str:
        return str(uuid.UUID(int=self.getrandbits(128), version=4))

    def log_uniform(self, lo: float, hi: float) -> float:
        return math.exp(self.uniform(math.log(lo), math.log(hi)))


# --------------------------------------------------------------------------- reports

# What the token oracle (tools/oracle.py) computes of `report daily --json`;
# the report has more (costs, breakdowns), checked by report_test.py.
DAY_KEYS = ("date", "inputTokens", "outputTokens", "cacheCreationTokens",
            "cacheReadTokens", "totalTokens", "events")


def token_report(rep: dict) -> dict:
    """The oracle's view of a `report daily --json` output."""
    days = [{k: d.get(k) for k in DAY_KEYS} for d in rep.get("daily") or []]
    totals = rep.get("totals")
    if totals is not None:
        totals = {k: totals.get(k) for k in DAY_KEYS if k != "date"}
    return {"daily": days, "totals": totals}


SESSION_KEYS = ("inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens",
                "events")


def session_report(rep: dict) -> dict:
    """sessionId -> its token totals and events, from `report session --json` (a session
    listed under two projects is summed) or from oracle.py --sessions."""
    out: dict = {}
    for s in rep.get("sessions") or []:
        row = out.setdefault(s.get("sessionId"), dict.fromkeys(SESSION_KEYS, 0))
        for k in SESSION_KEYS:
            row[k] += s.get(k) or 0
    return out


def check_sessions(label: str, expected: dict, actual: dict) -> None:
    """`actual` and `expected` (session_report views) list the same sessions, equal."""
    if actual == expected:
        return
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    differ = [f"  {sid}: expected {expected[sid]}, got {actual[sid]}"
              for sid in sorted(set(expected) & set(actual)) if expected[sid] != actual[sid]]
    fail(f"{label}: report session --json differs from oracle.py --sessions: "
         f"{len(missing)} missing {missing[:5]}, {len(extra)} extra {extra[:5]}, "
         f"{len(differ)} differ\n" + "\n".join(differ[:10]))


def diff_reports(expected: dict, actual: dict,
                 when_equal: str = "(no difference in daily/totals)",
                 notes: dict | None = None) -> str:
    """A readable difference of two {"daily","totals"} reports; `notes` says what
    a day holds, by date."""
    lines = []
    exp_days = {d["date"]: d for d in expected.get("daily", [])}
    act_days = {d["date"]: d for d in actual.get("daily", [])}
    for day in sorted(set(exp_days) | set(act_days)):
        e, a = exp_days.get(day), act_days.get(day)
        if e != a:
            note = f"  [{notes[day]}]" if notes and day in notes else ""
            lines.append(f"  {day}: expected {e}\n  {' ' * len(day)}  actual   {a}{note}")
    if expected.get("totals") != actual.get("totals"):
        lines.append(f"  totals: expected {expected.get('totals')}\n"
                     f"          actual   {actual.get('totals')}")
    return "\n".join(lines) or f"  {when_equal}"


def check_report(label: str, expected: dict, actual: dict,
                 what: str = "report daily --json differs from oracle.py",
                 notes: dict | None = None) -> None:
    """`actual` (a token_report) equals the expected (oracle's) daily and totals."""
    want = {k: expected[k] for k in REPORT_KEYS}
    if actual != want:
        fail(f"{label}: {what}\n{diff_reports(want, actual, notes=notes)}")


# --------------------------------------------------------------------------- the tree


def transcripts(root: str) -> list[str]:
    """Every transcript (*.jsonl) below root/projects, sorted."""
    out = []
    for d, _, names in os.walk(os.path.join(root, "projects")):
        out += [os.path.join(d, n) for n in names if n.endswith(".jsonl")]
    return sorted(out)


def assistant_line(key: str, ts: str, usage: dict, *, session: str = "s-1",
                   model: str = "claude-sonnet-4-20250514", text: str | None = None,
                   cwd: str = "/w") -> str:
    """One assistant line (no newline) keyed msg_KEY + req_KEY, with uuid u-KEY."""
    return json.dumps({
        "type": "assistant", "uuid": f"u-{key}", "sessionId": session, "timestamp": ts,
        "requestId": f"req_{key}", "cwd": cwd, "version": "2.0.0",
        "message": {"id": f"msg_{key}", "model": model, "role": "assistant",
                    "content": [{"type": "text", "text": text}] if text else [],
                    "usage": usage}})


def generate_corpus(root: str, size_mb: int, seed: int, *, files: int | None = None,
                    bad_lines: bool = False) -> str:
    """tools/gen_corpus.py into root/projects; returns its summary line."""
    cmd = [sys.executable, GEN, "--out", root, "--size-mb", str(size_mb), "--seed", str(seed)]
    if files is not None:
        cmd += ["--files", str(files)]
    if bad_lines:
        cmd.append("--bad-lines")
    p = subprocess.run(cmd, stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        fail(f"gen_corpus.py failed: {text_tail(p.stderr)}")
    return p.stderr.decode(errors="replace").strip()


def oracle(root: str, strict: bool = False, sessions: bool = False) -> dict:
    """tools/oracle.py over root/projects: {"daily", "totals", "rejects", ...}
    (and "sessions" with `sessions`)."""
    cmd = [sys.executable, ORACLE, *(["--strict"] if strict else []),
           *(["--sessions"] if sessions else []), os.path.join(root, "projects")]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        fail(f"oracle.py failed ({p.returncode}): {text_tail(p.stderr)}")
    return json.loads(p.stdout)


# --------------------------------------------------------------------------- the program


class Cli:
    """The program on one transcript tree and one ledger."""

    def __init__(self, binary: str, claude_dir: str, ledger: str,
                 env: dict | None = None) -> None:
        self.binary, self.claude_dir, self.ledger, self.env = binary, claude_dir, ledger, env

    def args(self, *cmd: str) -> list[str]:
        return [self.binary, "--claude-dir", self.claude_dir, "--ledger", self.ledger, *cmd]

    def popen(self, *cmd: str, **kw) -> subprocess.Popen:
        return subprocess.Popen(self.args(*cmd), env=self.env, **kw)

    def run(self, *cmd: str, timeout: float = 600) -> subprocess.CompletedProcess:
        """Runs to the end; stdout and stderr as bytes, any exit code."""
        return subprocess.run(self.args(*cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=self.env, timeout=timeout)

    def expect(self, code: int, *cmd: str, timeout: float = 600) -> subprocess.CompletedProcess:
        p = self.run(*cmd, timeout=timeout)
        if p.returncode != code:
            fail(f"`{' '.join(cmd)}` on {os.path.basename(self.ledger)}: expected exit {code}, "
                 f"got {p.returncode}\nstdout: {text_tail(p.stdout, 3000)}\n"
                 f"stderr: {text_tail(p.stderr)}")
        return p

    def ok(self, *cmd: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return self.expect(0, *cmd, timeout=timeout)

    def json(self, *cmd: str):
        p = self.ok(*cmd)
        try:
            return json.loads(p.stdout)
        except ValueError:
            fail(f"`{' '.join(cmd)}` printed invalid JSON: {p.stdout[:500]!r}")

    def report(self) -> dict:
        """The oracle's view of `report daily --json --timezone UTC`."""
        return token_report(self.json("report", "daily", "--json", "--timezone", "UTC"))

    def status(self) -> dict:
        return self.json("bridge", "sync-status", "--json")

    def events(self) -> int | None:
        """The ledger's event count (None while there is no ledger to read)."""
        if not os.path.exists(self.ledger):
            return None
        p = self.run("bridge", "sync-status", "--json")
        return json.loads(p.stdout)["events"] if p.returncode == 0 else None

    def validate(self, label: str) -> None:
        """`bridge validate` agrees with the files on disk (exit 0)."""
        v = self.run("bridge", "validate", "--json")
        if v.returncode != 0:
            fail(f"{label}: bridge validate: expected exit 0, got {v.returncode}\n"
                 f"stdout: {text_tail(v.stdout, 3000)}\nstderr: {text_tail(v.stderr)}")

    def check_rejects(self, label: str, expected: int) -> None:
        got = self.status()["rejects"]
        if got["lines"] != expected:
            fail(f"{label}: sync-status rejects.lines: expected {expected} (oracle), got "
                 f"{got['lines']}: {got.get('byReason')}")

    def check_against(self, expected: dict, label: str) -> None:
        """The ledger equals the oracle's `expected`: report, rejects, validate."""
        check_report(label, expected, self.report())
        self.check_rejects(label, expected["rejects"])
        self.validate(label)


def wait_for(predicate, what: str, seconds: float = 15) -> None:
    """Polls `predicate` every 50 ms; fails naming `what` when it is not true in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    fail(f"{what} within {seconds} s")


def stop(proc: subprocess.Popen, label: str, within: float,
         err_path: str | None = None) -> tuple[float, str, str]:
    """SIGTERM; `proc` must exit 0 within `within` s (it is killed if not).
    Returns the seconds it took and its piped stdout and stderr (text, "" if not
    piped); a failure quotes its stderr, from the pipe or from `err_path`."""
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=within)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()  # (not its pipes: a child of its own may hold them open)
        out = err = None
    took = time.monotonic() - t0
    out, err = (x.decode(errors="replace") if isinstance(x, bytes) else x or ""
                for x in (out, err))
    said = text_tail(err, 1500) if err_path is None else file_tail(err_path)
    check(took <= within, f"{label} (pid {proc.pid}) did not exit within {within:g} s of "
          f"SIGTERM (killed after {took:.2f} s)\nstderr: {said}")
    check(proc.returncode == 0, f"{label} (pid {proc.pid}) exited {proc.returncode} on "
          f"SIGTERM, expected 0\nstderr: {said}")
    return took, out, err


class Parts:
    """Independent sub-tests: a failure is recorded and the next one runs."""

    def __init__(self) -> None:
        self.results: list[str] = []
        self.failures: list[str] = []

    def run(self, name: str, fn, *args) -> None:
        try:
            result = fn(*args)
            if result is not None:
                self.results.append(f"{name}: {result}")
        except TestFailure as e:
            self.failures.append(f"[{name}] {e}")
        except Exception:  # noqa: BLE001 - a bug in the test or the OS: say where
            self.failures.append(f"[{name}] unexpected error:\n{traceback.format_exc()}")

    def skipped(self) -> int:
        return sum(1 for r in self.results if "SKIPPED" in r)


# --------------------------------------------------------------------------- a script


class Script:
    """What a scenario gets: its arguments, a temp dir and a log."""

    def __init__(self, name: str, args: argparse.Namespace, tmp: str) -> None:
        self.name, self.args, self.tmp = name, args, tmp
        self.binary = args.binary
        self.seed = args.seed
        self.scale = args.scale
        self.log = make_log(name)
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def path(self, *parts: str) -> str:
        return os.path.join(self.tmp, *parts)


def main(name: str, doc: str, scenario, *, scales=("ci", "large"), seed: int | None = None,
         keep_on_failure: bool = False, add_args=None) -> int:
    """Runs `scenario(script)` as the script `name` and prints its PASS/FAIL/SKIPPED line.

    The scenario returns the rest of its PASS line, raises TestFailure (FAIL) or
    Skipped. Every script takes --binary, --scale, --seed (random unless `seed` is
    given; printed) and --keep (the temp dir is kept and named; with
    keep_on_failure it is kept when the scenario fails)."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--binary", required=True, help="the context-cleaner binary")
    ap.add_argument("--scale", choices=scales, default=scales[0])
    ap.add_argument("--seed", type=int, default=seed,
                    help="random seed (default: " + (str(seed) if seed is not None else
                                                     "random") + ")")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (printed)")
    if add_args is not None:
        add_args(ap)
    args = ap.parse_args()
    if args.seed is None:
        args.seed = random.randrange(1 << 30)
    args.binary = os.path.abspath(args.binary)
    if not os.access(args.binary, os.X_OK):
        print(f"{name}: FAIL: {args.binary} is not an executable", file=sys.stderr)
        return 1
    tmp = os.path.realpath(tempfile.mkdtemp(prefix=f"cc-{name}-"))
    script = Script(name, args, tmp)
    script.log(f"seed {args.seed}, scale {args.scale}, temp dir {tmp}")
    keep = args.keep
    try:
        result = scenario(script)
        print(f"{name}: PASS ({args.scale}, seed {args.seed}): {result}; "
              f"{script.elapsed():.1f} s", flush=True)
        return 0
    except Skipped as e:
        print(f"{name}: SKIPPED: {e}", flush=True)
        return 0
    except TestFailure as e:
        print(f"{name}: FAIL (seed {args.seed}, scale {args.scale}):\n{e}", file=sys.stderr)
        verdict = ""
        keep = keep or keep_on_failure
    except Exception:  # noqa: BLE001 - a bug in the test itself, or the OS
        traceback.print_exc()
        verdict = " (error in the test)"
    finally:
        if keep:
            script.log(f"kept {tmp}")
        else:
            _remove(tmp)
    sys.stderr.flush()
    print(f"{name}: FAIL{verdict} after {script.elapsed():.1f} s (seed {args.seed})", flush=True)
    return 1


def _remove(tmp: str) -> None:
    """rmtree, after making directories a sub-test locked (chmod 000) readable again."""
    for d, dirs, _ in os.walk(tmp):
        for x in dirs:
            p = os.path.join(d, x)
            if not os.path.islink(p):
                os.chmod(p, 0o755)
    shutil.rmtree(tmp, ignore_errors=True)
