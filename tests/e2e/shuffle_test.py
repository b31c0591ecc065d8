#!/usr/bin/env python3
"""Order-independence property test (DESIGN.md section 3; issue 2).

The same set of lines, arranged differently, must give a byte-identical
`report daily --json`:
  (a) the generated tree, plus copies of some usage lines with their timestamps shifted by
      up to two days (so that the day of many events depends on which record is earliest);
  (b) every file's lines shuffled (each line kept intact and ending in a newline);
  (c) the files moved to other project directories and renamed (other session names,
      subagent files moved to the top level and back), so the path sort order differs;
  (d) all the lines of the corpus redistributed over a different number of files;
each read by `bridge backfill --jobs 1`, `--jobs 2`, `--jobs 4` and by `bridge sync --once`
into a fresh ledger; and
  (e) the tree of (a) written in 5 chunks cut at random byte offsets (so lines are cut in
      the middle), with `bridge sync --once` after each chunk.
Every report must also equal tools/oracle.py run on the same tree, and the reject count
(`bridge sync-status --json`) must equal the oracle's. For (a)-(d), read whole, `report
session --json` must also equal `oracle.py --sessions` on the same tree: every request in the
session where it was spent (docs/design.md, "Resumed sessions"; the generator writes resumed
sessions in both shapes and a chain). Not for (e): a file read while it held only part of a
resumed session's copies is the documented order-dependent corner.

Why byte-equality with (a) is the right requirement even though duplicated lines do NOT all
carry the same timestamp: the generator writes one line per content block, each with its own
timestamp (a response can even straddle midnight UTC), subagent echoes carry their own
timestamps, and resumed sessions copy lines. The test measures this and prints it. But the day
of an event is the day of its earliest record by (timestamp, path, offset); that record has the
minimum timestamp of the key's records whatever the paths and offsets are (path and offset only
break ties between equal timestamps, which fall on the same day). Token fields are maxima. So
the daily report is a function of the multiset of records alone, and any rearrangement of the
lines must give the same bytes. Attributes that do depend on path order (session, file) are
not part of the daily report. As a second, independent check, each variant is also compared with
the oracle run on that variant's own tree.

What is kept in place on purpose, because it belongs to a file rather than to a line:
  * a UTF-8 BOM stays at the start of a file (a BOM in the middle of a file is not a BOM);
  * an unfinished last line without newline (a prefix of an object) stays the unterminated
    last line of a file; a complete last line without newline gets its newline (it counts
    either way).

Usage:
    python3 tests/e2e/shuffle_test.py --binary PATH [--scale ci|large] [--seed S] [--keep]
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys

from e2e_common import (ORACLE, Cli, Rng, check_report, check_sessions, diff_reports, dumps,
                        fail, generate_corpus, main, oracle, session_report, token_report)

SAME_BUT_BYTES = "(daily/totals equal; the bytes differ in formatting)"
SCALES = {"ci": (20, 80), "large": (200, 600)}  # MiB, files
BOM = b"\xef\xbb\xbf"


def load_oracle_module():
    spec = importlib.util.spec_from_file_location("cc_oracle", ORACLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# --------------------------------------------------------------------------- corpus model


class FileModel:
    """A transcript as: BOM flag, terminated lines (without '\\n'), unfinished tail."""

    def __init__(self, rel: str, bom: bool, lines: list[bytes], tail: bytes | None) -> None:
        self.rel, self.bom, self.lines, self.tail = rel, bom, lines, tail

    def render(self) -> bytes:
        body = b"".join(line + b"\n" for line in self.lines)
        return (BOM if self.bom else b"") + body + (self.tail or b"")


def read_tree(projects: str, oracle_mod) -> list[FileModel]:
    files = []
    for d, dirs, names in os.walk(projects):
        dirs.sort()
        for name in sorted(names):
            if not name.endswith(".jsonl"):
                continue
            path = os.path.join(d, name)
            with open(path, "rb") as f:
                data = f.read()
            bom = data.startswith(BOM)
            if bom:
                data = data[len(BOM):]
            parts = data.split(b"\n")
            last = parts.pop()  # b"" when the file ends in a newline
            tail = None
            if last:
                try:
                    stripped = last[:-1] if last.endswith(b"\r") else last
                    oracle_mod.parse_object(stripped)
                    parts.append(last)  # a whole object without newline: a line like others
                except oracle_mod.Reject:
                    tail = last  # an unfinished write: stays unterminated
            files.append(FileModel(os.path.relpath(path, projects), bom, parts, tail))
    return files


def write_tree(root: str, files: list[FileModel]) -> None:
    projects = os.path.join(root, "projects")
    for fm in files:
        path = os.path.join(projects, fm.rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(fm.render())


def timestamp_stats(files: list[FileModel], oracle_mod) -> dict:
    """How often one key's records carry different timestamps / UTC days."""
    stamps: dict[str, set] = {}
    days: dict[str, set] = {}
    per_key: dict[str, int] = {}
    records = 0
    for fm in files:
        for line in fm.lines:
            if b'"usage"' not in line:
                continue
            line = line[:-1] if line.endswith(b"\r") else line
            try:
                obj = oracle_mod.parse_object(line)
                rec = oracle_mod.usage_record(obj)
            except oracle_mod.Reject:
                continue
            if rec is None:
                continue
            key, ts, day, _ = rec
            records += 1
            per_key[key] = per_key.get(key, 0) + 1
            stamps.setdefault(key, set()).add(ts)
            days.setdefault(key, set()).add(day)
    multi = [k for k in stamps if len(stamps[k]) > 1]
    multi_day = [k for k in days if len(days[k]) > 1]
    return {"records": records, "keys": len(stamps),
            "keys_with_several_records": sum(1 for n in per_key.values() if n > 1),
            "keys_with_different_timestamps": len(multi),
            "keys_spanning_two_days": len(multi_day)}


def add_day_spanning_copies(files: list[FileModel], rng: Rng, oracle_mod,
                            count: int) -> int:
    """Stress: copies of usage lines with the same key, shifted by up to +-2 days.

    In generated corpora few keys span two UTC days, so the 'earliest record decides the day'
    rule is barely exercised; these copies make the day of many events depend on which of
    their records is the earliest. Inserted at random places in random files.
    """
    import datetime as dt
    candidates = []
    for fi, fm in enumerate(files):
        for line in fm.lines:
            if line.startswith(b'{') and b'"usage"' in line and len(line) < 100_000:
                try:
                    obj = oracle_mod.parse_object(line)
                    if (oracle_mod.usage_record(obj) is not None and obj.get("type") == "assistant"
                            and isinstance(obj.get("timestamp"), str)
                            and obj["timestamp"].endswith("Z")):
                        candidates.append(obj)
                except oracle_mod.Reject:
                    pass
    added = 0
    for obj in rng.sample(candidates, min(count, len(candidates))):
        ts = dt.datetime.strptime(obj["timestamp"][:19], "%Y-%m-%dT%H:%M:%S")
        shift = dt.timedelta(seconds=rng.randrange(-2 * 86400, 2 * 86400))
        obj["timestamp"] = (ts + shift).strftime("%Y-%m-%dT%H:%M:%S") + obj["timestamp"][19:]
        usage = dict(obj["message"]["usage"])
        usage["output_tokens"] = usage.get("output_tokens", 0) + rng.randrange(-10, 500)
        usage["output_tokens"] = max(0, usage["output_tokens"])
        obj["message"]["usage"] = usage
        obj["uuid"] = rng.uuid4()
        line = dumps(obj)
        fm = rng.choice(files)
        fm.lines.insert(rng.randrange(len(fm.lines) + 1), line)
        added += 1
    return added


# --------------------------------------------------------------------------- variants


def variant_shuffled_lines(files: list[FileModel], rng: Rng) -> list[FileModel]:
    out = []
    for fm in files:
        lines = list(fm.lines)
        rng.shuffle(lines)
        out.append(FileModel(fm.rel, fm.bom, lines, fm.tail))
    return out


def variant_moved(files: list[FileModel], rng: Rng) -> list[FileModel]:
    """Same file contents under other directories and names: a different path order."""
    dirs = sorted({fm.rel.split(os.sep)[0] for fm in files})
    dirs += ["-aaa-moved-first", "-zzz-moved-last", "-home-USER-projects-moved"]
    used, out = set(), []
    for fm in files:
        while True:
            d = rng.choice(dirs)
            session = rng.uuid4()
            if rng.random() < 0.25:
                parent = rng.uuid4()
                rel = os.path.join(d, parent, "subagents", f"agent-a{rng.getrandbits(24):06x}"
                                   ".jsonl")
            else:
                rel = os.path.join(d, session + ".jsonl")
            if rel not in used:
                used.add(rel)
                break
        out.append(FileModel(rel, fm.bom, fm.lines, fm.tail))
    if sorted(out, key=lambda f: f.rel) == out:
        fail("variant (c) did not change the path order; use another seed")
    return out


def variant_redistributed(files: list[FileModel], rng: Rng) -> list[FileModel]:
    """All lines over a different number of files, in random order."""
    lines = [line for fm in files for line in fm.lines]
    rng.shuffle(lines)
    n = len(files)
    count = max(2, n // 2) if rng.random() < 0.5 else 2 * n + 3
    if count == n:
        count += 1
    buckets: list[list[bytes]] = [[] for _ in range(count)]
    for line in lines:
        buckets[rng.randrange(count)].append(line)
    dirs = sorted({fm.rel.split(os.sep)[0] for fm in files})
    out = []
    for i, bucket in enumerate(buckets):
        d = dirs[i % len(dirs)]
        rel = os.path.join(d, rng.uuid4() + ".jsonl")
        out.append(FileModel(rel, False, bucket, None))
    # File-level things: BOMs at the start of some files, unfinished tails at the end of others.
    boms = sum(fm.bom for fm in files)
    tails = [fm.tail for fm in files if fm.tail]
    picks = rng.sample(range(count), min(count, boms + len(tails)))
    for i in picks[:boms]:
        out[i].bom = True
    for i, tail in zip(picks[boms:], tails):
        out[i].tail = tail
    return out


def write_incrementally(files: list[FileModel], root: str, rng: Rng,
                        chunks: int):
    """Yields after each of `chunks` appends; file bytes are cut at random offsets."""
    projects = os.path.join(root, "projects")
    plans = []
    for fm in files:
        data = fm.render()
        cuts = sorted(rng.randrange(0, len(data) + 1) for _ in range(chunks - 1))
        plans.append((os.path.join(projects, fm.rel), data, [0] + cuts + [len(data)]))
    for k in range(chunks):
        for path, data, cuts in plans:
            piece = data[cuts[k]:cuts[k + 1]]
            if not piece:
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "ab") as f:
                f.write(piece)
        yield k + 1


# --------------------------------------------------------------------------- running


def check_oracle(label: str, report: bytes, expected: dict) -> None:
    try:
        actual = json.loads(report)
    except ValueError:
        fail(f"{label}: report daily --json is not JSON: {report[:300]!r}")
    check_report(label, expected, token_report(actual),
                 "report differs from oracle.py on the same tree")


def check_same_bytes(label: str, reference: bytes, report: bytes) -> None:
    """`report` is byte-identical to (a)'s first report."""
    if report == reference:
        return
    a, b = reference, report
    i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    fail(f"{label}: report daily --json is not byte-identical to (a) `backfill --jobs 1`\n"
         f"{diff_reports(json.loads(a), json.loads(b), SAME_BUT_BYTES)}\n"
         f"first difference at byte {i}:\n  expected ...{a[max(0, i - 80):i + 80]!r}\n"
         f"  actual   ...{b[max(0, i - 80):i + 80]!r}")


def scenario(script) -> str:
    rng, log, tmp = Rng(script.seed), script.log, script.tmp
    ledgers = 0

    def fresh_ledger(root: str) -> Cli:
        nonlocal ledgers
        ledgers += 1
        os.makedirs(os.path.join(tmp, "ledgers"), exist_ok=True)
        return Cli(script.binary, root, os.path.join(tmp, "ledgers", f"l{ledgers}.db"))

    def daily_json(cli: Cli) -> bytes:
        return cli.ok("report", "daily", "--json", "--timezone", "UTC").stdout

    oracle_mod = load_oracle_module()
    runs = 0
    root_a = os.path.join(tmp, "a")
    size_mb, files_n = SCALES[script.scale]
    log(generate_corpus(root_a, size_mb, script.seed % 100000, files=files_n, bad_lines=True))
    files = read_tree(os.path.join(root_a, "projects"), oracle_mod)
    stats = timestamp_stats(files, oracle_mod)
    log(f"timestamps per key in the generated corpus: {stats} -- the same key does not "
        f"always carry one timestamp; byte-equality still holds (see the docstring)")
    added = add_day_spanning_copies(files, rng, oracle_mod, 80)
    shutil.rmtree(os.path.join(root_a, "projects"))
    write_tree(root_a, files)
    stats = timestamp_stats(files, oracle_mod)
    log(f"(a) = the generated tree + {added} copies of usage lines shifted by up to 2 days: "
        f"{stats['keys_spanning_two_days']} keys now span two UTC days")

    variants = {
        "(b) lines shuffled in each file": variant_shuffled_lines(files, rng),
        "(c) files moved and renamed": variant_moved(files, rng),
        "(d) lines redistributed": variant_redistributed(files, rng),
    }
    log(f"(d) uses {len(variants['(d) lines redistributed'])} files instead of {len(files)}")

    reference: bytes | None = None
    ref_rejects: int | None = None
    trees = [("(a) generated tree", root_a)]
    for i, (name, fms) in enumerate(variants.items()):
        root = os.path.join(tmp, f"v{i}")
        write_tree(root, fms)
        trees.append((name, root))

    for name, root in trees:
        expected = oracle(root, sessions=True)
        sessions = session_report(expected)
        for mode in (("bridge", "backfill", "--jobs", "1"),
                     ("bridge", "backfill", "--jobs", "2"),
                     ("bridge", "backfill", "--jobs", "4"),
                     ("bridge", "sync", "--once")):
            label = f"{name}, `{' '.join(mode[1:])}`"
            cli = fresh_ledger(root)
            cli.ok(*mode)
            report = daily_json(cli)
            runs += 1
            check_oracle(label, report, expected)
            if reference is None:
                reference = report
            check_same_bytes(label, reference, report)
            cli.check_rejects(label, expected["rejects"])
            if ref_rejects is None:
                ref_rejects = expected["rejects"]
            check_sessions(label, sessions,
                           session_report(cli.json("report", "session", "--json")))
        log(f"{name}: 4 reads byte-identical to (a), equal to the oracle; "
            f"{len(sessions)} sessions equal to oracle.py --sessions")

    # (e) The tree of (a), appended in 5 chunks cut at random byte offsets.
    root_e = os.path.join(tmp, "e")
    cli = fresh_ledger(root_e)
    for k in write_incrementally(files, root_e, rng, 5):
        cli.ok("bridge", "sync", "--once")
        runs += 1
        report = daily_json(cli)
        check_oracle(f"(e) incremental, after chunk {k} of 5", report, oracle(root_e))
    check_same_bytes("(e) incremental: the final report", reference, report)
    cli.check_rejects("(e) incremental (as for (a))", ref_rejects)
    log("(e) incremental in 5 chunks: equal to the oracle after each chunk, final report "
        "byte-identical to (a)")

    totals = json.loads(reference)["totals"]
    return (f"{runs} reads of 5 arrangements gave byte-identical reports equal to the oracle "
            f"({totals['events']} events, {totals['totalTokens']} tokens, {ref_rejects} "
            f"rejects)")


if __name__ == "__main__":
    sys.exit(main("shuffle_test", __doc__, scenario))
