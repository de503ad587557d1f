"""Candidates verify in parallel, within --jobs; and the report colours its diffs on a terminal."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Repo, RunHealer
from tests.fixing.words import words_project

# Each check takes a second, so verifying two candidates takes two seconds one after the other.
STAGE = """
[stages.words]
run = ["sh", "-c", "sleep 1; grep -n forbidden a.txt b.txt | sed 's/:\\\\([0-9]*\\\\):/:\\\\1: /'; ! grep -q forbidden a.txt b.txt"]
parser = "generic"
"""


def project(path: Path) -> Repo:
    fine = {"a.txt": "fine\n", "b.txt": "fine\n"}
    return words_project(path, STAGE, fine, {"a.txt": "forbidden\n", "b.txt": "forbidden too\n"}, rule=True)


def verify_seconds(repo: Repo, healer: RunHealer, jobs: str) -> float:
    done = healer("fix", "-j", jobs, "--no-cache", "--json", cwd=repo.path)
    document = json.loads(done.out)
    [first] = document["rounds"]
    assert [p["status"] for p in first["patches"]] == ["verified", "verified"], done.out
    return float(first["verify_seconds"])


def test_two_candidates_verify_at_once_with_two_jobs(tmp_path: Path, healer: RunHealer) -> None:
    one_at_a_time = verify_seconds(project(tmp_path / "one"), healer, "1")
    together = verify_seconds(project(tmp_path / "two"), healer, "2")
    assert one_at_a_time >= 2.0
    assert together < one_at_a_time * 0.75, (together, one_at_a_time)


def test_diffs_are_coloured_for_a_terminal_only(repo: Repo) -> None:
    from healer.fixers.candidate import Candidate
    from healer.fixing.report import FixReport, Round
    from healer.patch.patch import FileEdit, Patch
    from healer.pipeline.result import RunResult
    from healer.render.fix_text import render_report
    from healer.verify.verdict import Verdict

    run = RunResult((), 0.1, str(repo.path))
    patch = Patch("t", (FileEdit("a.py", b"x = 1\n", b"x = 2\n"),), "rule", "r", "safe", 1.0, "lint")
    verified = Candidate(patch, verdict=Verdict("verified", None, (), 0.0))
    report = FixReport([Round(1, run, candidates=[verified])], run, 0.2, "offline")
    coloured = render_report(report, colour=True, show_all=False)
    assert "\033[31m-x = 1\033[0m" in coloured and "\033[32m+x = 2\033[0m" in coloured
    assert "\033[" not in render_report(report, colour=False, show_all=False)


def test_only_verified_fixes_are_shown_unless_all_are_asked_for(repo: Repo) -> None:
    from healer.fixers.candidate import Candidate
    from healer.fixing.report import FixReport, Round
    from healer.patch.patch import FileEdit, Patch
    from healer.pipeline.result import RunResult
    from healer.render.fix_text import render_report
    from healer.verify.verdict import Verdict

    run = RunResult((), 0.1, str(repo.path))
    good = Patch("good one", (FileEdit("a.py", b"x = 1\n", b"x = 2\n"),), "rule", "r", "safe", 1.0, "lint")
    bad = Patch("bad one", (FileEdit("b.py", b"y = 1\n", b"y = 3\n"),), "rule", "r", "safe", 1.0, "lint")
    candidates = [
        Candidate(good, verdict=Verdict("verified", None, (), 0.0)),
        Candidate(bad, verdict=Verdict("failed", "lint still reports b.py:1", (), 0.0)),
    ]
    report = FixReport([Round(1, run, candidates=candidates)], run, 0.2, "offline")
    shown = render_report(report, colour=False, show_all=False)
    assert "good one" in shown and "bad one" not in shown
    assert "(1 candidate that did not verify; see them with --all)" in shown
    everything = render_report(report, colour=False, show_all=True)
    assert "✘ failed  bad one" in everything and "lint still reports b.py:1" in everything
