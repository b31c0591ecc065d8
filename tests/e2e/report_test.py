#!/usr/bin/env python3
"""report_test: the reports, end to end, against oracles.

1. The real transcripts in ../shared/fixtures give exactly the reference
   tokens and costs of that folder's README, per day and in total.
2. Every report agrees with ccusage 20.0.24's output on the same files
   (tests/data/ccusage/, captured by capture.sh there): tokens exactly,
   costs to 1e-9 (ccusage sums floats), the same days/weeks/months/
   sessions/blocks, in UTC and other zones.
3. Hand-built transcripts: time zones, a cost for every pricing rule
   computed by hand, an unknown model reported and never free, --prices
   (ours and LiteLLM's format) with bridge reprice, filters, bad options.

Parts 1 and 2 need ../shared; without it they are reported as skipped.
"""
import json
import os
import shutil
import socket
import subprocess
import sys

from e2e_common import REPO, Parts, TestFailure, assistant_line, check, fail, main, make_log

log = make_log("report_test")
CCUSAGE = os.path.join(REPO, "tests", "data", "ccusage")
FIXTURES = os.path.join(os.path.dirname(REPO), "shared", "fixtures", "claude-code", "real")


class Cli:
    def __init__(self, binary, tmp, name):
        self.binary = binary
        self.root = os.path.join(tmp, name, "claude")
        self.ledger = os.path.join(tmp, name, "ledger.db")
        os.makedirs(os.path.join(self.root, "projects"), exist_ok=True)
        self.env = dict(os.environ, TZ="UTC", HOME=os.path.join(tmp, name),
                        XDG_CONFIG_HOME=os.path.join(tmp, name, "config"))
        self.env.pop("CLAUDE_CONFIG_DIR", None)

    def run(self, *args, expect=0):
        cmd = [self.binary, "--claude-dir", self.root, "--ledger", self.ledger, *args]
        p = subprocess.run(cmd, capture_output=True, text=True, env=self.env, timeout=120)
        if expect is not None and p.returncode != expect:
            fail(f"{' '.join(args)}: exit {p.returncode}, expected {expect}\n"
                          f"stdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-2000:]}")
        return p

    def json(self, *args):
        return json.loads(self.run(*args, "--json").stdout)

    def sync(self):
        self.run("bridge", "sync", "--once", "-q")


def assistant(msg_id, ts, model="claude-sonnet-4-20250514", session="s-1",
              usage=None, speed=None, cwd="/w"):
    usage = dict(usage or {"input_tokens": 1, "output_tokens": 1})
    if speed:
        usage["speed"] = speed
    return assistant_line(msg_id, ts, usage, session=session, model=model, cwd=cwd)


def write_transcript(cli, project, session, lines):
    d = os.path.join(cli.root, "projects", project)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, session + ".jsonl"), "a") as f:
        for line in lines:
            f.write(line + "\n")


PICO = 10**12


def dollars_to_pico(text):
    """Our JSON costs are exact decimals: parse them exactly."""
    whole, _, frac = str(text).partition(".")
    return int(whole) * PICO + int((frac + "0" * 12)[:12] or 0)


def cost_pico(value):
    return dollars_to_pico(repr(value) if isinstance(value, float) else value)


# --- 1 and 2: the real fixtures -------------------------------------------

def fixture_cli(binary, tmp):
    cli = Cli(binary, tmp, "fixtures")
    d = os.path.join(cli.root, "projects", "sample-project")
    os.makedirs(d)
    for name in sorted(os.listdir(FIXTURES)):
        if name.endswith(".jsonl"):
            shutil.copy(os.path.join(FIXTURES, name), d)
    cli.sync()
    return cli


def test_reference_totals(cli):
    # ../shared/fixtures/claude-code/README.md, to the last digit.
    want = {"2025-09-03": (911, 52886, 150674, 3751073, "2.48637240"),
            "2025-09-07": (129, 3629, 47747, 324259, "0.33115095")}
    got = cli.run("report", "daily", "--json", "--timezone", "UTC").stdout
    report = json.loads(got)
    days = {d["date"]: d for d in report["daily"]}
    check(sorted(days) == sorted(want), f"days {sorted(days)}")
    for day, (i, o, cc, cr, cost) in want.items():
        d = days[day]
        check((d["inputTokens"], d["outputTokens"], d["cacheCreationTokens"],
               d["cacheReadTokens"]) == (i, o, cc, cr), f"{day} tokens {d}")
        # Compare the printed decimal itself: no float in between.
        raw = got.split(f'"date": "{day}"')[1].split('"totalCost": ')[1].split(",")[0]
        check(dollars_to_pico(raw) == dollars_to_pico(cost), f"{day} cost {raw} != {cost}")
    t = report["totals"]
    check((t["inputTokens"], t["outputTokens"], t["cacheCreationTokens"],
           t["cacheReadTokens"], t["events"]) == (1040, 56515, 198421, 4075332, 197),
          f"totals {t}")
    check(cost_pico(t["totalCost"]) == dollars_to_pico("2.81752335"), f"total cost {t}")
    return "reference totals exact (2 days, $2.81752335, 197 events)"


TOKEN_KEYS = ("inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens",
              "totalTokens")


def same_usage(ours, theirs, what, cost_key="totalCost"):
    for k in TOKEN_KEYS:
        check(ours[k] == theirs[k], f"{what}: {k} {ours[k]} != ccusage {theirs[k]}")
    check(abs(cost_pico(ours[cost_key]) - cost_pico(theirs[cost_key])) <= 1000,
          f"{what}: cost {ours[cost_key]} != ccusage {theirs[cost_key]}")
    check(set(ours["modelsUsed"]) == set(theirs["modelsUsed"]), f"{what}: models")
    for mb in theirs["modelBreakdowns"]:
        mine = [m for m in ours["modelBreakdowns"] if m["modelName"] == mb["modelName"]]
        check(len(mine) == 1, f"{what}: breakdown for {mb['modelName']}")
        for k in TOKEN_KEYS[:4]:
            check(mine[0][k] == mb[k], f"{what}/{mb['modelName']}: {k}")
        check(abs(cost_pico(mine[0]["cost"]) - cost_pico(mb["cost"])) <= 1000,
              f"{what}/{mb['modelName']}: cost")


def near(ours, theirs, what):
    """An event's time is its earliest line's (DESIGN §3); ccusage takes the
    line of its largest copy, a few seconds later (docs/reports.md)."""
    if ours is None or theirs is None:
        check(ours == theirs, f"{what}: {ours} != {theirs}")
        return
    from datetime import datetime
    a = datetime.fromisoformat(ours.replace("Z", "+00:00"))
    b = datetime.fromisoformat(theirs.replace("Z", "+00:00"))
    check(abs((a - b).total_seconds()) <= 60, f"{what}: {ours} vs ccusage {theirs}")


def load_oracle(name):
    with open(os.path.join(CCUSAGE, name)) as f:
        return json.load(f)


def test_matches_ccusage_periods(cli):
    cases = [("claude-daily.json", "daily", "date", []),
             ("claude-daily-tokyo.json", "daily", "date", ["--timezone", "Asia/Tokyo"]),
             ("claude-daily-los-angeles.json", "daily", "date",
              ["--timezone", "America/Los_Angeles"]),
             ("claude-daily-since.json", "daily", "date", ["--since", "20250904"]),
             ("claude-weekly.json", "weekly", "week", []),
             ("claude-weekly-monday.json", "weekly", "week", ["--start-of-week", "monday"]),
             ("claude-monthly.json", "monthly", "month", [])]
    for oracle, kind, label, extra in cases:
        theirs = load_oracle(oracle)
        args = ["--timezone", "UTC", *extra] if "--timezone" not in extra else extra
        ours = cli.json("report", kind, *args)
        o_rows = {r[label]: r for r in ours[kind]}
        t_rows = {r[label]: r for r in theirs[kind]}
        check(sorted(o_rows) == sorted(t_rows),
              f"{oracle}: {label}s {sorted(o_rows)} != ccusage {sorted(t_rows)}")
        for key, row in t_rows.items():
            same_usage(o_rows[key], row, f"{oracle} {key}")
        for k in TOKEN_KEYS:
            check(ours["totals"][k] == theirs["totals"][k], f"{oracle}: totals {k}")
    return f"{len(cases)} period reports equal ccusage's"


def test_matches_ccusage_sessions(cli):
    for oracle, extra in [("claude-session.json", []),
                          ("claude-session-since.json", ["--since", "20250904"])]:
        theirs = load_oracle(oracle)
        ours = cli.json("report", "session", "--timezone", "UTC", *extra)
        o = {s["sessionId"]: s for s in ours["sessions"]}
        t = {s["sessionId"]: s for s in theirs["sessions"]}
        check(sorted(o) == sorted(t), f"{oracle}: sessions {sorted(o)} != {sorted(t)}")
        for sid, s in t.items():
            same_usage(o[sid], s, f"{oracle} {sid}")
            check(o[sid]["projectPath"] == s["projectPath"], f"{oracle} {sid}: project")
            for k in ("firstActivity", "lastActivity"):
                near(o[sid][k], s[k], f"{oracle} {sid}: {k}")
    return "session reports equal ccusage's"


def test_matches_ccusage_blocks(cli):
    cases = [("claude-blocks.json", []), ("claude-blocks-since.json", ["--since", "20250904"]),
             ("claude-blocks-until.json", ["--until", "20250903"]),
             ("claude-blocks-until-los-angeles.json",
              ["--until", "20250902", "--timezone", "America/Los_Angeles"]),
             ("blocks-kolkata.json", ["--timezone", "Asia/Kolkata"])]
    for oracle, extra in cases:
        theirs = load_oracle(oracle)
        args = extra if "--timezone" in extra else ["--timezone", "UTC", *extra]
        ours = cli.json("report", "blocks", *args)
        o = {b["id"]: b for b in ours["blocks"]}
        t = {b["id"]: b for b in theirs["blocks"]}
        check(sorted(o) == sorted(t), f"{oracle}: blocks {sorted(o)} != {sorted(t)}")
        for bid, b in t.items():
            for k in ("startTime", "isActive", "isGap", "entries", "totalTokens",
                      "tokenCounts", "burnRate", "projection"):
                check(o[bid][k] == b[k], f"{oracle} {bid}: {k} {o[bid][k]} != {b[k]}")
            for k in ("endTime", "actualEndTime"):
                near(o[bid][k], b[k], f"{oracle} {bid}: {k}")
            check(abs(cost_pico(o[bid]["costUSD"]) - cost_pico(b["costUSD"])) <= 1000,
                  f"{oracle} {bid}: cost")
            check(set(o[bid]["models"]) == set(b["models"]), f"{oracle} {bid}: models")
    return f"{len(cases)} block reports equal ccusage's"


# --- 3: hand-built transcripts --------------------------------------------

def test_time_zones(binary, tmp):
    cli = Cli(binary, tmp, "zones")
    write_transcript(cli, "p", "s-1", [assistant("a", "2025-09-02T23:30:00.000Z")])
    cli.sync()
    for zone, day in [("Asia/Tokyo", "2025-09-03"), ("America/Los_Angeles", "2025-09-02"),
                      ("UTC", "2025-09-02")]:
        days = [d["date"] for d in cli.json("report", "daily", "--timezone", zone)["daily"]]
        check(days == [day], f"{zone}: {days}, expected [{day}]")
    # The config file's zone is the default; the flag wins over it.
    os.makedirs(os.path.join(cli.env["XDG_CONFIG_HOME"], "context-cleaner"))
    with open(os.path.join(cli.env["XDG_CONFIG_HOME"], "context-cleaner", "config.json"), "w") as f:
        json.dump({"timezone": "Asia/Tokyo"}, f)
    check(cli.json("report", "daily")["daily"][0]["date"] == "2025-09-03", "config zone")
    check(cli.json("report", "daily", "-z", "UTC")["daily"][0]["date"] == "2025-09-02",
          "flag over config")
    return "23:30 UTC is the next day in Tokyo, the same day in Los Angeles"


def test_pricing_rules(binary, tmp):
    """Each line is one request; its cost computed by hand (Sonnet 4: $3 in,
    $15 out, $3.75 5m write, $6 1h write, $0.30 read, over 200k prompt
    tokens $6/$22.50/$7.50/$12/$0.60; web search $10/1000; Opus 4.6 fast 6x
    of $5/$25; US-only inference 1.1x on Opus 4.6)."""
    cli = Cli(binary, tmp, "pricing")
    cases = [  # (usage, model, speed, expected dollars as an exact decimal)
        ({"input_tokens": 1000, "output_tokens": 2000}, None, None, "0.033"),
        ({"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 1000,
          "cache_creation": {"ephemeral_5m_input_tokens": 600,
                             "ephemeral_1h_input_tokens": 400}}, None, None, "0.00465"),
        ({"input_tokens": 0, "output_tokens": 0, "cache_read_input_tokens": 10000},
         None, None, "0.003"),
        ({"input_tokens": 200000, "output_tokens": 1000}, None, None, "0.615"),
        ({"input_tokens": 200001, "output_tokens": 1000}, None, None, "1.222506"),
        ({"input_tokens": 0, "output_tokens": 0,
          "server_tool_use": {"web_search_requests": 3}}, None, None, "0.03"),
        ({"input_tokens": 0, "output_tokens": 1000}, "claude-opus-4-6", "fast", "0.15"),
        ({"input_tokens": 0, "output_tokens": 1000}, "claude-opus-4-6", None, "0.025"),
        ({"input_tokens": 100, "output_tokens": 100}, "<synthetic>", None, "0"),
        # US-only inference: 1.1x on Opus 4.6 and later ($0.025 x 1.1); standard on
        # Sonnet 4 (released before Opus 4.6).
        ({"input_tokens": 0, "output_tokens": 1000, "inference_geo": "us"},
         "claude-opus-4-6", None, "0.0275"),
        ({"input_tokens": 0, "output_tokens": 1000, "inference_geo": "us"},
         "claude-opus-4-6", "fast", "0.165"),
        ({"input_tokens": 1000, "output_tokens": 2000, "inference_geo": "us"}, None, None,
         "0.033"),
    ]
    lines = []
    for n, (usage, model, speed, _) in enumerate(cases):
        lines.append(assistant(f"p{n}", f"2026-06-{1 + n:02d}T12:00:00.000Z",
                               model or "claude-sonnet-4-20250514", usage=usage,
                               speed=speed))
    write_transcript(cli, "p", "s-1", lines)
    cli.sync()
    days = {d["date"]: d for d in cli.json("report", "daily", "-z", "UTC")["daily"]}
    total = 0
    for n, (_, model, speed, want) in enumerate(cases):
        day = f"2026-06-{1 + n:02d}"
        got = cost_pico(days[day]["totalCost"])
        check(got == dollars_to_pico(want),
              f"case {n} ({model or 'sonnet-4'} {speed or ''}): ${days[day]['totalCost']} "
              f"!= ${want}")
        total += got
    return f"{len(cases)} hand-computed costs exact"


def test_unknown_model_and_overrides(binary, tmp):
    cli = Cli(binary, tmp, "unknown")
    write_transcript(cli, "p", "s-1", [
        assistant("x1", "2025-09-03T10:00:00.000Z", "claude-future-9",
                  usage={"input_tokens": 100000, "output_tokens": 0}),
        assistant("x2", "2025-09-03T10:01:00.000Z", "claude-future-9",
                  usage={"input_tokens": 100000, "output_tokens": 0}),
        assistant("k1", "2025-09-03T10:02:00.000Z",
                  usage={"input_tokens": 100000, "output_tokens": 0})])
    p = cli.run("bridge", "sync", "--once")
    check(p.stderr.count("claude-future-9") == 1,
          f"one warning naming the model, got:\n{p.stderr}")
    r = cli.json("report", "daily", "-z", "UTC")
    day = r["daily"][0]
    check(day["inputTokens"] == 300000, "unknown model's tokens are counted")
    check(day["unpricedEvents"] == 2 and r["unpricedModels"] == ["claude-future-9"],
          f"marked unknown: {day['unpricedEvents']} {r['unpricedModels']}")
    check(cost_pico(day["totalCost"]) == 3 * PICO // 10,
          f"only known cost: {day['totalCost']}")
    table = cli.run("report", "daily", "-z", "UTC").stdout
    check("$0.30*" in table and "claude-future-9" in table, f"table marks it:\n{table}")

    # Our format: price it, reprice, and history changes.
    ours = os.path.join(tmp, "mine.json")
    with open(ours, "w") as f:
        json.dump({"format": "context-cleaner-prices/1", "version": "mine", "models": [
            {"id": "claude-future-9", "prices": [{"effective_from": "2025-01-01", "input": 7,
             "output": 70, "cache_write_5m": 0, "cache_write_1h": 0, "cache_read": 0}]}]}, f)
    p = cli.run("--prices", ours, "report", "daily")
    check("bridge reprice" in p.stderr, f"a report says the table changed:\n{p.stderr}")
    r = cli.json("--prices", ours, "bridge", "reprice")
    check(r["eventsChanged"] == 2 and r["unpricedEvents"] == 0, f"reprice {r}")
    day = cli.json("--prices", ours, "report", "daily", "-z", "UTC")["daily"][0]
    # 200,000 tokens at $7 + 100,000 at $3 per MTok.
    check(cost_pico(day["totalCost"]) == 17 * PICO // 10 and day["unpricedEvents"] == 0,
          f"after reprice: {day['totalCost']}")

    # LiteLLM's format, as is: Sonnet 4 at a made-up $1 per MTok input.
    litellm = os.path.join(tmp, "litellm.json")
    with open(litellm, "w") as f:
        json.dump({"sample_spec": {"max_tokens": "x"},
                   "claude-sonnet-4-20250514": {"input_cost_per_token": 1e-06,
                                                "output_cost_per_token": 5e-06,
                                                "litellm_provider": "anthropic"}}, f)
    cli.run("--prices", litellm, "bridge", "reprice", "-q")
    day = cli.json("--prices", litellm, "report", "daily", "-z", "UTC")["daily"][0]
    check(cost_pico(day["totalCost"]) == PICO // 10 and day["unpricedEvents"] == 2,
          f"LiteLLM table: {day['totalCost']} {day['unpricedEvents']}")
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as f:
        f.write('{"format": "context-cleaner-prices/1", "models": [{"id": "m"}]}')
    p = cli.run("--prices", bad, "report", "daily", expect=2)
    check("bad.json" in p.stderr and "prices" in p.stderr, f"bad file named: {p.stderr}")
    return "unknown model warned once, counted, cost unknown; --prices + reprice exact"


def test_active_block(binary, tmp):
    """Two requests 40 and 10 minutes ago: an active block with a burn rate
    and a projection (computed here from the same numbers)."""
    from datetime import datetime, timedelta, timezone
    cli = Cli(binary, tmp, "active")
    now = datetime.now(timezone.utc)
    t1, t2 = now - timedelta(minutes=40), now - timedelta(minutes=10)
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    write_transcript(cli, "p", "s-1", [
        assistant("a1", iso(t1), usage={"input_tokens": 1000, "output_tokens": 2000}),
        assistant("a2", iso(t2), usage={"input_tokens": 3000, "output_tokens": 4000})])
    cli.sync()
    blocks = cli.json("report", "blocks", "--token-limit", "20000")["blocks"]
    check(len(blocks) >= 1, f"blocks: {blocks}")
    b = blocks[-1]
    check(b["isActive"], f"the last block is active: {b}")
    # 10,000 tokens over the 40 minutes (and the seconds this test took)
    # from the first request to now.
    minutes = (datetime.now(timezone.utc) - t1.replace(microsecond=0)).total_seconds() / 60
    br = b["burnRate"]
    check(10000 / minutes <= br["tokensPerMinute"] <= 10000 / 40 + 1e-6, f"burn rate {br}")
    # $0.003 + $0.03 + $0.009 + $0.06 = $0.102 over 40 min = $0.153/hour.
    check(0.102 * 60 / minutes <= br["costPerHour"] <= 0.153 + 1e-9, f"cost per hour {br}")
    p = b["projection"]
    end = datetime.fromisoformat(b["endTime"].replace("Z", "+00:00"))
    left = (end - datetime.now(timezone.utc)).total_seconds() / 60
    check(abs(p["remainingMinutes"] - left) <= 1.5, f"remaining {p} vs {left:.1f}")
    want = 10000 + round(br["tokensPerMinute"] * p["remainingMinutes"])
    check(abs(p["totalTokens"] - want) <= 1, f"projected {p['totalTokens']} != {want}")
    check(b["tokenLimitStatus"]["status"] in ("warning", "exceeds") if want >= 16000
          else b["tokenLimitStatus"]["status"] == "ok", f"limit {b['tokenLimitStatus']}")
    table = cli.run("report", "blocks", "--token-limit", "20000").stdout
    check("ACTIVE" in table and "Burn rate" in table and "left" in table, table)
    return "active block: burn rate, projection and limit status as computed by hand"


def test_block_order_matches_ccusage(binary, tmp):
    """Rows by start time, as ccusage lists them: a block that starts on the
    hour before the gap that precedes it comes first (synthetic/blocks)."""
    cli = Cli(binary, tmp, "block-order")
    shutil.copytree(os.path.join(CCUSAGE, "synthetic", "blocks", "projects"),
                    os.path.join(cli.root, "projects"), dirs_exist_ok=True)
    cli.sync()
    for oracle, extra in (("claude-blocks.json", []), ("claude-blocks-desc.json", ["--order", "desc"])):
        theirs = [b["id"] for b in load_oracle(os.path.join("synthetic", "blocks", oracle))["blocks"]]
        ours = [b["id"] for b in cli.json("report", "blocks", "-z", "UTC", *extra)["blocks"]]
        check(ours == theirs, f"{oracle}: {ours} != {theirs}")
    table = cli.run("report", "blocks", "-z", "UTC").stdout.splitlines()
    starts = [line[:16] for line in table[2:] if line[:4].isdigit()]
    check(starts == sorted(starts), f"table rows out of order: {starts}")
    return "block order equals ccusage's, asc and desc; table rows by start"


def test_block_views(binary, tmp):
    """--active, --recent (-a, -r), --breakdown, <synthetic> not a model, and
    no burn rate in a block's first 10 minutes (6 requests in 16 s)."""
    from datetime import datetime, timedelta, timezone
    cli = Cli(binary, tmp, "block-views")
    now = datetime.now(timezone.utc)
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    old, recent = now - timedelta(days=5), now - timedelta(days=2)
    lines = [assistant("o1", iso(old)),
             assistant("o2", iso(old + timedelta(minutes=1)), model="<synthetic>",
                       usage={"input_tokens": 0, "output_tokens": 0}),
             assistant("r1", iso(recent), usage={"input_tokens": 100, "output_tokens": 200}),
             assistant("r2", iso(recent + timedelta(minutes=5)), model="claude-opus-4-1-20250805",
                       usage={"input_tokens": 10, "output_tokens": 20})]
    start = now - timedelta(seconds=20)
    for i in range(6):  # 6 requests in 16 s, the last 4 s ago.
        lines.append(assistant(f"a{i}", iso(start + timedelta(seconds=3.2 * i)),
                               usage={"input_tokens": 30000, "output_tokens": 30000}))
    write_transcript(cli, "p", "s-1", lines)
    cli.sync()
    blocks = cli.json("report", "blocks", "--token-limit", "1000")["blocks"]
    active = [b for b in blocks if b["isActive"]]
    check(len(active) == 1, f"one active block: {blocks}")
    a = active[0]
    check(a["burnRate"] is None and a["projection"] is None, f"no pace yet: {a}")
    check("tokenLimitStatus" not in a, f"no projected status without a projection: {a}")
    table = cli.run("report", "blocks", "--token-limit", "1000").stdout
    check("Burn rate: not yet known" in table and "/hour" not in table, table)
    check("used so far - EXCEEDS" in table, f"the limit is judged on what is used: {table}")
    # <synthetic>: counted in its block's entries, never a model.
    first = blocks[0]
    check(first["entries"] == 2 and first["models"] == ["claude-sonnet-4-20250514"], f"{first}")
    for args in ((), ("--breakdown",)):
        out = cli.run("report", "blocks", *args).stdout
        check("synthetic" not in out, f"<synthetic> listed: {out}")
    check("synthetic" not in json.dumps(blocks), "<synthetic> in the JSON")
    # --breakdown: a line per model under the recent block.
    out = cli.run("report", "blocks", "--breakdown").stdout
    check("- opus-4-1" in out and "- sonnet-4" in out, out)
    # --active / -a: only the active block.
    for flag in ("--active", "-a"):
        only = cli.json("report", "blocks", flag)["blocks"]
        check([b["id"] for b in only] == [a["id"]], f"{flag}: {only}")
    out = cli.run("report", "blocks", "--active").stdout
    check(iso(old)[:10] not in out and "ACTIVE" in out, out)
    # --recent / -r: blocks started in the last 3 days and the active one.
    for flag in ("--recent", "-r"):
        ids = [b["id"] for b in cli.json("report", "blocks", flag)["blocks"] if not b["isGap"]]
        check(len(ids) == 2 and ids[-1] == a["id"] and ids[0].startswith(iso(recent)[:13]),
              f"{flag}: {ids}")
    # No active block: nothing, said so.
    quiet = Cli(binary, tmp, "block-views-none")
    write_transcript(quiet, "p", "s-1", [assistant("o1", iso(old))])
    quiet.sync()
    check(quiet.json("report", "blocks", "--active")["blocks"] == [], "no active block: []")
    check("No active block." in quiet.run("report", "blocks", "--active").stdout, "said so")
    return "--active/-a, --recent/-r, --breakdown, <synthetic> hidden, no early burn rate"


def test_narrow_tables(binary, tmp):
    """At 80 and 120 columns (COLUMNS) the tables keep their dates, models,
    session ids and projects; notes wrap at words; sessions show first
    activity."""
    cli = Cli(binary, tmp, "narrow")
    models = ["claude-sonnet-4-20250514", "claude-opus-4-1-20250805", "claude-3-5-haiku-20241022"]
    big = {"input_tokens": 3302597, "output_tokens": 1234567,
           "cache_creation_input_tokens": 23630684, "cache_read_input_tokens": 121105060}
    sessions = ["cd613e30-1f2a-4b3c-8d4e-5f6a7b8c9d0e", "ee52bdb6-1f2a-4b3c-8d4e-5f6a7b8c9d0e"]
    for n, sid in enumerate(sessions):
        write_transcript(cli, "spotter", sid, [
            assistant(f"{sid[:4]}{d}{m}", f"2025-09-0{d}T1{m}:0{n}:00.000Z", model=models[m],
                      session=sid, usage=big, cwd="/home/dev/src/spotter") for d in (3, 4) for m in range(3)]
            + [assistant(f"{sid[:4]}x", "2025-09-04T18:00:00.000Z", model="claude-nimbus-7",
                         session=sid, cwd="/home/dev/src/spotter")])
    cli.sync()

    def at(width, *args):
        env = dict(cli.env, COLUMNS=str(width))
        p = subprocess.run([cli.binary, "--claude-dir", cli.root, "--ledger", cli.ledger,
                            "report", *args], capture_output=True, text=True, env=env, timeout=120)
        check(p.returncode == 0, p.stderr)
        for line in p.stdout.splitlines():
            check(len(line) <= width, f"{args} at {width}: a line of {len(line)}:\n{p.stdout}")
        return p.stdout

    for width in (80, 120):
        daily = at(width, "daily")
        check("Models" in daily and all(m in daily for m in ("sonnet-4", "opus-4-1", "3-5-haiku")),
              f"daily at {width} keeps its models:\n{daily}")
        check("2025-09-03" in daily and "2025-09-04" in daily, daily)
        session = at(width, "session")
        for sid in sessions:
            check(any(sid[:8] in line and "spotter" in line for line in session.splitlines()),
                  f"session at {width}: {sid[:8]} and its project on one line:\n{session}")
        check("2025-09-04 18:0" in session, f"last activity at {width}:\n{session}")
        # The unpriced note wraps at words: none cut.
        note = daily[daily.index("* cost"):]
        for word in ("claude-nimbus-7", "--prices"):
            check(word in note.split(), f"{word} cut at {width}:\n{note}")
    wide = at(1000, "session")
    check("First activity" in wide and "2025-09-03 10:00" in wide and sessions[0] in wide, wide)
    rows = cli.json("report", "session")["sessions"]
    check(all(r["firstActivity"] < r["lastActivity"] for r in rows), f"{rows}")
    return "daily/session at 80 and 120 keep identifying columns; notes wrap; first activity"


def test_filters(binary, tmp):
    cli = Cli(binary, tmp, "filters")
    write_transcript(cli, "alpha", "s-a", [assistant("a", "2025-09-03T10:00:00.000Z",
                                                     session="s-a")])
    write_transcript(cli, "beta", "s-b", [assistant("b", "2025-09-04T10:00:00.000Z",
                                                    session="s-b")])
    cli.sync()
    def dates(*args):
        return [d["date"] for d in cli.json("report", "daily", "-z", "UTC", *args)["daily"]]
    check(dates("--project", "alpha") == ["2025-09-03"], "project filter")
    check(dates("--since", "20250904") == ["2025-09-04"], "since")
    check(dates("--until", "2025-09-03") == ["2025-09-03"], "until")
    check(dates("--order", "desc") == ["2025-09-04", "2025-09-03"], "order")
    check(dates("--source", socket.gethostname()) == ["2025-09-03", "2025-09-04"],
          "source filter")
    # A machine the ledger does not know is an error naming those it does
    # (issue 14), not an empty report.
    p = cli.run("report", "daily", "--source", "elsewhere", expect=None)
    check(p.returncode == 2 and "'elsewhere'" in p.stderr and
          socket.gethostname() in p.stderr, f"unknown source: {p.returncode} {p.stderr}")
    host = cli.json("report", "session")["sessions"]
    check({s["sessionId"] for s in host} == {"s-a", "s-b"}, "sessions")
    p = cli.run("report", "daily")
    check("\033[" not in p.stdout, "no colour in a pipe")
    return "project, source, since, until, order"


def test_bad_options(binary, tmp):
    cli = Cli(binary, tmp, "bad")
    write_transcript(cli, "p", "s", [assistant("a", "2025-09-03T10:00:00.000Z")])
    cli.sync()
    cases = [(["--since", "2025-13-45"], "--since"),
             (["--until", "yesterday"], "--until"),
             (["--since", "2025-09-05", "--until", "2025-09-01"], "after --until"),
             (["--timezone", "Mars/Base"], "Mars/Base"),
             (["--timezone", "../../etc/passwd"], "--timezone"),
             (["--order", "sideways"], "--order"),
             (["--bogus"], "--bogus")]
    for args, says in cases:
        p = cli.run("report", "daily", *args, expect=2)
        check(says in p.stderr, f"{args}: stderr does not name {says!r}: {p.stderr}")
    p = cli.run("report", "weekly", "--start-of-week", "funday", expect=2)
    check("--start-of-week" in p.stderr, p.stderr)
    p = cli.run("report", "blocks", "--token-limit", "lots", expect=2)
    check("--token-limit" in p.stderr, p.stderr)
    # The config file: an unknown key or a bad value names itself.
    config = os.path.join(tmp, "bad-config.json")
    for text, says in [('{"timezon": "UTC"}', "timezon"), ('{"prices": 3}', "prices"),
                       ('[1, 2]', "not a JSON object")]:
        with open(config, "w") as f:
            f.write(text)
        p = cli.run("--config", config, "report", "daily", expect=2)
        check(says in p.stderr and "bad-config.json" in p.stderr, f"{text}: {p.stderr}")
    p = cli.run("--config", os.path.join(tmp, "absent.json"), "report", "daily", expect=2)
    check("--config" in p.stderr, p.stderr)
    return f"{len(cases) + 6} bad options and config files exit 2 naming themselves"


def scenario(script) -> str:
    binary, tmp = script.binary, script.tmp
    parts = Parts()
    if not os.path.isdir(FIXTURES):
        parts.results.append(f"SKIPPED fixture parts: {FIXTURES} is absent")
    else:
        try:
            cli = fixture_cli(binary, tmp)
        except TestFailure as e:
            parts.failures.append(f"[fixtures] {e}")
        else:
            parts.run("reference", test_reference_totals, cli)
            parts.run("ccusage periods", test_matches_ccusage_periods, cli)
            parts.run("ccusage sessions", test_matches_ccusage_sessions, cli)
            parts.run("ccusage blocks", test_matches_ccusage_blocks, cli)
    parts.run("time zones", test_time_zones, binary, tmp)
    parts.run("pricing", test_pricing_rules, binary, tmp)
    parts.run("unknown/overrides", test_unknown_model_and_overrides, binary, tmp)
    parts.run("active block", test_active_block, binary, tmp)
    parts.run("block order", test_block_order_matches_ccusage, binary, tmp)
    parts.run("block views", test_block_views, binary, tmp)
    parts.run("narrow tables", test_narrow_tables, binary, tmp)
    parts.run("filters", test_filters, binary, tmp)
    parts.run("bad options", test_bad_options, binary, tmp)
    for line in parts.results:
        log(line)
    if parts.failures:
        fail("\n\n".join(parts.failures))
    return f"{len(parts.results)} parts"


if __name__ == "__main__":
    sys.exit(main("report_test", __doc__, scenario))
