#!/usr/bin/env python3
"""Where budgets show (docs/budgets.md): the dashboard's /api/budgets and
/metrics, and the statusline's budget segment, over a real ledger and
config file, against figures computed here by hand.

claude-sonnet-4-20250514 output is $15 per million tokens. Today (UTC):
  a  /w/shop  100,000 output   $1.50
  b  /w/shop   60,000 output   $0.90
  c  /w/lab    40,000 output   $0.60
and 40 days ago (in no current period) /w/shop 20,000 output, $0.30.

Budgets (the config file's, zone UTC):
  daily    day    $2.50            $3.00: 120 %, over; 50, 80 and 100 % fired
  <shop>   month  $100, /w/shop    $2.40: 2.4 %; its name holds HTML, quotes,
                                   a backslash and an ESC sequence
  tokens   block  1,000,000 tok    200,000: 20 %
  lost     week   $5, "nope"       counts nothing: no project of the ledger is called that

Asserted: /api/budgets has each budget's spend, %, period, projection (the
spend over the share of the period gone, once 10 % and 30 min of it are)
and alerts, and agrees with `report budget --json`; /metrics has the
gauges with the label values escaped; the statusline shows the budget
nearest its limit ("daily $3.00/2.50 120%", red on a terminal), lists every
budget in --json, and escapes a hostile name. A new alert reaches
/api/budgets and /api/events at once.

    python3 tests/e2e/budget_show_test.py --binary PATH
"""

import datetime
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request

from e2e_common import Cli, assistant_line, check, fail, main, stop, wait_for

HOSTILE = "<b>shop</b> \"q\" \\ \x1b[31m"
DAY_MS = 86_400_000


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def ts(seconds_ago: int) -> str:
    """A moment of today (UTC) `seconds_ago` before now, never before 00:00."""
    now = utc_now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    t = max(midnight, now - datetime.timedelta(seconds=seconds_ago))
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def ms(iso: str) -> int:
    return int(datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def write(root: str, folder: str, cwd: str, lines: list[tuple[str, str, int]]) -> str:
    project = os.path.join(root, "projects", folder)
    os.makedirs(project, exist_ok=True)
    path = os.path.join(project, "s-" + folder + ".jsonl")
    with open(path, "a") as f:
        for key, at, output in lines:
            f.write(assistant_line(key, at, {"input_tokens": 0, "output_tokens": output},
                                   session="s-" + folder, cwd=cwd) + "\n")
    return path


def near(a, b) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def projection(spent: float, start_ms: int, end_ms: int, now_ms: int):
    """docs/budgets.md: after 10 % of the period and 30 minutes, spent / share gone."""
    elapsed = now_ms - start_ms
    share = elapsed / (end_ms - start_ms)
    if elapsed < 30 * 60_000 or share < 0.10:
        return None
    return spent / share


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


def check_budgets(api: dict, report: dict, day_label: str) -> None:
    now = ms(api["now"])
    b = {x["name"]: x for x in api["budgets"]}
    check(list(b) == ["daily", HOSTILE, "tokens", "lost"], f"budgets {list(b)}")
    check(api["available"] is True, "not available")

    d = b["daily"]
    check(near(d["spent"], 3.00) and near(d["percent"], 120) and d["overBudget"],
          f"daily: {json.dumps(d)}")
    check(d["start"] == day_label[:10] + "T00:00:00.000Z" and
          ms(d["end"]) - ms(d["start"]) == DAY_MS and d["periodStart"] == day_label,
          f"daily's period: {json.dumps(d)}")
    want = projection(3.00, ms(d["start"]), ms(d["end"]), now)
    check((d["projected"] is None) == (want is None) and
          (want is None or near(d["projected"], want)),
          f"daily projected {d['projected']}, want {want}")
    fired = [(a["kind"], a["threshold"]) for a in d["alerts"] if a["kind"] == "threshold"]
    check(fired == [("threshold", 50), ("threshold", 80), ("threshold", 100)],
          f"daily's alerts {json.dumps(d['alerts'])}")
    check(d["alerts"][0]["id"] == f"threshold:daily:{day_label}:50", f"alert id {d['alerts'][0]}")

    s = b[HOSTILE]
    check(near(s["spent"], 2.40) and near(s["percent"], 2.4) and not s["overBudget"] and
          s["project"] == "/w/shop" and s["problem"] is None and
          not [a for a in s["alerts"] if a["kind"] == "threshold"], f"shop: {json.dumps(s)}")
    want = projection(2.40, ms(s["start"]), ms(s["end"]), now)
    check((s["projected"] is None) == (want is None) and
          (want is None or near(s["projected"], want)),
          f"shop projected {s['projected']}, want {want}")

    t = b["tokens"]
    check(t["unit"] == "tokens" and t["spent"] == 200_000 and t["limit"] == 1_000_000 and
          near(t["percent"], 20) and t["active"], f"tokens: {json.dumps(t)}")
    want = projection(200_000, ms(t["start"]), ms(t["end"]), now)
    check(ms(t["end"]) - ms(t["start"]) == 5 * 3_600_000 and
          (t["projected"] is None) == (want is None) and
          (want is None or near(t["projected"], want)),
          f"tokens' block: {json.dumps(t)}, projected want {want}")

    lost = b["lost"]
    check(lost["spent"] == 0 and lost["problem"] and "nope" in lost["problem"],
          f"lost: {json.dumps(lost)}")

    # The CLI's report says the same.
    r = {x["name"]: x for x in report["budgets"]}
    for name, x in b.items():
        check(near(r[name]["spent"], x["spent"]) and near(r[name]["percent"], x["percent"]) and
              r[name]["overBudget"] == x["overBudget"] and
              [a["id"] for a in r[name]["alerts"]] == [a["id"] for a in x["alerts"]],
              f"{name}: report budget {json.dumps(r[name])} vs /api/budgets {json.dumps(x)}")


def check_metrics(text: str) -> None:
    label = 'budget="<b>shop</b> \\"q\\" \\\\ \x1b[31m",period="month",unit="usd"'
    for line in [
        'context_cleaner_budget_spent{budget="daily",period="day",unit="usd"} 3',
        'context_cleaner_budget_limit{budget="daily",period="day",unit="usd"} 2.5',
        'context_cleaner_budget_ratio{budget="daily",period="day",unit="usd"} 1.2',
        'context_cleaner_budget_alerts{budget="daily",period="day",unit="usd"} ',
        'context_cleaner_budget_spent{' + label + '} 2.4',
        'context_cleaner_budget_limit{' + label + '} 100',
        'context_cleaner_budget_ratio{' + label + '} 0.024',
        'context_cleaner_budget_spent{budget="tokens",period="block",unit="tokens"} 200000',
        'context_cleaner_budget_limit{budget="tokens",period="block",unit="tokens"} 1000000',
        'context_cleaner_budget_ratio{budget="tokens",period="block",unit="tokens"} 0.2',
        'context_cleaner_budget_limit{budget="lost",period="week",unit="usd"} 5',
    ]:
        check(line in text, f"/metrics lacks {line!r}:\n{text}")
    check('context_cleaner_budget_spent{budget="lost"' not in text,
          "a budget that counts nothing has a spend gauge")


def statusline(cli: Cli, config: str, *flags: str) -> str:
    p = subprocess.run(cli.args("--config", config, "statusline", "--no-sync", *flags),
                       input=json.dumps({"session_id": "x", "model": {"display_name": "Opus"}})
                       .encode(), capture_output=True, env=cli.env, timeout=10)
    check(p.returncode == 0, f"statusline exit {p.returncode}: {p.stderr[-500:]}")
    return p.stdout.decode()


def scenario(script) -> str:
    root = script.path("claude")
    write(root, "-w-shop", "/w/shop", [("a", ts(300), 100_000), ("b", ts(200), 60_000)])
    old = (utc_now() - datetime.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    write(root, "-w-shop", "/w/shop", [("old", old, 20_000)])
    write(root, "-w-lab", "/w/lab", [("c", ts(100), 40_000)])
    config = script.path("config.json")
    with open(config, "w") as f:
        json.dump({"timezone": "UTC", "budgets": [
            {"name": "daily", "period": "day", "usd": 2.5},
            {"name": HOSTILE, "period": "month", "usd": 100, "project": "/w/shop"},
            {"name": "tokens", "period": "block", "tokens": 1_000_000},
            {"name": "lost", "period": "week", "usd": 5, "project": "nope"}],
            "alerts": {"desktop": False, "anomaly": {"enabled": False}}}, f)
    env = dict(os.environ, XDG_CONFIG_HOME=script.path("xdg"), XDG_STATE_HOME=script.path("state"),
               TZ="UTC", HOME=script.path("home"))
    cli = Cli(script.binary, root, script.path("ledger.db"), env=env)
    cli.ok("--config", config, "bridge", "backfill")
    day_label = utc_now().strftime("%Y-%m-%d") + "T00:00:00+00:00"

    # The statusline: the budget nearest its limit, coloured; all in --json.
    line = statusline(cli, config, "--plain", "--segments", "budget")
    check(line == "daily $3.00/2.50 120%\n", f"statusline: {line!r}")
    line = statusline(cli, config, "--segments", "model,budget")
    check("\x1b[31mdaily $3.00/2.50 120%\x1b[0m" in line, f"statusline, coloured: {line!r}")
    listed = json.loads(statusline(cli, config, "--json"))["budgets"]
    check([(b["name"], b["spent"], b["overBudget"]) for b in listed] ==
          [("daily", 3, True), (HOSTILE, 2.4, False), ("tokens", 200000, False),
           ("lost", 0, False)], f"statusline --json: {json.dumps(listed)}")
    # Only the hostile one: shown, escaped.
    hostile_config = script.path("hostile.json")
    with open(hostile_config, "w") as f:
        json.dump({"timezone": "UTC", "budgets": [
            {"name": HOSTILE, "period": "month", "usd": 100, "project": "/w/shop"}],
            "alerts": {"desktop": False, "anomaly": {"enabled": False}}}, f)
    line = statusline(cli, hostile_config, "--segments", "budget")
    check("\x1b[31m<b>" not in line and '<b>shop</b> "q" \\ \\x1b[31m $2.40/100 2%' in line,
          f"a hostile budget name in the statusline: {line!r}")

    report = cli.json("--config", config, "report", "budget", "--json")
    log = open(script.path("dashboard.err"), "w+")
    proc = cli.popen("--config", config, "dashboard", "--port", "0",
                     stdout=subprocess.DEVNULL, stderr=log)
    try:
        def url() -> str | None:
            log.seek(0)
            m = re.search(r"dashboard at (http://\S+)", log.read())
            return m.group(1) if m else None
        wait_for(lambda: url() is not None or proc.poll() is not None, "the dashboard's address")
        check(proc.poll() is None, f"dashboard exited {proc.returncode}")
        base = url()
        check_budgets(json.loads(get(base + "api/budgets")), report, day_label)
        check_metrics(get(base + "metrics"))

        # A new alert (the shop's month passes 50 %: $2.40 + $51.00) is on
        # the stream and in /api/budgets at once.
        versions = []
        stream = urllib.request.urlopen(base + "api/events", timeout=30)

        def read_stream():
            try:
                for raw in stream:
                    m = re.match(rb"id: (\d+)", raw)
                    if m:
                        versions.append(int(m.group(1)))
            except (OSError, ValueError, AttributeError):
                pass  # Closed below, or the server stopped.
        threading.Thread(target=read_stream, daemon=True).start()
        wait_for(lambda: len(versions) >= 1, "the stream's first event", 10)
        write(root, "-w-shop", "/w/shop", [("d", ts(50), 3_400_000)])
        cli.ok("--config", config, "bridge", "sync", "--once")
        wait_for(lambda: len(versions) >= 2, "a change on the stream after the alert", 10)
        shop_now = {b["name"]: b for b in json.loads(get(base + "api/budgets"))["budgets"]}[HOSTILE]
        check(near(shop_now["spent"], 53.40) and
              [a["threshold"] for a in shop_now["alerts"] if a["kind"] == "threshold"] == [50],
              f"after the sync: {json.dumps(shop_now)}")
        stream.close()
    finally:
        stop(proc, "dashboard", 10, script.path("dashboard.err"))
    return ("/api/budgets = hand-computed = report budget; /metrics gauges escaped; "
            "statusline segment and --json; a new alert on the stream")


if __name__ == "__main__":
    sys.exit(main("budget_show_test", __doc__, scenario, scales=("ci",)))
