#!/usr/bin/env python3
"""Budgets and their alerts through the real binary (docs/budgets.md).

  * bad budgets or alerts in the config file: every command that reads it
    exits 2 naming the file, the JSON path and why (a webhook URL is never
    quoted back);
  * a daily budget of $2.50 (thresholds 50/80/100): requests of $1.50,
    $0.60, $0.60 synced one `bridge sync --once` at a time fire 50, 80 and
    100 once each, whatever number of syncs run in between; `report budget`
    shows the spend, the % and the alerts; each alert has one delivery row
    per retrying channel;
  * kill -9: a monitor (`bridge sync --start-monitoring`) is killed right
    after the commit that fired an alert, before anything could deliver it:
    the alert is in the ledger exactly once with its delivery still due,
    and the next writer (a sync, then a monitor again) fires it no second
    time — same id;
  * --fail-over-budget: exit 1 naming the budget when one is at or over its
    limit, 0 with a --budget that is not; --budget errors exit 2.

Hand-computed: claude-sonnet-4-20250514 output is $15 per million tokens.

    python3 tests/e2e/budget_test.py --binary PATH
"""

import datetime
import json
import os
import signal
import sqlite3
import subprocess
import sys

from e2e_common import Cli, Parts, assistant_line, fail, main, stop, wait_for



def now_iso(seconds_ago: int) -> str:
    """A moment of today (UTC) `seconds_ago` before now, never before 00:00."""
    now = datetime.datetime.now(datetime.timezone.utc)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    t = max(midnight, now - datetime.timedelta(seconds=seconds_ago))
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def today_start_label() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d") + \
        "T00:00:00+00:00"


def add_request(path: str, key: str, output: int) -> None:
    with open(path, "a") as f:
        f.write(assistant_line(key, now_iso(30), {"input_tokens": 0,
                                                  "output_tokens": output}) + "\n")


def ledger_alerts(ledger: str) -> list[tuple[str, str, int]]:
    """(id, channel, delivered?) rows, one per alert and channel."""
    db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    try:
        return db.execute(
            "SELECT a.id, d.channel, d.delivered_ms IS NOT NULL FROM alerts a "
            "LEFT JOIN alert_deliveries d ON d.alert_id = a.id AND d.channel <> 'log' ORDER BY a.id").fetchall()
    finally:
        db.close()


def alert_ids(ledger: str) -> list[str]:
    db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    try:
        return [r[0] for r in db.execute("SELECT id FROM alerts ORDER BY id")]
    except sqlite3.OperationalError:
        return []
    finally:
        db.close()


def write_config(path: str, **extra) -> None:
    config = {"timezone": "UTC",
              "budgets": [{"name": "daily", "period": "day", "usd": 2.5}],
              # Projection depends on the time of day: the unit tests (a fake
              # clock) cover it.
              "alerts": {"webhook": "http://127.0.0.1:9/hook", "desktop": False,
                         "projection": False,
                         "anomaly": {"enabled": False}}}
    config.update(extra)
    with open(path, "w") as f:
        json.dump(config, f)


def setup(script, name: str) -> tuple[Cli, str, str]:
    """A tree with one transcript, a config file and a ledger of its own."""
    root = script.path(name, "claude")
    project = os.path.join(root, "projects", "-w")
    os.makedirs(project)
    config = script.path(name, "config.json")
    write_config(config)
    env = dict(os.environ, XDG_CONFIG_HOME=script.path(name, "xdg"), TZ="UTC")
    cli = Cli(script.binary, root, script.path(name, "ledger.db"), env=env)
    return cli, os.path.join(project, "s-1.jsonl"), config


def bad_configs(script) -> str:
    cli, _, config = setup(script, "bad")
    cases = [
        ({"budgets": [{"period": "day", "usd": 20}, {"period": "week", "usd": 1},
                      {"period": "month", "usd": -5}]},
         "budgets[2].usd: negative (-5); a limit is more than 0"),
        ({"budgets": [{"period": "day", "usd": 1, "tokens": 5}]},
         "budgets[0]: both \"usd\" and \"tokens\""),
        ({"budgets": [{"period": "day"}]}, "budgets[0]: neither \"usd\" nor \"tokens\""),
        ({"budgets": [{"period": "fortnight", "usd": 1}]},
         "budgets[0].period: unknown period \"fortnight\" (day, week, month or block)"),
        ({"budgets": [{"period": "day", "usd": 1, "thresholds": [50, 0]}]},
         "budgets[0].thresholds[1]: 0 is not a percentage in 1..1000"),
        ({"budgets": [{"period": "day", "usd": 1}, {"period": "day", "usd": 2}]},
         "budgets[1]: the name \"day\" is taken by budgets[0]"),
        ({"budgets": [{"period": "day", "usd": 1, "limit": 3}]},
         "budgets[0].limit: unknown key"),
        ({"alerts": {"webhook": "ftp://user:hunter2@example.com/x"}},
         "alerts.webhook: expected an http:// or https:// URL"),
        ({"alerts": {"anomaly": {"k": -1}}}, "alerts.anomaly.k: must be more than 0"),
    ]
    commands = [("report", "daily"), ("report", "budget"), ("bridge", "sync", "--once"),
                ("bridge", "sync-status"), ("run", "--no-dashboard", "--no-otel")]
    for content, want in cases:
        with open(config, "w") as f:
            json.dump(content, f)
        for cmd in commands:
            p = cli.expect(2, "--config", config, *cmd, timeout=30)
            err = p.stderr.decode()
            if f"{config}: {want}" not in err:
                fail(f"`{' '.join(cmd)}` with {json.dumps(content)}: stderr does not say "
                     f"'{config}: {want}': {err}")
            if "hunter2" in err:
                fail(f"a webhook's secret was printed: {err}")
    if os.path.exists(cli.ledger):
        fail("a command with a bad config wrote the ledger")
    return f"{len(cases)} bad configs x {len(commands)} commands: exit 2, precise"


def thresholds_once(script) -> str:
    cli, transcript, config = setup(script, "once")
    day = today_start_label()
    ids = [f"threshold:daily:{day}:{p}" for p in (50, 80, 100)]
    add_request(transcript, "a", 100_000)                  # $1.50: 60 %
    for _ in range(3):
        cli.ok("--config", config, "bridge", "sync", "--once")
    if alert_ids(cli.ledger) != [ids[0]]:
        fail(f"after $1.50 of $2.50: alerts {alert_ids(cli.ledger)}, want {ids[:1]}")
    add_request(transcript, "b", 40_000)                   # $2.10: 84 %
    cli.ok("--config", config, "bridge", "sync", "--once")
    cli.ok("--config", config, "bridge", "sync", "--once")
    add_request(transcript, "c", 40_000)                   # $2.70: 108 %
    for _ in range(2):
        cli.ok("--config", config, "bridge", "sync", "--once")
    rows = ledger_alerts(cli.ledger)
    want = sorted((i, "webhook", 0) for i in ids)
    if sorted(rows) != want:
        fail(f"alerts and deliveries {rows}, want {want}")
    status = cli.json("--config", config, "report", "budget", "--json")["budgets"]
    b = status[0]
    if (b["name"], b["period"], b["unit"], b["limit"], b["periodStart"]) != \
            ("daily", "day", "usd", 2.5, day):
        fail(f"report budget: {json.dumps(b)}")
    if abs(b["spent"] - 2.70) > 1e-9 or abs(b["percent"] - 108) > 1e-9 or not b["overBudget"]:
        fail(f"report budget: spent {b['spent']} ({b['percent']} %), want 2.70 (108 %)")
    if [a["id"] for a in b["alerts"]] != ids:
        fail(f"report budget's alerts {[a['id'] for a in b['alerts']]}, want {ids}")
    table = cli.ok("--config", config, "report", "budget").stdout.decode()
    if "daily" not in table or "$2.70" not in table or "108%" not in table or \
            "50% 80% 100%" not in table:
        fail(f"report budget's table:\n{table}")
    return "50, 80 and 100 % once each over 8 syncs; report budget agrees"


def killed_monitor(script) -> str:
    cli, transcript, config = setup(script, "kill")
    day = today_start_label()
    add_request(transcript, "a", 100_000)  # $1.50: 60 %.
    cli.ok("--config", config, "bridge", "sync", "--once")
    want = f"threshold:daily:{day}:80"
    err = open(script.path("kill", "monitor.err"), "w")
    proc = cli.popen("--config", config, "bridge", "sync", "--start-monitoring",
                     stdout=subprocess.DEVNULL, stderr=err)
    try:
        wait_for(lambda: os.path.exists(cli.ledger + ".lock"), "the monitor's lock", 15)
        wait_for(lambda: b"keeping" in open(script.path("kill", "monitor.err"), "rb").read()
                 or proc.poll() is not None, "the monitor to start watching", 15)
        add_request(transcript, "b", 40_000)  # $2.10: 84 %.
        wait_for(lambda: want in alert_ids(cli.ledger), "the 80 % alert to commit", 15)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    rows = [r for r in ledger_alerts(cli.ledger) if r[0] == want]
    if rows != [(want, "webhook", 0)]:
        fail(f"after kill -9: {rows}, want the alert once, its delivery due")
    # The next writers fire it no second time; the 100 % comes once.
    cli.ok("--config", config, "bridge", "sync", "--once")
    add_request(transcript, "c", 40_000)  # $2.70.
    proc = cli.popen("--config", config, "bridge", "sync", "--start-monitoring",
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: f"threshold:daily:{day}:100" in alert_ids(cli.ledger),
                 "the 100 % alert from the restarted monitor", 15)
    finally:
        stop(proc, "monitor", 10)
    ids = alert_ids(cli.ledger)
    if ids != [f"threshold:daily:{day}:{p}" for p in (100, 50, 80)]:
        fail(f"alerts after kill -9 and restarts: {ids}")
    if len(ledger_alerts(cli.ledger)) != 3:
        fail(f"deliveries: {ledger_alerts(cli.ledger)}")
    return "an alert committed before kill -9 is there once, due, and never fired again"


def fail_over_budget(script) -> str:
    cli, transcript, config = setup(script, "fail")
    add_request(transcript, "a", 200_000)  # $3.00 of $2.50.
    cli.ok("--config", config, "bridge", "sync", "--once")
    for cmd in (("report", "daily"), ("report", "budget"), ("report", "blocks")):
        p = cli.expect(1, "--config", config, *cmd, "--fail-over-budget")
        err = p.stderr.decode()
        if "over budget: daily: 120% of $2.50 ($3.00 spent, day from" not in err:
            fail(f"`{' '.join(cmd)} --fail-over-budget` said: {err}")
        if not p.stdout:
            fail(f"`{' '.join(cmd)} --fail-over-budget` printed no report")
    cli.ok("--config", config, "report", "daily", "--fail-over-budget",
           "--budget", "day:usd=100")
    cli.ok("--config", config, "report", "monthly", "--fail-over-budget",
           "--budget", "month:tokens=1000000")
    p = cli.expect(2, "--config", config, "report", "daily", "--fail-over-budget",
                   "--budget", "day:usd=-1")
    if "--budget 'day:usd=-1': usd: negative (-1)" not in p.stderr.decode():
        fail(f"a bad --budget: {p.stderr.decode()}")
    p = cli.expect(2, "report", "daily", "--fail-over-budget")
    if "--fail-over-budget: no budgets" not in p.stderr.decode():
        fail(f"--fail-over-budget without budgets: {p.stderr.decode()}")
    one_off = cli.json("report", "budget", "--json", "--budget", "day:tokens=400000",
                       "-z", "UTC")["budgets"]
    if (one_off[0]["name"], one_off[0]["spent"], one_off[0]["percent"]) != ("day", 200000, 50):
        fail(f"a one-off --budget: {json.dumps(one_off)}")
    return "exit 1 naming the budget; 0 under a --budget that is not over; 2 on bad flags"


def scenario(script) -> str:
    parts = Parts()
    parts.run("bad configs", bad_configs, script)
    parts.run("thresholds once", thresholds_once, script)
    parts.run("kill -9", killed_monitor, script)
    parts.run("--fail-over-budget", fail_over_budget, script)
    if parts.failures:
        fail("\n".join(parts.failures))
    return "; ".join(parts.results)


if __name__ == "__main__":
    sys.exit(main("budget_test", __doc__, scenario, scales=("ci",)))
