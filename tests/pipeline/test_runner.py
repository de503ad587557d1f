"""The runner with real processes: graph order, parallelism, timeouts, groups, bounded output, events."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from healer.config.load import load_config
from healer.kb.store import Store
from healer.pipeline.events import Event, RunFinished, RunStarted, StageFinished, StageOutput, StageStarted
from healer.pipeline.result import RunResult
from healer.pipeline.runner import RunOptions, run_pipeline

from ..conftest import Repo

PY = sys.executable


def run(
    repo: Repo, toml: str, *, names: list[str] | None = None, jobs: int | None = None
) -> tuple[RunResult, list[Event]]:
    repo.config(toml)
    events: list[Event] = []
    with Store() as store:
        result = run_pipeline(
            load_config(repo.path),
            repo.path,
            names=names,
            options=RunOptions(jobs=jobs, log_dir=repo.path / ".git" / "healer" / "logs"),
            store=store,
            sink=events.append,
        )
    return result, events


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes; it only waits for its parent.
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_dead(pid: int, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_statuses_exit_codes_and_event_order(repo: Repo) -> None:
    result, events = run(
        repo,
        """
        [stages.good]
        run = "true"
        [stages.bad]
        run = ["sh", "-c", "echo out; echo err >&2; exit 3"]
        [stages.after_bad]
        run = "true"
        needs = ["bad"]
        """,
    )
    by_name = {stage.name: stage for stage in result.stages}
    assert by_name["good"].status == "passed"
    assert by_name["bad"].status == "failed" and by_name["bad"].exit_code == 3
    assert by_name["bad"].output == "out\nerr\n"
    assert by_name["after_bad"].status == "skipped"
    assert by_name["after_bad"].reason == "needs 'bad', which failed"
    assert result.exit_code == 1 and result.outcome == "failed"
    assert isinstance(events[0], RunStarted) and isinstance(events[-1], RunFinished)
    started = [e.stage for e in events if isinstance(e, StageStarted)]
    finished = [e.result.name for e in events if isinstance(e, StageFinished)]
    assert sorted(started) == ["bad", "good"]
    assert sorted(finished) == ["after_bad", "bad", "good"]
    lines = [line for e in events if isinstance(e, StageOutput) and e.stage == "bad" for line in e.lines]
    assert lines == ["out", "err"]
    # A failure always carries at least one diagnostic.
    assert by_name["bad"].diagnostics


def test_needs_order_is_respected(repo: Repo, tmp_path: Path) -> None:
    log = tmp_path / "order.log"
    result, _ = run(
        repo,
        f"""
        [stages.third]
        run = ["sh", "-c", "echo third >> {log}"]
        needs = ["second"]
        [stages.second]
        run = ["sh", "-c", "sleep 0.2; echo second >> {log}"]
        needs = ["first"]
        [stages.first]
        run = ["sh", "-c", "sleep 0.2; echo first >> {log}"]
        """,
    )
    assert result.exit_code == 0
    assert log.read_text().split() == ["first", "second", "third"]


def test_independent_stages_run_in_parallel_up_to_jobs(repo: Repo) -> None:
    stages = "".join(f'[stages.s{i}]\nrun = "sleep 0.6"\n' for i in range(4))
    began = time.monotonic()
    result, _ = run(repo, stages, jobs=4)
    parallel = time.monotonic() - began
    assert result.exit_code == 0
    began = time.monotonic()
    run(repo, stages.replace("sleep 0.6", "sleep 0.61"), jobs=1)
    serial = time.monotonic() - began
    assert serial >= 4 * 0.6
    assert parallel < serial / 2


def test_selecting_a_stage_brings_its_needs(repo: Repo) -> None:
    result, _ = run(
        repo,
        '[stages.a]\nrun = "true"\n[stages.b]\nrun = "true"\nneeds = ["a"]\n[stages.c]\nrun = "true"\n',
        names=["b"],
    )
    assert [stage.name for stage in result.stages] == ["a", "b"]


def test_missing_command_names_the_stage_and_the_command(repo: Repo) -> None:
    result, _ = run(repo, '[stages.lint]\nrun = "no-such-tool-xyz --check"\n')
    stage = result.stages[0]
    assert stage.status == "error"
    assert stage.reason == "stage 'lint': command not found: 'no-such-tool-xyz' (is it installed and on PATH?)"
    assert stage.diagnostics[0].code == "command-not-found"
    assert result.exit_code == 1


def test_missing_folder_is_an_error(repo: Repo) -> None:
    result, _ = run(repo, '[stages.a]\nrun = "true"\ncwd = "nowhere"\n')
    assert result.stages[0].status == "error"
    assert "nowhere does not exist" in (result.stages[0].reason or "")


def test_timeout_ends_the_stage_and_its_children(repo: Repo, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    script = f"sleep 300 & echo $! > {pids}; sleep 300"
    began = time.monotonic()
    result, _ = run(repo, f'[stages.hang]\nrun = ["sh", "-c", "{script}"]\ntimeout = 0.5\n')
    assert time.monotonic() - began < 10
    stage = result.stages[0]
    assert stage.status == "failed" and stage.timed_out
    assert "timed out after 0.5s" in (stage.reason or "")
    assert stage.diagnostics[0].code == "timeout"
    assert wait_dead(int(pids.read_text()))


def test_a_stage_ignoring_sigterm_is_killed(repo: Repo, tmp_path: Path) -> None:
    script = tmp_path / "stubborn.py"
    script.write_text(
        "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('ready', flush=True)\ntime.sleep(300)\n"
    )
    began = time.monotonic()
    result, _ = run(repo, f'[stages.stubborn]\nrun = ["{PY}", "{script}"]\ntimeout = 0.5\n')
    assert result.stages[0].timed_out
    assert time.monotonic() - began < 10


def test_children_left_behind_by_a_finished_stage_are_ended(repo: Repo, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    # The background child keeps the output pipe open after its parent exits.
    result, _ = run(repo, f'[stages.leaky]\nrun = ["sh", "-c", "sleep 300 & echo $! > {pids}; echo done"]\n')
    assert result.stages[0].status == "passed"
    assert wait_dead(int(pids.read_text()))


def test_gate_reads_the_metric_and_fails_below_threshold(repo: Repo) -> None:
    report = "print('Name    Stmts   Miss  Cover'); print('TOTAL     100     28    72%')"
    result, _ = run(
        repo,
        f"""
        [stages.cov]
        run = ["{PY}", "-c", "{report}"]
        [stages.cov.gate]
        metric = "coverage"
        min = 85
        [stages.ok]
        run = ["{PY}", "-c", "{report}"]
        [stages.ok.gate]
        metric = "coverage"
        min = 70
        """,
    )
    cov, ok = result.stages
    assert cov.status == "failed" and cov.exit_code == 0
    assert cov.gate is not None and cov.gate.value == 72.0 and not cov.gate.passed
    assert cov.diagnostics[-1].code == "gate"
    assert cov.diagnostics[-1].message == "coverage 72 is below the gate minimum 85"
    assert ok.status == "passed" and ok.gate is not None and ok.gate.passed


def test_gate_from_a_report_file(repo: Repo) -> None:
    result, _ = run(
        repo,
        """
        [stages.size]
        run = ["sh", "-c", "echo 'bytes: 900' > size.txt"]
        [stages.size.gate]
        metric = "bytes"
        pattern = 'bytes: (\\d+)'
        file = "size.txt"
        max = 1000
        [stages.missing]
        run = "true"
        [stages.missing.gate]
        metric = "bytes"
        pattern = 'bytes: (\\d+)'
        file = "nothing.txt"
        max = 1000
        """,
    )
    size, missing = result.stages
    assert size.status == "passed" and size.gate is not None and size.gate.value == 900
    assert missing.status == "failed"
    assert "report file nothing.txt not found" in missing.diagnostics[-1].message


def test_binary_garbage_output_does_not_break_anything(repo: Repo, tmp_path: Path) -> None:
    script = tmp_path / "garbage.py"
    script.write_text(
        "import os, sys\nsys.stdout.buffer.write(os.urandom(300_000) + b'\\xff\\xfe\\x00\\x1b[31m')\nsys.exit(1)\n"
    )
    result, _ = run(repo, f'[stages.noise]\nrun = ["{PY}", "{script}"]\n')
    stage = result.stages[0]
    assert stage.status == "failed"
    assert stage.output_bytes == 300_008
    assert stage.diagnostics


def test_huge_output_is_spooled_and_memory_stays_bounded(repo: Repo, tmp_path: Path) -> None:
    """100 MB from one stage: the runner keeps head and tail, the rest goes to a log file."""
    writer = tmp_path / "flood.py"
    writer.write_text(
        "import sys\nline = b'x' * 99 + b'\\n'\nchunk = line * 10_000\n"
        "for _ in range(100):\n    sys.stdout.buffer.write(chunk)\nprint('the end')\n"
    )
    repo.config(f'[stages.flood]\nrun = ["{PY}", "{writer}"]\n')
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import json, sys\n"
        "from pathlib import Path\n"
        "from healer.config.load import load_config\n"
        "from healer.pipeline.runner import RunOptions, run_pipeline\n"
        "root = Path(sys.argv[1])\n"
        "r = run_pipeline(load_config(root), root, options=RunOptions(log_dir=root / '.git/healer/logs'))\n"
        "s = r.stages[0]\n"
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so the probe would inherit
        # the peak of the (large) test worker it was forked from.
        "peak = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
        "print(json.dumps({'rss_kb': peak,"
        " 'bytes': s.output_bytes, 'kept': len(s.output), 'log': s.log_path, 'tail': s.output[-20:]}))\n"
    )
    import json

    done = subprocess.run([PY, str(probe), str(repo.path)], capture_output=True, text=True, check=True, timeout=120)
    facts = json.loads(done.stdout)
    assert facts["bytes"] == 100 * 1_000_000 + len("the end\n")
    assert facts["kept"] < 6 * 1024 * 1024
    assert facts["tail"].endswith("the end\n")
    assert Path(facts["log"]).stat().st_size == facts["bytes"]
    assert facts["rss_kb"] < 150 * 1024, facts


def test_interrupt_ends_every_stage_and_exits_130(repo: Repo, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    repo.config(
        f"""
        [stages.one]
        run = ["sh", "-c", "sleep 300 & echo $! >> {pids}; sleep 300"]
        [stages.two]
        run = ["sh", "-c", "sleep 300 & echo $! >> {pids}; sleep 300"]
        [stages.later]
        run = "true"
        needs = ["one"]
        """
    )
    child = subprocess.Popen(
        [PY, "-m", "healer", "run", "--json"], cwd=repo.path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not pids.exists() or len(pids.read_text().split()) < 2):
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=20)
    assert child.returncode == 130
    import json

    document = json.loads(out)
    assert document["outcome"] == "interrupted"
    statuses = {stage["name"]: stage["status"] for stage in document["stages"]}
    assert statuses == {"one": "cancelled", "two": "cancelled", "later": "skipped"}
    for pid in pids.read_text().split():
        assert wait_dead(int(pid))


def test_sigterm_is_handled_like_an_interrupt(repo: Repo, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    repo.config(f'[stages.one]\nrun = ["sh", "-c", "sleep 300 & echo $! >> {pids}; sleep 300"]\n')
    child = subprocess.Popen([PY, "-m", "healer", "run"], cwd=repo.path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not pids.exists():
        time.sleep(0.05)
    child.send_signal(signal.SIGTERM)
    child.communicate(timeout=20)
    assert child.returncode == 130
    assert wait_dead(int(pids.read_text().split()[0]))


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process groups are POSIX")


def test_a_detached_process_holding_the_output_does_not_hang_the_run(repo: Repo, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    # setsid leaves the stage's process group, so nothing healer may kill; it keeps stdout open.
    command = f"setsid sh -c 'echo $$ > {pids}; sleep 60' & echo started"
    began = time.monotonic()
    result, _ = run(repo, f'[stages.daemon]\nrun = ["sh", "-c", "{command}"]\n')
    assert time.monotonic() - began < 15
    assert result.stages[0].status == "passed"
    assert result.stages[0].output.startswith("started")
    if pids.exists():
        os.kill(int(pids.read_text()), signal.SIGKILL)


def test_a_cwd_that_leads_outside_the_repository_is_refused(repo: Repo, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, repo.path / "lnk")
    repo.write("afile", "x")
    result, _ = run(repo, '[stages.out]\nrun = "true"\ncwd = "lnk"\n[stages.file]\nrun = "true"\ncwd = "afile"\n')
    out, file = result.stages
    assert out.status == "error" and "leads outside the repository" in (out.reason or "")
    assert file.status == "error" and "is not a folder" in (file.reason or "")


def test_a_failing_consumer_still_ends_every_stage(repo: Repo, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    repo.config(
        f'[stages.slow]\nrun = ["sh", "-c", "trap \\"\\" TERM; sleep 300 & echo $! >> {pids}; wait"]\n'
        '[stages.quick]\nrun = ["sh", "-c", "sleep 0.3"]\n'
    )

    def sink(event: Event) -> None:
        if isinstance(event, StageFinished):
            raise BrokenPipeError("the reader went away")

    with pytest.raises(BrokenPipeError):
        run_pipeline(load_config(repo.path), repo.path, sink=sink)
    assert wait_dead(int(pids.read_text().split()[0]), seconds=10)


def test_an_interrupt_before_a_stage_thread_starts_does_not_hang_shutdown(repo: Repo) -> None:
    """A Ctrl-C landing between registering a stage and starting its thread: nothing will report on it."""
    import threading

    from healer.pipeline import runner

    repo.config('[stages.a]\nrun = "true"\n')
    config = load_config(repo.path)
    run_state = runner._Run(config, repo.path, None, RunOptions(), None, lambda _e: None)
    stage = config.stages[0]
    never_started = threading.Thread(target=lambda: None)
    run_state.shared.active[stage.name] = runner._Active(stage, never_started, time.monotonic())
    began = time.monotonic()
    run_state._shutdown(interrupted=True)
    assert time.monotonic() - began < 10
    assert run_state.results["a"].status == "cancelled"
