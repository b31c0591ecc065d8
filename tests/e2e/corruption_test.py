#!/usr/bin/env python3
"""A damaged ledger file is found by `bridge validate` and mended by `bridge repair`.

Builds a ledger from a small generated corpus, then damages the events' key
index in the file itself, two ways:

  doubled:  one character of five keys changed where the index holds them, so
            lookups of those keys miss; a later backfill stores the five
            events again (the ledger now holds them twice and over-counts).
  random:   five random bytes changed inside the cells of the index's pages.

Each time: `bridge validate` must exit 1 naming the damage, `bridge repair`
exit 0, `bridge validate` then exit 0, no key may be stored twice, and
`report daily --json` must equal tools/oracle.py's totals.

    python3 tests/e2e/corruption_test.py --binary PATH [--seed S] [--keep]
"""

import os
import random
import sqlite3
import sys

from e2e_common import Cli, check_report, fail, generate_corpus, main, oracle

KEY_INDEX = "sqlite_autoindex_events_1"


def index_pages(ledger: str) -> tuple[int, list[int]]:
    """The page size and the pages of the key index (leaves first)."""
    db = sqlite3.connect(ledger)
    try:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                          (KEY_INDEX,)).fetchone()[0]
        rows = db.execute("SELECT pageno, pagetype FROM dbstat WHERE name = ?",
                          (KEY_INDEX,)).fetchall()
    finally:
        db.close()
    pages = [p for p, t in rows if t == "leaf"] + [p for p, t in rows if t != "leaf"]
    if root not in pages:
        fail(f"the index's root page {root} is not among its pages {pages[:10]}")
    return page_size, pages


def no_connections_left(ledger: str) -> None:
    """The file alone holds everything (no -wal) before its bytes are edited."""
    db = sqlite3.connect(ledger)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(ledger + suffix) and os.path.getsize(ledger + suffix) > 0:
            fail(f"{ledger}{suffix} still holds data: cannot edit the file safely")


def damage_keys(ledger: str, rng: random.Random, count: int) -> list[str]:
    """Changes one character of `count` keys where the key index holds them."""
    no_connections_left(ledger)
    db = sqlite3.connect(ledger)
    keys = [k for (k,) in db.execute("SELECT key FROM events")]
    db.close()
    page_size, pages = index_pages(ledger)
    data = bytearray(open(ledger, "rb").read())
    rng.shuffle(keys)
    damaged = []
    leaf_ranges = [((p - 1) * page_size, p * page_size) for p in pages]
    for key in keys:
        k = key.encode()
        for start, end in leaf_ranges:
            at = data.find(k, start, end)
            if at < 0:
                continue
            pos = at + len(k) - 3  # Inside the request id: the lookup misses.
            data[pos] = ord("Z") if data[pos] != ord("Z") else ord("Y")
            damaged.append(key)
            break
        if len(damaged) == count:
            break
    if len(damaged) < count:
        fail(f"found only {len(damaged)} keys in the index's pages")
    with open(ledger, "r+b") as f:
        f.write(data)
    return damaged


def detectable(ledger: str) -> bool:
    db = sqlite3.connect(ledger)
    try:
        rows = db.execute("PRAGMA integrity_check(5)").fetchall()
        return rows != [("ok",)]
    except sqlite3.DatabaseError:
        return True
    finally:
        db.close()


def flip_random_bytes(ledger: str, rng: random.Random, count: int) -> list[int]:
    """`count` random bytes changed inside the cells of the index's pages (the
    cell content area: from the header's start-of-content offset to the page's
    end), again until SQLite's own check would notice."""
    no_connections_left(ledger)
    page_size, pages = index_pages(ledger)
    original = open(ledger, "rb").read()
    for _attempt in range(20):
        data = bytearray(original)
        offsets = []
        for _ in range(count):
            page = rng.choice(pages)
            base = (page - 1) * page_size
            header = base + (100 if page == 1 else 0)
            content = int.from_bytes(data[header + 5:header + 7], "big") or 65536
            lo = base + min(content, page_size - 1)
            at = rng.randrange(lo, base + page_size)
            data[at] ^= 1 << rng.randrange(8)
            offsets.append(at)
        with open(ledger, "r+b") as f:
            f.write(data)
        if detectable(ledger):
            return offsets
        with open(ledger, "r+b") as f:
            f.write(original)
    fail("20 tries of random flips all escaped SQLite's integrity check")


def key_counts(ledger: str) -> tuple[int, int]:
    """Rows in events and distinct keys, read without any index."""
    db = sqlite3.connect(ledger)
    try:
        rows = db.execute("SELECT COUNT(*) FROM events NOT INDEXED").fetchone()[0]
        keys = db.execute(
            "SELECT COUNT(*) FROM (SELECT DISTINCT key FROM events NOT INDEXED)").fetchone()[0]
    finally:
        db.close()
    return rows, keys


def check_repairs(cli: Cli, want: dict, label: str, log) -> None:
    v = cli.expect(1, "bridge", "validate")
    out = v.stdout.decode(errors="replace")
    if "DAMAGED" not in out:
        fail(f"{label}: validate did not name the damage:\n{out[-2000:]}")
    log(f"{label}: validate exit 1: {out.splitlines()[1].strip() if len(out.splitlines()) > 1 else out}")
    r = cli.ok("bridge", "repair")
    log(f"{label}: repair: " + " | ".join(
        line for line in r.stdout.decode(errors="replace").splitlines()
        if line.startswith(("rebuilt", "OK", "not saved")) or "stored more" in line))
    cli.ok("bridge", "validate")
    rows, keys = key_counts(cli.ledger)
    if rows != keys:
        fail(f"{label}: after repair {rows} rows for {keys} keys")
    check_report(label, want, cli.report(), "report after repair differs from oracle.py")
    log(f"{label}: validate exit 0, {rows} rows for {keys} keys, report equals the oracle")


def scenario(script) -> str:
    rng = random.Random(script.seed)
    root = script.path("claude")
    generate_corpus(root, 3, script.seed)
    cli = Cli(script.binary, root, script.path("data", "ledger.db"))
    want = oracle(root)
    cli.ok("bridge", "backfill")
    check_report("the fresh ledger", want, cli.report())
    cli.ok("bridge", "validate")

    damaged = damage_keys(cli.ledger, rng, 5)
    script.log(f"doubled: changed 5 keys in the index ({damaged[0]}, ...)")
    cli.ok("bridge", "backfill")
    rows, keys = key_counts(cli.ledger)
    if rows != keys + 5:
        fail(f"doubled: expected the backfill to store 5 keys again, got {rows} rows "
             f"for {keys} keys")
    script.log(f"doubled: a backfill stored {rows} rows for {keys} keys")
    check_repairs(cli, want, "doubled", script.log)

    offsets = flip_random_bytes(cli.ledger, rng, 5)
    script.log(f"random: flipped bytes at {offsets}")
    check_repairs(cli, want, "random", script.log)
    return "validate names both damages, repair mends them, the report equals the oracle"


if __name__ == "__main__":
    sys.exit(main("corruption_test", __doc__, scenario, seed=13, keep_on_failure=True))
