#!/usr/bin/env python3
"""`telemetry init --write` writes the settings Claude Code reads, once, and
never replaces another collector silently.

  config dir:  with CLAUDE_CONFIG_DIR set, its settings.json is written (the
               one in HOME is not touched) and the message names it.
  twice:       a second run says nothing changed and keeps no second backup.
  collector:   a file sending telemetry to http://collector:4318 is left
               byte for byte (exit 2, the endpoint and --force named);
               with --force it is replaced and the old file kept as a backup.
  a list:      CLAUDE_CONFIG_DIR naming two directories asks for --settings.

    python3 tests/e2e/telemetry_init_test.py --binary PATH
"""

import json
import os
import subprocess
import sys

from e2e_common import fail, main


def run(script, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([script.binary, "telemetry", "init", *args], env=env,
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
    config = script.path("config")
    os.makedirs(os.path.join(home, ".claude"))
    os.makedirs(config)
    env = dict(os.environ, HOME=home, CLAUDE_CONFIG_DIR=config)
    settings = os.path.join(config, "settings.json")
    with open(settings, "w") as f:
        f.write('{"model": "opus"}\n')

    out = expect(run(script, env, "--write"), 0, "first --write")
    if settings not in out:
        fail(f"the message does not name {settings}:\n{out}")
    with open(settings) as f:
        env_keys = json.load(f)["env"]
    if env_keys.get("OTEL_EXPORTER_OTLP_ENDPOINT") != "http://127.0.0.1:4318":
        fail(f"{settings} does not point at the receiver: {env_keys}")
    if os.listdir(os.path.join(home, ".claude")):
        fail("~/.claude was written although CLAUDE_CONFIG_DIR is set")
    if len(backups(config)) != 1:
        fail(f"one backup expected after the first run: {backups(config)}")

    with open(settings) as f:
        before = f.read()
    out = expect(run(script, env, "--write"), 0, "second --write")
    if "nothing changed" not in out:
        fail(f"a second run does not say nothing changed:\n{out}")
    with open(settings) as f:
        if f.read() != before:
            fail("a second run changed the file")
    if len(backups(config)) != 1:
        fail(f"a second run kept another backup: {backups(config)}")

    theirs = '{"env": {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}}\n'
    other = script.path("other")
    os.makedirs(other)
    other_settings = os.path.join(other, "settings.json")
    with open(other_settings, "w") as f:
        f.write(theirs)
    env_other = dict(env, CLAUDE_CONFIG_DIR=other)
    out = expect(run(script, env_other, "--write"), 2, "--write over another collector")
    if "http://collector:4318" not in out or "--force" not in out:
        fail(f"the refusal does not name the collector and --force:\n{out}")
    with open(other_settings) as f:
        if f.read() != theirs:
            fail("the refused file was changed")
    if backups(other):
        fail(f"a refused run kept a backup: {backups(other)}")
    expect(run(script, env_other, "--write", "--force"), 0, "--write --force")
    with open(other_settings) as f:
        if "collector" in f.read():
            fail("--force did not replace the other collector")
    kept = backups(other)
    if len(kept) != 1 or open(os.path.join(other, kept[0])).read() != theirs:
        fail(f"--force did not keep the old file as a backup: {kept}")

    env_list = dict(env, CLAUDE_CONFIG_DIR=f"{config},{other}")
    out = expect(run(script, env_list, "--write"), 2, "CLAUDE_CONFIG_DIR with two directories")
    if "--settings" not in out:
        fail(f"two config directories do not ask for --settings:\n{out}")
    return "config dir honoured, idempotent, another collector kept unless --force"


if __name__ == "__main__":
    sys.exit(main("telemetry_init_test", __doc__, scenario, scales=("ci",)))
