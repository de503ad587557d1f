"""Watch mode's reaction time: from a saved file, after the debounce, to its stage starting.

A watch session (the core the CLI and the TUI share, in process) on a
generated repository with --files files. Each round saves one Python file
with new content and times, from the moment the write returned:

- the batch starting, less the debounce: the watcher noticing the event, and git
  saying it is content (not ignored);
- the stage starting, less the debounce: the above plus planning, the cache key
  (one `git ls-files` of the tree and the changed file's hash) and the cache lookup.

Two pipelines: a plain stage (`true` on *.py), and a pytest stage, where what
starts first is the preview of the affected tests (so the import graph's update
and the full stage's cache check are in the figure too).
Target: stage start at most 150 ms after the debounce, median.

Run: .venv/bin/python bench/watch.py [--runs 30] [--files 2000] [--debounce 250]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import BIN, GIT_ENV, cleanup, new_repo

from healer.pipeline.events import StageStarted
from healer.watch.events import BatchFinished, BatchStarted, PipelineEvent, WatchEvent
from healer.watch.session import WatchOptions, WatchSession
from healer.workspace import open_workspace

TARGET_MS = 150.0
PLAIN = """
[stages.check]
run = ["true"]
inputs = ["*.py"]
"""
PYTEST = """
[stages.test]
run = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
kind = "test"
inputs = ["*.py"]
"""


def project(files: int, pipeline: str) -> dict[str, str]:
    """`files` Python files in packages of 50, a test module per ten modules, and the pipeline."""
    tree = {"healer.toml": pipeline, ".gitignore": "*.log\n"}
    for i in range(files):
        package = f"pkg{i // 50:03d}"
        tree.setdefault(f"src/{package}/__init__.py", "")
        previous = f"from {package}.m{i - 1:05d} import value as before\n" if i % 50 else "before = 0\n"
        tree[f"src/{package}/m{i:05d}.py"] = f"{previous}\n\ndef value():\n    return {i}\n"
        if i % 10 == 0:
            tree[f"tests/test_m{i:05d}.py"] = (
                f"from {package}.m{i:05d} import value\n\n\ndef test_value():\n    assert value() == {i}\n"
            )
    tree["tests/conftest.py"] = (
        "import sys, pathlib\nsys.path.insert(0, str(pathlib.Path(__file__).parents[1] / 'src'))\n"
    )
    return tree


class Clock:
    """A sink that notes when each batch and each stage started (monotonic seconds)."""

    def __init__(self) -> None:
        self.batches: dict[int, float] = {}
        self.stages: dict[int, float] = {}
        self.finished: dict[int, threading.Event] = {}
        self.lock = threading.Lock()

    def __call__(self, event: WatchEvent) -> None:
        now = time.monotonic()
        with self.lock:
            if isinstance(event, BatchStarted):
                self.batches[event.batch] = now
            elif isinstance(event, PipelineEvent) and isinstance(event.event, StageStarted):
                self.stages.setdefault(event.batch, now)
            elif isinstance(event, BatchFinished):
                self.finished.setdefault(event.batch, threading.Event()).set()

    def wait(self, batch: int, timeout: float = 120.0) -> None:
        with self.lock:
            done = self.finished.setdefault(batch, threading.Event())
        if not done.wait(timeout):
            raise SystemExit(f"batch {batch} did not finish within {timeout:g} s")


def measure(label: str, pipeline: str, files: int, runs: int, debounce: int) -> list[float]:
    root = new_repo(project(files, pipeline))
    clock = Clock()
    session = WatchSession(open_workspace(root), clock, WatchOptions(debounce_ms=debounce))
    session.start()
    detect: list[float] = []
    start: list[float] = []
    try:
        clock.wait(0)
        time.sleep(2.0)  # the import graph is built right after the first run
        for n in range(1, runs + 1):
            target = root / "src" / "pkg000" / f"m{(n * 7) % min(files, 50):05d}.py"
            text = target.read_text()
            target.write_text(text + f"# save {n}\n")
            saved = time.monotonic()
            clock.wait(n)
            detect.append(clock.batches[n] - saved - debounce / 1000)
            start.append(clock.stages[n] - saved - debounce / 1000)
            time.sleep(0.05)
    finally:
        session.stop()
        session.join(30)
        cleanup(root)
    ms = [x * 1000 for x in start]
    print(f"  {label}")
    print(f"    batch starts after the debounce    median {statistics.median(detect) * 1000:6.1f} ms")
    print(
        f"    stage starts after the debounce    median {statistics.median(ms):6.1f} ms   "
        f"p90 {sorted(ms)[int(len(ms) * 0.9) - 1]:6.1f}   max {max(ms):6.1f}   (n={len(ms)})"
    )
    return ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--debounce", type=int, default=250, metavar="MS")
    args = parser.parse_args()
    state = Path(tempfile.mkdtemp(prefix="healer-bench-watch-"))
    os.environ.update(GIT_ENV)
    os.environ["HEALER_DB"] = str(state / "healer.db")
    os.environ["PATH"] = BIN + os.pathsep + os.environ["PATH"]
    print(f"bench/watch.py: save -> stage start, {args.files} Python files, debounce {args.debounce} ms")
    results = [
        measure("plain stage (`true` on *.py)", PLAIN, args.files, args.runs, args.debounce),
        # Each pytest batch runs the preview and the whole suite before the next save: fewer rounds.
        measure(
            "pytest stage (its affected-tests preview starts first)",
            PYTEST,
            args.files,
            max(5, args.runs // 3),
            args.debounce,
        ),
    ]
    for ms in results:
        median = statistics.median(ms)
        print(f"  median {median:.1f} ms (target <= {TARGET_MS:g}: {'met' if median <= TARGET_MS else 'MISSED'})")
    cleanup(state)


if __name__ == "__main__":
    main()
