"""Helpers shared by the end-to-end scripts in this folder.

Each script runs as `python3 tests/e2e/NAME.py`, so this folder is on
sys.path and `from e2e_common import ...` works without packaging.
"""

import json


class TestFailure(Exception):
    """A check failed; the message says expected vs actual."""


def fail(msg: str) -> None:
    raise TestFailure(msg)


def make_log(name: str):
    """A progress printer that prefixes every line with [name]."""
    def log(msg: str) -> None:
        print(f"[{name}] {msg}", flush=True)
    return log


def dumps(obj) -> bytes:
    """Compact JSON bytes, as Claude Code writes its lines."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


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


def diff_reports(expected: dict, actual: dict,
                 when_equal: str = "(no difference in daily/totals)") -> str:
    """A readable difference of two {"daily","totals"} reports."""
    lines = []
    exp_days = {d["date"]: d for d in expected.get("daily", [])}
    act_days = {d["date"]: d for d in actual.get("daily", [])}
    for day in sorted(set(exp_days) | set(act_days)):
        e, a = exp_days.get(day), act_days.get(day)
        if e != a:
            lines.append(f"  {day}: expected {e}\n  {' ' * len(day)}  actual   {a}")
    if expected.get("totals") != actual.get("totals"):
        lines.append(f"  totals: expected {expected.get('totals')}\n"
                     f"          actual   {actual.get('totals')}")
    return "\n".join(lines) or f"  {when_equal}"


def ledger_events(binary: str, base: list) -> int:
    """The ledger's event count by `bridge sync-status --json` (-1 if it
    cannot be read yet)."""
    import subprocess
    out = subprocess.run([binary] + base + ["bridge", "sync-status", "--json"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return -1
    return json.loads(out.stdout)["events"]


def wait_for(predicate, what: str, seconds: float = 15, name: str = "e2e") -> None:
    """Polls `predicate` every 50 ms; exits with a FAIL line naming `what`
    when it is not true within `seconds`."""
    import sys
    import time
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    sys.exit(f"{name}: FAIL: {what} within {seconds} s")
