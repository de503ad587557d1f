"""What the egress allowlist costs: per connection, and to start a jailed command behind the bridge.

Per connection: a client opens a connection to an echo server on this
machine's loopback, sends one byte and reads it back, and closes; directly
(outside any jail), and from inside the jail through the bridge and the proxy
(CONNECT, the way an agent's HTTPS goes). Start: `python -I -c pass` in the
jail without and with the bridge in front of it. Medians, alternating runs.

    .venv/bin/python bench/egress.py [--connections 200] [--starts 30]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from healer.config.settings import SandboxSettings
from healer.pipeline.egress import open_egress
from healer.pipeline.jail import Jail, choose

CLIENT = """
import http.client, json, os, socket, sys, time, urllib.parse
port, count, through = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "proxy"
proxy = urllib.parse.urlsplit(os.environ.get("HTTPS_PROXY", "http://127.0.0.1:1"))
times = []
for _ in range(count):
    began = time.perf_counter()
    if through:
        connection = http.client.HTTPConnection(proxy.hostname, proxy.port, timeout=10)
        connection.set_tunnel("127.0.0.1", port)
        connection.connect()
        side = connection.sock
    else:
        side = socket.create_connection(("127.0.0.1", port), timeout=10)
    side.sendall(b"x")
    assert side.recv(1) == b"x"
    side.close()
    times.append(time.perf_counter() - began)
print(json.dumps(times))
"""


def echo_server() -> int:
    listener = socket.create_server(("127.0.0.1", 0), backlog=128)

    def one(connection: socket.socket) -> None:
        with connection:
            while data := connection.recv(4096):
                connection.sendall(data)

    def serve() -> None:
        while True:
            connection, _ = listener.accept()
            threading.Thread(target=one, args=(connection,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return int(listener.getsockname()[1])


def run(argv: Sequence[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(argv), env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])}... exited {done.returncode}: {done.stderr[-800:]}")
    return done


def main(args: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=200, help="connections timed each way (default 200)")
    parser.add_argument("--starts", type=int, default=30, help="jailed starts timed each way (default 30)")
    options = parser.parse_args(args)
    choice = choose(SandboxSettings())
    if choice.jail is None:
        raise SystemExit(f"bench/egress.py needs a working jail: {choice.problem}")
    jail: Jail = choice.jail
    port = echo_server()
    env = dict(os.environ)
    with (
        tempfile.TemporaryDirectory(prefix="healer-bench-egress-") as where,
        open_egress([f"127.0.0.1:{port}"]) as egress,
    ):
        copy = Path(where)
        count = str(options.connections)
        client = [sys.executable, "-I", "-c", CLIENT, str(port), count]
        direct = json.loads(run([*client, "direct"], env).stdout)
        jailed, inside = jail.wrap([*client, "proxy"], copy, env, [where], egress=egress)
        proxied = json.loads(run(jailed, inside).stdout)
        bare = jail.wrap([sys.executable, "-I", "-c", "pass"], copy, env, [where])
        bridged = jail.wrap([sys.executable, "-I", "-c", "pass"], copy, env, [where], egress=egress)
        starts: dict[str, list[float]] = {"jail": [], "jail + bridge": []}
        run(*bare)
        run(*bridged)  # the page cache warmed
        for number in range(options.starts):
            order = [("jail", bare), ("jail + bridge", bridged)]
            for name, (argv, environment) in order if number % 2 == 0 else reversed(order):
                began = time.perf_counter()
                run(argv, environment)
                starts[name].append(time.perf_counter() - began)
    ms = 1000
    print(f"bench/egress.py: {jail.binary}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    one = statistics.median(direct) * ms
    two = statistics.median(proxied) * ms
    print(f"  connection + 1-byte round trip (median of {len(direct)}):")
    print(f"    direct, unjailed          {one:7.3f} ms")
    print(f"    jailed, bridge + proxy    {two:7.3f} ms   (+{two - one:.3f} ms per connection)")
    print(f"    p90 jailed                {sorted(proxied)[int(0.9 * len(proxied))] * ms:7.3f} ms")
    plain = statistics.median(starts["jail"]) * ms
    behind = statistics.median(starts["jail + bridge"]) * ms
    print(f"  python -I -c pass, started (median of {options.starts}):")
    print(f"    jailed                    {plain:7.1f} ms")
    print(f"    jailed behind the bridge  {behind:7.1f} ms   (+{behind - plain:.1f} ms to start)")
    print(f"  refused {egress.refused}, allowed {egress.allowed}")


if __name__ == "__main__":
    main()
