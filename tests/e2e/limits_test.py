#!/usr/bin/env python3
"""`report limits` and `report blocks` over official plan-limit readings.

Three Sonnet 4 requests of machine "laptop" ($3 in, $15 out per MTok):
  l1 2025-09-10 09:30Z  1,000 in + 2,000 out   $0.033
  l2 2025-09-10 11:00Z  10,000 in              $0.03
  l3 2025-09-10 14:00Z  1,000 out              $0.015
Readings (as `statusline` stores them; written here with Python's sqlite3):
  five_hour, reset 13:00Z (window 08:00-13:00): laptop 10 %, 20 %; desktop 30 %
  seven_day, reset 2025-09-14 00:00Z (from 09-07): laptop 5 %
So the 5-hour window holds l1, l2: 13,000 tokens, $0.063; with --source
laptop its peak is 20 % (1 % = 650 tokens, $0.00315), across machines 30 %
(433.3 tokens, $0.0021). The 7-day window holds all three: 14,000 tokens,
$0.078, peak 5 % (2,800 tokens, $0.0156). Block 09:00-14:00 falls in the
5-hour window (officialFiveHour 30 %); block 14:00-19:00 in none.

    python3 tests/e2e/limits_test.py --binary PATH
"""

import json
import os
import sqlite3
import subprocess
import sys
import time

from e2e_common import Cli, assistant_line, check, main

FIVE_RESET = 1757509200   # 2025-09-10T13:00:00Z
SEVEN_RESET = 1757808000  # 2025-09-14T00:00:00Z


def near(a: float, b: float) -> bool:
    return abs(a - b) < 1e-9 * max(1.0, abs(b))


def scenario(script) -> str:
    root = script.path("claude")
    project = os.path.join(root, "projects", "-w")
    os.makedirs(project)
    with open(os.path.join(project, "s-1.jsonl"), "w") as f:
        for key, ts, usage in (
                ("l1", "2025-09-10T09:30:00.000Z", {"input_tokens": 1000, "output_tokens": 2000}),
                ("l2", "2025-09-10T11:00:00.000Z", {"input_tokens": 10000, "output_tokens": 0}),
                ("l3", "2025-09-10T14:00:00.000Z", {"input_tokens": 0, "output_tokens": 1000})):
            f.write(assistant_line(key, ts, usage) + "\n")
    cli = Cli(script.binary, root, script.path("ledger.db"))
    cli.ok("--source", "laptop", "bridge", "backfill")

    empty = cli.ok("report", "limits")
    check(b"No official limits recorded" in empty.stdout, f"no readings: {empty.stdout!r}")
    check(cli.json("report", "limits", "--json")["limits"] == [], "no readings: JSON rows")

    db = sqlite3.connect(cli.ledger)
    seen = (FIVE_RESET - 3 * 3600) * 1000
    db.executemany(
        "INSERT INTO rate_limits(source, window_kind, used_percentage, resets_at, seen_ms) "
        "VALUES(?, ?, ?, ?, ?)",
        [("laptop", "five_hour", 10.0, FIVE_RESET, seen),
         ("laptop", "seven_day", 5.0, SEVEN_RESET, seen),
         ("laptop", "five_hour", 20.0, FIVE_RESET, seen + 60000),
         ("desktop", "five_hour", 30.0, FIVE_RESET, seen + 90000)])
    db.commit()
    db.close()

    mine = cli.json("report", "limits", "--json", "--source", "laptop")
    rows = mine["limits"]
    check([r["window"] for r in rows] == ["seven_day", "five_hour"], f"order: {rows}")
    five, seven = rows[1], rows[0]
    check(five["peakPercentage"] == 20 and five["readings"] == 2, f"5-hour peak: {five}")
    check(five["totalTokens"] == 13000 and near(five["costUSD"], 0.063), f"5-hour totals: {five}")
    check(near(five["tokensPerPercent"], 650) and near(five["costUSDPerPercent"], 0.00315),
          f"5-hour per 1 %: {five}")
    check(five["startTime"] == "2025-09-10T08:00:00.000Z" and five["isActive"] is False,
          f"5-hour window: {five}")
    check(seven["totalTokens"] == 14000 and near(seven["costUSD"], 0.078) and
          near(seven["tokensPerPercent"], 2800) and near(seven["costUSDPerPercent"], 0.0156),
          f"7-day: {seven}")
    check(mine["source"] == "laptop", f"source: {mine['source']}")

    every = cli.json("report", "limits", "--json")["limits"]
    check(every[1]["peakPercentage"] == 30 and every[1]["readings"] == 3, f"all machines: {every}")
    check(near(every[1]["tokensPerPercent"], 13000 / 30), f"all machines per 1 %: {every[1]}")

    asc = cli.json("report", "limits", "--json", "--order", "asc")["limits"]
    check([r["window"] for r in asc] == ["five_hour", "seven_day"], f"--order asc: {asc}")
    later = cli.json("report", "limits", "--json", "--since", "2025-09-11", "-z", "UTC")["limits"]
    check([r["window"] for r in later] == ["seven_day"], f"--since: {later}")
    cli.expect(2, "report", "limits", "--order", "sideways")

    table = cli.ok("report", "limits", "-z", "UTC", "--source", "laptop").stdout.decode()
    for want in ("5-hour", "7-day", "2025-09-10 13:00", "20%", "650", "$0.0032", "13,000", "$0.06"):
        check(want in table, f"table lacks {want!r}:\n{table}")

    blocks = cli.json("report", "blocks", "--json", "-z", "UTC")["blocks"]
    check(len(blocks) == 2, f"blocks: {blocks}")
    check(blocks[0]["officialFiveHour"] == {"peakPercentage": 30,
                                            "resetsAt": "2025-09-10T13:00:00.000Z"},
          f"block 09:00: {blocks[0].get('officialFiveHour')}")
    check(blocks[1]["officialFiveHour"] is None, f"block 14:00: {blocks[1].get('officialFiveHour')}")
    btable = cli.ok("report", "blocks", "-z", "UTC").stdout.decode()
    check("Official 5h" in btable and "30%" in btable, f"blocks table:\n{btable}")
    return ("peaks per window and machine, tokens and dollars per 1 %, blocks' official %; "
            + statusline_stores_changes(script))


def statusline_stores_changes(script) -> str:
    """`statusline` itself keeps the readings: a repeat stores nothing, a
    change one row, and `report limits` lists them."""
    root = script.path("claude-sl")
    os.makedirs(os.path.join(root, "projects", "-w"))
    with open(os.path.join(root, "projects", "-w", "s-1.jsonl"), "w") as f:
        f.write(assistant_line("m1", "2025-09-10T09:30:00.000Z",
                               {"input_tokens": 10, "output_tokens": 5}) + "\n")
    cli = Cli(script.binary, root, script.path("ledger-sl.db"))
    cli.ok("--source", "desk", "bridge", "backfill")
    resets = int(time.time()) + 3600
    def stdin(pct: float) -> bytes:
        return json.dumps({"session_id": "s-1", "model": {"display_name": "Sonnet 4"},
                           "rate_limits": {"five_hour": {"used_percentage": pct,
                                                        "resets_at": resets}}}).encode()
    for pct in (12, 12, 12, 15):
        p = subprocess.run([script.binary, "--ledger", cli.ledger, "--source", "desk",
                            "statusline", "--plain"], input=stdin(pct), capture_output=True,
                           timeout=30)
        check(p.returncode == 0 and b"5h" in p.stdout, f"statusline: {p.returncode} {p.stdout!r}")
    rows = sqlite3.connect(cli.ledger).execute(
        "SELECT COUNT(*) FROM rate_limits").fetchone()[0]
    check(rows == 2, f"4 statusline runs, 2 distinct readings: {rows} rows stored")
    limits = cli.json("report", "limits", "--json")["limits"]
    check(len(limits) == 1 and limits[0]["peakPercentage"] == 15 and limits[0]["readings"] == 2,
          f"report limits after the statusline: {limits}")
    return "statusline stores each change once"


if __name__ == "__main__":
    sys.exit(main("limits_test", __doc__, scenario, scales=("ci",)))
