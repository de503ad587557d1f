"""Diffs, hunks and per-hunk selection are byte exact; diffs read back apply only where they match."""

from __future__ import annotations

import itertools
import random

import pytest

from healer.patch.diff import PatchError, edits_from_diff, file_hunks, select_hunks, unified_diff
from healer.patch.patch import FileEdit

BEFORE = b"".join(b"line %d\n" % n for n in range(1, 41))
AFTER = BEFORE.replace(b"line 2\n", b"LINE 2\n").replace(b"line 20\n", b"").replace(b"line 38\n", b"line 38\nnew\n")


def test_three_separate_changes_make_three_hunks() -> None:
    hunks = file_hunks(FileEdit("a.txt", BEFORE, AFTER))
    assert [h.index for h in hunks] == [0, 1, 2]
    assert hunks[0].header == "@@ -1,5 +1,5 @@"
    assert "-line 2" in hunks[0].lines and "+LINE 2" in hunks[0].lines
    assert hunks[1].lines == (" line 17", " line 18", " line 19", "-line 20", " line 21", " line 22", " line 23")
    assert hunks[2].header == "@@ -36,5 +35,6 @@"


@pytest.mark.parametrize("keep", [set(c) for n in range(4) for c in itertools.combinations(range(3), n)])
def test_selecting_hunks_applies_exactly_those(keep: set[int]) -> None:
    edit = FileEdit("a.txt", BEFORE, AFTER)
    result = select_hunks(edit, keep)
    assert (b"LINE 2\n" in result.after) == (0 in keep)  # type: ignore[operator]
    assert (b"line 20\n" not in result.after) == (1 in keep)  # type: ignore[operator]
    assert (b"new\n" in result.after) == (2 in keep)  # type: ignore[operator]
    if keep == {0, 1, 2}:
        assert result.after == AFTER
    if not keep:
        assert result.after == BEFORE


def test_select_is_byte_exact_on_random_texts() -> None:
    rng = random.Random(7)
    pool = [b"a\n", b"b\r\n", b"\xff\xfe\n", b"c", b"\n", b"d\r", b"x y\n"]
    for _ in range(300):
        before = b"".join(rng.choice(pool) for _ in range(rng.randrange(0, 30)))
        after = b"".join(rng.choice(pool) for _ in range(rng.randrange(0, 30)))
        edit = FileEdit("f", before, after)
        count = len(file_hunks(edit))
        assert select_hunks(edit, range(count)).after == after
        if count:
            assert select_hunks(edit, ()).after == before


def test_created_and_deleted_files() -> None:
    created = FileEdit("new.py", None, b"x = 1\n")
    assert select_hunks(created, ()) == FileEdit("new.py", None, None)
    assert select_hunks(created, (0,)) == created
    deleted = FileEdit("old.py", b"x = 1\n", None)
    assert select_hunks(deleted, (0,)) == deleted
    text = unified_diff([created, deleted])
    assert "--- /dev/null\n+++ b/new.py\n" in text
    assert "--- a/old.py\n+++ /dev/null\n" in text


def test_diff_shows_crlf_non_utf8_and_missing_final_newline() -> None:
    edit = FileEdit("w.txt", b"one\r\ntwo\r\n\xe9t\xe9\n", b"one\r\nTWO\r\n\xe9t\xe9")
    text = unified_diff([edit])
    assert "-two\r\n-\udce9t\udce9\n+TWO\r\n" in text
    assert "+\udce9t\udce9\n\\ No newline at end of file\n" in text
    assert edits_from_diff(text, lambda path: edit.before) == (edit,)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (b"a\nb\nc\n", b"a\nB\nc\n"),
        (b"a\r\nb\r\n", b"a\r\nb\r\nc\r\n"),
        (b"a\nb", b"a\nb\n"),
        (b"a\nb\n", b"a\nb"),
        (b"", b"x\n"),
        (b"\xff\n" * 3 + b"q\n", b"\xff\n" * 3 + b"r\n"),
        (BEFORE, AFTER),
    ],
)
def test_round_trip_through_a_diff(before: bytes, after: bytes) -> None:
    edit = FileEdit("f.txt", before, after)
    assert edits_from_diff(unified_diff([edit]), lambda path: before) == (edit,)


def test_creation_and_deletion_from_a_diff() -> None:
    files = {"gone.py": b"a\nb\n"}
    text = unified_diff([FileEdit("new.py", None, b"hello\n"), FileEdit("gone.py", b"a\nb\n", None)])
    assert edits_from_diff(text, files.get) == (
        FileEdit("new.py", None, b"hello\n"),
        FileEdit("gone.py", b"a\nb\n", None),
    )
    empty = unified_diff([FileEdit("empty.py", None, b"")])
    assert edits_from_diff(empty, files.get) == (FileEdit("empty.py", None, b""),)


def test_hunks_may_be_shifted_but_must_match() -> None:
    text = "--- a/f.py\n+++ b/f.py\n@@ -2,3 +2,3 @@\n x\n-y\n+Y\n z\n"
    shifted = edits_from_diff(text, lambda path: b"top\nmore\nx\ny\nz\n")
    assert shifted[0].after == b"top\nmore\nx\nY\nz\n"
    with pytest.raises(PatchError, match=r"f\.py: hunk 1 \(@@ -2,3 \+2,3 @@\) does not match"):
        edits_from_diff(text, lambda path: b"x\nchanged\nz\n")


@pytest.mark.parametrize(
    ("text", "files", "message"),
    [
        ("--- a/f.py\n+++ b/f.py\n@@ -1 +1 @@\n-a\n+b\n", {}, "f.py: no such file"),
        (
            "--- /dev/null\n+++ b/f.py\n@@ -0,0 +1 @@\n+b\n",
            {"f.py": b"x\n"},
            "f.py: the diff creates it, but it already exists",
        ),
        ("--- a/f.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n", {"f.py": b"a\nb\n"}, "does not remove all of its lines"),
        ("--- a/f.py\n+++ b/g.py\n@@ -1 +1 @@\n-a\n+b\n", {"f.py": b"a\n"}, "renames are not supported"),
        ("--- a/f.py\n+++ b/f.py\n@@ -1,2 +1,2 @@\n-a\n+b\n", {"f.py": b"a\n"}, "cannot read the diff"),
        ("just words\n", {}, "changes no file"),
    ],
)
def test_bad_diffs_name_the_problem(text: str, files: dict[str, bytes], message: str) -> None:
    with pytest.raises(PatchError, match=message):
        edits_from_diff(text, files.get)


def test_crlf_context_must_match_exactly() -> None:
    text = "--- a/f.py\n+++ b/f.py\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
    with pytest.raises(PatchError):
        edits_from_diff(text, lambda path: b"a\r\nb\r\n")
