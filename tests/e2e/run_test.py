#!/usr/bin/env python3
"""`context-cleaner run`: one process, one Ctrl-C; and when ports are taken.

Usage: python3 tests/e2e/run_test.py --binary build/dev/context-cleaner

  * Something already listens on 127.0.0.1:4318 (an OpenTelemetry Collector,
    say): `run` with the default port warns, names --otel-port, and runs on
    without the receiver: a line appended to a transcript reaches the ledger,
    and SIGTERM stops it with exit 0.
  * The same port asked for with --otel-port is an error: exit 3 (an
    environment problem), the message naming the way out; so is a taken
    dashboard --port.
  * The whole service (monitor, dashboard, receiver): both servers answer,
    and one SIGINT (Ctrl-C) stops all three with exit 0 within 5 s, their
    ports closed.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import re
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import Cli, TestFailure  # noqa: E402
from e2e_common import wait_for as common_wait_for  # noqa: E402


def assistant(n):
    return json.dumps({
        "type": "assistant", "uuid": f"u-{n}", "sessionId": "s-1",
        "timestamp": f"2025-09-03T10:00:0{n}.000Z", "requestId": f"req_{n}",
        "cwd": "/w", "version": "2.0.0",
        "message": {"id": f"msg_{n}", "model": "claude-sonnet-4-20250514",
                    "role": "assistant", "content": [],
                    "usage": {"input_tokens": 1, "output_tokens": 2}}})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--default-port-only", action="store_true")
    ap.add_argument("--tmp")
    ap.add_argument("--transcript")
    args, base = ap.parse_known_args()
    if args.default_port_only:  # Inside `unshare -rn` (default_port_taken).
        try:
            loopback_up()
        except OSError:
            sys.exit(NO_NETNS)
        default_port_taken(args.binary, base, dict(os.environ), args.tmp,
                           args.transcript)
        return
    with tempfile.TemporaryDirectory() as tmp:
        project = os.path.join(tmp, "claude", "projects", "-w")
        os.makedirs(project)
        transcript = os.path.join(project, "s-1.jsonl")
        with open(transcript, "w") as f:
            f.write(assistant(1) + "\n")
        base = ["--claude-dir", os.path.join(tmp, "claude"),
                "--ledger", os.path.join(tmp, "ledger.db")]
        env = dict(os.environ, HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, "cfg"))

        default_port_taken(args.binary, base, env, tmp, transcript)

        # A port of our own, taken for certain (4318 may be another's).
        taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        out = subprocess.run([args.binary] + base +
                             ["run", "--no-dashboard", "--otel-port", str(port)],
                             capture_output=True, text=True, env=env, timeout=30)
        if out.returncode != 3 or "--no-otel" not in out.stderr:
            sys.exit(f"run_test: FAIL: --otel-port {port} (taken) gave exit "
                     f"{out.returncode}:\n{out.stderr}")
        out = subprocess.run([args.binary] + base +
                             ["run", "--port", str(port), "--otel-port", "0"],
                             capture_output=True, text=True, env=env, timeout=30)
        if out.returncode != 3 or "--port" not in out.stderr:
            sys.exit(f"run_test: FAIL: --port {port} (taken) gave exit "
                     f"{out.returncode}:\n{out.stderr}")
        taken.close()
        whole_service(args.binary, base, env, tmp)
    print("run_test: PASS: a taken default port is a warning, a taken "
          "--otel-port or --port an error (exit 3); one SIGINT stops monitor, "
          "dashboard and receiver with exit 0")


def default_port_taken(binary, base, env, tmp, transcript):
    """`run` when something else holds the default port 4318: a warning
    naming --otel-port, and the monitor runs. In a private network namespace
    (unshare -rn) when the system allows one, so no other test's `run` can
    take or free 4318 meanwhile."""
    if os.environ.get("RUN_TEST_IN_NETNS") != "1" and private_netns_works():
        inner = subprocess.run(
            ["unshare", "-rn", sys.executable, os.path.abspath(__file__),
             "--binary", os.path.abspath(binary), "--default-port-only",
             "--tmp", tmp, "--transcript", transcript] + base,
            env=dict(env, RUN_TEST_IN_NETNS="1"), timeout=300)
        if inner.returncode == 0:
            return
        if inner.returncode != NO_NETNS:
            sys.exit(f"run_test: FAIL: the default-port case (exit {inner.returncode})")
    if os.environ.get("RUN_TEST_IN_NETNS") != "1":
        print("run_test: note: no private network namespace here (unshare -rn); "
              "the default-port case uses the host's 127.0.0.1:4318")
    blocker = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        blocker.bind(("127.0.0.1", 4318))
        blocker.listen(1)
    except OSError:
        blocker.close()
        blocker = None  # Something listens there already: as good.

    errlog = open(os.path.join(tmp, "stderr"), "w+")
    proc = subprocess.Popen([binary] + base + ["run", "--no-dashboard"],
                            stdout=subprocess.DEVNULL, stderr=errlog, env=env)
    try:
        def warned():
            errlog.seek(0)
            return "running without the OpenTelemetry receiver" in errlog.read()
        wait_for(lambda: warned() or proc.poll() is not None,
                 "the warning about the taken port")
        if proc.poll() is not None:
            errlog.seek(0)
            sys.exit(f"run_test: FAIL: run exited {proc.returncode} when the "
                     f"OpenTelemetry port was taken:\n{errlog.read()}")
        errlog.seek(0)
        if "--otel-port" not in errlog.read():
            sys.exit("run_test: FAIL: the warning does not name --otel-port")
        wait_for(lambda: ledger_events(binary, base) == 1, "the first event")
        with open(transcript, "a") as f:
            f.write(assistant(2) + "\n")
        wait_for(lambda: ledger_events(binary, base) == 2,
                 "a line appended while running")
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
        if code != 0:
            sys.exit(f"run_test: FAIL: SIGTERM gave exit {code}")
    finally:
        if proc.poll() is None:
            proc.kill()
        if blocker:
            blocker.close()


NO_NETNS = 77


def private_netns_works():
    try:
        return subprocess.run(["unshare", "-rn", "true"], capture_output=True,
                              timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def loopback_up():
    """Brings `lo` up in a fresh network namespace (SIOCSIFFLAGS)."""
    import fcntl
    import struct
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        iff_up, iff_loopback, iff_running = 0x1, 0x8, 0x40
        fcntl.ioctl(s.fileno(), 0x8914, struct.pack(
            "16sH14s", b"lo", iff_up | iff_loopback | iff_running, b""))
    finally:
        s.close()


def whole_service(binary, base, env, tmp):
    errlog = open(os.path.join(tmp, "stderr-all"), "w+")
    proc = subprocess.Popen([binary] + base + ["run", "--port", "0", "--otel-port", "0"],
                            stdout=subprocess.DEVNULL, stderr=errlog, env=env)
    try:
        def text():
            errlog.seek(0)
            return errlog.read()
        wait_for(lambda: ("dashboard at" in text() and "receiver at" in text())
                 or proc.poll() is not None, "the dashboard's and receiver's addresses")
        if proc.poll() is not None:
            sys.exit(f"run_test: FAIL: run exited {proc.returncode}:\n{text()}")
        dashboard = re.search(r"dashboard at (http://\S+)", text()).group(1)
        receiver = re.search(r"receiver at (http://\S+)", text()).group(1)
        ledger = base[base.index("--ledger") + 1]
        if f"{dashboard} for the ledger {ledger}" not in text():
            sys.exit(f"run_test: FAIL: run does not say which ledger its dashboard shows:\n{text()}")
        with urllib.request.urlopen(dashboard.rstrip("/") + "/healthz", timeout=5) as r:
            if r.read() != b"ok\n":
                sys.exit("run_test: FAIL: /healthz did not say ok")
        ports = [int(dashboard.rsplit(":", 1)[1].strip("/")), int(receiver.rsplit(":", 1)[1])]
        for p in ports:
            socket.create_connection(("127.0.0.1", p), timeout=2).close()
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=20)
        took = time.monotonic() - started
        if code != 0 or took > 5:
            sys.exit(f"run_test: FAIL: SIGINT gave exit {code} after {took:.1f} s:\n{text()}")
        for p in ports:
            try:
                socket.create_connection(("127.0.0.1", p), timeout=2).close()
                sys.exit(f"run_test: FAIL: port {p} still answers after run exited")
            except OSError:
                pass
    finally:
        if proc.poll() is None:
            proc.kill()


def wait_for(predicate, what, seconds=60):
    try:
        common_wait_for(predicate, what, seconds)
    except TestFailure as e:
        sys.exit(f"run_test: FAIL: {e}")


def ledger_events(binary, base):
    """The ledger's event count; `base` is [--claude-dir, D, --ledger, L]."""
    return Cli(binary, base[1], base[3]).events()


if __name__ == "__main__":
    main()
