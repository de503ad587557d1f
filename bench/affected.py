"""Affected tests first: how much sooner a change's own tests report than the whole test stage.

A generated project: --modules modules in packages, each with a test module of
--tests-per-module tests (360 tests by default), modules importing their
neighbours in chains of four, so one change affects one to four test modules.
A watch session (in process) saves one module at a time with new content and
times, from the save:

- with previews (the default): the affected tests' result, and the full stage's;
- without (as `healer watch --no-affected-first`): the full stage's result, which is all there is.

The ratio is the affected tests' result over the full result without previews
(lower is better). The import graph's build and one-file update are timed too.

Each test waits --test-ms (5 ms by default: a small fixture or a bit of I/O);
with 0 the suite is nothing but pytest's own start-up and collection, the
least a preview can win.

Run: .venv/bin/python bench/affected.py [--runs 8] [--modules 45] [--tests-per-module 8] [--test-ms 5]
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

from healer.pipeline.events import StageFinished
from healer.snapshot.imports import ImportGraph
from healer.snapshot.worktree import read_worktree
from healer.watch.events import AffectedTests, BatchFinished, PipelineEvent, WatchEvent
from healer.watch.session import WatchOptions, WatchSession
from healer.workspace import open_workspace

PIPELINE = """
[stages.test]
run = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
kind = "test"
inputs = ["*.py"]
"""


def project(modules: int, per_module: int, test_ms: float) -> dict[str, str]:
    tree = {"healer.toml": PIPELINE, ".gitignore": "__pycache__/\n"}
    for i in range(modules):
        package = f"shop{i // 10}"
        tree.setdefault(f"{package}/__init__.py", "")
        # Chains of four: m1 uses m0, m2 uses m1, m3 uses m2; m4 starts a new chain.
        uses = (
            f"from shop{(i - 1) // 10}.m{i - 1:03d} import work as before\n"
            if i % 4
            else "def before(n):\n    return 0\n"
        )
        tree[f"{package}/m{i:03d}.py"] = (
            f"{uses}\n\ndef work(n):\n    total = before(n)\n    for k in range(n):\n"
            f"        total += (k * {i + 1}) % 7\n    return total\n"
        )
        tests = [f"import time\n\nfrom {package}.m{i:03d} import work\n"]
        for t in range(per_module):
            tests.append(
                f"\ndef test_work_{t}():\n    time.sleep({test_ms / 1000!r})\n    assert work({200 + t * 50}) >= 0\n"
            )
        tree[f"tests/test_m{i:03d}.py"] = "\n".join(tests)
    return tree


class Times:
    """When the preview and the full stage of each batch reported, and which tests the preview ran."""

    def __init__(self) -> None:
        self.preview: dict[int, float] = {}
        self.full: dict[int, float] = {}
        self.files: dict[int, int] = {}
        self.passed: dict[int, str] = {}
        self.done: dict[int, threading.Event] = {}
        self.lock = threading.Lock()

    def __call__(self, event: WatchEvent) -> None:
        now = time.monotonic()
        with self.lock:
            if isinstance(event, AffectedTests):
                self.files[event.batch] = len(event.tests)
            elif isinstance(event, PipelineEvent) and isinstance(event.event, StageFinished):
                result = event.event.result
                (self.preview if event.phase == "affected" else self.full)[event.batch] = now
                if event.phase == "affected":
                    self.passed[event.batch] = (result.output.strip().splitlines() or [""])[-1]
            elif isinstance(event, BatchFinished):
                self.done.setdefault(event.batch, threading.Event()).set()

    def wait(self, batch: int) -> None:
        with self.lock:
            done = self.done.setdefault(batch, threading.Event())
        if not done.wait(300):
            raise SystemExit(f"batch {batch} did not finish within 300 s")


def session_times(
    root: Path, modules: int, runs: int, first: bool, offset: int
) -> tuple[list[float], list[float], Times]:
    times = Times()
    session = WatchSession(open_workspace(root), times, WatchOptions(debounce_ms=100, affected_first=first))
    session.start()
    saved: dict[int, float] = {}
    try:
        times.wait(0)
        time.sleep(2.0)  # the import graph is built right after the first run
        for n in range(1, runs + 1):
            i = (n * 11 + offset) % modules
            target = root / f"shop{i // 10}" / f"m{i:03d}.py"
            target.write_text(target.read_text() + f"# edit {offset} {n}\n")
            saved[n] = time.monotonic()
            times.wait(n)
    finally:
        session.stop()
        session.join(60)
    previews = [times.preview[n] - saved[n] for n in saved if n in times.preview]
    fulls = [times.full[n] - saved[n] for n in saved]
    return previews, fulls, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--modules", type=int, default=45)
    parser.add_argument("--tests-per-module", type=int, default=8)
    parser.add_argument(
        "--test-ms", type=float, default=5.0, help="time each test waits, as fixtures and I/O do (default: 5)"
    )
    args = parser.parse_args()
    state = Path(tempfile.mkdtemp(prefix="healer-bench-affected-"))
    os.environ.update(GIT_ENV)
    os.environ["HEALER_DB"] = str(state / "healer.db")
    os.environ["PATH"] = BIN + os.pathsep + os.environ["PATH"]
    root = new_repo(project(args.modules, args.tests_per_module, args.test_ms))
    tests = args.modules * args.tests_per_module
    print(
        f"bench/affected.py: {args.modules} modules, {tests} tests in {args.modules} test modules "
        f"(each {args.test_ms:g} ms), one module saved"
    )

    tree = read_worktree(root)
    began = time.perf_counter()
    graph = ImportGraph(root)
    graph.build(tree.paths(), tree.content_id)
    built = time.perf_counter() - began
    target = f"shop0/m{1:03d}.py"
    began = time.perf_counter()
    graph.update([target])
    updated = time.perf_counter() - began
    print(
        f"  import graph: build {built * 1000:.1f} ms ({len(graph.files)} files), "
        f"one-file update {updated * 1000:.2f} ms"
    )

    previews, with_full, times = session_times(root, args.modules, args.runs, True, 0)
    _, without, _ = session_times(root, args.modules, args.runs, False, 1)
    files = statistics.median(times.files.values()) if times.files else 0
    print(f"  affected test modules per save: median {files:g} (e.g. {next(iter(times.passed.values()), '')})")
    print(
        f"  save -> affected tests' result          median {statistics.median(previews) * 1000:7.1f} ms "
        f"(n={len(previews)})"
    )
    print(f"  save -> full stage's result (previews)  median {statistics.median(with_full) * 1000:7.1f} ms")
    print(f"  save -> full stage's result (no preview) median {statistics.median(without) * 1000:7.1f} ms")
    ratio = statistics.median(previews) / statistics.median(without)
    print(f"  ratio affected / full: {ratio:.3f} (the change's own tests report {1 / ratio:.1f}x sooner)")
    cost = statistics.median(with_full) / statistics.median(without)
    print(f"  cost of the preview to the full result: {cost:.2f}x")
    cleanup(root, state)


if __name__ == "__main__":
    main()
