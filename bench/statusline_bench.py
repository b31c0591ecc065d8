#!/usr/bin/env python3
"""statusline_bench: whole-process latency (exec to exit) of `context-cleaner statusline`
and of `context-cleaner-statusline` (the same command, linked without curl/protobuf), fed
Claude Code's JSON on stdin, at ~1k, 100k and 1M events, with and without a monitor holding
the ledger.

  build/release/bench/report_bench --benchmark_filter=daily   # builds the 100k and 1M ledgers
  python3 bench/statusline_bench.py --binary build/release/context-cleaner [--runs 200]

Ledgers: ~1k events from tools/gen_corpus.py (backfilled here); 100k and 1M are report_bench's
($TMPDIR/cc-report-bench-N.db, a year of 2025: today and the block are empty there, so those
rows time the session's indexed read and the block's widening lookback), copied so nothing is
written to them. The session shown is one of the ledger's. "no monitor": the stdin names a
transcript already synced (the checkpoint check runs, nothing to read); "monitor": a
`bridge sync --start-monitoring` holds the ledger's lock. `ccusage statusline` is timed beside
ours when `ccusage` is on PATH.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def stdin_json(session: str, transcript: str) -> bytes:
    return json.dumps({
        "session_id": session, "transcript_path": transcript, "cwd": "/w",
        "model": {"id": "claude-opus-4-8", "display_name": "Opus 4.8"},
        "cost": {"total_cost_usd": 1.25},
        "context_window": {"context_window_size": 200000, "used_percentage": 42,
                           "current_usage": {"input_tokens": 1000}},
        "rate_limits": {"five_hour": {"used_percentage": 23, "resets_at": int(time.time()) + 3600},
                        "seven_day": {"used_percentage": 41, "resets_at": int(time.time()) + 86400}},
    }).encode()


def measure(cmd: list[str], data: bytes, runs: int, env: dict,
            need_output: bool = True) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           env=env)
        times.append((time.perf_counter() - t0) * 1000)
        if p.returncode != 0 or (need_output and not p.stdout.strip()):
            sys.exit(f"{cmd}: exit {p.returncode}, output {p.stdout!r}")
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return statistics.median(times), p99, times[-1]


def small_ledger(binary: str, tmp: str) -> tuple[str, str, str]:
    root = os.path.join(tmp, "claude")
    subprocess.run([sys.executable, os.path.join(HERE, "..", "tools", "gen_corpus.py"), "--out",
                    root, "--size-mb", "50", "--files", "60"], check=True,
                   stderr=subprocess.DEVNULL)
    ledger = os.path.join(tmp, "small.db")
    subprocess.run([binary, "--claude-dir", root, "--ledger", ledger, "bridge", "backfill"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    files = sorted(os.path.join(d, n) for d, _, ns in os.walk(os.path.join(root, "projects"))
                   for n in ns if n.endswith(".jsonl") and "subagents" not in d)
    return ledger, root, files[0]


def events_of(binary: str, ledger: str) -> int:
    out = subprocess.run([binary, "--ledger", ledger, "bridge", "sync-status", "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    try:
        return json.loads(out)["events"]
    except (ValueError, KeyError):
        return -1


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--sizes", default="1k,100k,1M")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    slim = os.path.join(os.path.dirname(binary), "context-cleaner-statusline")
    tmp = tempfile.mkdtemp(prefix="cc-statusline-bench-")
    env = {**os.environ, "XDG_STATE_HOME": os.path.join(tmp, "state"),
           "XDG_CONFIG_HOME": os.path.join(tmp, "config"), "COLUMNS": "160"}
    try:
        print(f"{'events':>9}  {'binary':28} {'monitor':8} {'p50 ms':>7} {'p99 ms':>7} "
              f"{'max ms':>7}")
        # What any process costs here (a loaded machine shows it), and the full program's
        # start-up alone.
        for name, cmd in (("/bin/true (baseline)", ["/bin/true"]),
                          ("context-cleaner --version", [binary, "--version"])):
            p50, p99, worst = measure(cmd, b"", args.runs, env, need_output=False)
            print(f"{'-':>9}  {name:28} {'-':8} {p50:7.1f} {p99:7.1f} {worst:7.1f}", flush=True)
        for size in args.sizes.split(","):
            if size == "1k":
                ledger, root, transcript = small_ledger(binary, tmp)
                session = os.path.basename(transcript)[:-len(".jsonl")]
            else:
                n = {"100k": 100_000, "1M": 1_000_000}[size]
                src = os.path.join(tempfile.gettempdir(), f"cc-report-bench-{n}.db")
                if not os.path.exists(src):
                    print(f"{src} missing: run report_bench first")
                    continue
                ledger = os.path.join(tmp, f"bench-{n}.db")
                shutil.copyfile(src, ledger)
                root = os.path.join(tmp, "empty-claude")
                os.makedirs(os.path.join(root, "projects"), exist_ok=True)
                transcript = os.path.join(root, "projects", "-p", "session-500.jsonl")
                session = "session-500"
            events = events_of(binary, ledger)
            data = stdin_json(session, transcript)
            for monitor in (False, True):
                proc = None
                if monitor:
                    proc = subprocess.Popen([binary, "--claude-dir", root, "--ledger", ledger,
                                             "bridge", "sync", "--start-monitoring"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                            env=env)
                    time.sleep(1.0)
                try:
                    for name, cmd in (("context-cleaner statusline",
                                       [binary, "--claude-dir", root, "--ledger", ledger,
                                        "statusline"]),
                                      ("context-cleaner-statusline",
                                       [slim, "--claude-dir", root, "--ledger", ledger])):
                        if not os.path.exists(cmd[0]):
                            continue
                        p50, p99, worst = measure(cmd, data, args.runs, env)
                        print(f"{events:>9,}  {name:28} {'yes' if monitor else 'no':8} "
                              f"{p50:7.1f} {p99:7.1f} {worst:7.1f}", flush=True)
                finally:
                    if proc is not None:
                        proc.terminate()
                        proc.wait(timeout=30)
            if shutil.which("ccusage"):
                p50, p99, worst = measure(["ccusage", "statusline"], data, args.runs, env)
                print(f"{events:>9,}  {'ccusage statusline':28} {'-':8} {p50:7.1f} {p99:7.1f} "
                      f"{worst:7.1f}")
        if not shutil.which("ccusage"):
            print("ccusage: not installed here, not measured")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
