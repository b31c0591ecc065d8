#!/usr/bin/env python3
"""One week-start setting for `report weekly` and the dashboard.

A request on Wednesday 2025-09-10 (UTC) is in the week labelled:
  no setting:                         2025-09-07 (Sunday, ccusage's default)
  config "startOfWeek": "monday":   2025-09-08
  --start-of-week tue over that:      2025-09-09
  config "tuesday", the dashboard:    /api/series weeks start 2025-09-09
A bad config value is exit 2 naming "startOfWeek" and the config file.

    python3 tests/e2e/week_start_test.py --binary PATH
"""

import json
import os
import re
import subprocess
import sys
import urllib.request

from e2e_common import Cli, assistant_line, fail, main, stop, wait_for


def weeks(cli: Cli, *extra: str) -> list[str]:
    out = cli.json("report", "weekly", "--json", "-z", "UTC", *extra)
    return [w["week"] for w in out["weekly"]]


def scenario(script) -> str:
    root = script.path("claude")
    project = os.path.join(root, "projects", "-w")
    os.makedirs(project)
    with open(os.path.join(project, "s-1.jsonl"), "w") as f:
        f.write(assistant_line("w1", "2025-09-10T12:00:00.000Z",
                               {"input_tokens": 10, "output_tokens": 5}) + "\n")
    config = script.path("config.json")
    env = dict(os.environ, XDG_CONFIG_HOME=script.path("xdg"))
    cli = Cli(script.binary, root, script.path("ledger.db"), env=env)
    cli.ok("bridge", "backfill")

    if weeks(cli) != ["2025-09-07"]:
        fail(f"no setting: weeks {weeks(cli)}, want Sunday 2025-09-07")
    with open(config, "w") as f:
        json.dump({"startOfWeek": "monday"}, f)
    if weeks(cli, "--config", config) != ["2025-09-08"]:
        fail(f"config monday: weeks {weeks(cli, '--config', config)}, want 2025-09-08")
    if weeks(cli, "--config", config, "--start-of-week", "tue") != ["2025-09-09"]:
        fail("--start-of-week does not win over the config file")

    with open(config, "w") as f:
        json.dump({"startOfWeek": "tuesday"}, f)
    log = open(script.path("dashboard.err"), "w+")
    proc = cli.popen("--config", config, "dashboard", "--port", "0", "-z", "UTC",
                     stdout=subprocess.DEVNULL, stderr=log)
    try:
        def url() -> str | None:
            log.seek(0)
            m = re.search(r"dashboard at (http://\S+)", log.read())
            return m.group(1) if m else None
        wait_for(lambda: url() is not None or proc.poll() is not None, "the dashboard's address")
        if proc.poll() is not None:
            fail(f"dashboard exited {proc.returncode}")
        with urllib.request.urlopen(url() + "api/series?bucket=week&from=2025-09-01&to=2025-09-14",
                                    timeout=10) as r:
            series = json.load(r)
        tuesday_ms = 1757376000000  # 2025-09-09T00:00:00Z
        if tuesday_ms not in series.get("starts", []):
            fail(f"the dashboard's weeks do not start on the config's Tuesday: "
                 f"{json.dumps(series)[:400]}")
    finally:
        stop(proc, "dashboard", 10, script.path("dashboard.err"))

    with open(config, "w") as f:
        json.dump({"startOfWeek": "someday"}, f)
    p = cli.expect(2, "--config", config, "report", "weekly")
    err = p.stderr.decode()
    if "startOfWeek" not in err or "someday" not in err:
        fail(f"a bad config value is not named: {err}")
    return "Sunday by default; the config's day in reports and the dashboard; the flag wins"


if __name__ == "__main__":
    sys.exit(main("week_start_test", __doc__, scenario, scales=("ci",)))
