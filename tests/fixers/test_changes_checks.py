"""The verdict "passes by changing the checks": whose patches get it, what applies them, how reports show it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from healer.fixers.candidate import Candidate
from healer.fixing.choose import choose
from healer.fixing.report import FixReport, Round
from healer.patch.patch import FileEdit, Patch
from healer.patch.weakening import Weakening
from healer.pipeline.result import RunResult
from healer.render.fix_json import candidate_document
from healer.render.fix_text import render_report
from healer.verify.verdict import Verdict

RUN = RunResult((), 0.1, "/repo")
VERIFIED = Verdict("verified", None, ("test (failing tests)",), 0.1)
SKIP = Weakening("skips-test", "tests/test_a.py", "adds a skip marker to tests/test_a.py::test_a")


def candidate(
    path: str = "tests/test_a.py",
    *,
    flags: tuple[str, ...] = ("edits-tests", "skips-test"),
    trusted: bool = False,
    verdict: Verdict | None = VERIFIED,
    fingerprint: str = "fp1",
) -> Candidate:
    patch = Patch("t", (FileEdit(path, b"a\n", b"b\n"),), "model", "m", "review", 0.5, "test", (fingerprint,),
                  flags=flags, trusted=trusted)  # fmt: skip
    weakening = (SKIP,) if "skips-test" in flags else ()
    return Candidate(patch, verdict=verdict, weakening=weakening)


def test_an_untrusted_patch_that_skips_a_test_is_not_verified() -> None:
    found = candidate()
    assert found.status == "changes-checks" and not found.verified and found.passes
    assert (
        found.detail == "the checks pass only as this patch changes them: adds a skip marker to tests/test_a.py::test_a"
    )
    assert found.record(RUN).status == "changes-checks"


def test_the_same_edits_from_healers_own_rule_are_verified() -> None:
    assert candidate(trusted=True).status == "verified"


@pytest.mark.parametrize("flags", [(), ("edits-tests",), ("adds-suppression", "creates-file")])
def test_flags_that_change_no_check_keep_it_verified(flags: tuple[str, ...]) -> None:
    assert candidate(flags=flags).status == "verified"


def test_a_failed_or_unverified_patch_keeps_its_status() -> None:
    assert candidate(verdict=Verdict("failed", "1 failed", (), 0.1)).status == "failed"
    assert candidate(verdict=None).status == "unverified"
    assert candidate().refused(["no"]).status == "failed"


def test_apply_all_leaves_it_and_only_the_weakening_option_takes_it() -> None:
    weak = candidate()
    plain = candidate("src/a.py", flags=(), fingerprint="fp2")
    assert choose([weak, plain], "all") == [plain]
    assert choose([weak, plain], "safe") == []
    assert choose([weak, plain], "safe", weakening=True) == []
    assert choose([weak, plain], "all", weakening=True) == [plain, weak]


def test_a_plain_fix_for_the_same_failure_wins_over_one_that_changes_the_checks() -> None:
    weak = replace(candidate(), score=0.9)
    plain = candidate("src/a.py", flags=())
    assert choose([weak, plain], "all", weakening=True) == [plain]


def report(*candidates: Candidate, applied: tuple[Candidate, ...] = ()) -> str:
    one = Round(1, RUN, candidates=list(candidates), applied=list(applied))
    return render_report(FixReport([one], RUN, 0.2, None), colour=False, show_all=False)


def test_the_text_report_names_the_verdict_and_what_changed() -> None:
    text = report(candidate())
    assert "1 candidate fix: 0 verified, 1 passing by changing the checks, 0 failed" in text
    assert "⚠ passes by changing the checks  t" in text
    assert "! adds a skip marker to tests/test_a.py::test_a" in text
    assert "1 fix passes only by changing the checks (marked ⚠ above): `--apply all` leaves it" in text
    assert "--apply-weakening" in text and "Apply them with" not in text


def test_the_text_report_says_nothing_of_it_once_applied_or_for_a_plain_fix() -> None:
    weak = candidate()
    assert "passes only by changing" not in report(weak, applied=(weak,))
    assert "changing the checks" not in report(candidate(flags=()))


def test_the_json_document_has_a_status_of_its_own_and_what_changed() -> None:
    document = candidate_document(candidate())
    assert document["status"] == "changes-checks" and "skips-test" in document["flags"]
    assert document["checks_changed"] == [
        {"flag": "skips-test", "path": "tests/test_a.py", "what": "adds a skip marker to tests/test_a.py::test_a"}
    ]
    assert candidate_document(candidate(trusted=True))["status"] == "verified"
