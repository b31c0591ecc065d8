#!/usr/bin/env python3
"""What shipping to ClickHouse adds to the CPU time of a backfill (issue #5).

Usage: python3 bench/ship_cost_bench.py --binary build/release/context-cleaner
           --server build/bench/tests/chdb_http_server [--copies 300] [--runs 3]

The corpus is --copies copies of the real transcripts in
../shared/fixtures/claude-code/real, each copy with its own message and
request ids (so every copy's events are new events), at the real files'
density of events per MB. Then, best of --runs each, into a fresh ledger:

  without   `bridge backfill`
  with      `bridge backfill` with --clickhouse pointing at the chDB-backed
            test server (a separate process), which ships every event

and prints the CPU time (user + system, from wait4's rusage) of the
context-cleaner process alone in both, and the share shipping adds. The
server's CPU is its own process's and not counted. The events ClickHouse
holds afterwards are counted and must equal the ledger's.

CPU time on a shared 2-core machine wanders by several per cent from run
to run; --callgrind also runs each mode once under valgrind's callgrind and
compares the instructions executed, which repeat exactly (about 80 s a run).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURES = os.path.join(ROOT, "..", "shared", "fixtures", "claude-code", "real")
PASSWORD = "bench-pw"


def make_corpus(out, copies):
    projects = os.path.join(out, "projects")
    if os.path.isdir(projects):
        return
    sources = [os.path.join(FIXTURES, n) for n in sorted(os.listdir(FIXTURES))
               if n.endswith(".jsonl")]
    texts = [open(p, encoding="utf-8").read() for p in sources]
    for c in range(copies):
        d = os.path.join(projects, f"-bench-copy-{c}")
        os.makedirs(d)
        for path, text in zip(sources, texts):
            name = os.path.basename(path).replace(".jsonl", f"-c{c}.jsonl")
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(text.replace('"msg_', f'"msg_c{c}_')
                        .replace('"req_', f'"req_c{c}_'))


def run(cmd, env):
    """Runs cmd; returns (wall seconds, CPU seconds of the child)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            sys.exit(f"ship_cost_bench: {' '.join(cmd)} failed:\n{err.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_stime


def instructions(cmd, env):
    """Instructions the process executed (valgrind --tool=callgrind)."""
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
                          + cmd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"ship_cost_bench: callgrind run failed:\n{proc.stderr}")
    for line in proc.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split(":")[-1].strip())
    sys.exit("ship_cost_bench: no instruction count from callgrind")


def clickhouse_count(port, database):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/?database={database}",
        data=f"SELECT count() FROM `{database}`.events FINAL".encode(),
        headers={"X-ClickHouse-User": "writer", "X-ClickHouse-Key": PASSWORD})
    with urllib.request.urlopen(req, timeout=60) as r:
        return int(r.read().decode().strip())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "release", "context-cleaner"))
    ap.add_argument("--server", required=True, help="tests/chdb/chdb_http_server")
    ap.add_argument("--copies", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/context-cleaner-ship-cost")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--callgrind", action="store_true",
                    help="also compare instructions executed (valgrind)")
    args = ap.parse_args()

    os.makedirs(args.work, exist_ok=True)
    corpus = os.path.join(args.work, f"corpus-{args.copies}")
    make_corpus(corpus, args.copies)
    size = sum(os.path.getsize(os.path.join(dp, n))
               for dp, _, names in os.walk(corpus) for n in names)
    for dp, _, names in os.walk(corpus):  # Warm the page cache.
        for n in names:
            with open(os.path.join(dp, n), "rb") as f:
                f.read()

    server = subprocess.Popen([args.server, "writer", PASSWORD], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline())
    env = dict(os.environ, CLICKHOUSE_PASSWORD=PASSWORD, HOME=args.work,
               XDG_CONFIG_HOME=os.path.join(args.work, "cfg"))
    ledger = os.path.join(args.work, "ledger.db")
    results = {}
    try:
        best = {"without": None, "with": None}
        for run_no in range(args.runs):
            for mode in ("without", "with"):
                for suffix in ("", "-wal", "-shm", ".lock"):
                    if os.path.exists(ledger + suffix):
                        os.remove(ledger + suffix)
                cmd = [args.binary, "--claude-dir", corpus, "--ledger", ledger, "-q"]
                database = f"bench{run_no}"
                if mode == "with":
                    cmd += ["--clickhouse", f"http://writer@127.0.0.1:{port}/{database}"]
                wall, cpu, sys_s = run(cmd + ["bridge", "backfill"], env)
                if mode == "with":
                    status = json.loads(subprocess.run(
                        [args.binary, "--ledger", ledger, "bridge", "sync-status", "--json"],
                        capture_output=True, text=True, env=env, check=True).stdout)
                    events = status["events"]
                    shipped = clickhouse_count(port, database)
                    results["events"] = events
                    results["shipped"] = shipped
                if best[mode] is None or cpu < best[mode][1]:
                    best[mode] = (wall, cpu, sys_s)
        if args.callgrind:
            counted = {}
            for mode in ("without", "with"):
                for suffix in ("", "-wal", "-shm", ".lock"):
                    if os.path.exists(ledger + suffix):
                        os.remove(ledger + suffix)
                cmd = [args.binary, "--claude-dir", corpus, "--ledger", ledger, "-q"]
                if mode == "with":
                    cmd += ["--clickhouse", f"http://writer@127.0.0.1:{port}/callgrind"]
                counted[mode] = instructions(cmd + ["bridge", "backfill"], env)
            results["instructions"] = counted
    finally:
        server.stdin.close()
        server.wait(timeout=60)

    without, with_ = best["without"][1], best["with"][1]
    share = (with_ - without) / without * 100
    figures = {"corpus_MB": round(size / 1e6, 1), "copies": args.copies,
               "events": results.get("events"), "shipped": results.get("shipped"),
               "cpu_without_s": round(without, 3), "cpu_with_s": round(with_, 3),
               "added_percent": round(share, 1),
               "wall_without_s": round(best["without"][0], 3),
               "wall_with_s": round(best["with"][0], 3)}
    print(f"corpus        {size / 1e6:.0f} MB, {args.copies} copies of the real transcripts, "
          f"{results.get('events')} events")
    print(f"backfill      CPU {without:.3f} s without shipping, {with_:.3f} s with "
          f"(best of {args.runs}): shipping adds {share:.1f} %")
    print(f"of which sys  {best['without'][2]:.3f} s / {best['with'][2]:.3f} s")
    print(f"wall          {best['without'][0]:.3f} s / {best['with'][0]:.3f} s; "
          f"ClickHouse holds {results.get('shipped')} events")
    if "instructions" in results:
        n = results["instructions"]
        added = (n["with"] - n["without"]) / n["without"] * 100
        figures["instructions_without"] = n["without"]
        figures["instructions_with"] = n["with"]
        figures["instructions_added_percent"] = round(added, 2)
        print(f"instructions  {n['without']:,} without shipping, {n['with']:,} with "
              f"(callgrind): shipping adds {added:.2f} %")
    if args.json:
        print(json.dumps(figures))
    if results.get("events") is not None and results.get("events") != results.get("shipped"):
        sys.exit("ship_cost_bench: ClickHouse does not hold every event")


if __name__ == "__main__":
    main()
