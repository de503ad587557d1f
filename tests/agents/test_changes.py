"""The diff of an agent's copy: what it changed, made, deleted; links and ignored files; the fix it continued."""

from __future__ import annotations

import os
from pathlib import Path

from healer.agents.changes import changes, scan
from healer.patch.patch import FileEdit


def copy_of(tmp_path: Path, files: dict[str, bytes]) -> tuple[Path, Path]:
    original, copy = tmp_path / "original", tmp_path / "copy"
    for root in (original, copy):
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
    return original, copy


def none(_paths: object) -> set[str]:
    return set()


def test_changed_created_and_deleted_files_become_edits(tmp_path: Path) -> None:
    original, copy = copy_of(tmp_path, {"a.py": b"a = 1\n", "b.py": b"b = 1\n", "pkg/c.py": b"c\n"})
    before = scan(copy)
    (copy / "a.py").write_bytes(b"a = 2\n")
    (copy / "new.py").write_bytes(b"new\n")
    (copy / "b.py").unlink()
    (copy / "pkg" / "c.py").write_bytes(b"c\n")  # written, same bytes: no change
    found = changes(copy, before, original, {"a.py", "b.py", "pkg/c.py"}, none)
    assert found.edits == (
        FileEdit("a.py", b"a = 1\n", b"a = 2\n"),
        FileEdit("new.py", None, b"new\n"),
        FileEdit("b.py", b"b = 1\n", None),
    )
    assert found.deleted == ("b.py",) and found.problems == ()


def test_ignored_new_files_and_healers_links_are_left_out(tmp_path: Path) -> None:
    original, copy = copy_of(tmp_path, {"a.py": b"a\n"})
    venv = tmp_path / "venv"
    venv.mkdir()
    os.symlink(venv, copy / ".venv")
    before = scan(copy, skip={".venv"})
    (copy / "cache.pyc").write_bytes(b"\0")
    (venv / "inside.txt").write_text("x")
    found = changes(copy, before, original, {"a.py"}, lambda paths: {p for p in paths if p.endswith(".pyc")},
                    skip={".venv"})  # fmt: skip
    assert found.edits == () and found.problems == ()


def test_links_made_or_removed_are_problems(tmp_path: Path) -> None:
    original, copy = copy_of(tmp_path, {"a.py": b"a\n"})
    os.symlink("a.py", copy / "kept.py")
    before = scan(copy)
    os.symlink("/etc/passwd", copy / "out.py")
    (copy / "kept.py").unlink()
    found = changes(copy, before, original, {"a.py", "kept.py"}, none)
    assert found.problems == (
        "it made a symlink out.py -> /etc/passwd (a patch cannot carry links)",
        "it removed the symlink kept.py (a patch cannot carry links)",
    )


def test_a_fix_it_continued_from_counts_whether_or_not_it_touched_it_again(tmp_path: Path) -> None:
    original, copy = copy_of(tmp_path, {"a.py": b"a = 1\n"})
    (copy / "a.py").write_bytes(b"a = 2\n")  # the start: the last attempt's fix, written before the scan
    (copy / "made.py").write_bytes(b"made\n")
    before = scan(copy)
    found = changes(copy, before, original, {"a.py"}, none, also=["a.py", "made.py"])
    assert found.edits == (FileEdit("a.py", b"a = 1\n", b"a = 2\n"), FileEdit("made.py", None, b"made\n"))


def test_too_many_files_is_a_problem(tmp_path: Path) -> None:
    original, copy = copy_of(tmp_path, {"a.py": b"a\n"})
    before = scan(copy)
    for n in range(51):
        (copy / f"m{n}.py").write_text("x\n")
    assert changes(copy, before, original, {"a.py"}, none).problems == (
        "it changed 51 files, more than the 50 a reviewable fix changes",
    )
