#!/usr/bin/env python3
"""Deterministic generator of a realistic Claude Code transcript tree, for tests and benchmarks.

Usage:
    python3 tools/gen_corpus.py --out DIR --size-mb N [--seed S] [--files F] [--bad-lines]

Writes DIR/projects/<encoded-project>/<session-uuid>.jsonl and
DIR/projects/<encoded-project>/<session-uuid>/subagents/agent-<id>.jsonl. DIR/projects must not
exist yet or be empty. The same arguments always produce byte-identical files (one seeded RNG,
no clock, no hashing of unordered containers). Prints one summary line to stderr.

Contract
--------
Size. The total size is within a few percent of N MiB (N * 2**20 bytes). About F files are
written (default: ~0.4 per MiB, at least 3); with many files each is small.

Content. Lines follow the key layout of real Claude Code 1.0.x and 2.1.x transcripts
(see ../shared/fixtures/claude-code/examples): user prompts; responses written as one line per
content block, streaming partials first (small output_tokens) then the final value; tool results
of 2 KiB-2 MiB repeated in toolUseResult, which hold most of the bytes; Task results whose
toolUseResult carries its own "usage" object; inline sidechains (1.0.x) and subagent files with
agent_progress lines echoing each subagent response under data.message.message (2.1.x);
compaction agents; resumed sessions that start with a copy of an earlier session's lines (same
message ids, request ids, uuids and timestamps), in both shapes Claude Code writes: copies
whose sessionId is rewritten to the new session's, and copies that keep the original's
(alternately), with at least one session resumed twice (A -> B -> C) when a project has three
sessions free of damage; summary, file-history-snapshot, system, queue-operation
and hook progress lines; responses without requestId; assistant lines without message id;
"<synthetic>" API-error lines with zero usage; 1h cache writes and web search requests;
responses that straddle midnight UTC; four models; timestamps over 60 days from 2025-09-01.
Tool output contains adversarial text: escaped quotes and backslashes, the word usage,
escaped transcript lines with \\"usage\\":{, ANSI escapes, U+2028, unicode and emoji.

--bad-lines adds a few damaged lines, each a reject for tools/oracle.py in both its default
and --strict modes: truncated lines, a truncated line glued to the next one, invalid UTF-8,
a NUL byte, negative / string / fractional token counts, a missing timestamp, a JSON array.
It also adds input that must be accepted: a file with CRLF endings, a file starting with a
BOM, CRLF and empty lines, a file whose last complete line has no newline (counts) and a file
ending in an unfinished line without newline (ignored). Damaged sessions are never copied
into resumed sessions.

Generating 1000 MiB takes well under three minutes: big strings are built by repeating
pre-encoded random blocks and written in large buffered chunks.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import random
import re
import sys
import time
import uuid

MIB = 1 << 20
KIB = 1 << 10
DAY_MS = 86_400_000
START_MS = 1_756_684_800_000  # 2025-09-01T00:00:00Z
WINDOW_MS = 60 * DAY_MS
FLUSH_BYTES = 8 * MIB
# Rough minimum sizes: a session file, a subagent file, what a subagent adds to its parent
# (Task call, progress echoes, result), and a compaction agent file.
MAIN_FLOOR = 12 * KIB
SUB_FLOOR = 10 * KIB
ECHO_FLOOR = 8 * KIB
COMPACT_FLOOR = 3 * KIB

V1_VERSIONS = ("1.0.98", "1.0.108", "1.0.120")
V2_VERSIONS = ("2.0.76", "2.1.31", "2.1.39")
MAIN_MODELS_V2 = ("claude-opus-4-6", "claude-sonnet-4-5-20250929", "claude-sonnet-4-20250514")
SUB_MODELS_V2 = ("claude-haiku-4-5-20251001", "claude-sonnet-4-5-20250929")
V1_MODEL = "claude-sonnet-4-20250514"
HAIKU = "claude-haiku-4-5-20251001"

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
WORDS = (
    "the file test build error value function return config session cache token request "
    "parser module update check handle render state index query result option module path "
    "let me now read fix add remove refactor the component and run tests again because it "
    "fails with undefined when input is empty so we should guard against null here"
).split()
PROJECT_NAMES = (
    "context-cleaner", "todo-app", "spotter", "billing_service", "infra.terraform", "web",
    "ml-pipeline", "docs-site", "api-gateway", "mobile.app", "data_lake", "cli-tools",
)
SLUG_WORDS = ("radiant", "floating", "music", "quiet", "amber", "river", "swift", "cobalt",
              "gentle", "harbor", "lunar", "maple", "nimble", "orbit", "prism", "velvet")
TOOLS = ("Read", "Read", "Read", "Bash", "Bash", "Bash", "Grep", "Glob", "Edit", "WebFetch")

# Placeholder for big tool output; replaced by pre-encoded bytes after json encoding.
BIG = "\u0001BIG\u0001"
BIG_JSON = json.dumps(BIG).encode()
encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

REJECT_KINDS = ("truncated", "glued", "bad_utf8", "nul", "negative", "string_tokens",
                "float_tokens", "no_timestamp", "array")
FILE_KINDS = ("crlf_file", "bom", "no_final_newline", "unfinished_tail", "blank_lines")


# --------------------------------------------------------------------------- random helpers


class Ids:
    """Id and text generators on one seeded RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def b58(self, n: int) -> str:
        return "".join(self.rng.choices(BASE58, k=n))

    def message(self) -> str:
        return "msg_01" + self.b58(22)

    def request(self) -> str:
        return "req_011C" + self.b58(20)

    def tool_use(self) -> str:
        return "toolu_01" + self.b58(22)

    def agent(self) -> str:
        return "a" + f"{self.rng.getrandbits(24):06x}"

    def words(self, n: int) -> str:
        return " ".join(self.rng.choices(WORDS, k=n))

    def log_uniform(self, lo: float, hi: float) -> int:
        return int(math.exp(self.rng.uniform(math.log(lo), math.log(hi))))


def format_ts(ms: int) -> str:
    t = time.gmtime(ms // 1000)
    return (f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{ms % 1000:03d}Z")


# --------------------------------------------------------------------------- tool output


def adversarial_fragments(ids: Ids) -> list[str]:
    """Raw text pieces that tool output is assembled from; some are hostile to naive scanners."""
    n = ids.rng.randrange(1, 99999)
    fake_line = encode_json({
        "type": "assistant", "message": {"id": "msg_01FAKE" + ids.b58(16), "usage": {
            "input_tokens": 999999, "output_tokens": 888888,
            "cache_read_input_tokens": 777777}},
        "requestId": "req_011CFAKE" + ids.b58(12), "timestamp": "2025-09-03T00:52:34.495Z"})
    return [
        f"    if (usage.input_tokens > {n}) {{ return \"usage\"; }}  // see usage notes\n",
        f"2025-09-{n % 28 + 1:02d}T12:00:00.123Z INFO done usage={{\"input_tokens\":{n}}}\n",
        f"\x1b[32m✓\x1b[0m test_{ids.words(1)} passed ({n} ms)\t\x1b[2m[worker {n % 8}]\x1b[0m\n",
        "Ünïcødé — «ταυτότητα» 日本語のテキスト 한국어 עברית العربية ∑∫√ ‰ ½\n",
        "emoji: 🚀✨🔥 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ (grapheme clusters)\u2028line separator inside\n",
        fake_line + "\n",
        'C:\\Users\\dev\\"quoted"\\path \\"usage\\":{ \\\\"usage\\\\" '
        '"usage": {"input_tokens": 1}\n',
        "Usage: tool [options] <file>\n  --usage      print usage\n  -h, --help   help\n",
        f"{ids.words(12)}\n",
        f"  {n:>5}\u2192    const {ids.words(1)} = await fetch(`/api/{ids.words(1)}`);\n",
        "\r\n\t\u00a0\u200b trailing whitespace and control chars \u0007\u001f\n",
    ]


class ContentPool:
    """Tool output as JSON-string-escaped UTF-8 bytes (no surrounding quotes), built cheaply.

    Output is a unique header, then a unit of a few random chunks repeated to the size wanted,
    then plain ASCII filler shorter than the unit. Whole chunks keep escapes and UTF-8 intact.
    """

    CHUNKS = 64
    UNIT_CHUNKS = 8

    def __init__(self, ids: Ids) -> None:
        self.ids = ids
        self.chunks = [self._chunk() for _ in range(self.CHUNKS)]
        self.filler = (b"abcdefghij klmnopqrst uvwxyz0123 456789-_=+ ABCDEFGHIJ KLMNOPQRST "
                       * 4096)
        self.serial = 0

    def _chunk(self) -> bytes:
        size = self.ids.rng.randrange(300, 1_500)
        pieces, total = [], 0
        while total < size:
            piece = self.ids.rng.choice(adversarial_fragments(self.ids))
            pieces.append(piece)
            total += len(piece)
        return encode_json("".join(pieces))[1:-1].encode()

    def text(self, size: int, header: str) -> bytes:
        """About `size` bytes of escaped text, starting with a unique header."""
        self.serial += 1
        head = encode_json(f"{header} #{self.serial}\n")[1:-1].encode()
        body = max(0, size - len(head))
        unit = b""
        for chunk in self.ids.rng.choices(self.chunks, k=self.UNIT_CHUNKS):
            if len(unit) + len(chunk) > body:
                break
            unit += chunk
        reps, rest = divmod(body, len(unit)) if unit else (0, body)
        return head + unit * reps + self.filler[:rest]


def tool_output_size(ids: Ids) -> int:
    """Mostly a few KiB, with a heavy tail up to 2 MiB."""
    u = ids.rng.random()
    if u < 0.70:
        return ids.log_uniform(2 * KIB, 12 * KIB)
    if u < 0.95:
        return ids.log_uniform(12 * KIB, 128 * KIB)
    return ids.log_uniform(128 * KIB, 2 * MIB)


# --------------------------------------------------------------------------- files


class Transcript:
    """One JSONL file being written; buffers lines and flushes in big chunks."""

    def __init__(self, path: str, crlf: bool = False) -> None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.path = path
        self.file = open(path, "wb")
        self.eol = b"\r\n" if crlf else b"\n"
        self.buffer: list[bytes] = []
        self.buffered = 0
        self.size = 0

    def write_line(self, line: bytes, eol: bytes | None = None) -> None:
        self.write_raw(line + (self.eol if eol is None else eol))

    def write_raw(self, data: bytes) -> None:
        self.buffer.append(data)
        self.buffered += len(data)
        self.size += len(data)
        if self.buffered >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        self.file.write(b"".join(self.buffer))
        self.buffer.clear()
        self.buffered = 0

    def close(self, drop_final_eol: bool = False) -> None:
        """Closes; drop_final_eol removes the end-of-line of the last line."""
        self.flush()
        if drop_final_eol and len(self.eol) < self.size:
            self.size -= len(self.eol)
            self.file.truncate(self.size)
        self.file.close()


@dataclasses.dataclass
class Project:
    cwd: str
    dirname: str
    branch: str
    sessions: list["SessionPlan"] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class SessionPlan:
    project: Project
    session_id: str
    start_ms: int
    weight: float
    v2: bool
    subagents: list[str]  # "task" or "compact", one file each
    resume_from: "SessionPlan | None" = None
    resume_previous: bool = False  # Resumes the project's latest session (the chain).
    bad: list[str] = dataclasses.field(default_factory=list)
    path: str = ""
    end_ms: int = 0

    @property
    def copyable(self) -> bool:
        return not self.bad and bool(self.path)


# --------------------------------------------------------------------------- lines


class Conversation:
    """Writes the lines of one conversation (a session, a subagent, or an inline sidechain)."""

    def __init__(self, gen: "Generator", out: Transcript, plan: SessionPlan, *,
                 model: str, sidechain: bool = False, agent_id: str | None = None,
                 echo: "Conversation | None" = None, echo_prompt: str = "",
                 task_id: str = "") -> None:
        self.gen, self.ids, self.out, self.plan = gen, gen.ids, out, plan
        self.model = model
        self.sidechain = sidechain
        self.agent_id = agent_id
        self.echo = echo  # Parent conversation receiving agent_progress lines.
        self.echo_prompt = echo_prompt
        self.task_id = task_id  # The parent's Task tool_use id.
        self.parent_uuid: str | None = None
        self.context = self.ids.rng.randrange(8_000, 20_000)  # Tokens already cached.
        self.cache_1h = plan.v2 and self.ids.rng.random() < 0.2
        self.version = gen.version_for(plan)

    # --- common envelope

    def envelope(self, **tail) -> dict:
        line = {"parentUuid": self.parent_uuid, "isSidechain": self.sidechain,
                "userType": "external", "cwd": self.plan.project.cwd,
                "sessionId": self.plan.session_id, "version": self.version,
                "gitBranch": self.plan.project.branch}
        if self.agent_id:
            line["agentId"] = self.agent_id
        if self.plan.v2:
            line["slug"] = self.gen.slug_for(self.plan)
        line.update(tail)
        return line

    def emit(self, line: dict, big: bytes | None = None) -> None:
        """Writes a line; `big` (pre-escaped bytes) replaces every BIG placeholder."""
        data = encode_json(line).encode()
        if big is not None:
            data = data.replace(BIG_JSON, b'"' + big + b'"')
        self.out.write_line(data)
        self.parent_uuid = line.get("uuid", self.parent_uuid)

    def tick(self, lo_ms: int, hi_ms: int) -> int:
        self.gen.clock += self.ids.rng.randrange(lo_ms, hi_ms)
        return self.gen.clock

    # --- user side

    def prompt(self, text: str) -> None:
        ts = format_ts(self.tick(5_000, 600_000))
        self.emit(self.envelope(type="user", message={"role": "user", "content": text},
                                uuid=self.ids.uuid(), timestamp=ts))

    def tool_result(self, tool_use_id: str, name: str, size: int) -> None:
        path = f"{self.plan.project.cwd}/src/{self.ids.words(1)}.ts"
        big = self.gen.pool.text(size, f"{name} {path}")
        results = {
            "Read": {"type": "text", "file": {"filePath": path, "content": BIG,
                                              "numLines": size // 60, "startLine": 1,
                                              "totalLines": size // 60}},
            "Bash": {"stdout": BIG, "stderr": "", "interrupted": False, "isImage": False},
        }
        result = results.get(name, {"mode": "content", "content": BIG, "numLines": size // 80})
        line = self.envelope(
            type="user",
            message={"role": "user", "content": [
                {"tool_use_id": tool_use_id, "type": "tool_result", "content": BIG}]},
            uuid=self.ids.uuid(), timestamp=format_ts(self.tick(200, 20_000)),
            toolUseResult=result)
        self.emit(line, big)

    def task_result(self, tool_use_id: str, agent_id: str, summary: str, used: dict) -> None:
        text = [{"type": "text", "text": summary}]
        line = self.envelope(
            type="user",
            message={"role": "user", "content": [
                {"tool_use_id": tool_use_id, "type": "tool_result", "content": text}]},
            uuid=self.ids.uuid(), timestamp=format_ts(self.tick(100, 2_000)),
            toolUseResult={"status": "completed", "prompt": summary[:80], "agentId": agent_id,
                           "content": text,
                           "totalDurationMs": self.ids.rng.randrange(5_000, 300_000),
                           "totalTokens": sum(used.values()), "totalToolUseCount": 3,
                           "usage": used})
        self.emit(line)

    # --- assistant side

    def usage(self, output: int, web_search: int) -> dict:
        cc = self.ids.rng.randrange(0, 6_000)
        split = ({"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": cc} if self.cache_1h
                 else {"ephemeral_5m_input_tokens": cc, "ephemeral_1h_input_tokens": 0})
        return {"input_tokens": self.ids.rng.randrange(1, 12), "cache_creation_input_tokens": cc,
                "cache_read_input_tokens": self.context, "cache_creation": split,
                "output_tokens": output, "web_search": web_search}

    def usage_json(self, u: dict, final: bool) -> dict:
        """Usage in the key order of the writing Claude Code version."""
        if not self.plan.v2:
            return {k: u[k] for k in ("input_tokens", "cache_creation_input_tokens",
                                      "cache_read_input_tokens", "cache_creation", "output_tokens")
                    } | {"service_tier": "standard"}
        if not final:
            return {k: u[k] for k in ("input_tokens", "cache_creation_input_tokens",
                                      "cache_read_input_tokens", "cache_creation", "output_tokens")
                    } | {"service_tier": "standard", "inference_geo": "global"}
        split = u["cache_creation"]
        return {"input_tokens": u["input_tokens"],
                "cache_creation_input_tokens": u["cache_creation_input_tokens"],
                "cache_read_input_tokens": u["cache_read_input_tokens"],
                "output_tokens": u["output_tokens"],
                "server_tool_use": {"web_search_requests": u["web_search"],
                                    "web_fetch_requests": 0},
                "service_tier": "standard",
                "cache_creation": {"ephemeral_1h_input_tokens": split["ephemeral_1h_input_tokens"],
                                   "ephemeral_5m_input_tokens": split["ephemeral_5m_input_tokens"]},
                "inference_geo": "", "iterations": []}

    def respond(self, blocks: list[dict], stop: str | None, partial_only: bool = False) -> dict:
        """Writes one response as one line per block; returns its final usage.

        partial_only: the response was cut off after its first partial (compaction agents).
        """
        rng = self.ids.rng
        message_id = (self.ids.message()
                      if self.gen.ccusage_compatible or rng.random() > 0.004 else None)
        request_id = (self.ids.request()
                      if self.gen.ccusage_compatible or rng.random() > 0.04 else None)
        if message_id is None:
            blocks = blocks[-1:]  # Without an id every line is its own event: keep one.
        partial = rng.choice((1, 3, 8, 10))
        output = partial if partial_only else self.ids.log_uniform(20, 3_000)
        web = rng.randrange(1, 4) if self.plan.v2 and rng.random() < 0.02 else 0
        u = self.usage(output, web)
        to_midnight = DAY_MS - self.gen.clock % DAY_MS
        if to_midnight < 3 * 3_600_000 and rng.random() < 0.1:
            self.gen.clock += to_midnight - rng.randrange(100, 1_500)  # Straddle midnight UTC.
        for i, block in enumerate(blocks):
            last = i == len(blocks) - 1
            grown = output if (last or (not self.plan.v2 and i > 0)) else partial
            final_form = last and self.plan.v2 and not partial_only
            self.assistant_line(block, dict(u, output_tokens=grown), final_form,
                                message_id, request_id, stop if last else None)
        self.context += u["cache_creation_input_tokens"] + output
        if self.context > 180_000:  # Auto-compaction keeps the context under the window.
            self.context = rng.randrange(15_000, 40_000)
        return {k: u[k] for k in ("input_tokens", "cache_creation_input_tokens",
                                  "cache_read_input_tokens", "output_tokens")}

    def assistant_line(self, block: dict, u: dict, final_form: bool, message_id: str | None,
                       request_id: str | None, stop: str | None) -> None:
        body = {"content": [block], "stop_reason": stop, "stop_sequence": None,
                "usage": self.usage_json(u, final_form)}
        head = ({"model": self.model, "id": message_id, "type": "message", "role": "assistant"}
                if self.plan.v2 else
                {"id": message_id, "type": "message", "role": "assistant", "model": self.model})
        if message_id is None:
            del head["id"]
        line = self.envelope(message=head | body)
        if request_id is not None:
            line["requestId"] = request_id
        line |= {"type": "assistant", "uuid": self.ids.uuid(),
                 "timestamp": format_ts(self.tick(300, 4_000))}
        self.gen.damage_and_emit(self, line)
        if self.echo is not None:
            self.echo.agent_progress(line, self.agent_id or "", self.echo_prompt, self.task_id)

    def agent_progress(self, sub_line: dict, agent_id: str, prompt: str, task_id: str) -> None:
        """Echo of a subagent's assistant line in the parent session (Claude Code 2.1.x)."""
        echoed = {"type": "assistant", "timestamp": sub_line["timestamp"],
                  "message": sub_line["message"] | {"context_management": None}}
        if "requestId" in sub_line:
            echoed["requestId"] = sub_line["requestId"]
        echoed["uuid"] = sub_line["uuid"]
        rng = self.ids.rng
        # ccusage keeps the first copy of a message it reads (here, the echo in
        # the parent file) instead of the largest: compatible corpora echo
        # the subagent's lines exactly.
        compatible = self.gen.ccusage_compatible
        if not compatible and rng.random() < 0.02:
            del echoed["timestamp"]  # Falls back to the progress line's own timestamp.
        if not compatible and rng.random() < 0.3:  # Echo of a partial: smaller output than the subagent file.
            usage = dict(echoed["message"]["usage"])
            usage["output_tokens"] = min(usage["output_tokens"], 3)
            echoed["message"] = echoed["message"] | {"usage": usage}
        line = self.envelope(
            type="progress",
            data={"message": echoed, "normalizedMessages": [], "type": "agent_progress",
                  "prompt": prompt, "agentId": agent_id},
            toolUseID="agent_msg_01" + self.ids.b58(22), parentToolUseID=task_id,
            uuid=self.ids.uuid(), timestamp=format_ts(self.gen.clock + rng.randrange(1, 700)))
        self.emit(line)

    def text_block(self, lo: int, hi: int) -> dict:
        text = self.ids.words(self.ids.rng.randrange(lo, hi))
        if self.ids.rng.random() < 0.05:
            text += ' Note: the "usage" field looks like {"usage":{"input_tokens":5}} 🚀'
        return {"type": "text", "text": text}

    def tool_block(self, name: str) -> dict:
        rng = self.ids.rng
        inputs = {
            "Read": {"file_path": f"{self.plan.project.cwd}/src/{self.ids.words(1)}.ts"},
            "Bash": {"command": f"npm test -- {self.ids.words(1)}", "description": "Run tests"},
            "Grep": {"pattern": "usage\\.(input|output)_tokens", "path": "src"},
            "Glob": {"pattern": "**/*.ts"},
            "Edit": {"file_path": f"{self.plan.project.cwd}/src/a.ts", "old_string": "x",
                     "new_string": self.ids.words(rng.randrange(5, 60))},
            "WebFetch": {"url": "https://docs.anthropic.com/", "prompt": "usage limits"},
        }
        block = {"type": "tool_use", "id": self.ids.tool_use(), "name": name,
                 "input": inputs.get(name, {})}
        if self.plan.v2:
            block["caller"] = {"type": "direct"}
        return block

    def synthetic(self) -> None:
        zero = {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
                "server_tool_use": {"web_search_requests": 0, "web_fetch_requests": 0},
                "service_tier": None,
                "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 0}}
        text = self.ids.rng.choice(("API Error: 529 {\"type\":\"error\",\"error\":{\"type\":"
                                    "\"overloaded_error\",\"message\":\"Overloaded\"}}",
                                    "No response requested."))
        line = self.envelope(
            type="assistant", uuid=self.ids.uuid(), timestamp=format_ts(self.tick(100, 3_000)),
            message={"id": self.ids.uuid(), "container": None, "model": "<synthetic>",
                     "role": "assistant", "stop_reason": "stop_sequence", "stop_sequence": "",
                     "type": "message", "usage": zero, "content": [{"type": "text", "text": text}]},
            isApiErrorMessage=text.startswith("API Error"))
        self.emit(line)

    # --- non-message lines

    def system(self, subtype: str, **fields) -> None:
        self.emit(self.envelope(type="system", subtype=subtype, **fields,
                                timestamp=format_ts(self.tick(10, 500)), uuid=self.ids.uuid(),
                                isMeta=False))

    def snapshot(self) -> None:
        mid = self.ids.uuid()
        self.emit({"type": "file-history-snapshot", "messageId": mid,
                   "snapshot": {"messageId": mid, "trackedFileBackups": {},
                                "timestamp": format_ts(self.gen.clock)},
                   "isSnapshotUpdate": False})

    def queue_operation(self) -> None:
        self.emit({"type": "queue-operation", "operation": "enqueue",
                   "timestamp": format_ts(self.tick(10, 500)), "sessionId": self.plan.session_id,
                   "content": "<task-notification>\n<task-id>" + self.ids.b58(7) +
                              "</task-id>\n</task-notification>"})

    def hook_progress(self) -> None:
        self.emit(self.envelope(type="progress",
                                data={"type": "hook_progress", "hookEvent": "SessionStart",
                                      "hookName": "SessionStart:startup",
                                      "command": "$HOME/.claude/hooks/notify.sh"},
                                parentToolUseID=self.ids.uuid(), toolUseID=self.ids.uuid(),
                                timestamp=format_ts(self.tick(10, 500)), uuid=self.ids.uuid()))


# --------------------------------------------------------------------------- generator


class Generator:
    """Plans sessions, then writes them in time order, steering sizes to the byte budget."""

    def __init__(self, out_dir: str, total_bytes: int, files: int, seed: int, bad: bool,
                 ccusage_compatible: bool = False) -> None:
        # ccusage_compatible avoids the patterns where ccusage 20 counts
        # differently on purpose or by accident (docs/design.md): responses
        # without requestId or message id, resumed sessions whose copied history ends inside
        # a response, and progress echoes of partials (ccusage keeps whichever
        # copy of a message it reads first, not the largest).
        self.ccusage_compatible = ccusage_compatible
        self.rng = random.Random(seed)
        self.ids = Ids(self.rng)
        self.root = os.path.join(out_dir, "projects")
        self.total_bytes = total_bytes
        self.written = 0
        self.files_written = 0
        self.clock = START_MS
        self.pool = ContentPool(self.ids)
        self.projects = self.make_projects(files)
        self.plans = self.make_plans(files)
        if bad:
            self.assign_damage()
        self.plan_chain()
        self.resumes = 0
        self.pending_damage: list[str] = []

    # --- planning

    def make_projects(self, files: int) -> list[Project]:
        count = max(1, min(24, round(math.sqrt(files) / 2)))
        projects = []
        for i in range(count):
            name = PROJECT_NAMES[i % len(PROJECT_NAMES)]
            if i >= len(PROJECT_NAMES):
                name += f"-{i}"
            cwd = f"/home/USER/projects/{name}"
            projects.append(Project(cwd=cwd, dirname=re.sub(r"[^A-Za-z0-9]", "-", cwd),
                                    branch=self.rng.choice(("", "main", "feature/usage-report"))))
        return projects

    def make_plans(self, files: int) -> list[SessionPlan]:
        rng, plans, planned = self.rng, [], 0
        weights = [1 / (i + 1) for i in range(len(self.projects))]  # Zipf-like popularity.
        while planned < files:
            start = START_MS + rng.randrange(WINDOW_MS - DAY_MS)
            v2 = rng.random() > 0.8 - 0.7 * (start - START_MS) / WINDOW_MS
            subs = []
            if v2:
                subs = ["task"] * rng.choice((0, 0, 0, 1, 1, 2, 3))
                if rng.random() < 0.05:
                    subs.append("compact")
            subs = subs[:max(0, files - planned - 1)]
            plans.append(SessionPlan(
                project=rng.choices(self.projects, weights)[0], session_id=self.ids.uuid(),
                start_ms=start, weight=rng.lognormvariate(0, 1) * (1 + len(subs)), v2=v2,
                subagents=subs))
            planned += 1 + len(subs)
        plans.sort(key=lambda p: p.start_ms)
        return plans

    def assign_damage(self) -> None:
        kinds = [k for k in REJECT_KINDS for _ in range(2)] + list(FILE_KINDS)
        for kind in kinds:
            self.rng.choice(self.plans).bad.append(kind)

    def plan_chain(self) -> None:
        """A session resumed twice: the 2nd and 3rd undamaged sessions of a project resume the
        one before them (A -> B -> C), in the first project (by popularity) that has three."""
        for project in self.projects:
            clean = [p for p in self.plans if p.project is project and not p.bad][:3]
            if len(clean) == 3:
                clean[1].resume_previous = clean[2].resume_previous = True
                return

    def version_for(self, plan: SessionPlan) -> str:
        versions = V2_VERSIONS if plan.v2 else V1_VERSIONS
        return versions[int(plan.session_id[:2], 16) % len(versions)]

    def slug_for(self, plan: SessionPlan) -> str:
        n = int(plan.session_id[-6:], 16)
        return "-".join(SLUG_WORDS[(n >> s) % len(SLUG_WORDS)] for s in (0, 4, 8))

    # --- damage (--bad-lines)

    def damage_and_emit(self, conv: Conversation, line: dict) -> None:
        """Writes an assistant line, possibly damaged as the session's plan asks."""
        kind = self.pending_damage.pop() if self.pending_damage else None
        usage = line["message"]["usage"]
        if kind == "negative":
            usage["output_tokens"] = -usage["output_tokens"] - 1
        elif kind == "string_tokens":
            usage["input_tokens"] = str(usage["input_tokens"])
        elif kind == "float_tokens":
            usage["cache_read_input_tokens"] = usage["cache_read_input_tokens"] + 0.5
        elif kind == "no_timestamp":
            del line["timestamp"]
        data = encode_json(line).encode()
        if kind in ("truncated", "glued"):
            # A write cut short, then the line written again. Unless a newline ended the cut
            # write, both end up on one (glued) line.
            cut = data[:self.rng.randrange(len(data) // 3, len(data) - 10)].rstrip(b"} \t")
            if kind == "truncated":
                conv.out.write_line(cut)
            else:
                conv.out.write_raw(cut)
            data = encode_json(line | {"uuid": self.ids.uuid()}).encode()
        elif kind == "bad_utf8":
            data = data.replace(b'"role":"assistant"', b'"role":"assist\xe2\x82nt"', 1)
        elif kind == "nul":
            data = data.replace(b'"role":"assistant"', b'"role":"assist\x00nt"', 1)
        elif kind == "array":
            conv.out.write_line(b'["not","an","object",{"usage":{"input_tokens":1}}]')
        conv.out.write_line(data)
        conv.parent_uuid = line["uuid"]

    # --- writing

    def run(self) -> None:
        # Every file gets its minimum size; each session also gets its weight's share of the
        # bytes left beyond all remaining minimums, so earlier overshoots even out.
        remaining_weight = sum(p.weight for p in self.plans)
        remaining_floor = sum(floor_bytes(p) for p in self.plans)
        for plan in self.plans:
            spare = max(0, self.total_bytes - self.written - remaining_floor)
            budget = floor_bytes(plan) + int(spare * plan.weight / remaining_weight)
            remaining_weight -= plan.weight
            remaining_floor -= floor_bytes(plan)
            self.write_session(plan, budget)

    def write_session(self, plan: SessionPlan, budget: int) -> None:
        project_dir = os.path.join(self.root, plan.project.dirname)
        plan.path = os.path.join(project_dir, plan.session_id + ".jsonl")
        out = Transcript(plan.path, crlf="crlf_file" in plan.bad)
        if "bom" in plan.bad:
            out.write_raw(b"\xef\xbb\xbf")
        self.pending_damage = [k for k in plan.bad if k in REJECT_KINDS]
        self.clock = plan.start_ms
        self.pick_resume(plan)
        model = (self.rng.choice(MAIN_MODELS_V2) if plan.v2 else V1_MODEL)
        conv = Conversation(self, out, plan, model=model)
        spare = budget - floor_bytes(plan)
        sub_budgets = [SUB_FLOOR + spare * self.rng.uniform(0.15, 0.6 / len(plan.subagents))
                       if kind == "task" else COMPACT_FLOOR for kind in plan.subagents]
        main_budget = budget - int(sum(sub_budgets))
        if plan.resume_from is not None:
            self.copy_history(plan, out, 1 << 62 if self.ccusage_compatible
                              else main_budget // 3)
        subagents = list(zip(plan.subagents, sub_budgets))
        turn = 0
        while turn == 0 or out.size < main_budget or subagents:
            self.turn(conv, out, main_budget, subagents, first=turn == 0)
            turn += 1
        self.finish_file(plan, out)
        plan.end_ms = self.clock

    def finish_file(self, plan: SessionPlan, out: Transcript) -> None:
        if "blank_lines" in plan.bad:
            out.write_line(b"")
            out.write_line(b"", b"\r\n")
        for kind in self.pending_damage:  # Session too short to place it on a response.
            out.write_line(b'{"type":"assistant","message":{"id":"msg_damaged","usage":'
                           b'{"output_tokens":-1}},"timestamp":"2025-09-01T00:00:00Z"}')
        self.pending_damage = []
        if "unfinished_tail" in plan.bad:
            out.write_raw(b'{"parentUuid":null,"type":"assistant","message":{"id":"msg_01tail",'
                          b'"usage":{"output_tokens":5')
            out.close()
        else:
            out.close(drop_final_eol="no_final_newline" in plan.bad)
        self.written += out.size
        self.files_written += 1

    def pick_resume(self, plan: SessionPlan) -> None:
        earlier = [p for p in plan.project.sessions if p.copyable]
        if plan.resume_previous and earlier:
            plan.resume_from = earlier[-1]
        elif earlier and self.rng.random() < 0.15:
            plan.resume_from = self.rng.choice(earlier)
        if plan.resume_from is not None:
            self.clock = max(plan.start_ms, plan.resume_from.end_ms + 60_000)
        plan.project.sessions.append(plan)

    def copy_history(self, plan: SessionPlan, out: Transcript, limit: int) -> None:
        """A resumed session starts with the earlier session's lines, their sessionId rewritten
        (odd resumes) or kept (even ones: a file named B holding lines of session A)."""
        source = plan.resume_from
        self.resumes += 1
        keep = self.resumes % 2 == 0
        old = source.session_id.encode()
        new = old if keep else plan.session_id.encode()
        out.write_line(encode_json({"type": "summary", "summary": "Resumed: " + self.ids.words(5),
                                    "leafUuid": self.ids.uuid()}).encode())
        copied = 0
        with open(source.path, "rb") as f:
            for raw in f:
                if copied + len(raw) > limit or not raw.endswith(b"\n"):
                    break
                body = raw.rstrip(b"\r\n").replace(old, new)
                if body.startswith(b"\xef\xbb\xbf"):
                    body = body[3:]
                out.write_line(body)
                copied += len(raw)

    def turn(self, conv: Conversation, out: Transcript, budget: int,
             subagents: list, first: bool) -> None:
        rng, plan = self.rng, conv.plan
        if plan.v2:
            if first:
                conv.hook_progress()
            conv.snapshot()
        conv.prompt(self.prompt_text())
        for _ in range(rng.randrange(1, 6)):
            if subagents and (rng.random() < 0.5 or out.size >= budget):
                self.run_subagents(conv, subagents)
            elif out.size < budget:
                self.tool_step(conv, out, budget)
            if rng.random() < 0.02:
                conv.synthetic()
        conv.respond([conv.text_block(10, 120)], "end_turn")
        if not plan.v2 and rng.random() < 0.15:
            self.inline_sidechain(conv, out, budget)
        self.turn_trailer(conv)

    def turn_trailer(self, conv: Conversation) -> None:
        rng = self.rng
        if not conv.plan.v2:
            return
        conv.system("stop_hook_summary", hookCount=1,
                    hookInfos=[{"command": "$HOME/.claude/hooks/notify.sh"}], hookErrors=[],
                    preventedContinuation=False, stopReason="", hasOutput=True,
                    level="suggestion")
        conv.system("turn_duration", durationMs=rng.randrange(2_000, 400_000))
        if rng.random() < 0.1:
            conv.queue_operation()
        if rng.random() < 0.05:
            conv.system("compact_boundary", content="Conversation compacted", level="info",
                        compactMetadata={"trigger": "auto", "preTokens": conv.context})

    def prompt_text(self) -> str:
        text = self.ids.words(self.rng.randrange(5, 60))
        if self.rng.random() < 0.1:
            text = ("<command-message>orchestrator is running…</command-message>\n"
                    "<command-name>/orchestrator</command-name>\n<command-args>" + text +
                    "</command-args>")
        if self.rng.random() < 0.1:
            text += "\n" + self.rng.choice(adversarial_fragments(self.ids))
        return text

    def tool_step(self, conv: Conversation, out: Transcript, budget: int) -> None:
        rng = self.rng
        fits = max(1, (budget - out.size) // (8 * KIB))  # Small budgets: fewer parallel calls.
        names = [rng.choice(TOOLS) for _ in range(min(fits, rng.choice((1, 1, 1, 2, 3))))]
        blocks = [conv.tool_block(n) for n in names]
        if rng.random() < 0.7:
            blocks.insert(0, conv.text_block(5, 80))
        if conv.plan.v2 and rng.random() < 0.4:
            blocks.insert(0, {"type": "thinking", "thinking": self.ids.words(40),
                              "signature": "[REDACTED_SIGNATURE]"})
        conv.respond(blocks, "tool_use")
        for block in blocks:
            if block["type"] == "tool_use":
                room = (budget - out.size - 6 * KIB) // 2
                size = 2 * KIB if block["name"] == "Edit" else tool_output_size(self.ids)
                conv.tool_result(block["id"], block["name"], max(2 * KIB, min(size, room)))

    def run_subagents(self, conv: Conversation, subagents: list) -> None:
        """One response with parallel Task calls; each subagent writes its own file."""
        batch = [subagents.pop(0) for _ in range(self.rng.randrange(1, len(subagents) + 1))]
        tasks = [b for b in batch if b[0] == "task"]
        blocks = [conv.tool_block("Task") for _ in tasks]
        for block in blocks:
            block["input"] = {"subagent_type": "general-purpose",
                              "description": self.ids.words(3), "prompt": self.ids.words(40)}
        if blocks:
            conv.respond([conv.text_block(5, 40)] + blocks, "tool_use")
        for kind, budget in batch:
            if kind == "compact":
                self.subagent_file(conv, "acompact-" + self.ids.b58(6).lower(), 0, kind, "")
                continue
            block, agent_id = blocks.pop(0), self.ids.agent()
            used = self.subagent_file(conv, agent_id, int(budget), kind, block["id"])
            conv.task_result(block["id"], agent_id, self.ids.words(30), used)

    def subagent_file(self, parent: Conversation, agent_id: str, budget: int, kind: str,
                      task_id: str) -> dict:
        plan = parent.plan
        path = os.path.join(self.root, plan.project.dirname, plan.session_id, "subagents",
                            f"agent-{agent_id}.jsonl")
        out = Transcript(path)
        saved_damage, self.pending_damage = self.pending_damage, []
        prompt = self.ids.words(40)
        sub = Conversation(self, out, plan, sidechain=True, agent_id=agent_id,
                           model=self.rng.choice(SUB_MODELS_V2) if kind == "task" else parent.model,
                           echo=parent if kind == "task" else None, echo_prompt=prompt,
                           task_id=task_id)
        used = {}
        if kind == "compact":
            sub.respond([sub.text_block(50, 300)], None, partial_only=True)
        else:
            sub.prompt(prompt)
            while True:
                self.tool_step(sub, out, budget)
                if out.size >= budget - 8 * KIB:
                    break
            used = sub.respond([sub.text_block(20, 200)], "end_turn")
        out.close()
        self.pending_damage = saved_damage
        self.written += out.size
        self.files_written += 1
        return used

    def inline_sidechain(self, conv: Conversation, out: Transcript, budget: int) -> None:
        """Claude Code 1.0.x wrote Task subagents into the session file with isSidechain."""
        side = Conversation(self, out, conv.plan, model=conv.model, sidechain=True)
        side.prompt(self.ids.words(30))
        self.tool_step(side, out, budget)
        side.respond([side.text_block(20, 150)], "end_turn")


def floor_bytes(plan: SessionPlan) -> int:
    """About the smallest a session's files come out, whatever their budget."""
    return MAIN_FLOOR + sum(SUB_FLOOR + ECHO_FLOOR if kind == "task" else COMPACT_FLOOR
                            for kind in plan.subagents)


def default_files(size_mb: float) -> int:
    return max(3, round(size_mb * 0.4))


def main(argv: list[str]) -> int:
    global START_MS
    parser = argparse.ArgumentParser(
        description="Generate a synthetic Claude Code transcript tree.")
    parser.add_argument("--out", required=True, help="output directory (DIR/projects is created)")
    parser.add_argument("--size-mb", type=float, required=True, help="total size in MiB")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--files", type=int, help="approximate number of files")
    parser.add_argument("--bad-lines", action="store_true", help="add damaged and odd lines")
    parser.add_argument("--ccusage-compatible", action="store_true",
                        help="every response has a requestId and resumed sessions copy "
                             "whole responses, so ccusage 20 and context-cleaner agree")
    parser.add_argument("--start-ms", type=int, default=None,
                        help="start of the 60 days of timestamps, in ms since the epoch "
                             "(default 2025-09-01T00:00:00Z)")
    args = parser.parse_args(argv)
    if args.start_ms is not None:
        START_MS = args.start_ms
    if args.size_mb <= 0 or (args.files is not None and args.files < 1):
        parser.error("--size-mb and --files must be positive")
    projects = os.path.join(args.out, "projects")
    if os.path.isdir(projects) and os.listdir(projects):
        print(f"gen_corpus.py: error: {projects} is not empty", file=sys.stderr)
        return 2

    started = time.monotonic()
    files = args.files or default_files(args.size_mb)
    gen = Generator(args.out, int(args.size_mb * MIB), files, args.seed, args.bad_lines,
                    args.ccusage_compatible)
    gen.run()
    print(f"gen_corpus.py: {gen.files_written} files, {gen.written} bytes "
          f"({gen.written / MIB:.1f} MiB) in {projects}, seed {args.seed}, "
          f"{time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
