#!/usr/bin/env python3
"""clickhouse_test: the real binary ships its ledger to ClickHouse.

The server is tests/chdb/chdb_http_server: ClickHouse's HTTP interface on
loopback, executed by the real engine (chDB). After each step, the rows in
ClickHouse (read back through the same HTTP interface, with FINAL) must
equal the ledger's own report; the password must never be printed.

With CONTEXT_CLEANER_TEST_CLICKHOUSE_URL=http(s)://user:password@host:port
the same scenario runs against that real server instead, in a new database
of its own (dropped at the end); the outage, which needs the test server's
fault switch, is then left out.
"""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from e2e_common import Cli, assistant_line, check, main, stop

PASSWORD = "pa55-w0rd-never-shown"


def assistant(key, ts, output):
    return assistant_line(key, ts, {"input_tokens": 10, "output_tokens": output,
                                    "cache_read_input_tokens": 1000})


class Env:
    def __init__(self, script):
        tmp = script.tmp
        self.root = os.path.join(tmp, "claude")
        os.makedirs(os.path.join(self.root, "projects", "p"))
        real = os.environ.get("CONTEXT_CLEANER_TEST_CLICKHOUSE_URL")
        self.db = "team"
        self.server = None
        if real:
            u = urllib.parse.urlsplit(real)
            self.user = urllib.parse.unquote(u.username or "default")
            self.password = urllib.parse.unquote(u.password or "")
            self.db = f"cc_e2e_{os.getpid()}_{int(time.time())}"
            port = u.port or (8443 if u.scheme == "https" else 8123)
            self.base = f"{u.scheme}://{u.hostname}:{port}"
        else:
            self.server = subprocess.Popen([script.args.server, "writer", PASSWORD],
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           text=True)
            self.user, self.password = "writer", PASSWORD
            self.base = f"http://127.0.0.1:{int(self.server.stdout.readline())}"
        self.url = self.url_with(self.user)
        env = dict(os.environ, CLICKHOUSE_PASSWORD=self.password, HOME=tmp,
                   XDG_CONFIG_HOME=os.path.join(tmp, "cfg"), USER="alice")
        env.pop("CONTEXT_CLEANER_TEST_CLICKHOUSE_URL", None)
        self.cli = Cli(script.binary, self.root, os.path.join(tmp, "ledger.db"), env)

    def url_with(self, userinfo):
        scheme, host = self.base.split("://")
        return f"{scheme}://{userinfo}@{host}/{self.db}"

    def close(self):
        if self.server is None:
            self.clickhouse(f"DROP DATABASE IF EXISTS `{self.db}`")
            return
        self.server.stdin.close()
        self.server.wait(timeout=30)

    def start(self, *args, **kw):
        """The program on this ClickHouse, running (text output)."""
        return self.cli.popen("--clickhouse", self.url, *args, text=True, **kw)

    def stop(self, p, what):
        """SIGTERM: exit 0, the password never printed."""
        _, out, err = stop(p, str(what), 30)
        check(self.password not in out + err, f"{what} printed the password")

    def run(self, *args, url=None, expect=0):
        p = subprocess.run(self.cli.args("--clickhouse", url or self.url, *args),
                           capture_output=True, text=True, env=self.cli.env, timeout=120)
        check(self.password not in p.stdout + p.stderr, f"{args}: the password was printed")
        check(p.returncode == expect,
              f"{args}: exit {p.returncode}\n{p.stdout[-1500:]}\n{p.stderr[-1500:]}")
        return p

    def shipping(self, url=None):
        return json.loads(self.run("bridge", "sync-status", "--json", url=url).stdout)["shipping"]

    def append(self, *lines):
        with open(os.path.join(self.root, "projects", "p", "s-1.jsonl"), "a") as f:
            for line in lines:
                f.write(line + "\n")

    def clickhouse(self, sql):
        req = urllib.request.Request(
            f"{self.base}/?database={self.db}", data=sql.replace("team.", self.db + ".").encode(),
            headers={"X-ClickHouse-User": self.user, "X-ClickHouse-Key": self.password,
                     "Content-Type": "text/plain"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read().decode()

    def compare(self, what):
        rep = json.loads(self.run("report", "daily", "--json", "-z", "UTC").stdout)["totals"]
        row = self.clickhouse(
            "SELECT count(), sum(input_tokens), sum(output_tokens), "
            "sum(cache_read_tokens), sum(cost_nano) FROM team.events FINAL "
            "FORMAT TabSeparated").split()
        ours = [rep["events"], rep["inputTokens"], rep["outputTokens"], rep["cacheReadTokens"]]
        check([int(x) for x in row[:4]] == ours, f"{what}: ClickHouse {row} != ledger {ours}")
        cost = rep["totalCost"]
        check(abs(int(row[4]) / 1e9 - float(cost)) < 1e-9,
              f"{what}: cost {int(row[4]) / 1e9} != {cost}")
        return int(row[0])


def scenario(script):
    env = Env(script)
    try:
        return ship(env)
    finally:
        env.close()


def ship(env):
    env.append(*[assistant(f"a{i}", f"2025-09-03T10:{i:02d}:00.000Z", 3) for i in range(20)])
    out = json.loads(env.run("bridge", "sync", "--once", "--json").stdout)
    check(out["shipping"]["rowsShipped"] == 20 and out["shipping"]["rowsWaiting"] == 0,
          f"first sync: {out['shipping']}")
    check(env.compare("after the first sync") == 20, "20 events")
    st = env.shipping()
    check(st["status"] == "ok" and st["rowsPending"] == 0 and "***" in st["target"],
          f"status: {st}")

    # Streaming partials grow into their finals: replaced, not added.
    env.append(*[assistant(f"a{i}", f"2025-09-03T10:{i:02d}:01.000Z", 172) for i in range(20)])
    env.run("bridge", "sync", "--once")
    check(env.compare("after the finals") == 20, "still 20 events")

    if env.server is None:  # A real server: no fault switch.
        env.append(*[assistant(f"b{i}", f"2025-09-04T11:{i:02d}:00.000Z", 50) for i in range(5)])
        env.run("bridge", "sync", "--once")
    else:
        outage(env)
    check(env.compare("after the outage") == 25, "25 events")
    return wrong_password_validate_reports_monitor(env)


def outage(env):
    # An outage: the sync itself succeeds, the rows wait, nothing is lost.
    env.server.send_signal(signal.SIGUSR1)
    time.sleep(0.3)
    env.append(*[assistant(f"b{i}", f"2025-09-04T11:{i:02d}:00.000Z", 50) for i in range(5)])
    p = env.run("bridge", "sync", "--once")
    check("wait in the outbox" in p.stderr, f"outage warning: {p.stderr}")
    st = env.shipping()
    check(st["status"] == "retrying" and st["rowsPending"] == 5, f"during the outage: {st}")
    env.server.send_signal(signal.SIGUSR2)
    time.sleep(0.3)
    # The next run sends what waited (its backoff has passed by then? force:
    # a batch frozen before the outage is due after its backoff, so wait).
    for _ in range(40):
        env.run("bridge", "sync", "--once")
        st = env.shipping()
        if st["rowsPending"] == 0:
            break
        time.sleep(0.5)
    check(st["rowsPending"] == 0 and st["status"] == "ok", f"after the outage: {st}")


def wrong_password_validate_reports_monitor(env):
    # A wrong password stops shipping, says so, keeps the outbox.
    env.append(assistant("c1", "2025-09-05T09:00:00.000Z", 9))
    bad = env.url_with(env.user + ":wrong")
    p = env.run("bridge", "sync", "--once", url=bad)
    check("STOPPED" in p.stderr and "wrong" not in p.stderr, f"stopped: {p.stderr}")
    st = env.shipping(url=bad)
    check(st["status"] == "stopped" and st["rowsPending"] == 1, f"stopped status: {st}")
    env.run("bridge", "sync", "--once")
    check(env.compare("after fixing the password") == 26, "26 events")

    # validate --clickhouse: equal now; a row changed behind our back is seen.
    v = json.loads(env.run("bridge", "validate", "--json").stdout)
    check(v["ok"] and v["daysCompared"] == 3 and v["rowsNotYetShipped"] == 0,
          f"validate --clickhouse: {v}")
    env.clickhouse(
        "INSERT INTO team.events (key, source, user, timestamp, output_tokens, "
        "change_seq) SELECT key, source, user, timestamp, output_tokens + 1, "
        "change_seq + 1000000 FROM team.events FINAL WHERE key LIKE 'msg_c1%'")
    p = env.run("bridge", "validate", expect=1)
    check("MISMATCH" in p.stdout and "2025-09-05" in p.stdout, f"tampered: {p.stdout}")
    env.clickhouse("DELETE FROM team.events WHERE change_seq > 1000000")

    # Every report, from ClickHouse, is the ledger's report.
    for kind in ("daily", "weekly", "monthly", "session", "blocks"):
        args = ("report", kind, "--json", "-z", "Asia/Tokyo")
        ours = env.run(*args).stdout
        theirs = env.run(*args, "--from", "clickhouse").stdout
        check(ours == theirs, f"report {kind}: from ClickHouse differs:\n{ours}\n{theirs}")
    # The monitor ships beside its ingestion, within seconds of a line; so
    # does `run`, the all-in-one service.
    def follow_and_ship(command, first, want):
        mon = env.start(*command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            time.sleep(1.0)
            env.append(*[assistant(f"m{i}", f"2025-09-06T08:{i:02d}:00.000Z", 77)
                         for i in range(first, first + 3)])
            deadline = time.monotonic() + 20
            count = 0
            while time.monotonic() < deadline:
                count = int(env.clickhouse(
                    "SELECT count() FROM team.events FINAL FORMAT TabSeparated").strip())
                if count == want:
                    break
                time.sleep(0.2)
            check(count == want, f"{command}: {count} rows in ClickHouse, want {want}")
        finally:
            env.stop(mon, command)
        check(env.compare(f"after {command}") == want, f"{want} events")

    follow_and_ship(["bridge", "sync", "--start-monitoring"], 0, 29)
    follow_and_ship(["run", "--no-dashboard", "--no-otel"], 3, 32)
    dashboards_agree(env)
    return ("ship, replace, outage, auth failure, reports from ClickHouse, "
            "monitor and run shipping, dashboard from ClickHouse: ClickHouse equals the ledger")


def dashboards_agree(env):
    """`dashboard --from clickhouse` answers as `dashboard` over the ledger."""
    def start(*extra):
        p = env.start("dashboard", "--port", "0", "-z", "Asia/Tokyo", *extra,
                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        line = p.stderr.readline()
        check("dashboard at http://" in line, f"{extra}: {line}")
        return p, line.split("dashboard at ")[1].split()[0]

    def get(base, path, keep_origin=False):
        with urllib.request.urlopen(base.rstrip("/") + path, timeout=30) as r:
            body = json.loads(r.read().decode())
        for k in ("version", "origin", "now") + (() if keep_origin else ("originTarget",)):
            body.pop(k, None)
        return body

    ledger, ledger_url = start()
    team, team_url = start("--from", "clickhouse")
    try:
        for path in ("/api/overview", "/api/series?bucket=day&from=2025-09-01&to=2025-09-10",
                     "/api/series?bucket=hour&from=2025-09-03&to=2025-09-06",
                     "/api/breakdown?by=session", "/api/breakdown?by=project&sort=name",
                     "/api/breakdown?by=source", "/api/session?id=s-1"):
            ours, theirs = get(ledger_url, path), get(team_url, path)
            check(ours == theirs, f"dashboard {path}: from ClickHouse differs:\n{ours}\n{theirs}")
        total = get(team_url, "/api/overview")["allTime"]["events"]
        check(total == 32, f"dashboard from ClickHouse: {total} events")
        o = get(team_url, "/api/overview", keep_origin=True)
        check(o["originTarget"].endswith("/team") and env.password not in json.dumps(o),
              f"overview from ClickHouse: which one: {o.get('originTarget')}")
        h = get(team_url, "/api/health", keep_origin=True)
        check(h["originTarget"].endswith("/team") and env.password not in json.dumps(h),
              f"health from ClickHouse: {h}")
        # Budgets are each machine's ledger's: the team's dashboard says so.
        b = get(team_url, "/api/budgets")
        check(b["available"] is False and b["budgets"] == [] and "ledger" in b["note"],
              f"budgets from ClickHouse: {b}")
    finally:
        for p, what in ((ledger, "dashboard"), (team, "dashboard --from clickhouse")):
            env.stop(p, what)


if __name__ == "__main__":
    sys.exit(main("clickhouse_test", __doc__, scenario,
                  add_args=lambda ap: ap.add_argument(
                      "--server", required=True, help="tests/chdb/chdb_http_server")))
