#!/usr/bin/env python3
"""`statusline init --write` sets Claude Code's statusLine once, where Claude
Code reads it, and never replaces another status line silently.

  temp HOME:   ~/.claude/settings.json gets a statusLine running the small
               context-cleaner-statusline beside the binary (full path),
               else the binary with `statusline`; other keys kept.
  twice:       a second run says nothing changed and keeps no second backup.
  config dir:  with CLAUDE_CONFIG_DIR set, its settings.json is written.
  another:     a file with another statusLine is left byte for byte (exit 2,
               its command, --force and how to show both named); --force
               replaces it and keeps the old file as a backup.

    python3 tests/e2e/statusline_init_test.py --binary PATH
"""

import json
import os
import subprocess
import sys

from e2e_common import fail, main


def run(script, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([script.binary, "statusline", "init", *args], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)


def expect(p: subprocess.CompletedProcess, code: int, what: str) -> str:
    if p.returncode != code:
        fail(f"{what}: expected exit {code}, got {p.returncode}\n"
             f"stdout: {p.stdout}\nstderr: {p.stderr}")
    return p.stdout + p.stderr


def backups(directory: str) -> list[str]:
    return sorted(f for f in os.listdir(directory) if ".bak-" in f)


def scenario(script) -> str:
    home = script.path("home")
    claude = os.path.join(home, ".claude")
    os.makedirs(claude)
    env = {k: v for k, v in os.environ.items() if k != "CLAUDE_CONFIG_DIR"}
    env["HOME"] = home
    settings = os.path.join(claude, "settings.json")
    with open(settings, "w") as f:
        f.write('{"model": "opus"}\n')

    out = expect(run(script, env, "--write"), 0, "--write on a temp HOME")
    if settings not in out:
        fail(f"the message does not name {settings}:\n{out}")
    with open(settings) as f:
        written = json.load(f)
    line = written.get("statusLine", {})
    small = os.path.join(os.path.dirname(script.binary), "context-cleaner-statusline")
    want = small if os.access(small, os.X_OK) else f"{script.binary} statusline"
    if written.get("model") != "opus" or line.get("type") != "command" or \
            line.get("command") != want:
        fail(f"{settings} is not set up as expected: {written}")

    with open(settings) as f:
        before = f.read()
    out = expect(run(script, env, "--write"), 0, "second --write")
    if "nothing changed" not in out:
        fail(f"a second run does not say nothing changed:\n{out}")
    with open(settings) as f:
        if f.read() != before:
            fail("a second run changed the file")
    if len(backups(claude)) != 1:
        fail(f"one backup expected after two runs: {backups(claude)}")

    config = script.path("config")
    os.makedirs(config)
    expect(run(script, dict(env, CLAUDE_CONFIG_DIR=config), "--write"), 0,
           "--write with CLAUDE_CONFIG_DIR")
    if not os.path.exists(os.path.join(config, "settings.json")):
        fail("CLAUDE_CONFIG_DIR's settings.json was not written")

    theirs = '{"statusLine": {"type": "command", "command": "~/bin/my-line.sh"}}\n'
    other = script.path("other")
    os.makedirs(other)
    other_settings = os.path.join(other, "settings.json")
    with open(other_settings, "w") as f:
        f.write(theirs)
    env_other = dict(env, CLAUDE_CONFIG_DIR=other)
    out = expect(run(script, env_other, "--write"), 2, "--write over another status line")
    for want in ("~/bin/my-line.sh", "--force", "to show both"):
        if want not in out:
            fail(f"the refusal does not say {want!r}:\n{out}")
    with open(other_settings) as f:
        if f.read() != theirs:
            fail("the refused file was changed")
    expect(run(script, env_other, "--write", "--force"), 0, "--write --force")
    kept = backups(other)
    if len(kept) != 1 or open(os.path.join(other, kept[0])).read() != theirs:
        fail(f"--force did not keep the old file as a backup: {kept}")
    return "set once on HOME and CLAUDE_CONFIG_DIR, idempotent, another line kept unless --force"


if __name__ == "__main__":
    sys.exit(main("statusline_init_test", __doc__, scenario, scales=("ci",)))
