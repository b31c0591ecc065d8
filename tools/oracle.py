#!/usr/bin/env python3
"""Independent reference implementation of the accounting rules (DESIGN.md section 3).

Tests use this script as an oracle: it re-derives daily token totals straight from
Claude Code JSONL transcripts, sharing no code with the C++ implementation.

Usage:
    python3 tools/oracle.py [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--strict] [--now-ms MS]
                            [--sessions] PATH...

Each PATH is a file, or a directory walked recursively (symlinks not followed) for
``*.jsonl`` files. A file reached twice (overlapping PATHs) is read once.

Contract
--------
Lines. A file is read in binary, split on ``\\n``. One trailing ``\\r`` is removed, then one
leading UTF-8 BOM. A line that is then empty is ignored. A last line without ``\\n`` is an
unfinished write: it is used only if it parses as a whole JSON object, and otherwise ignored
(not a reject).

Usage records. A line is a usage record when it is a JSON object and either
  * top-level ``type == "assistant"`` and ``message.usage`` is not null; or
  * top-level ``type == "progress"``, ``data.message.type == "assistant"`` and
    ``data.message.message.usage`` is not null (a subagent's response echoed in the parent).
For a progress record the message is ``data.message.message``, the request id
``data.message.requestId``, the uuid ``data.message.uuid`` (else the line's ``uuid``) and the
timestamp ``data.message.timestamp`` (else the line's ``timestamp``).

Key. ``message.id + ":" + requestId``; ``message.id`` when there is no requestId; the uuid when
there is no message id. Null or empty strings count as absent.

Merge. All records with one key form one event. Every token field is the maximum over the
records: input, output, cache_creation_input, cache_read_input, cache_creation.ephemeral_5m /
ephemeral_1h, server_tool_use.web_search_requests / web_fetch_requests. A missing or null field
is 0.
The event's day is the UTC date of its earliest timestamp. ``--since`` / ``--until`` filter
events by day, inclusive, after merging.

Sessions (``--sessions``). A request is spent once, in one session, but a resumed session's
file copies the earlier session's lines with the same ids and timestamps (keeping or rewriting
``sessionId``). The session a request was spent in is the ``sessionId`` of the line that
recorded it first: among its records with the earliest timestamp, the one in the file that
ended first, where a file's end is the latest timestamp of the usage records it holds (the
original ended before it was resumed; along a chain A -> B -> C a request new in B ended with
B, before C). Remaining ties: the smaller file path, then the smaller byte offset.

Rejects (counted, never fatal). A non-empty line is rejected when it is not a JSON object
(includes invalid UTF-8, NaN/Infinity, raw control characters such as NUL). A usage record is
rejected when ``usage`` (or its ``cache_creation`` / ``server_tool_use``) is not an object, a
token value is neither null nor an integer in [0, 2**40], the timestamp is not a string of the
form ``YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`` or lies outside the window
[2023-01-01T00:00:00Z, now + 1 day] (now: ``--now-ms``, default the current time), an id field
is not a string, or it has neither message id nor uuid. Lines that are not usage records are
never rejected for these.

Speed. By default a line without the bytes ``"usage"`` cannot be a usage record, so it is not
parsed: it is only checked to start with ``{`` and end with ``}`` (ignoring JSON whitespace).
``--strict`` parses every line instead, so the reject count is exact for every line; totals are
the same in both modes. Memory is bounded by one line plus one small entry per event.

Output (stdout), keys in this order:
    {"daily": [{"date", "inputTokens", "outputTokens", "cacheCreationTokens",
                "cacheReadTokens", "totalTokens", "events"}, ... sorted by date],
     "totals": {same fields without "date"}, "rejects": N}
with ``--sessions`` also ``"sessions": [{"sessionId", the same fields}, ... sorted by id]``.
Exit status: 0 ok, 2 usage error (bad option, missing PATH).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time

MAX_TOKENS = 2**40
# The timestamp window (core/record_bounds.h): from 2023-01-01T00:00:00Z to a day after now.
EARLIEST_NANOS = 1_672_531_200 * 10**9
AHEAD_NANOS = 86_400 * 10**9
BOM = b"\xef\xbb\xbf"
JSON_WHITESPACE = b" \t\r\n"
USAGE_MARKER = b'"usage"'

# Order of the per-event token counters.
TOKEN_FIELDS = (
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
)
NESTED_TOKEN_FIELDS = (
    ("cache_creation", "ephemeral_5m_input_tokens"),
    ("cache_creation", "ephemeral_1h_input_tokens"),
    ("server_tool_use", "web_search_requests"),
    ("server_tool_use", "web_fetch_requests"),
)
REPORT_FIELDS = ("inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens")

TIMESTAMP_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})"
)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class Reject(Exception):
    """A line that could not be used; the message is the reason."""


# --------------------------------------------------------------------------- parsing


def parse_timestamp(value: object) -> tuple[int, str]:
    """Returns (UTC nanoseconds since the epoch, UTC day 'YYYY-MM-DD')."""
    if not isinstance(value, str):
        raise Reject("timestamp missing or not a string")
    m = TIMESTAMP_RE.fullmatch(value)
    if not m:
        raise Reject("unparseable timestamp")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    fraction, zone = m.group(7) or "", m.group(8)
    if zone == "Z":
        tz = dt.timezone.utc
    else:
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            raise Reject("unparseable timestamp")
        sign = -1 if zone[0] == "-" else 1
        tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    try:
        local = dt.datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        raise Reject("unparseable timestamp") from None
    utc = local.astimezone(dt.timezone.utc)
    delta = utc - EPOCH
    seconds = delta.days * 86400 + delta.seconds
    nanos = int(fraction[:9].ljust(9, "0")) if fraction else 0
    return seconds * 10**9 + nanos, utc.strftime("%Y-%m-%d")


def token(obj: dict, field: str) -> int:
    value = obj.get(field)
    if value is None:  # Absent or null: 0.
        return 0
    if type(value) is not int or value < 0 or value > MAX_TOKENS:
        raise Reject(f"bad token value for {field}")
    return value


def sub_object(usage: dict, field: str) -> dict:
    value = usage.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Reject(f"usage.{field} is not an object")
    return value


def optional_string(obj: dict, field: str) -> str | None:
    value = obj.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Reject(f"{field} is not a string")
    return value


def usage_tokens(usage: object) -> tuple[int, ...]:
    """The eight token counters of a usage object, in TOKEN_FIELDS + NESTED order."""
    if not isinstance(usage, dict):
        raise Reject("usage is not an object")
    main = tuple(token(usage, f) for f in TOKEN_FIELDS)
    nested = tuple(token(sub_object(usage, parent), f) for parent, f in NESTED_TOKEN_FIELDS)
    return main + nested


def usage_record(obj: dict, now_nanos: int | None = None):
    """Returns (key, ts_nanos, day, tokens) when obj is a usage record, else None.

    ``now_nanos`` is "now" for the timestamp window (default: the current time)."""
    kind = obj.get("type")
    if kind == "assistant":
        envelope, message = obj, obj.get("message")
        ts_value = obj.get("timestamp")
        uuid_holders = (obj,)
    elif kind == "progress":
        data = obj.get("data")
        envelope = data.get("message") if isinstance(data, dict) else None
        if not isinstance(envelope, dict) or envelope.get("type") != "assistant":
            return None
        message = envelope.get("message")
        ts_value = envelope.get("timestamp")
        if ts_value is None:
            ts_value = obj.get("timestamp")
        uuid_holders = (envelope, obj)
    else:
        return None
    if not isinstance(message, dict) or message.get("usage") is None:
        return None

    tokens = usage_tokens(message["usage"])
    ts_nanos, day = parse_timestamp(ts_value)
    if ts_nanos < EARLIEST_NANOS:
        raise Reject("timestamp before 2023-01-01T00:00:00Z")
    if ts_nanos > (time.time_ns() if now_nanos is None else now_nanos) + AHEAD_NANOS:
        raise Reject("timestamp more than a day after now")
    message_id = optional_string(message, "id")
    request_id = optional_string(envelope, "requestId")
    if message_id is not None:
        key = message_id if request_id is None else f"{message_id}:{request_id}"
    else:
        key = next(filter(None, (optional_string(h, "uuid") for h in uuid_holders)), None)
        if key is None:
            raise Reject("no message id and no uuid")
    return key, ts_nanos, day, tokens


def reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def parse_object(line: bytes) -> dict:
    """Strict JSON: valid UTF-8, no NaN/Infinity, and an object at the top level."""
    try:
        obj = json.loads(line.decode("utf-8"), parse_constant=reject_constant)
    except (UnicodeDecodeError, ValueError):
        raise Reject("invalid JSON") from None
    if not isinstance(obj, dict):
        raise Reject("not a JSON object")
    return obj


def looks_like_object(line: bytes) -> bool:
    """Cheap check for lines we do not parse: '{' ... '}' around optional whitespace."""
    if line[:1] == b"{" and line[-1:] == b"}":
        return True
    stripped = line.strip(JSON_WHITESPACE)
    return stripped[:1] == b"{" and stripped[-1:] == b"}"


# --------------------------------------------------------------------------- ledger


class Ledger:
    """Merges usage records into events and counts rejects."""

    def __init__(self, strict: bool, now_nanos: int | None = None) -> None:
        self.strict = strict
        self.now_nanos = now_nanos
        self.rejects = 0
        # key -> [ts_nanos, day, tokens..., [(path, offset, session) at ts_nanos]]
        self.events: dict[str, list] = {}
        # path -> the latest usage-record timestamp in the file (its end).
        self.file_ends: dict[str, int] = {}

    def add_line(self, line: bytes, path: str, offset: int, terminated: bool) -> None:
        if line.endswith(b"\r"):
            line = line[:-1]
        if line.startswith(BOM):
            line = line[len(BOM):]
        if not line:
            return
        if not terminated:
            self._add_unterminated(line, path, offset)
            return
        try:
            if self.strict or USAGE_MARKER in line:
                self._add_object(parse_object(line), path, offset)
            elif not looks_like_object(line):
                raise Reject("not a JSON object")
        except Reject:
            self.rejects += 1

    def _add_unterminated(self, line: bytes, path: str, offset: int) -> None:
        try:
            obj = parse_object(line)
        except Reject:
            return  # An unfinished write: not a line yet.
        try:
            self._add_object(obj, path, offset)
        except Reject:
            self.rejects += 1

    def _add_object(self, obj: dict, path: str, offset: int) -> None:
        record = usage_record(obj, self.now_nanos)
        if record is None:
            return
        key, ts_nanos, day, tokens = record
        if ts_nanos > self.file_ends.get(path, -1):
            self.file_ends[path] = ts_nanos
        session = obj.get("sessionId")
        where = (path, offset, session if isinstance(session, str) else "")
        event = self.events.get(key)
        if event is None:
            self.events[key] = [ts_nanos, day, *tokens, [where]]
            return
        if ts_nanos < event[0]:
            event[0], event[1], event[-1] = ts_nanos, day, [where]
        elif ts_nanos == event[0]:
            event[-1].append(where)
        for i, value in enumerate(tokens, start=2):
            if value > event[i]:
                event[i] = value

    def session_of(self, event: list) -> str:
        """Where the request was spent: its first record, in the file that ended first."""
        path, _, session = min(event[-1], key=lambda w: (self.file_ends[w[0]], w[0], w[1]))
        return session

    def add_file(self, path: str) -> None:
        offset = 0
        with open(path, "rb") as f:
            for raw in f:
                terminated = raw.endswith(b"\n")
                self.add_line(raw[:-1] if terminated else raw, path, offset, terminated)
                offset += len(raw)

    def report(self, since: str | None, until: str | None, sessions: bool = False) -> dict:
        days: dict[str, list[int]] = {}
        by_session: dict[str, list[int]] = {}
        for event in self.events.values():
            day = event[1]
            if (since and day < since) or (until and day > until):
                continue
            rows = [days.setdefault(day, [0, 0, 0, 0, 0])]
            if sessions:
                rows.append(by_session.setdefault(self.session_of(event), [0, 0, 0, 0, 0]))
            for row in rows:
                for i in range(4):
                    row[i] += event[2 + i]
                row[4] += 1

        def fields(row: list[int]) -> dict:
            out = dict(zip(REPORT_FIELDS, row[:4]))
            out["totalTokens"] = sum(row[:4])
            out["events"] = row[4]
            return out

        daily = [{"date": day, **fields(days[day])} for day in sorted(days)]
        totals = [sum(days[d][i] for d in days) for i in range(5)]
        out = {"daily": daily, "totals": fields(totals), "rejects": self.rejects}
        if sessions:
            out["sessions"] = [{"sessionId": sid, **fields(by_session[sid])}
                               for sid in sorted(by_session)]
        return out


# --------------------------------------------------------------------------- driver


def transcript_files(paths: list[str]) -> list[str]:
    """Files named by PATHs (directories walked for *.jsonl), each once, sorted."""
    seen: dict[str, str] = {}
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs.sort()
                for name in sorted(names):
                    if name.endswith(".jsonl"):
                        full = os.path.abspath(os.path.join(root, name))
                        seen.setdefault(os.path.realpath(full), full)
        elif os.path.exists(path):
            full = os.path.abspath(path)
            seen.setdefault(os.path.realpath(full), full)
        else:
            raise FileNotFoundError(path)
    return sorted(seen.values())


def day_argument(text: str) -> str:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}") from None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description="Reference daily token totals from Claude Code transcripts."
    )
    parser.add_argument("--since", type=day_argument, help="first day, inclusive (UTC)")
    parser.add_argument("--until", type=day_argument, help="last day, inclusive (UTC)")
    parser.add_argument(
        "--strict", action="store_true", help="parse every line (exact reject count)"
    )
    parser.add_argument(
        "--now-ms", type=int, default=None,
        help="'now' for the timestamp window, in ms since the epoch (default: the current time)"
    )
    parser.add_argument(
        "--sessions", action="store_true",
        help="also totals per session, each request in the session where it was spent"
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    args = parser.parse_args(argv)

    try:
        files = transcript_files(args.paths)
    except FileNotFoundError as e:
        print(f"oracle.py: error: no such file or directory: {e}", file=sys.stderr)
        return 2
    now_nanos = time.time_ns() if args.now_ms is None else args.now_ms * 10**6
    ledger = Ledger(strict=args.strict, now_nanos=now_nanos)
    for path in files:
        try:
            ledger.add_file(path)
        except OSError as e:
            print(f"oracle.py: warning: cannot read {path}: {e}", file=sys.stderr)
    json.dump(ledger.report(args.since, args.until, args.sessions), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
