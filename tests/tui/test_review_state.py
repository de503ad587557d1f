"""A review without a screen: hunks, splitting, decisions and the patch they make, byte for byte."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from healer.fixers.candidate import Candidate
from healer.patch.diff import NO_NEWLINE, file_hunks, select_hunks, split_lines
from healer.patch.patch import FileEdit, Patch
from healer.patch.stale import stale_reason
from healer.tui.review.hunks import ReviewHunk, hunks_of, split
from healer.tui.review.state import PatchReview
from healer.verify.verdict import Verdict

from .conftest import APP_PY, FIXED_PY


def patch_of(*edits: FileEdit, status: str = "verified") -> Candidate:
    patch = Patch(
        title="fix", edits=edits, source="rule", origin="test.rule", safety="safe", confidence=0.9, stage="lint"
    )
    return Candidate(patch, verdict=Verdict(status, None, (), 0.0))  # type: ignore[arg-type]


def app_edit() -> FileEdit:
    return FileEdit("app.py", APP_PY.encode(), FIXED_PY.encode())


def sides(hunk: ReviewHunk) -> tuple[list[str], list[str]]:
    old = [line[1:] for line in hunk.lines if line[:1] in (" ", "-")]
    new = [line[1:] for line in hunk.lines if line[:1] in (" ", "+")]
    return old, new


def fully_split(edit: FileEdit) -> list[ReviewHunk]:
    return [piece for hunk in hunks_of(edit) for piece in split(hunk)]


lines = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "d\n", "\n", "e"]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(lines, lines)
def test_every_piece_shows_exactly_the_change_it_selects(before: list[str], after: list[str]) -> None:
    edit = FileEdit("f.txt", "".join(before).encode(), "".join(after).encode())
    atoms = file_hunks(edit, 0)
    pieces = fully_split(edit)
    if edit.before == edit.after:
        assert pieces == []
        return
    assert sorted(change for piece in pieces for change in piece.changes) == list(range(len(atoms)))
    for piece in pieces:
        (change,) = piece.changes
        shown = [line for line in piece.lines if line[:1] in ("-", "+") and line != NO_NEWLINE]
        assert shown == [line for line in atoms[change].lines if line[:1] in ("-", "+")]


@settings(max_examples=300, deadline=None)
@given(lines, lines)
def test_pieces_headers_point_at_their_lines(before: list[str], after: list[str]) -> None:
    edit = FileEdit("f.txt", "".join(before).encode(), "".join(after).encode())
    old_file = [line.rstrip(b"\n").decode() for line in split_lines(edit.before)]
    new_file = [line.rstrip(b"\n").decode() for line in split_lines(edit.after)]
    for piece in fully_split(edit):
        numbers = piece.line_numbers()
        for text, (old, new) in zip(piece.lines, numbers, strict=True):
            if text == NO_NEWLINE:
                continue
            if old is not None:
                assert old_file[old - 1] == text[1:]
            if new is not None:
                assert new_file[new - 1] == text[1:]


@settings(max_examples=200, deadline=None)
@given(lines, lines, st.data())
def test_any_choice_of_pieces_rebuilds_the_file_from_exactly_those_changes(
    before: list[str], after: list[str], data: st.DataObject
) -> None:
    edit = FileEdit("f.txt", "".join(before).encode(), "".join(after).encode())
    review = PatchReview.of(patch_of(edit))
    while review.split_current() or review.step(1, undecided=False):
        pass
    choices = [data.draw(st.booleans()) for _ in review.hunks]
    review.decisions = list(choices)
    selected = review.selected()
    if not any(choices):
        assert selected is None
    elif all(choices):
        assert selected is review.original.patch
    else:
        assert selected is not None and selected != review.original.patch
        kept = {
            change for piece, chosen in zip(review.hunks, choices, strict=True) if chosen for change in piece.changes
        }
        assert selected.edits == (select_hunks(edit, kept, 0),)


def test_split_of_the_sample_hunk() -> None:
    (first, second) = hunks_of(app_edit())
    assert first.splittable and first.changes == (0, 1)
    assert not second.splittable and second.changes == (2,)
    one, two = split(first)
    assert one.header == "@@ -1,2 +1 @@" and one.lines == ("-import os", " import sys")
    assert two.header == "@@ -2,5 +1,4 @@"
    assert two.lines == (" import sys", "-import re", " ", " ", " def main() -> None:")
    assert split(second) == [second]


def test_decisions_move_like_git_add_p() -> None:
    review = PatchReview.of(patch_of(app_edit()))
    assert review.cursor == 0 and not review.complete
    review.decide(True)
    assert review.cursor == 1
    review.decide(False)
    assert review.complete and review.decisions == [True, False]
    assert not review.whole
    partial = review.selected()
    assert partial is not None and partial != review.original.patch
    assert partial.edits[0].after == APP_PY.replace("import os\n", "").replace("import re\n", "").encode()
    assert "partly accepted" in review.verification


def test_j_wraps_to_the_first_undecided_hunk() -> None:
    review = PatchReview.of(patch_of(app_edit()))
    review.cursor = 1
    review.decide(True)
    assert review.cursor == 0


def test_a_and_d_cover_the_rest_of_the_current_file_only() -> None:
    other = FileEdit("other.py", b"x = 1\n", b"x = 2\n")
    review = PatchReview.of(patch_of(app_edit(), other))
    assert [hunk.path for hunk in review.hunks] == ["app.py", "app.py", "other.py"]
    review.decide_rest_of_file(True)
    assert review.decisions == [True, True, None] and review.cursor == 2
    review.decide_rest_of_file(False)
    selected = review.selected()
    assert selected is not None and [edit.path for edit in selected.edits] == ["app.py"]


def test_an_empty_new_file_is_one_whole_file_hunk() -> None:
    created = FileEdit("pkg/__init__.py", None, b"")
    review = PatchReview.of(patch_of(created))
    (hunk,) = review.hunks
    assert hunk.whole_file == "creates this file, empty"
    review.decide(True)
    assert review.selected() is review.original.patch
    review.reset()
    review.decide(False)
    assert review.selected() is None


def test_replacing_a_result_rediffs_that_file_and_marks_the_fix_edited() -> None:
    review = PatchReview.of(patch_of(app_edit()))
    review.decide(False)
    proposed = review.proposed_result("app.py")
    assert proposed == APP_PY.replace("    import json\n", "").encode()
    review.replace_result("app.py", FIXED_PY.encode() + b"# mine\n")
    assert review.edited and review.decisions == [None] * len(review.hunks)
    assert review.verification == "edited by you: no longer verified"
    review.decide_all(True)
    selected = review.selected()
    assert selected is not None and selected.edits[0].after == FIXED_PY.encode() + b"# mine\n"
    assert selected.title == "fix (edited)" and selected != review.original.patch


def test_stale_reason_names_what_happened(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP_PY)
    patch = patch_of(app_edit()).patch
    assert stale_reason(patch, tmp_path) is None
    (tmp_path / "app.py").write_text(APP_PY + "# more\n")
    assert stale_reason(patch, tmp_path) == "app.py changed since the fix was made"
    (tmp_path / "app.py").unlink()
    assert stale_reason(patch, tmp_path) == "app.py was deleted since the fix was made"
    (tmp_path / "app.py").mkdir()
    assert stale_reason(patch, tmp_path) == "app.py is not a regular file any more"
    created = patch_of(FileEdit("new.py", None, b"x\n")).patch
    (tmp_path / "new.py").write_text("y\n")
    assert stale_reason(created, tmp_path) == "new.py was created since the fix was made"
