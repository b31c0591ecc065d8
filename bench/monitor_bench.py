#!/usr/bin/env python3
"""Benchmarks of `bridge sync --start-monitoring` (issue #3's performance figures).

Usage: python3 bench/monitor_bench.py --binary build/release/context-cleaner
           [--work DIR] [--quick] [--json] [--only latency|idle|sustained]

Prints one line per figure, each with its target and PASS or MISS; `--json`
prints them as JSON too. Every figure is measured here, in this run, on this
machine. The monitor runs as a separate process (`-v`, so every pass is
logged with its reason); a line counts as committed when a read-only SQLite
connection in this process (`file:LEDGER?mode=ro`) sees its key in `events`.
Lines are realistic assistant lines (~1 KB), each with a new message id and
requestId, appended to a transcript with one write() on an O_APPEND fd.

  latency-watch  ~100-file tree (gen_corpus.py --files 100 --size-mb 20), the
                 monitor watching with inotify, caught up. 1,000 appends one
                 at a time (--quick: 200), each to a random file, after a
                 random 0-10 ms pause; time from write() returning to the key
                 being visible, polling the ledger every 0.5 ms, deadline 5 s.
                 Median, p99 (nearest rank), max. Target p99 <= 50 ms.
  latency-poll   the same tree with `--poll 1`: 50 appends (--quick: 15),
                 each after a random pause of 0-1 s so that appends fall at
                 random points of the poll cycle. Target p99 <= 1,050 ms.
  idle-cpu       10,000-file tree (gen_corpus.py --files 10000 --size-mb 200);
                 the monitor is started, caught up, left alone 2 s, then its
                 CPU time (utime+stime, /proc/PID/stat, 10 ms ticks) is
                 measured over 60 s with no writes (--quick: 10 s). Run twice:
                 (1) default reconcile (60 s: the window then holds one
                 reconcile pass, counted from the log and reported), restarted
                 on a ledger caught up beforehand by `bridge sync --once`;
                 (2) `--reconcile 3600` (no reconcile), first start on an
                 empty ledger, so the monitor catches up the tree itself.
                 Target <= 0.1 s.
  idle-rss       VmRSS and VmHWM (/proc/PID/status) of both idle monitors at
                 the end of their windows, with the number of inotify watches
                 (/proc/PID/fdinfo). Target: RSS <= 50 MB with the files
                 watched, judged on VmRSS (a peak above it is reported).
  sustained      a fresh ~100-file tree, monitor (inotify) caught up; 1,000
                 lines/s (10 lines every 10 ms, paced on a deadline) across
                 the 100 files for 60 s (--quick: 10 s). Every second: lines
                 written vs committed; every 100 ms: the age of the oldest line
                 not yet committed (the lag; its max is the figure). At the
                 end, wait until all are committed (deadline 30 s) and check
                 that the distinct keys and their summed output_tokens equal
                 what was written. Target: lag
                 never above 1 s, every line committed.

Each monitor is stopped with SIGTERM; its exit code and time to exit are
reported if not 0 / under 1 s, and so is anything it printed to stderr besides
its start banner. Corpora are generated once into --work and reused; trees
that get appended to are fresh copies in every run.
"""

import argparse
import datetime
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLK_TCK = os.sysconf("SC_CLK_TCK")
POLL_SLEEP = 0.0005
DEADLINE = 5.0
WORDS = ("the file test build error value function return config session cache token "
         "request parser module update check handle render state index query result "
         "let me now read fix add remove refactor run tests again").split()


# --- corpora, lines

def generate(out, size_mb, files):
    if os.path.isdir(os.path.join(out, "projects")):
        return
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_corpus.py"),
                    "--out", out, "--size-mb", str(size_mb), "--files", str(files),
                    "--seed", "20"], check=True)


def fresh_tree(args, name):
    """A fresh copy of the ~100-file corpus, for a run that appends to it."""
    base = os.path.join(args.work, "corpus-100files")
    generate(base, 20, 100)
    tree = os.path.join(args.work, name)
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(base, tree)
    return tree


def transcripts(tree):
    files = []
    for dirpath, _, names in os.walk(os.path.join(tree, "projects")):
        files += [os.path.join(dirpath, n) for n in names if n.endswith(".jsonl")]
    return sorted(files)


def remove_ledger(ledger):
    for suffix in ("", "-wal", "-shm", ".lock"):
        if os.path.exists(ledger + suffix):
            os.remove(ledger + suffix)


class Appender:
    """Appends assistant lines to transcripts, one write() per line."""

    def __init__(self, files, tag, rng):
        self.files = files
        self.fds = [os.open(f, os.O_WRONLY | os.O_APPEND) for f in files]
        self.tag = tag
        self.rng = rng
        self.output_tokens = 0

    def key(self, seq):
        return f"msg_{self.tag}_{seq:08d}:req_{self.tag}_{seq:08d}"

    def line(self, seq, path):
        parts = path.split(os.sep)
        session = parts[-3] if parts[-2] == "subagents" else parts[-1][:-len(".jsonl")]
        output = 1 + seq % 997
        now = datetime.datetime.now(datetime.timezone.utc)
        text = " ".join(self.rng.choice(WORDS) for _ in range(60))
        return {
            "parentUuid": None, "isSidechain": parts[-2] == "subagents",
            "userType": "external", "cwd": "/home/dev/src/project", "sessionId": session,
            "version": "2.1.39", "gitBranch": "main",
            "message": {
                "model": "claude-sonnet-4-5-20250929", "id": f"msg_{self.tag}_{seq:08d}",
                "type": "message", "role": "assistant",
                "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn", "stop_sequence": None,
                "usage": {"input_tokens": 3, "cache_creation_input_tokens": 240,
                          "cache_read_input_tokens": 21000,
                          "cache_creation": {"ephemeral_5m_input_tokens": 240,
                                             "ephemeral_1h_input_tokens": 0},
                          "output_tokens": output, "service_tier": "standard"}},
            "requestId": f"req_{self.tag}_{seq:08d}", "type": "assistant",
            "uuid": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        }, output

    def append(self, seq, index=None):
        """Appends line `seq` to a random file; returns perf_counter() after write()."""
        if index is None:
            index = self.rng.randrange(len(self.files))
        obj, output = self.line(seq, self.files[index])
        data = (json.dumps(obj, separators=(",", ":")) + "\n").encode()
        written = os.write(self.fds[index], data)
        done = time.perf_counter()
        if written != len(data):
            sys.exit(f"monitor_bench: short write to {self.files[index]}")
        self.output_tokens += output
        return done

    def close(self):
        for fd in self.fds:
            os.close(fd)


# --- the monitor process

class Monitor:
    def __init__(self, args, tree, ledger, name, extra=()):
        self.name = name
        self.out_path = os.path.join(args.work, name + ".out")
        self.err_path = os.path.join(args.work, name + ".err")
        self.ledger = ledger
        cmd = [args.binary, "--claude-dir", tree, "--ledger", ledger, "-v",
               "bridge", "sync", "--start-monitoring"] + list(extra)
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL)
        self.pid = self.proc.pid
        self.db = None
        self.exit_code = None
        self.exit_seconds = None

    def die(self, why):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        with open(self.err_path) as f:
            err = f.read()
        sys.exit(f"monitor_bench: {self.name}: {why}\n{err}")

    def wait_caught_up(self, timeout=600):
        """Waits until the monitor's run row shows its first finished pass."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.die(f"exited with {self.proc.returncode} before catching up")
            try:
                if self.db is None and os.path.exists(self.ledger + "-shm"):
                    self.db = sqlite3.connect(f"file:{self.ledger}?mode=ro", uri=True,
                                              isolation_level=None,
                                              check_same_thread=False)
                if self.db is not None:
                    row = self.db.execute(
                        "SELECT last_sync_ms FROM sync_runs WHERE pid = ? AND "
                        "result = 'running' ORDER BY id DESC LIMIT 1",
                        (self.pid,)).fetchone()
                    if row and row[0] is not None:
                        return
            except sqlite3.Error:
                if self.db is not None:
                    self.db.close()
                self.db = None
            time.sleep(0.02)
        self.die(f"not caught up after {timeout} s")

    def cpu_seconds(self):
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime

    def memory_kib(self):
        values = {}
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                name, _, rest = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    values[name] = int(rest.split()[0])
        return values

    def inotify_watches(self):
        count = 0
        for fd in os.listdir(f"/proc/{self.pid}/fdinfo"):
            try:
                with open(f"/proc/{self.pid}/fdinfo/{fd}") as f:
                    count += sum(1 for line in f if line.startswith("inotify wd:"))
            except OSError:
                pass
        return count

    def log_size(self):
        return os.path.getsize(self.out_path)

    def passes(self, start=0, end=None):
        """Pass reasons logged between two log offsets (-v prints every pass)."""
        with open(self.out_path, "rb") as f:
            f.seek(start)
            text = f.read(None if end is None else end - start).decode(errors="replace")
        reasons = []
        for line in text.splitlines():
            head = line.split(": ", 1)[0].split(" ")
            if len(head) == 2 and head[0].count(":") == 2:
                reasons.append(head[1])
        return reasons

    def stop(self):
        """SIGTERM; returns the stderr lines other than the start banner."""
        if self.db is not None:
            self.db.close()
            self.db = None
        started = time.perf_counter()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.exit_code = "killed after 10 s"
        self.exit_seconds = time.perf_counter() - started
        with open(self.err_path) as f:
            lines = [line for line in f.read().splitlines()
                     if not line.startswith(("context-cleaner: keeping ",
                                             "context-cleaner: stopped after "))]
        return lines


def note_stop(monitor, figures, notes):
    extra = monitor.stop()
    figures.setdefault("stops", {})[monitor.name] = {
        "exit_code": monitor.exit_code, "seconds": round(monitor.exit_seconds, 3),
        "stderr": extra}
    if monitor.exit_code != 0 or monitor.exit_seconds > 1.0:
        notes.append(f"{monitor.name}: SIGTERM -> exit {monitor.exit_code} after "
                     f"{monitor.exit_seconds:.2f} s (expected 0 within 1 s)")
    for line in extra[:5]:
        notes.append(f"{monitor.name} stderr: {line}")
    if len(extra) > 5:
        notes.append(f"{monitor.name} stderr: ... {len(extra) - 5} more lines")


# --- figures

def rank(values, p):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds):
    return "timeout" if seconds == math.inf else f"{seconds * 1000:.1f} ms"


def verdict(ok):
    return "PASS" if ok else "MISS"


def measure_latency(monitor, appender, count, gap, rng, first_seq):
    latencies = []
    db = monitor.db
    for i in range(count):
        time.sleep(rng.uniform(0, gap))
        seq = first_seq + i
        key = appender.key(seq)
        written = appender.append(seq)
        deadline = written + DEADLINE
        while True:
            if db.execute("SELECT 1 FROM events WHERE key = ?", (key,)).fetchone():
                latencies.append(time.perf_counter() - written)
                break
            if time.perf_counter() > deadline:
                latencies.append(math.inf)
                break
            time.sleep(POLL_SLEEP)
    return latencies


def latency_figure(name, label, latencies, target, figures):
    median, p99, worst = (statistics.median(latencies), rank(latencies, 99), max(latencies))
    missed = sum(1 for x in latencies if x == math.inf)
    ok = p99 <= target and missed == 0
    figures[name] = {"appends": len(latencies), "median_ms": round(median * 1000, 2),
                     "p99_ms": None if p99 == math.inf else round(p99 * 1000, 2),
                     "max_ms": None if worst == math.inf else round(worst * 1000, 2),
                     "not_visible_within_5s": missed, "target_p99_ms": target * 1000,
                     "result": verdict(ok)}
    print(f"{name:<15}{label}: median {ms(median)}, p99 {ms(p99)}, max {ms(worst)}"
          + (f", {missed} not visible within {DEADLINE:.0f} s" if missed else "")
          + f" (target p99 <= {target * 1000:.0f} ms: {verdict(ok)})")
    return ok


def bench_latency(args, figures, notes):
    rng = random.Random(3)
    tree = fresh_tree(args, "tree-latency")
    files = transcripts(tree)
    ledger = os.path.join(args.work, "latency.db")
    remove_ledger(ledger)
    appender = Appender(files, "lat", rng)

    count = 200 if args.quick else 1000
    monitor = Monitor(args, tree, ledger, "latency-watch")
    monitor.wait_caught_up()
    time.sleep(0.5)
    cpu0 = monitor.cpu_seconds()
    latencies = measure_latency(monitor, appender, count, 0.010, rng, 0)
    cpu = monitor.cpu_seconds() - cpu0
    reasons = monitor.passes()
    note_stop(monitor, figures, notes)
    latency_figure("latency-watch", f"{count:,} appends over {len(files)} files, inotify",
                   latencies, 0.050, figures)
    figures["latency-watch"]["monitor_cpu_s"] = round(cpu, 2)
    full = sum(1 for r in reasons if r in ("reconcile", "rescan"))
    if full:
        notes.append(f"latency-watch: {full} full passes (reconcile/rescan) during the run")
    slow = sorted(latencies)[-5:]
    figures["latency-watch"]["slowest_ms"] = [None if x == math.inf else round(x * 1000, 1)
                                              for x in slow]

    poll = 1.0
    count = 15 if args.quick else 50
    monitor = Monitor(args, tree, ledger, "latency-poll", ["--poll", "1"])
    monitor.wait_caught_up()
    latencies = measure_latency(monitor, appender, count, poll, rng, 1_000_000)
    note_stop(monitor, figures, notes)
    latency_figure("latency-poll", f"{count:,} appends over {len(files)} files, --poll 1",
                   latencies, poll + 0.050, figures)
    appender.close()


def idle_run(args, corpus, ledger, name, extra, window, figures, notes):
    monitor = Monitor(args, corpus, ledger, name, extra)
    started = time.perf_counter()
    monitor.wait_caught_up()
    caught_up = time.perf_counter() - started
    time.sleep(2)
    log0 = monitor.log_size()
    cpu0 = monitor.cpu_seconds()
    time.sleep(window)
    cpu = monitor.cpu_seconds() - cpu0
    log1 = monitor.log_size()
    memory = monitor.memory_kib()
    watches = monitor.inotify_watches()
    reasons = monitor.passes(log0, log1)
    note_stop(monitor, figures, notes)
    return {"cpu_s": cpu, "passes": reasons, "memory": memory, "watches": watches,
            "caught_up_s": caught_up}


def bench_idle(args, figures, notes):
    corpus = os.path.join(args.work, "corpus-10000files")
    generate(corpus, 200, 10000)
    files = len(transcripts(corpus))
    size_mb = sum(os.path.getsize(f) for f in transcripts(corpus)) / 1e6
    # Restart: the ledger is caught up by `sync --once`, the monitor's own
    # catch-up reads nothing. First start: an empty ledger, the monitor
    # catches up the whole tree itself before going idle.
    restart = os.path.join(args.work, "idle-restart.db")
    remove_ledger(restart)
    subprocess.run([args.binary, "--claude-dir", corpus, "--ledger", restart, "-q",
                    "bridge", "sync", "--once"], check=True)
    first = os.path.join(args.work, "idle-first.db")
    remove_ledger(first)
    window = 10 if args.quick else 60
    runs = [("idle-cpu", restart, [], "default reconcile (60 s)",
             "restarted on a caught-up ledger"),
            ("idle-cpu-norec", first, ["--reconcile", "3600"], "--reconcile 3600",
             f"after catching up {size_mb:.0f} MB itself")]
    results = {}
    for name, ledger, extra, label, start in runs:
        r = idle_run(args, corpus, ledger, name, extra, window, figures, notes)
        results[name] = r
        reconciles = sum(1 for p in r["passes"] if p == "reconcile")
        others = [p for p in r["passes"] if p != "reconcile"]
        ok = r["cpu_s"] <= 0.1
        figures[name] = {"files": files, "window_s": window, "reconcile": label,
                         "start": start, "caught_up_s": round(r["caught_up_s"], 2),
                         "cpu_s": round(r["cpu_s"], 3), "reconcile_passes": reconciles,
                         "other_passes": others, "target_cpu_s": 0.1,
                         "result": verdict(ok)}
        passes = f"{reconciles} reconcile pass{'es' if reconciles != 1 else ''}"
        if others:
            passes += f", other passes: {', '.join(others)}"
        print(f"{name:<15}{files:,} files, {window} s without writes, {label}: "
              f"{r['cpu_s']:.2f} s CPU ({passes} in the window) "
              f"(target <= 0.1 s: {verdict(ok)})")
    memory = {}
    parts = []
    for name, ledger, _, _, start in runs:
        m = results[name]["memory"]
        memory["restart" if ledger == restart else "first_start"] = {"VmRSS_MB": round(m["VmRSS"] / 1024, 1),
                         "VmHWM_MB": round(m["VmHWM"] / 1024, 1)}
        parts.append(f"{start}: VmRSS {m['VmRSS'] / 1024:.1f} MB "
                     f"(peak VmHWM {m['VmHWM'] / 1024:.1f} MB)")
    rss = max(r["memory"]["VmRSS"] for r in results.values()) / 1024
    hwm = max(r["memory"]["VmHWM"] for r in results.values()) / 1024
    watches = results["idle-cpu"]["watches"]
    ok = rss <= 50
    figures["idle-rss"] = dict(files=files, inotify_watches=watches, target_MB=50,
                               judged_on="VmRSS", result=verdict(ok), **memory)
    print(f"{'idle-rss':<15}{files:,} files, {watches:,} inotify watches (directories); "
          + "; ".join(parts) + f" (target RSS <= 50 MB with the files watched, "
          f"judged on VmRSS: {verdict(ok)})")
    if hwm > 50:
        peaks = ", ".join(f"{start} {results[name]['memory']['VmHWM'] / 1024:.1f} MB"
                          for name, _, _, _, start in runs)
        notes.append(f"idle-rss: a peak (VmHWM) is above 50 MB: {peaks}")


def bench_sustained(args, figures, notes):
    rng = random.Random(4)
    tree = fresh_tree(args, "tree-sustained")
    files = transcripts(tree)
    ledger = os.path.join(args.work, "sustained.db")
    remove_ledger(ledger)
    appender = Appender(files, "sus", rng)
    seconds = 10 if args.quick else 60
    rate, batch = 1000, 10
    total = rate * seconds
    lo, hi = appender.key(0), f"msg_{appender.tag}_~"

    monitor = Monitor(args, tree, ledger, "sustained")
    monitor.wait_caught_up()
    time.sleep(0.5)
    db = monitor.db
    write_times = []   # perf_counter() after each line's write().
    samples = []
    state = {"oldest": 0, "done": False, "max_age": 0.0}

    def sample(record):
        written = len(write_times)
        committed = None
        if record:
            committed = db.execute("SELECT COUNT(*) FROM events WHERE key >= ? AND key < ?",
                                   (lo, hi)).fetchone()[0]
        oldest = state["oldest"]
        if oldest < written:
            present = {row[0] for row in db.execute(
                "SELECT key FROM events WHERE key >= ? AND key < ?",
                (appender.key(oldest), appender.key(written)))}
            while oldest < written and appender.key(oldest) in present:
                oldest += 1
        state["oldest"] = oldest
        now = time.perf_counter()
        age = now - write_times[oldest] if oldest < written else 0.0
        state["max_age"] = max(state["max_age"], age)
        if record:
            samples.append({"t": now, "written": written, "committed": committed,
                            "behind": written - committed, "oldest_age_s": age})

    def sampler(start):
        # The lag every 100 ms (so a spike between whole seconds is not
        # missed); lines written vs committed every second.
        tick = 1
        while not state["done"]:
            time.sleep(max(0.0, start + tick / 10 - time.perf_counter()))
            if state["done"]:
                break
            sample(tick % 10 == 0)
            tick += 1

    cpu0 = monitor.cpu_seconds()
    start = time.perf_counter()
    thread = threading.Thread(target=sampler, args=(start,), daemon=True)
    thread.start()
    late = 0.0
    for b in range(total // batch):
        due = start + b * batch / rate
        now = time.perf_counter()
        if now < due:
            time.sleep(due - now)
        else:
            late = max(late, now - due)
        for i in range(batch):
            seq = b * batch + i
            write_times.append(appender.append(seq))
    write_seconds = time.perf_counter() - start
    state["done"] = True
    thread.join()
    sample(True)  # Right after the last write.
    last_write = write_times[-1]
    deadline = time.perf_counter() + 30
    committed = 0
    while time.perf_counter() < deadline:
        committed = db.execute("SELECT COUNT(*) FROM events WHERE key >= ? AND key < ?",
                               (lo, hi)).fetchone()[0]
        if committed >= total:
            break
        time.sleep(0.001)
    drained = time.perf_counter() - last_write
    cpu = monitor.cpu_seconds() - cpu0
    memory = monitor.memory_kib()
    distinct, tokens = db.execute(
        "SELECT COUNT(DISTINCT key), COALESCE(SUM(output_tokens), 0) FROM events "
        "WHERE key >= ? AND key < ?", (lo, hi)).fetchone()
    reasons = monitor.passes()
    note_stop(monitor, figures, notes)
    appender.close()

    all_in = distinct == total and tokens == appender.output_tokens
    max_age = state["max_age"]
    max_age_1s = max(s["oldest_age_s"] for s in samples)
    max_behind = max(s["behind"] for s in samples)
    ok = all_in and max_age <= 1.0
    full = [r for r in reasons if r in ("reconcile", "rescan")]
    figures["sustained"] = {
        "lines": total, "files": len(files), "seconds": seconds,
        "achieved_lines_per_s": round(total / write_seconds),
        "writer_max_late_ms": round(late * 1000, 1),
        "max_lag_s": round(max_age, 3), "max_lag_at_1s_samples_s": round(max_age_1s, 3),
        "max_lines_behind": max_behind,
        "distinct_keys": distinct, "output_tokens": tokens,
        "output_tokens_written": appender.output_tokens, "all_committed": all_in,
        "all_committed_after_last_write_s": round(drained, 3),
        "monitor_cpu_s": round(cpu, 2), "full_passes": full,
        "monitor_VmRSS_MB": round(memory["VmRSS"] / 1024, 1),
        "monitor_VmHWM_MB": round(memory["VmHWM"] / 1024, 1),
        "samples": [{"written": s["written"], "behind": s["behind"],
                     "oldest_age_s": round(s["oldest_age_s"], 3)} for s in samples],
        "target_lag_s": 1.0, "result": verdict(ok)}
    print(f"{'sustained':<15}{total:,} lines at {total / write_seconds:,.0f} lines/s over "
          f"{len(files)} files for {seconds} s: max lag {max_age:.3f} s "
          f"(at most {max_behind:,} lines behind), "
          f"{distinct:,}/{total:,} keys committed"
          + (", output_tokens equal" if tokens == appender.output_tokens
             else f", output_tokens {tokens:,} != {appender.output_tokens:,} written")
          + f", all in {drained * 1000:.0f} ms after the last write; monitor CPU "
          f"{cpu:.1f} s (target lag <= 1 s, all committed: {verdict(ok)})")
    if late > 0.1:
        notes.append(f"sustained: the writer fell up to {late * 1000:.0f} ms behind "
                     "its schedule (this machine, not the monitor)")
    if full:
        notes.append(f"sustained: full passes during the run: {', '.join(full)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "build", "release",
                                                         "context-cleaner"))
    parser.add_argument("--work", default="/tmp/context-cleaner-monitor-bench")
    parser.add_argument("--quick", action="store_true",
                        help="shorter windows and fewer appends (a smoke run)")
    parser.add_argument("--only", choices=("latency", "idle", "sustained"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"monitor_bench: no binary at {args.binary}")
    os.makedirs(args.work, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; binary {args.binary}"
          + ("; --quick" if args.quick else ""))
    figures, notes = {}, []
    if args.only in (None, "latency"):
        bench_latency(args, figures, notes)
    if args.only in (None, "idle"):
        bench_idle(args, figures, notes)
    if args.only in (None, "sustained"):
        bench_sustained(args, figures, notes)
    for note in notes:
        print(f"note: {note}")
    figures["notes"] = notes
    if args.json:
        stops = figures.pop("stops", {})
        print(json.dumps(dict(figures, stops=stops), indent=2))


if __name__ == "__main__":
    main()
