#!/usr/bin/env python3
"""`context-cleaner run`'s two ports against hostile clients (issue: trust at
the edges I). The whole service runs (monitor, dashboard, receiver); then:

  * slowloris: N connections to each port, each sending one header byte a
    second; meanwhile, once a second, GET /healthz (dashboard) and POST
    /v1/logs (receiver) must each answer within 1 s, and every probe's
    event must be stored;
  * a header flood (far more than 64 KiB of header lines) is answered 431
    and the connection closed before the flood is read;
  * 20 gzip bombs and 20 garbage bodies of the maximum size (16 MiB): each
    refused (413, 400), and idle RSS afterwards within 10 MB of before.

Prints the probe latencies (p50, max) and RSS before/after; exit 1 on a
failed check. `--connections 200 --seconds 30` is the issue's figure
(bench/http_edges_bench.py runs that); CI runs 200 for 12 s (past the
10 s header deadline, so the slow connections are cut and come back).

Usage: python3 tests/e2e/http_edges_test.py --binary build/dev/context-cleaner
"""

import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import zlib

from e2e_common import Cli, fail, main, make_log, stop

MAX_BODY = 16 << 20
log = make_log("http_edges_test")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def otlp_json(request_id):
    attrs = {"model": "claude-sonnet-4-20250514", "request_id": request_id,
             "input_tokens": "1", "output_tokens": "2", "session.id": "s-edges"}
    record = {"timeUnixNano": str(time.time_ns()),
              "eventName": "claude_code.api_request",
              "attributes": [{"key": k, "value": {"stringValue": v}}
                             for k, v in attrs.items()]}
    body = {"resourceLogs": [{"scopeLogs": [{"logRecords": [record]}]}]}
    return json.dumps(body).encode()


def exchange(port, request, timeout=5.0):
    """Sends a raw request; returns (status, seconds, answer bytes)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(request)
        except OSError:
            pass  # Closed early: the answer may still be there.
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
    took = time.monotonic() - started
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return (int(m.group(1)) if m else 0), took, data


def post(port, path, body, content_type="application/json", extra=b""):
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n").encode() + extra + b"\r\n"
    return exchange(port, head + body, timeout=60)


def get(port, path):
    return exchange(port, (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           "Connection: close\r\n\r\n").encode())


class SlowSenders:
    """n connections to each port, one header byte a second each; a cut
    connection is opened again, as an attacker would."""

    def __init__(self, ports, n):
        self.ports, self.n = ports, n
        self.stop = threading.Event()
        self.reopened = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def open_one(self, port):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
            s.setblocking(False)
            s.send(b"GET /healthz HTTP/1.1\r\nX-Slow: ")
            return s
        except OSError:
            return None

    def run(self):
        socks = [(p, self.open_one(p)) for p in self.ports for _ in range(self.n)]
        while not self.stop.wait(1.0):
            for i, (port, s) in enumerate(socks):
                try:
                    if s is None:
                        raise OSError
                    s.send(b"a")
                except OSError:
                    if s:
                        s.close()
                    socks[i] = (port, self.open_one(port))
                    self.reopened += 1
        for _, s in socks:
            if s:
                s.close()


def slowloris(dash, otel, ledger, connections, seconds):
    attack = SlowSenders([dash, otel], connections)
    attack.thread.start()
    time.sleep(1.5)
    health, export = [], []
    ids = []
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        tick = time.monotonic()
        code, took, _ = get(dash, "/healthz")
        if code != 200:
            fail(f"/healthz under slowloris answered {code}")
        health.append(took)
        rid = f"req_edges_{n}"
        code, took, data = post(otel, "/v1/logs", otlp_json(rid))
        if code != 200:
            fail(f"POST /v1/logs under slowloris answered {code}: {data[-300:]!r}")
        export.append(took)
        ids.append(rid)
        n += 1
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    attack.stop.set()
    attack.thread.join()
    db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    stored = db.execute("SELECT COUNT(*) FROM otel_requests WHERE request_id LIKE "
                        "'req_edges_%'").fetchone()[0]
    db.close()
    ms = lambda xs: (statistics.median(xs) * 1000, max(xs) * 1000)
    h, e = ms(health), ms(export)
    log(f"slowloris: {connections} slow connections per port for {seconds} s "
        f"({attack.reopened} cut by the header deadline and reopened)")
    log(f"  GET /healthz     p50 {h[0]:.1f} ms, max {h[1]:.1f} ms ({len(health)} probes)")
    log(f"  POST /v1/logs    p50 {e[0]:.1f} ms, max {e[1]:.1f} ms ({len(export)} probes)")
    log(f"  stored {stored} of {len(ids)} probe events")
    if max(health) >= 1.0 or max(export) >= 1.0:
        fail("a probe took 1 s or more under slowloris")
    if stored != len(ids):
        fail(f"{len(ids) - stored} probe events were not stored")


def header_flood(port):
    flood = b"".join(b"X-Flood-%d: %s\r\n" % (i, b"a" * 40) for i in range(200_000))
    code, took, _ = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + flood +
                             b"\r\n", timeout=10)
    log(f"header flood of {len(flood) >> 20} MB to port {port}: {code} in {took * 1000:.0f} ms")
    if code != 431:
        fail(f"a header flood got {code}, not 431")


def gzip_bomb(inflated_bytes):
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    out = [z.compress(zeros) for _ in range(inflated_bytes >> 20)]
    out.append(z.flush())
    return b"".join(out)


def bad_bodies(otel, pid):
    before = rss_kb(pid)
    bomb = gzip_bomb(200 << 20)
    for _ in range(20):
        code, _, _ = post(otel, "/v1/logs", bomb, "application/x-protobuf",
                          b"Content-Encoding: gzip\r\n")
        if code != 413:
            fail(f"a gzip bomb got {code}, not 413")
    garbage = os.urandom(MAX_BODY)
    for _ in range(20):
        code, _, _ = post(otel, "/v1/logs", garbage, "application/x-protobuf")
        if code != 400:
            fail(f"16 MiB of garbage got {code}, not 400")
    peak = rss_kb(pid)
    time.sleep(2)
    after = rss_kb(pid)
    log(f"RSS: {before / 1024:.1f} MB before 20 gzip bombs and 20 garbage 16 MiB bodies, "
        f"{peak / 1024:.1f} MB right after, {after / 1024:.1f} MB idle 2 s later")
    if after - before > 10 * 1024 and not os.environ.get("CC_SANITIZED_BUILD"):
        fail(f"idle RSS grew by {(after - before) / 1024:.1f} MB (limit 10)")


def scenario(script) -> str:
    tmp = script.tmp
    os.makedirs(os.path.join(tmp, "claude", "projects"))
    cli = Cli(script.binary, os.path.join(tmp, "claude"), os.path.join(tmp, "ledger.db"),
              env=dict(os.environ, HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, "cfg")))
    errlog = open(os.path.join(tmp, "stderr"), "w+")
    proc = cli.popen("run", "--port", "0", "--otel-port", "0", stdout=subprocess.DEVNULL,
                     stderr=errlog)
    try:
        def text():
            errlog.seek(0)
            return errlog.read()
        deadline = time.monotonic() + 30
        while not ("dashboard at" in text() and "receiver at" in text()):
            if proc.poll() is not None or time.monotonic() > deadline:
                fail(f"run did not start:\n{text()}")
            time.sleep(0.05)
        dash = int(re.search(r"dashboard at http://[^:]+:(\d+)", text()).group(1))
        otel = int(re.search(r"receiver at http://[^:]+:(\d+)", text()).group(1))
        slowloris(dash, otel, cli.ledger, script.args.connections, script.args.seconds)
        header_flood(dash)
        header_flood(otel)
        time.sleep(1)
        bad_bodies(otel, proc.pid)
        if proc.poll() is not None:
            fail(f"run exited {proc.returncode}:\n{text()}")
        stop(proc, "run", 20, errlog.name)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return ("probes answered within 1 s under slowloris, header floods 431, bad bodies "
            "refused and their memory returned")


def add_args(ap):
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--seconds", type=int, default=12)


if __name__ == "__main__":
    sys.exit(main("http_edges_test", __doc__, scenario, add_args=add_args))
