"""`healer fix`'s report suggests `--apply safe` only when that would apply something."""

from __future__ import annotations

from healer.fixers.candidate import Candidate
from healer.fixing.report import FixReport, Round
from healer.patch.patch import FileEdit, Patch
from healer.pipeline.result import RunResult
from healer.render.fix_text import render_report
from healer.verify.verdict import Verdict

RUN = RunResult((), 0.1, "/repo")


def report_of(*flags: str, safety: str = "safe") -> str:
    patch = Patch("t", (FileEdit("a.py", b"x = 1\n", b"x = 2\n"),), "rule", "r", safety, 1.0, "lint", flags=flags)  # type: ignore[arg-type]
    verified = Candidate(patch, verdict=Verdict("verified", None, (), 0.0))
    return render_report(
        FixReport([Round(1, RUN, candidates=[verified])], RUN, 0.2, None), colour=False, show_all=False
    )


def test_a_safe_fix_with_nothing_to_review_gets_the_apply_safe_hint() -> None:
    assert "Apply them with `healer fix --apply safe`" in report_of()


def test_a_safe_rule_that_edits_a_test_is_not_offered_to_apply_safe() -> None:
    text = report_of("edits-tests")
    assert "--apply safe" not in text and "Apply them with `healer fix --apply all`" in text


def test_a_fix_classed_review_gets_the_apply_all_hint() -> None:
    text = report_of(safety="review")
    assert "--apply safe" not in text and "--apply all" in text
