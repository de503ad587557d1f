"""A round's candidates are verified per failure, best first, within the failure's time, saying what they are at."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from healer.config.errors import ConfigError
from healer.config.load import load_config
from healer.fixers.candidate import Candidate
from healer.fixing import verification
from healer.fixing.verification import Deadline, seconds_per_failure, verify_candidates
from healer.pipeline.result import RunResult
from healer.verify.sandbox import Sandboxes
from healer.verify.verdict import Baseline, verify
from tests.conftest import Repo
from tests.verify.test_verdict import patch_for, setup

WRONG = "def double(x: int) -> int:\n    return x * 3\n"
SLOW = "import time\n\n\ndef double(x: int) -> int:\n    time.sleep(1.5)\n    return x * 3\n"
HANGS = "import time\n\n\ndef double(x: int) -> int:\n    time.sleep(600)\n    return x * 3\n"


def candidates(run: RunResult, app: str, *fixes: tuple[str, str, str]) -> list[Candidate]:
    """One candidate per (title, replaced, replacement) edit of app.py, all for the failing test."""
    made = []
    for title, old, new in fixes:
        patch = patch_for(run, "test", "app.py", app, app.replace(old, new))
        made.append(Candidate(replace(patch, title=title, safety="review" if "review" in title else "safe")))
    return made


def judged(
    found: list[Candidate], baseline: Baseline, sandboxes: Sandboxes, budget: float = 60.0, jobs: int = 1
) -> tuple[list[Candidate], list[str]]:
    said: list[str] = []
    result = verify_candidates(
        found, baseline, sandboxes, jobs=jobs, cancel=threading.Event(), budget=budget, progress=said.append
    )
    return result, said


def test_a_failures_candidates_stop_at_the_first_verified_one(repo: Repo) -> None:
    baseline, sandboxes, run = setup(repo, WRONG)
    found = candidates(run, WRONG, ("wrong", "* 3", "* 4"), ("times two", "* 3", "* 2"), ("plus", "x * 3", "x + x"))

    result, said = judged(found, baseline, sandboxes)

    assert [c.status for c in result] == ["failed", "verified", "unverified"]
    assert result[2].verdict is not None and result[2].verdict.reruns == ()  # never rerun
    assert result[2].detail == "not verified: 'times two', ranked above it for the same failure, verified"
    assert said[0] == "verifying 3 candidates for 1 failure in isolated copies"
    assert said[-1] == "verified 3 of 3: plus: not verified"


def test_a_safe_alternative_to_a_verified_review_fix_is_still_verified(repo: Repo) -> None:
    baseline, sandboxes, run = setup(repo, WRONG)
    found = candidates(run, WRONG, ("review: times two", "* 3", "* 2"), ("plus", "x * 3", "x + x"))

    result, _ = judged(found, baseline, sandboxes)

    assert [c.status for c in result] == ["verified", "verified"]  # --apply safe still has one to take


def test_a_hanging_rerun_is_ended_when_the_failures_time_is_spent_and_says_so(repo: Repo) -> None:
    baseline, sandboxes, run = setup(repo, WRONG)
    patch = patch_for(run, "test", "app.py", WRONG, HANGS)
    found = [Candidate(replace(patch, title="hangs")), *candidates(run, WRONG, ("times two", "* 3", "* 2"))]

    result, _ = judged(found, baseline, sandboxes, budget=3.0)

    assert [c.status for c in result] == ["unverifiable", "unverified"]
    assert result[0].detail == (
        "this failure's 3 s of verification (fix.time_per_failure) ran out during test (failing tests)"
    )
    assert result[0].verdict is not None and result[0].verdict.duration < 30
    assert result[1].detail == "not verified: this failure's 3 s of verification (fix.time_per_failure) were spent"
    assert (repo.path / "app.py").read_text() == WRONG


def test_a_long_rerun_says_which_candidate_failure_and_step_it_is_at(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verification, "HEARTBEAT", 0.3)
    baseline, sandboxes, run = setup(repo, SLOW)
    found = candidates(run, SLOW, ("times two", "* 3", "* 2"))

    result, said = judged(found, baseline, sandboxes)

    assert [c.status for c in result] == ["verified"]
    still = [line for line in said if line.startswith("still verifying")]
    assert still and still[0].startswith("still verifying 'times two' for tests/test_app.py:5 AssertionError: test")
    assert any("test (failing tests)" in line for line in still)


def test_an_interrupted_subset_is_unverifiable_not_failed(repo: Repo) -> None:
    baseline, sandboxes, run = setup(repo, WRONG)
    good = patch_for(run, "test", "app.py", WRONG, WRONG.replace("* 3", "* 2"))
    cancel = threading.Event()
    cancel.set()

    verdict = verify(good, replace(baseline, options=baseline.options._replace(cancel=cancel)), sandboxes)

    # A cancelled rerun says nothing about the fix: it must not be recorded as failed (ranking learns from that).
    assert (verdict.status, verdict.detail) == ("unverifiable", "test (failing tests): interrupted")


def test_the_default_budget_grows_with_a_slow_stage_and_the_configured_one_wins(repo: Repo) -> None:
    _, _, run = setup(repo, WRONG)
    slow = run._replace(stages=(run.stages[0]._replace(duration=45.0), *run.stages[1:]))

    assert seconds_per_failure(None, run) == 60.0
    assert seconds_per_failure(None, slow) == 90.0
    assert seconds_per_failure(5.0, slow) == 5.0


def test_a_deadline_is_set_by_its_round_or_its_time() -> None:
    parent = threading.Event()
    later = Deadline(parent, at=float("inf"))
    gone = Deadline(parent, at=0.0)
    assert not later.is_set() and gone.is_set() and gone.expired()
    parent.set()
    assert later.is_set() and not later.expired()  # the round was cancelled: not the failure's time


@pytest.mark.parametrize("value", ["0", "-1", '"soon"', "true"])
def test_time_per_failure_must_be_a_positive_number(repo: Repo, value: str) -> None:
    repo.config(f'[stages.test]\nrun = "true"\n\n[fix]\ntime_per_failure = {value}\n')
    with pytest.raises(ConfigError, match=r"fix\.time_per_failure"):
        load_config(repo.path)


def test_time_per_failure_is_read(repo: Repo) -> None:
    repo.config('[stages.test]\nrun = "true"\n\n[fix]\ntime_per_failure = 12.5\n')
    assert load_config(repo.path).fix.time_per_failure == 12.5


def test_a_candidate_that_passes_by_changing_the_checks_does_not_settle_its_alternatives(repo: Repo) -> None:
    baseline, sandboxes, run = setup(repo, WRONG)
    weakening, plain = candidates(run, WRONG, ("times two", "* 3", "* 2"), ("plus", "x * 3", "x + x"))
    weakening = replace(weakening, patch=replace(weakening.patch, flags=("skips-test",)))

    result, _ = judged([weakening, plain], baseline, sandboxes)

    assert [c.status for c in result] == ["changes-checks", "verified"]
