"""`healer watch` as a real process: its output as files change, Ctrl-C, --json, and its errors."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ..conftest import Repo, RunHealer
from .conftest import DEADLINE
from .conftest import TWO_STAGES as CONFIG


class Running:
    """A `healer watch` process whose standard output is read line by line as it comes."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "healer", "watch", "--debounce", "100", *args],
            cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def expect(self, test: Callable[[str], bool], timeout: float = DEADLINE) -> str:
        """The next line passing `test`; fails at the deadline or if the process ends first."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no matching line in time; output so far:\n" + "\n".join(self.lines))
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                stderr = self.proc.stderr.read() if self.proc.stderr else ""
                raise AssertionError("healer watch ended:\n" + "\n".join(self.lines) + "\nstderr:\n" + stderr)
            self.lines.append(line)
            if test(line):
                return line

    def interrupt(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGINT)
        _, err = self.proc.communicate(timeout=DEADLINE)
        self._reader.join(DEADLINE)
        while (line := self._queue.get_nowait() if not self._queue.empty() else None) is not None:
            self.lines.append(line)
        return self.proc.returncode, err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


@pytest.fixture
def start(repo: Repo) -> Iterator[Callable[..., Running]]:
    running: list[Running] = []

    def begin(*args: str) -> Running:
        process = Running(repo.path, *args)
        running.append(process)
        return process

    yield begin
    for process in running:
        process.kill()


def test_prints_the_first_run_then_each_change_and_ends_quietly_on_ctrl_c(
    repo: Repo, start: Callable[..., Running]
) -> None:
    repo.config(CONFIG)
    repo.write("a.py", "x = 1\n")
    repo.commit()
    watch = start()
    head = watch.expect(lambda line: line.startswith("healer: watching"))
    assert str(repo.path) in head and "debounce 100 ms" in head
    watch.expect(lambda line: line.startswith("All stages passed"))
    repo.write("a.py", "x = 2\n")
    assert watch.expect(lambda line: line.startswith("changed:")) == "changed: a.py"
    assert watch.expect(lambda line: line.startswith("rerun:")) == "rerun: lint"
    assert watch.expect(lambda line: line.startswith("lint ")).startswith("lint passed in ")
    assert watch.expect(lambda line: line.startswith("All stages passed")).startswith("All stages passed: 1 passed")
    code, err = watch.interrupt()
    assert code == 130
    assert err == "healer: interrupted\n"


def test_ctrl_c_during_a_running_stage_ends_it_and_exits_130(
    repo: Repo, start: Callable[..., Running], tmp_path: Path
) -> None:
    pid_file = tmp_path / "stage.pid"  # outside the repository: writing it is no change to watch
    code = f"import os, pathlib, time; pathlib.Path({str(pid_file)!r}).write_text(str(os.getpid())); time.sleep(120)"
    repo.config(f"[stages.slow]\nrun = {json.dumps(['python', '-c', code])}\n")
    repo.commit()
    watch = start("-v")
    watch.expect(lambda line: line.startswith("slow started"))
    deadline = time.monotonic() + DEADLINE
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the stage never started"
        time.sleep(0.05)
    pid = int(pid_file.read_text())
    exit_code, err = watch.interrupt()
    assert exit_code == 130 and err == "healer: interrupted\n"
    assert gone(pid), "the stage outlived healer watch:\n" + "\n".join(watch.lines)


def gone(pid: int) -> bool:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().split(")")[-1].split()[0] == "Z":
                    return True  # a zombie waits only for its parent to read it
        except (ProcessLookupError, FileNotFoundError):
            return True
        time.sleep(0.05)
    return False


def test_json_prints_one_object_per_line(repo: Repo, start: Callable[..., Running]) -> None:
    repo.config(CONFIG)
    repo.write("a.py", "x = 1\n")
    repo.commit()
    watch = start("--json")
    records: list[dict[str, object]] = []

    def record(kind: str) -> Callable[[str], bool]:
        def test(line: str) -> bool:
            records.append(json.loads(line))
            return records[-1]["event"] == kind

        return test

    watch.expect(record("summary"))
    repo.write("a.py", "x = 3\n")
    watch.expect(record("summary"))
    code, _ = watch.interrupt()
    assert code == 130
    assert {r["schema"] for r in records} == {"healer.watch/1"}
    kinds = [r["event"] for r in records]
    assert kinds == ["watching", "batch", "result", "result", "summary", "batch", "result", "summary"]
    change = records[5]
    assert change["batch"] == 1 and change["changed"] == ["a.py"] and change["stages"] == ["lint"]
    result = records[6]
    assert result["pass"] == "full"
    stage = result["stage"]
    assert isinstance(stage, dict) and stage["name"] == "lint" and stage["status"] == "passed"
    assert records[7]["outcome"] == "passed" and records[7]["statuses"] == {"lint": "passed"}


def test_outside_a_repository_it_says_so_in_one_line(tmp_path: Path, healer: RunHealer) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    done = healer("watch", cwd=outside, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert done.code == 2
    assert done.err.count("\n") == 1 and "not inside a git repository" in done.err


def test_a_broken_configuration_is_one_line_naming_the_file(repo: Repo, healer: RunHealer) -> None:
    repo.config("[stages.lint]\nrun = 'true'\nkidn = 'lint'\n")
    done = healer("watch")
    assert done.code == 2
    assert done.err.startswith(f"healer: {repo.path / 'healer.toml'}:3:") and done.err.count("\n") == 1
    assert "kidn" in done.err


def test_an_unknown_stage_or_a_negative_debounce_is_a_usage_error(repo: Repo, healer: RunHealer) -> None:
    repo.config(CONFIG)
    unknown = healer("watch", "lnit")
    assert unknown.code == 2 and "no stage named 'lnit' (did you mean 'lint'?)" in unknown.err
    negative = healer("watch", "--debounce", "-5")
    assert negative.code == 2 and "--debounce" in negative.err


def test_watch_is_listed_in_the_help(healer: RunHealer) -> None:
    done = healer("--help")
    assert "healer watch" in done.out and done.code == 0
