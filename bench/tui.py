"""The terminal UI's performance: the first frame, a 100,000-line log streaming while keys answer, memory.

1. First frame: the real `healer tui` on a fresh copy of the sample project, in a
   pseudo-terminal (120×36), timed from spawning the process until its first
   screen (title and stage table) has been written. The child also records which
   modules were loaded when that frame was drawn: litellm must not be among them.
   Target: ≤ 0.5 s.
2. Streaming: in process (Textual's headless driver), a stage printing 100,000
   lines is shown live in the log while a key (scroll up in the log) is pressed
   every 20 ms; each key's latency is the time from posting it to the log
   handling it. Also the event loop's worst lag, the time until the last line
   is on screen, and the process's RSS (current and peak). Targets: keys ≤ 100 ms,
   RSS ≤ 250 MB.

Prints figures; asserts nothing. Run: .venv/bin/python bench/tui.py [--runs 5] [--lines 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from healer.diagnostics.ansi import strip_ansi
from healer.sample_project import create_sample_repo

CHILD = """\
import json, os, sys, time
import healer.tui.app as app_module

original = app_module.HealerApp.on_mount

def on_mount(self):
    original(self)
    def probe():
        loaded = sorted(name for name in sys.modules if name.split(".")[0] == "litellm")
        with open(os.environ["HEALER_BENCH_PROBE"], "w") as handle:
            json.dump({"litellm": loaded, "modules": len(sys.modules)}, handle)
    self.call_after_refresh(probe)

app_module.HealerApp.on_mount = on_mount
from healer.main import main
sys.exit(main(sys.argv[1:]))
"""


PRESS_EVERY = 0.02
"""Seconds between key presses while the log streams."""
FLOOD = """\
import sys
write = sys.stdout.write
for i in range({lines}):
    write(f"line {{i}} " + "x" * 60 + "\\n")
"""


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process, in MB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found.get("VmRSS", 0.0), found.get("VmHWM", 0.0)


def first_frame(sample: Path, env: dict[str, str], probe: Path) -> tuple[float, dict[str, object]]:
    """Seconds from spawn to the first frame in a 120×36 pseudo-terminal, and what the child reported."""
    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    probe.unlink(missing_ok=True)
    began = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, "-C", str(sample), "tui"],
        stdin=child_fd, stdout=child_fd, stderr=child_fd, env={**env, "HEALER_BENCH_PROBE": str(probe)},
        start_new_session=True,
    )  # fmt: skip
    os.close(child_fd)
    seen = b""
    frame = None
    deadline = began + 20
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([main_fd], [], [], 0.01)
        if ready:
            try:
                seen += os.read(main_fd, 65536)
            except OSError:
                break
            text = strip_ansi(seen.decode("utf-8", "replace"))
            if frame is None and "healer · sample" in text and "stages" in text:
                frame = time.perf_counter() - began
        if frame is not None and probe.exists():
            break
    report: dict[str, object] = {}
    for _ in range(100):
        if probe.exists() and probe.stat().st_size:
            report = json.loads(probe.read_text())
            break
        time.sleep(0.05)
    os.write(main_fd, b"q")
    quit_by = time.perf_counter() + 20
    while child.poll() is None and time.perf_counter() < quit_by:
        # Keep reading: a terminal nobody reads fills up, and the app would block writing its last frames.
        ready, _, _ = select.select([main_fd], [], [], 0.05)
        if ready:
            try:
                os.read(main_fd, 65536)
            except OSError:
                break
    if child.poll() is None:
        child.kill()
    os.close(main_fd)
    if frame is None:
        raise SystemExit("no first frame seen in 20 s:\n" + strip_ansi(seen.decode("utf-8", "replace"))[-2000:])
    if not report:
        raise SystemExit("the child never reported what it had loaded at its first frame")
    return frame, report


def bench_first_frame(runs: int, env: dict[str, str]) -> None:
    work = Path(tempfile.mkdtemp(prefix="healer-bench-tui-"))
    try:
        frames = []
        reports = []
        for run in range(runs + 1):
            sample = create_sample_repo(work / f"sample-{run}")
            # Rename so the title reads the same every run.
            final = work / f"run-{run}" / "sample"
            final.parent.mkdir()
            sample.rename(final)
            seconds, report = first_frame(final, env, work / "probe.json")
            if run:  # the first run warms the bytecode cache, as any installed healer has
                frames.append(seconds)
                reports.append(report)
        litellm = sorted({str(name) for report in reports for name in report.get("litellm", [])})  # type: ignore[attr-defined]
        median = statistics.median(frames)
        verdict = "met" if median <= 0.5 else "MISSED"
        print(
            f"first frame: median {median * 1000:.0f} ms, min {min(frames) * 1000:.0f} ms, "
            f"max {max(frames) * 1000:.0f} ms over {runs} runs (target ≤ 500 ms: {verdict})"
        )
        print(f"machine load while measuring (1-minute average): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"litellm modules loaded at the first frame: {litellm or 'none'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def stream(lines: int, repo: Path) -> None:
    from textual import events
    from textual.message import Message

    from healer.tui.app import HealerApp
    from healer.tui.widgets.stage_log import StageLog
    from healer.workspace import open_workspace

    pressed: dict[int, float] = {}
    latencies: list[float] = []

    def hook(message: Message) -> None:
        began = pressed.pop(id(message), None)
        if began is not None and isinstance(message, events.Key):
            latencies.append(time.perf_counter() - began)

    app = HealerApp(open_workspace(repo), use_cache=False)
    async with app.run_test(size=(120, 36), message_hook=hook) as pilot:
        log = app.screen.query_one(StageLog)
        started = time.perf_counter()
        lag = 0.0
        # The log's key handling: focus it and scroll up, as a reader would.
        log.focus()
        while True:
            key = events.Key("up", None)
            pressed[id(key)] = time.perf_counter()
            # Counted when the log itself gets it (the app forwards keys to the focused widget).
            log.post_message(key)
            tick = time.perf_counter()
            await asyncio.sleep(PRESS_EVERY)
            lag = max(lag, time.perf_counter() - tick - PRESS_EVERY)
            stage = app.session.stages.get("flood")
            if stage is not None and stage.status not in ("pending", "running") and not log._pending:
                break
            if time.perf_counter() - started > 300:
                break
        shown = time.perf_counter() - started
        await pilot.pause(0.2)
        rss, peak = rss_mb()
        kept = len(log.lines)
        total = app.session.logs["flood"].total
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
    print(f"streaming {total:,} lines: all shown after {shown:.2f} s; the log keeps {kept:,} lines")
    verdict = "met" if latencies[-1] <= 0.1 else "p95 met, max missed" if p95 <= 0.1 else "MISSED"
    print(
        f"key latency during the stream: median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms over {len(latencies)} keys "
        f"(target ≤ 100 ms: {verdict})"
    )
    print(f"event loop's worst lag: {lag * 1000:.1f} ms")
    print(f"memory: RSS {rss:.0f} MB now, peak {peak:.0f} MB (target ≤ 250 MB: {'met' if peak <= 250 else 'MISSED'})")
    print(f"machine load while measuring (1-minute average): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def bench_stream(lines: int, env: dict[str, str]) -> None:
    repo = Path(tempfile.mkdtemp(prefix="healer-bench-stream-"))
    try:
        (repo / "flood.py").write_text(FLOOD.format(lines=lines))
        (repo / "healer.toml").write_text(f'[stages.flood]\nrun = ["{sys.executable}", "flood.py"]\n')
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
        subprocess.run(["git", "commit", "-qm", "flood"], cwd=repo, check=True, env=env)
        os.environ.update({"HEALER_DB": env["HEALER_DB"]})
        asyncio.run(stream(lines, repo))
    finally:
        shutil.rmtree(repo, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="first-frame measurements (default: 5)")
    parser.add_argument("--lines", type=int, default=100_000, help="lines the streaming stage prints")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="healer-bench-home-"))
    try:
        env = {
            **os.environ, "HOME": str(home), "HEALER_DB": str(home / "healer.db"), "TERM": "xterm-256color",
            "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
            "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@h.invalid",
            "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@h.invalid",
        }  # fmt: skip
        for name in ("COLUMNS", "LINES", "NO_COLOR", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        bench_first_frame(args.runs, env)
        bench_stream(args.lines, env)
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
