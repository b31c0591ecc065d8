#!/usr/bin/env python3
"""Alert delivery end to end (issue 17, "Delivery"; docs/budgets.md): the real binary, a
real webhook receiver on loopback (http.server), alerts written into the ledger as the
budget evaluator writes them (an `alerts` row, an `alert_deliveries` row per retrying
channel, in one transaction).

Asserted:
  * `bridge sync --once` POSTs the exact payload (every byte), logs the alert once (stderr,
    alerts.log) and never again on the next runs;
  * a receiver answering 500: the failure is in sync-status (text and --json) with its words,
    the next run within the backoff does not retry; when the retry is due and the receiver
    is back, it gets the alert once more and never again;
  * `kill -9` while the webhook request is in flight: the next run delivers the same id
    again (at-least-once), the run after that nothing (a delivered alert is never resent),
    and the alert was logged once;
  * the command channel gets the same JSON on its stdin; a hanging command is killed at the
    bound (with what it started) and the sync returns within its few seconds, saying what
    it left for the next run;
  * the monitor delivers an alert right after the pass that follows it, and stops on SIGTERM;
  * a webhook that is not an http(s) URL is exit 2 naming where it came from;
  * the webhook's secret (path tokens, query) is in no output, no log, no ledger byte.

Usage:
    python3 tests/e2e/alert_delivery_test.py --binary PATH [--keep]
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

from e2e_common import Cli, assistant_line, fail, iso_ms, main, make_log, stop, wait_for

log = make_log("alert_delivery_test")

SECRET_PARTS = ("Zq9xSecretTok42", "T0ABC1234", "B0DEF5678", "qs-tok-77")
HOOK_PATH = "/services/T0ABC1234/B0DEF5678/Zq9xSecretTok42?key=qs-tok-77"
DASH = "\u2014"


class Receiver:
    """A webhook receiver: records each POST; answers `status`, or holds the request
    (`hold`) until released or 30 s pass."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, str, bytes]] = []
        self.status = 200
        self.hold = False
        self.lock = threading.Lock()
        self.release = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.posts.append((self.path, self.headers.get("Content-Type", ""),
                                           body))
                if receiver.hold:
                    receiver.release.wait(30)
                try:
                    self.send_response(receiver.status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # The client was killed while it waited (kill -9 in flight).

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{HOOK_PATH}"

    def bodies(self) -> list[bytes]:
        with self.lock:
            return [p[2] for p in self.posts]

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()


class World:
    """A transcript tree, a ledger, the environment that points alerts at the receiver,
    and everything the program printed (searched for the secret at the end)."""

    def __init__(self, script, receiver: Receiver) -> None:
        self.root = script.path("claude")
        self.project = os.path.join(self.root, "projects", "-w")
        os.makedirs(self.project)
        self.ledger = script.path("ledger.db")
        self.state = script.path("state")
        self.env = dict(os.environ)
        for name in ("DBUS_SESSION_BUS_ADDRESS", "CONTEXT_CLEANER_ALERT_COMMAND"):
            self.env.pop(name, None)
        self.env.update({"XDG_STATE_HOME": self.state,
                         "XDG_CONFIG_HOME": script.path("config"),
                         "CONTEXT_CLEANER_ALERT_WEBHOOK": receiver.url()})
        self.cli = Cli(script.binary, self.root, self.ledger, self.env)
        self.said: list[str] = []
        self.lines = 0

    def add_line(self) -> None:
        self.lines += 1
        with open(os.path.join(self.project, "s.jsonl"), "a") as f:
            f.write(assistant_line(f"k{self.lines}", "2026-12-08T10:00:00.000Z",
                                   {"input_tokens": 1, "output_tokens": 2}) + "\n")

    def run(self, *cmd: str, code: int = 0, env: dict | None = None, timeout: float = 120):
        p = subprocess.run(self.cli.args(*cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env or self.env, timeout=timeout)
        out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
        self.said += [out, err]
        if p.returncode != code:
            fail(f"`{' '.join(cmd)}`: expected exit {code}, got {p.returncode}\n"
                 f"stdout: {out[-2000:]}\nstderr: {err[-2000:]}")
        return out, err

    def sync(self, **kw):
        return self.run("bridge", "sync", "--once", **kw)

    def status(self) -> dict:
        out, _ = self.run("bridge", "sync-status", "--json")
        return json.loads(out)["alertDeliveries"]

    def alerts_log(self) -> str:
        path = os.path.join(self.state, "context-cleaner", "alerts.log")
        return open(path, encoding="utf-8").read() if os.path.exists(path) else ""

    def insert_alert(self, pct: int, channels: list[str], fired_ms: int) -> str:
        """An alert as the evaluator records it, in one transaction; returns its id."""
        alert_id = f"threshold:daily:2026-12-08T00:00:00:{pct}"
        db = sqlite3.connect(self.ledger, timeout=10)
        with db:
            db.execute("INSERT INTO alerts(id, kind, budget, period, period_start_ms, "
                       "period_end_ms, threshold_pct, unit, spent, limit_value, projected, "
                       "project, source, fired_ms) VALUES(?, 'threshold', 'daily', 'day', "
                       "1796706000000, 1796792400000, ?, 'usd', ?, 20, 24.3, '', '', ?)",
                       (alert_id, pct, 20 * pct / 100, fired_ms))
            for c in channels:
                db.execute("INSERT INTO alert_deliveries(alert_id, channel, next_attempt_ms) "
                           "VALUES(?, ?, ?)", (alert_id, c, fired_ms))
        db.close()
        return alert_id

    def make_due(self) -> None:
        """Time passes: every waiting retry is due now."""
        db = sqlite3.connect(self.ledger, timeout=10)
        with db:
            db.execute("UPDATE alert_deliveries SET next_attempt_ms = 0 "
                       "WHERE delivered_ms IS NULL AND next_attempt_ms < 9223372036854775807")
        db.close()


def payload(pct: int, fired_ms: int) -> bytes:
    """What AlertPayloadJson writes, spelled out by hand."""
    spent = {50: "10", 80: "16", 100: "20"}[pct]
    text = (f"context-cleaner: budget 'daily' at {pct} % {DASH} ${spent}.00 of $20.00 today")
    return (f'{{"id":"threshold:daily:2026-12-08T00:00:00:{pct}","kind":"threshold",'
            f'"budget":"daily","period":"day","periodStart":"2026-12-08T05:00:00.000Z",'
            f'"periodEnd":"2026-12-09T05:00:00.000Z","threshold":{pct},"unit":"usd",'
            f'"spent":{spent},"limit":20,"projected":24.3,"project":null,"source":null,'
            f'"time":"{iso_ms(fired_ms)}","text":"{text}","content":"{text}"}}').encode()


def test_delivered_once(w: World, rx: Receiver) -> str:
    fired = int(time.time() * 1000)
    alert_id = w.insert_alert(80, ["webhook"], fired)
    _, err = w.sync()
    if rx.bodies() != [payload(80, fired)]:
        fail(f"the receiver got {rx.bodies()!r}\nexpected {[payload(80, fired)]!r}")
    if rx.posts[0][1] != "application/json":
        fail(f"Content-Type {rx.posts[0][1]!r}")
    said = f"alert {alert_id}: budget 'daily' at 80 % {DASH} $16.00 of $20.00 today"
    if said not in err:
        fail(f"sync --once did not say the alert ({said!r}):\n{err}")
    line = f"{iso_ms(fired)} {alert_id} context-cleaner: budget 'daily' at 80 %"
    if w.alerts_log().count(line) != 1:
        fail(f"alerts.log: expected one line {line!r}:\n{w.alerts_log()}")
    for _ in range(2):
        w.add_line()
        _, err = w.sync()
        if alert_id in err:
            fail(f"the alert was said again by a later sync:\n{err}")
    if len(rx.bodies()) != 1 or w.alerts_log().count(alert_id) != 1:
        fail(f"delivered or logged again: {len(rx.bodies())} posts, log:\n{w.alerts_log()}")
    st = w.status()
    if (st["delivered"], st["pending"], st["givenUp"], st["lastError"]) != (1, 0, 0, None):
        fail(f"sync-status alertDeliveries after a delivery: {st}")
    return "the exact payload, once; logged once"


def test_failing_then_back(w: World, rx: Receiver) -> str:
    before = len(rx.bodies())
    rx.status = 500
    fired = int(time.time() * 1000)
    alert_id = w.insert_alert(100, ["webhook"], fired)
    _, err = w.sync()
    if len(rx.bodies()) != before + 1:
        fail(f"expected one attempt, the receiver got {len(rx.bodies()) - before}")
    if "alert delivery by webhook failing, will retry" not in err or "HTTP 500" not in err:
        fail(f"sync --once did not say the webhook fails:\n{err}")
    st = w.status()
    if st["pending"] != 1 or st["failing"] != 1 or st["nextAttemptAt"] is None:
        fail(f"sync-status after a failure: {st}")
    if st["lastError"]["channel"] != "webhook" or st["lastError"]["alert"] != alert_id or \
            "answered HTTP 500" not in st["lastError"]["error"] or \
            "http://127.0.0.1:" not in st["lastError"]["error"]:
        fail(f"sync-status lastError: {st['lastError']}")
    text, _ = w.run("bridge", "sync-status")
    if "alerts:  1 delivered, 1 pending (1 failing, next try " not in text or \
            "last error (webhook, alert " + alert_id not in text:
        fail(f"sync-status text:\n{text}")
    # Within the backoff: not retried, however many runs.
    w.sync()
    if len(rx.bodies()) != before + 1:
        fail("retried before its next attempt was due")
    rx.status = 200
    w.make_due()
    w.sync()
    w.sync()
    bodies = rx.bodies()[before:]
    if len(bodies) != 2 or bodies[0] != bodies[1] or bodies[1] != payload(100, fired):
        fail(f"a receiver back: expected the same alert twice in all, got {bodies!r}")
    st = w.status()
    if (st["delivered"], st["pending"], st["lastError"]) != (2, 0, None):
        fail(f"sync-status after the retry succeeded: {st}")
    return "failure shown, no retry before due, then delivered once"


def test_kill_in_flight(w: World, rx: Receiver) -> str:
    before = len(rx.bodies())
    rx.hold = True
    rx.release.clear()
    fired = int(time.time() * 1000)
    alert_id = w.insert_alert(50, ["webhook"], fired)
    proc = w.cli.popen("bridge", "sync", "--once", stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: len(rx.bodies()) == before + 1, "the webhook request to arrive")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    rx.hold = False
    rx.release.set()
    w.sync()
    w.sync()
    bodies = rx.bodies()[before:]
    if len(bodies) != 2 or bodies[0] != bodies[1] or \
            f'"id":"{alert_id}"'.encode() not in bodies[1]:
        fail(f"after kill -9 in flight: expected the same id twice in all, got {bodies!r}")
    if w.alerts_log().count(alert_id) != 1:
        fail(f"logged {w.alerts_log().count(alert_id)} times:\n{w.alerts_log()}")
    return "kill -9 in flight: the same id again once, then never"


def test_command(w: World, rx: Receiver, script) -> str:
    out_path = script.path("command.json")
    env = dict(w.env, CONTEXT_CLEANER_ALERT_COMMAND=f"cat > '{out_path}'")
    fired = int(time.time() * 1000)
    db = sqlite3.connect(w.ledger, timeout=10)
    with db:  # A fresh period for the same thresholds: new ids.
        db.execute("UPDATE alerts SET id = id || ':old'")
        db.execute("UPDATE alert_deliveries SET alert_id = alert_id || ':old'")
    db.close()
    w.insert_alert(80, ["webhook", "command"], fired)
    w.sync(env=env)
    if open(out_path, "rb").read() != payload(80, fired):
        fail(f"the command's stdin: {open(out_path, 'rb').read()!r}")
    if rx.bodies()[-1] != payload(80, fired):
        fail("the webhook and the command did not get the same bytes")
    # A hanging command, two alerts: the first attempt is killed at what is left of the
    # sync's 5 s, with what it started; the second is left for the next run, and said.
    pid_path = script.path("sleep.pid")
    env = dict(w.env, CONTEXT_CLEANER_ALERT_COMMAND=f"sleep 60 & echo $! > '{pid_path}'; wait")
    w.insert_alert(50, ["command"], fired)
    w.insert_alert(100, ["command"], fired)
    t0 = time.monotonic()
    _, err = w.sync(env=env)
    took = time.monotonic() - t0
    if took > 15:
        fail(f"sync --once with a hanging command took {took:.1f} s")
    if "ran longer than" not in err or "and was killed" not in err:
        fail(f"the hanging command was not said killed:\n{err}")
    if "alert delivery stopped after 5 s" not in err:
        fail(f"what was left was not said:\n{err}")
    pid = int(open(pid_path).read())
    state = ""
    for _ in range(100):
        try:
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except OSError:
            state = "gone"
        if state in ("gone", "Z"):
            break
        time.sleep(0.05)
    if state not in ("gone", "Z"):
        fail(f"the command's child (pid {pid}) survived the bound: state {state}")
    st = w.status()
    if st["pending"] != 2 or st["failing"] != 1:
        fail(f"sync-status after the hanging command: {st}")
    return "the command gets the JSON; a hanging one is killed, the rest left and said"


def test_monitor(w: World, rx: Receiver) -> str:
    before = len(rx.bodies())
    db = sqlite3.connect(w.ledger, timeout=10)
    with db:  # The command is no more: its deliveries are not this test's.
        db.execute("DELETE FROM alert_deliveries WHERE channel = 'command'")
    db.close()
    proc = w.cli.popen("bridge", "sync", "--start-monitoring", stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    try:
        wait_for(lambda: (w.cli.status().get("lastRun") or {}).get("result") == "running",
                 "the monitor to start")
        time.sleep(0.5)
        fired = int(time.time() * 1000)
        db = sqlite3.connect(w.ledger, timeout=10)
        with db:
            db.execute("UPDATE alerts SET id = id || ':older' WHERE id NOT LIKE '%:old%'")
            db.execute("UPDATE alert_deliveries SET alert_id = alert_id || ':older' "
                       "WHERE alert_id NOT LIKE '%:old%'")
        db.close()
        w.insert_alert(80, ["webhook"], fired)
        w.add_line()
        wait_for(lambda: len(rx.bodies()) == before + 1,
                 "the monitor to deliver the alert after its pass", seconds=20)
    finally:
        _, out, err = stop(proc, "bridge sync --start-monitoring", 20)
        w.said += [out, err]
    if rx.bodies()[-1] != payload(80, fired):
        fail(f"the monitor delivered {rx.bodies()[-1]!r}")
    if "alert threshold:daily:2026-12-08T00:00:00:80: budget 'daily'" not in err:
        fail(f"the monitor did not say the alert:\n{err}")
    return "the monitor delivers after its pass"


def test_bad_webhook(w: World) -> str:
    env = dict(w.env, CONTEXT_CLEANER_ALERT_WEBHOOK="hooks.example/services/T0ABC1234/x")
    _, err = w.run("bridge", "sync", "--once", code=2, env=env)
    if "CONTEXT_CLEANER_ALERT_WEBHOOK: the alert webhook [redacted] is not an http" not in err:
        fail(f"a bad webhook URL:\n{err}")
    return "a bad webhook is exit 2"


def test_no_secret_anywhere(w: World) -> str:
    text, _ = w.run("bridge", "sync-status")
    places = {"outputs": "\n".join(w.said + [text]), "alerts.log": w.alerts_log()}
    for suffix in ("", "-wal"):
        path = w.ledger + suffix
        if os.path.exists(path):
            places[os.path.basename(path)] = open(path, "rb").read().decode("latin-1")
    for where, content in places.items():
        for part in SECRET_PARTS:
            if part in content:
                at = content.index(part)
                fail(f"the webhook's secret {part!r} is in {where}: "
                     f"...{content[max(0, at - 200):at + 50]!r}")
    return "no secret in outputs, log or ledger"


def scenario(script) -> str:
    rx = Receiver()
    try:
        w = World(script, rx)
        w.add_line()
        w.sync()  # The ledger, at its schema (12: the alert tables).
        said = [test_delivered_once(w, rx), test_failing_then_back(w, rx),
                test_kill_in_flight(w, rx), test_command(w, rx, script),
                test_monitor(w, rx), test_bad_webhook(w), test_no_secret_anywhere(w)]
    finally:
        rx.close()
    return "; ".join(said)


if __name__ == "__main__":
    sys.exit(main("alert_delivery_test", __doc__, scenario, scales=("ci",)))
