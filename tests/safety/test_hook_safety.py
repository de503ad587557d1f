"""The first law under fire: hooks leave the working tree, the index and the stash byte-identical.

Hypothesis draws repository states (partial staging, binary and CRLF content
under core.autocrlf, executable bits, intent-to-add, untracked files,
deletions, renames, symlinks, submodule work, stash entries, new branches and
deletions for pre-push) and runs the real hook, sometimes killing it at a
random moment with SIGINT, SIGTERM or SIGKILL. 1,000 trials in all, split in
eight tests so that xdist spreads them; `bench/safety.py` runs 10,000.

The last tests are minimal reproductions of the violations the trials found.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

from healer.snapshot.copies import copies_of

from .strategies import trials
from .trials import Trial, build_template, capture, describe, differences, git, must, run_trial

EXAMPLES = {False: 125, True: 125}
"""Per test: 4 plain and 4 interrupted tests of 125 trials, 1,000 in all."""
TRIAL_SECONDS = 10
"""pytest-timeout's budget per trial, since pyproject's 300 s for a whole test is not one: a trial takes 0.2 to
0.4 s on an idle 2-core machine and up to 3.5 s when it is under heavy load. A hook that hangs is ended after
120 s and reported by the trial itself, with its replay."""
_folders = itertools.count()
PHASES = [Phase.explicit, Phase.generate]
"""No shrinking: a trial takes a third of a second and interrupted ones depend on timing, so shrinking
would take minutes to chase a moving target. A violation is reported with the whole trial as JSON for
`bench/safety.py --replay`, and the tests at the end of this file are the minimal reproductions."""


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per session (per xdist worker); every trial works on a copy."""
    where = tmp_path_factory.mktemp("safety-template")
    home = where / "home"
    home.mkdir()
    previous = os.environ.get("HOME")
    os.environ["HOME"] = str(home)  # the person running the tests keeps their ~/.gitconfig out of the template
    try:
        return build_template(where / "repo")
    finally:
        if previous is None:
            os.environ.pop("HOME", None)
        else:
            os.environ["HOME"] = previous


def _property_test(hook: str, interrupted: bool, part: int) -> Callable[..., None]:
    @pytest.mark.timeout(TRIAL_SECONDS * EXAMPLES[interrupted])
    @seed(100 * part + 10 * (hook == "pre-push") + interrupted)  # reproducible, and different per test
    @settings(
        max_examples=EXAMPLES[interrupted], database=None, deadline=None, phases=PHASES, print_blob=False,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )  # fmt: skip
    @given(trial=trials(hook, interrupted))
    def test(trial: Trial, template: Path, tmp_path: Path) -> None:
        folder = tmp_path / f"trial-{next(_folders)}"
        report = run_trial(template, folder, trial)
        assert not report.violations, describe(report)
        shutil.rmtree(folder, ignore_errors=True)

    return test


test_pre_commit_trials_1 = _property_test("pre-commit", False, 1)
test_pre_commit_interrupted_1 = _property_test("pre-commit", True, 1)
test_pre_push_trials_1 = _property_test("pre-push", False, 1)
test_pre_push_interrupted_1 = _property_test("pre-push", True, 1)
test_pre_commit_trials_2 = _property_test("pre-commit", False, 2)
test_pre_commit_interrupted_2 = _property_test("pre-commit", True, 2)
test_pre_push_trials_2 = _property_test("pre-push", False, 2)
test_pre_push_interrupted_2 = _property_test("pre-push", True, 2)


# -- the comparison itself must see what it is meant to see ---------------------------


def test_capture_sees_index_refresh_mode_and_stash_changes(template: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(template, work, symlinks=True)
    before = capture(work)
    assert differences(before, capture(work)) == []
    os.utime(work / "a.txt", (1, 1))
    subprocess.run(["git", "update-index", "--refresh"], cwd=work, capture_output=True, check=False)
    (work / "script.sh").chmod(0o644)
    (work / "sub" / "inner.txt").write_bytes(b"changed\n")
    (work / "name with space.txt").write_bytes(b"stashed\n")
    must(work, "stash", "push", "-q", "--", "name with space.txt")
    found = "\n".join(differences(before, capture(work)))
    for expected in ("git: index", "files: script.sh", "files: sub/inner.txt", "stash list", "git: refs/stash"):
        assert expected in found


# -- minimal reproductions of what the trials found ----------------------------------


def hook(work: Path, name: str = "pre-commit") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "healer", "hook", name], cwd=work, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip


def test_submodule_recurse_does_not_rewire_the_users_submodule(template: Path, tmp_path: Path) -> None:
    """With `submodule.recurse = true` (a common global setting), syncing the shadow tree recursed into
    the submodule: `.git/modules/sub` had its core.worktree pointed at `.git/healer/shadow/sub`, its
    HEAD detached and its index rewritten. Afterwards `git -C sub status` looks at the shadow, so the
    user's uncommitted work in the submodule is invisible to git and the next commit there records
    the shadow's files."""
    work = tmp_path / "work"
    shutil.copytree(template, work, symlinks=True)
    must(work, "config", "submodule.recurse", "true")
    (work / "sub" / "inner.txt").write_bytes(b"work in progress in the submodule\n")
    (work / "a.txt").write_bytes(b"staged\n")
    must(work, "add", "a.txt")
    (work / "a.txt").write_bytes(b"staged, then edited again\n")  # index != work tree: the shadow is used
    before = capture(work)
    done = hook(work)
    assert done.returncode == 0, done.stdout + done.stderr
    assert differences(before, capture(work)) == []
    status = git(work / "sub", "status", "--porcelain").stdout.decode()
    assert "inner.txt" in status, "git no longer sees the work in progress in the submodule"


def _interrupt_during_sync(work: Path, sig: signal.Signals) -> subprocess.CompletedProcess[str]:
    """Send `sig` to the healer process (not its group) while git is syncing the shadow tree."""
    lock = copies_of(work, work / ".git" / "healer") / "shadow.index.lock"
    proc = subprocess.Popen(
        [sys.executable, "-m", "healer", "hook", "pre-commit"], cwd=work, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not lock.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    assert lock.exists(), "the shadow sync never started"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_hook_interrupted_during_the_shadow_sync_does_not_block_the_next_one(
    template: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    """Ctrl-C sent to healer alone (`kill -INT`, an IDE) or SIGTERM (CI cancelling, git's parent dying)
    while `git read-tree -u` syncs the shadow: Python's subprocess.run SIGKILLs the git child, which
    leaves `.git/healer/shadow.index.lock` behind, and every later hook fails with exit 2 ("remove the
    file manually to continue", without naming the file) until the user finds and deletes it.
    A smudge filter that takes 0.3 s per file makes the sync slow enough to be hit every time."""
    work = tmp_path / "work"
    shutil.copytree(template, work, symlinks=True)
    (work / ".git" / "info" / "attributes").write_text("*.txt filter=slow\n")
    must(work, "config", "filter.slow.smudge", "sleep 0.3; cat")
    must(work, "config", "filter.slow.clean", "cat")
    (work / "a.txt").write_bytes(b"staged\n")
    must(work, "add", "a.txt")
    (work / "a.txt").write_bytes(b"staged, then edited again\n")
    before = capture(work)
    interrupted = _interrupt_during_sync(work, sig)
    assert interrupted.returncode in (130, -signal.SIGINT), interrupted.stderr
    assert differences(before, capture(work)) == []
    again = hook(work)
    assert again.returncode == 0, again.stderr
    assert differences(before, capture(work)) == []


def test_an_interrupt_while_site_runs_the_editable_installs_pth_is_the_interpreters_own() -> None:
    from tests.safety.trials import interpreter_starting

    site_said = (
        "Error processing line 1 of /x/.venv/lib/python3.11/site-packages/__editable__.healer-0.1.0.pth:\n\n"
        "  Traceback (most recent call last):\n"
        '    File "/usr/lib/python3.11/functools.py", line 972, in __set_name__\n'
        "  KeyboardInterrupt\n\n"
        '    File "/x/.venv/lib/python3.11/site-packages/__editable___healer_0_1_0_finder.py", line 7\n'
        "\nRemainder of file ignored\n"
    )
    assert interpreter_starting(site_said)
    own = Path(__file__).resolve().parents[2] / "healer" / "main.py"
    assert not interpreter_starting(site_said.replace("/usr/lib/python3.11/functools.py", str(own)))


def test_an_interrupt_while_python_m_finds_healer_through_the_editable_finder_is_the_interpreters_own() -> None:
    # Clean-clone CI, trial 973: the SIGINT landed while runpy asked setuptools' finder for healer's spec.
    from tests.safety.trials import interpreter_starting

    runpy_said = (
        "Traceback (most recent call last):\n"
        '  File "<frozen runpy>", line 189, in _run_module_as_main\n'
        '  File "<frozen runpy>", line 131, in _get_module_details\n'
        '  File "<frozen importlib._bootstrap>", line 1078, in _find_spec\n'
        '  File "/x/.venv/lib/python3.11/site-packages/__editable___healer_0_1_0_finder.py", line 39, in _find_spec\n'
        '  File "<frozen importlib._bootstrap_external>", line 132, in _path_split\n'
        "KeyboardInterrupt\n"
    )
    assert interpreter_starting(runpy_said)
    # Clean-clone CI, trial 241: the finder was inside pathlib when the signal came.
    through_pathlib = runpy_said.replace(
        '  File "<frozen importlib._bootstrap_external>", line 132, in _path_split\n',
        '  File "/usr/lib/python3.11/pathlib.py", line 69, in parse_parts\n',
    )
    assert through_pathlib != runpy_said and interpreter_starting(through_pathlib)
    # Clean-clone CI, trial 236: pathlib was computing a path's string (its AttributeError is how it caches
    # one), so the interrupt came chained after that exception; the traceback that propagated is runpy's.
    chained = (
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python3.11/pathlib.py", line 540, in __str__\n'
        "AttributeError: 'PosixPath' object has no attribute '_str'\n\n"
        "During handling of the above exception, another exception occurred:\n\n" + through_pathlib
    )
    assert interpreter_starting(chained)
    assert not interpreter_starting(chained.replace("<frozen runpy>", str(Path(__file__).resolve())))
    own = Path(__file__).resolve().parents[2] / "healer" / "__main__.py"
    assert not interpreter_starting(
        runpy_said.replace("/x/.venv/lib/python3.11/site-packages/__editable___healer_0_1_0_finder.py", str(own))
    )
