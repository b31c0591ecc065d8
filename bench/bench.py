#!/usr/bin/env python3
"""End-to-end benchmarks for context-cleaner (issue #2's figures).

Usage: python3 bench/bench.py --binary build/release/context-cleaner
           [--work DIR] [--size-mb 1000] [--files 10000] [--ccusage PATH]

Prints one line per figure; `--json` prints them as JSON too. Every figure
is measured here, in this run, on this machine (warm page cache: each
corpus is read once before timing):

  backfill        `bridge backfill` of a --size-mb corpus: wall time, MB/s
                  end to end, peak RSS (from wait4's rusage).
  sync-nochange   `bridge sync --once` with nothing changed over --files
                  files: median wall time of 15 runs.
  sync-append1    append one line to one of those files, then
                  `bridge sync --once`: median of 15 runs.
  parser          bench/line_parser_bench on the same corpus (GB/s, 1 core).
  ccusage         `ccusage daily --json --offline` over the same corpus as
                  backfill (a --ccusage-compatible corpus, see
                  tools/gen_corpus.py), median of 3 runs each, the ratio,
                  and both token totals, which must be equal.

ccusage: --ccusage PATH, else $CCUSAGE, else it is installed with npm
(ccusage@20.0.24, the last 20.x with a linux-x64 native binary) into
<work>/ccusage. Without network or npm the ccusage figure is skipped,
saying so.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run(cmd, env=None, check=True):
    """Runs cmd; returns (seconds, peak RSS in KiB, stdout)."""
    # Output goes to files, not pipes: a child writing more than a pipe
    # holds would block while we wait4() for it.
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out_file, stderr=err_file, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        out_file.seek(0)
        err_file.seek(0)
        out = out_file.read().decode()
        err = err_file.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if check and code != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({code}):\n{err}")
    return elapsed, usage.ru_maxrss, out


def warm(directory):
    for dirpath, _, names in os.walk(directory):
        for name in names:
            with open(os.path.join(dirpath, name), "rb") as f:
                while f.read(1 << 24):
                    pass


def generate(out, size_mb, extra):
    if os.path.isdir(os.path.join(out, "projects")):
        return
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_corpus.py"),
                    "--out", out, "--size-mb", str(size_mb), "--seed", "20"] + extra,
                   check=True)


def corpus_bytes(directory):
    total = 0
    for dirpath, _, names in os.walk(directory):
        total += sum(os.path.getsize(os.path.join(dirpath, n)) for n in names)
    return total


def totals_of(report_json):
    t = json.loads(report_json)["totals"]
    return {k: t[k] for k in ("inputTokens", "outputTokens", "cacheCreationTokens",
                              "cacheReadTokens", "totalTokens")}


def find_ccusage(args):
    if args.ccusage:
        return args.ccusage
    if os.environ.get("CCUSAGE"):
        return os.environ["CCUSAGE"]
    prefix = os.path.join(args.work, "ccusage")
    binary = os.path.join(prefix, "node_modules", ".bin", "ccusage")
    if not os.path.exists(binary) and shutil.which("npm"):
        subprocess.run(["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund",
                        "ccusage@20.0.24"], check=False, capture_output=True)
    return binary if os.path.exists(binary) else None


def bench_backfill(args, figures):
    corpus = os.path.join(args.work, f"corpus-{args.size_mb}mb")
    generate(corpus, args.size_mb, ["--ccusage-compatible"])
    warm(corpus)
    size = corpus_bytes(corpus)
    ledger = os.path.join(args.work, "backfill.db")
    best = None
    for _ in range(3):
        for suffix in ("", "-wal", "-shm", ".lock"):
            if os.path.exists(ledger + suffix):
                os.remove(ledger + suffix)
        seconds, rss, _ = run([args.binary, "--claude-dir", corpus, "--ledger", ledger, "-q",
                               "bridge", "backfill"])
        best = (seconds, rss) if best is None or seconds < best[0] else best
    seconds, rss = best
    figures["backfill"] = {"bytes": size, "seconds": round(seconds, 3),
                           "MB_per_s": round(size / 1e6 / seconds),
                           "peak_rss_MB": round(rss / 1024, 1)}
    print(f"backfill      {size / 1e6:.0f} MB in {seconds:.2f} s = "
          f"{size / 1e6 / seconds:.0f} MB/s end to end, peak RSS {rss / 1024:.1f} MB "
          "(best of 3)")
    _, _, ours = run([args.binary, "--ledger", ledger, "report", "daily", "--json"])
    return corpus, ledger, ours


def bench_parser(args, corpus, figures):
    parser_bench = os.path.join(os.path.dirname(args.binary), "bench", "line_parser_bench")
    if not os.path.exists(parser_bench):
        print("parser        skipped: build the release preset with benchmarks")
        return
    env = dict(os.environ, CC_BENCH_CORPUS=corpus)
    _, _, out = run([parser_bench, "--benchmark_format=json"], env=env)
    result = json.loads(out)["benchmarks"][0]
    gbps = result["bytes_per_second"] / 1e9
    figures["parser"] = {"GB_per_s_per_core": round(gbps, 2)}
    print(f"parser        {gbps:.2f} GB/s on one core (Google Benchmark, "
          f"{os.path.basename(parser_bench)})")


def bench_ccusage(args, corpus, ours_json, figures):
    ccusage = find_ccusage(args)
    if ccusage is None:
        print("ccusage       skipped: ccusage not available (no npm or no network)")
        return
    env = dict(os.environ, CLAUDE_CONFIG_DIR=corpus)
    times = []
    for _ in range(3):
        seconds, _, theirs = run([ccusage, "daily", "--json", "--offline"], env=env)
        times.append(seconds)
    ledger = os.path.join(args.work, "ratio.db")
    ours_times = []
    for _ in range(3):
        for suffix in ("", "-wal", "-shm", ".lock"):
            if os.path.exists(ledger + suffix):
                os.remove(ledger + suffix)
        seconds, _, _ = run([args.binary, "--claude-dir", corpus, "--ledger", ledger, "-q",
                             "bridge", "backfill"])
        ours_times.append(seconds)
    theirs_totals, ours_totals = totals_of(theirs), totals_of(ours_json)
    ratio = statistics.median(times) / statistics.median(ours_times)
    equal = theirs_totals == ours_totals
    figures["ccusage"] = {"ccusage_s": round(statistics.median(times), 3),
                          "backfill_s": round(statistics.median(ours_times), 3),
                          "ratio": round(ratio, 2), "totals_equal": equal,
                          "ccusage_totals": theirs_totals, "our_totals": ours_totals}
    print(f"ccusage       ccusage {statistics.median(times):.2f} s vs backfill "
          f"{statistics.median(ours_times):.2f} s: backfill is {ratio:.1f}x faster "
          "(medians of 3, same corpus)")
    print(f"              totals ccusage {theirs_totals}")
    print(f"              totals ours    {ours_totals}  -> {'EQUAL' if equal else 'DIFFERENT'}")


def bench_sync(args, figures):
    corpus = os.path.join(args.work, f"corpus-{args.files}files")
    generate(corpus, max(50, args.files // 50), ["--files", str(args.files)])
    warm(corpus)
    ledger = os.path.join(args.work, "sync.db")
    for suffix in ("", "-wal", "-shm", ".lock"):
        if os.path.exists(ledger + suffix):
            os.remove(ledger + suffix)
    cmd = [args.binary, "--claude-dir", corpus, "--ledger", ledger, "-q", "bridge", "sync",
           "--once"]
    run(cmd)
    files = []
    for dirpath, _, names in os.walk(os.path.join(corpus, "projects")):
        files += [os.path.join(dirpath, n) for n in names if n.endswith(".jsonl")]
    nochange = [run(cmd)[0] for _ in range(15)]
    appended = []
    for i in range(15):
        line = json.dumps({
            "type": "assistant", "uuid": f"bench-{i}", "sessionId": "bench",
            "timestamp": "2025-10-01T12:00:00.000Z", "requestId": f"req_bench_{time.time_ns()}",
            "message": {"id": f"msg_bench_{time.time_ns()}", "model": "claude-sonnet-4-20250514",
                        "usage": {"input_tokens": 1, "output_tokens": 2}}})
        with open(files[(i * 7919) % len(files)], "a") as f:
            f.write(line + "\n")
        appended.append(run(cmd)[0])
    figures["sync_nochange"] = {"files": len(files),
                                "median_ms": round(statistics.median(nochange) * 1000, 1)}
    figures["sync_append1"] = {"files": len(files),
                               "median_ms": round(statistics.median(appended) * 1000, 1)}
    print(f"sync-nochange {len(files)} files, nothing changed: "
          f"{statistics.median(nochange) * 1000:.0f} ms (median of 15, whole process)")
    print(f"sync-append1  {len(files)} files, one line appended to one: "
          f"{statistics.median(appended) * 1000:.0f} ms (median of 15, whole process)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "build", "release",
                                                         "context-cleaner"))
    parser.add_argument("--work", default="/tmp/context-cleaner-bench")
    parser.add_argument("--size-mb", type=int, default=1000)
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--ccusage")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    os.makedirs(args.work, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; binary {args.binary}")
    figures = {}
    corpus, _, ours = bench_backfill(args, figures)
    bench_parser(args, corpus, figures)
    bench_ccusage(args, corpus, ours, figures)
    bench_sync(args, figures)
    if args.json:
        print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
