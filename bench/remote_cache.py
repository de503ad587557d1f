"""Remote cache: a second clone's first run with everything in the shared cache vs the first clone's run.

Each real project of bench/real_projects.py (released sdists in bench/fixtures/real/, nothing fetched) is
made into its repository by `prepare()` there, with `[tool.healer.remote_cache]` pointing at a real nginx
WebDAV location on 127.0.0.1 (tests/cache/webdav.py). Two clones stand for two machines, each with its own
knowledge base: the first (CI, HEALER_REMOTE_CACHE=read-write) runs every stage and puts the results there;
the second (a developer, mode "read") runs `healer run` for the first time, and every result must come from
the server, no stage running. Target: the second run ≥ 10× faster than the first.

Then the cost of a server that is down, per run, once: the first request to a port nothing listens on
(refused), and to one that never answers the connection (a listening socket whose backlog is full, so the
SYN is dropped: what a firewalled or vanished host looks like), with the default connect_timeout (0.08 s);
and the requests after it (none is sent). Target: ≤ 100 ms.

Run: .venv/bin/python bench/remote_cache.py [--project NAME] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from real_projects import PROJECTS, bench_env, git, healer, prepare

from healer.cache.remote import RemoteCache, forget_down

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the nginx the tests start
from tests.cache.webdav import start_webdav  # noqa: E402

TARGET_SPEEDUP = 10.0
TARGET_DOWN_SECONDS = 0.100


def remote_table(url: str) -> str:
    return f'\n[tool.healer.remote_cache]\nurl = "{url}"\nmode = "read"\n'


class Row(NamedTuple):
    project: str
    first_clone_s: float
    second_clone_s: float
    speedup: float
    all_served: bool
    local_s: float
    """The second clone's next run, every result in its local cache now: the floor a served run is near."""


def one_project(name: str, state: Path, url: str, repeat: int) -> Row:
    env = bench_env(state)
    project = next(p for p in PROJECTS if p.name == name)
    base = prepare(project, state, env)
    with (base.root / "pyproject.toml").open("a") as handle:
        handle.write(remote_table(url))
    git(base.root, "commit", "-q", "-am", "share results through the team's remote cache")
    firsts, seconds, locals_, served_all = [], [], [], True
    for attempt in range(repeat):
        # A fresh namespace on the server each time: the first clone must really run everything.
        scoped = f"{url}/{name}-{attempt}"
        clones = []
        for who in ("ci", "laptop"):
            where = state / f"{who}-{attempt}"
            git(state, "clone", "-q", str(base.root), str(where))
            pyproject = where / "pyproject.toml"
            pyproject.write_text(pyproject.read_text().replace(f'url = "{url}"', f'url = "{scoped}"'))
            clones.append(where)
        ci = {**env, "HEALER_DB": str(state / f"ci-{attempt}.db"), "HEALER_REMOTE_CACHE": "read-write"}
        first = healer(clones[0], ci, "run", "--json")
        laptop = {**env, "HEALER_DB": str(state / f"laptop-{attempt}.db")}
        # A developer who has used healer with these tools before: the knowledge base exists and knows the tools'
        # portable identities (hashing a 25 MB ruff once per machine and version, not per clone), but none of
        # this content's results: the same project with one Python file changed everywhere, checked first.
        elsewhere = state / f"elsewhere-{attempt}"
        git(state, "clone", "-q", str(clones[1]), str(elsewhere))
        for source in sorted(elsewhere.rglob("*.py")):
            if ".git" not in source.parts:
                source.write_text(source.read_text() + "\n# another change\n")
        healer(elsewhere, laptop, "run")
        second = healer(clones[1], laptop, "run", "--json")
        if first.code != 0 or second.code != 0:
            raise SystemExit(f"{name}: a run failed: {first.stderr[-2000:]}\n{second.stderr[-2000:]}")
        stages = (second.document or {}).get("stages", [])
        served_all = served_all and bool(stages) and all(stage["cached"] for stage in stages)
        firsts.append(first.wall)
        seconds.append(second.wall)
        locals_.append(healer(clones[1], laptop, "run").wall)
    first_s, second_s = statistics.median(firsts), statistics.median(seconds)
    local_s = statistics.median(locals_)
    return Row(name, round(first_s, 3), round(second_s, 3), round(first_s / second_s, 1), served_all, round(local_s, 3))


def _silent_port() -> tuple[socket.socket, list[socket.socket]]:
    """A port whose connections are never accepted: its backlog is full, so a new SYN goes unanswered."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(server.getsockname())
        fillers.append(filler)
    return server, fillers


def down_cost() -> dict[str, float]:
    found: dict[str, float] = {}
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    refused_port = probe.getsockname()[1]
    probe.close()
    server, fillers = _silent_port()
    try:
        for label, port in (("refused", refused_port), ("no answer", server.getsockname()[1])):
            forget_down()
            said: list[str] = []
            client = RemoteCache(f"http://127.0.0.1:{port}", notify=said.append)
            began = time.perf_counter()
            client.get_action("0" * 64)
            found[f"{label}: first request"] = time.perf_counter() - began
            began = time.perf_counter()
            for _ in range(20):
                client.get_action("1" * 64)
            found[f"{label}: 20 more requests"] = time.perf_counter() - began
            found[f"{label}: notices"] = len(said)
            found[f"{label}: requests sent"] = client.requests
    finally:
        server.close()
        for filler in fillers:
            filler.close()
    forget_down()
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", action="append", help="only this project (repeatable); default: all six")
    parser.add_argument("--repeat", type=int, default=1, help="runs per project (the median is shown)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    names = args.project or [project.name for project in PROJECTS]
    state = Path(tempfile.mkdtemp(prefix="bench-remote-cache-"))
    rows = []
    try:
        for server in start_webdav(state / "nginx"):
            for name in names:
                rows.append(one_project(name, state / name, server.url, args.repeat))
                row = rows[-1]
                first, second = f"{row.first_clone_s:>7.3f} s", f"{row.second_clone_s:>6.3f} s"
                print(f"{row.project:<18} first clone {first}   second clone {second}   {row.speedup:>5.1f}×   "
                      f"all served: {row.all_served}   (its next run, all local: {row.local_s:.3f} s)")  # fmt: skip
    finally:
        shutil.rmtree(state, ignore_errors=True)
    down = down_cost()
    for label, value in down.items():
        shown = f"{value * 1000:.1f} ms" if "request" in label and "sent" not in label else f"{value:g}"
        print(f"server down, {label}: {shown}")
    worst = min(row.speedup for row in rows)
    slowest_down = max(down["refused: first request"], down["no answer: first request"])
    ok = worst >= TARGET_SPEEDUP and all(row.all_served for row in rows) and slowest_down <= TARGET_DOWN_SECONDS
    print(f"target: second clone ≥ {TARGET_SPEEDUP:g}× faster (worst {worst}×), server down ≤ "
          f"{TARGET_DOWN_SECONDS * 1000:.0f} ms once (worst {slowest_down * 1000:.1f} ms): "
          f"{'met' if ok else 'NOT met'}")  # fmt: skip
    if args.json:
        Path(args.json).write_text(
            json.dumps({"projects": [row._asdict() for row in rows], "down": down, "met": ok}, indent=2)
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
