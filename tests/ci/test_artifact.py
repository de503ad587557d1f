"""Verified fixes as a commit series and format-patch file: nothing of the user's moves, `git am` takes it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from healer.ci.artifact import build_series
from healer.patch.patch import FileEdit, Patch
from tests.conftest import Repo, git


def patch(title: str, *edits: FileEdit) -> Patch:
    return Patch(title=title, edits=edits, source="rule", origin="test.rule", safety="safe", confidence=0.9,
                 stage="lint", fingerprints=("fp1",))  # fmt: skip


def state(repo: Repo) -> tuple[str, str, str, str]:
    """Everything a user could lose: the work tree's and index's status, the refs, the stash."""
    return (
        repo.git("status", "--porcelain=v1", "--untracked-files=all"),
        repo.git("ls-files", "-s"),
        repo.git("for-each-ref"),
        repo.git("stash", "list"),
    )


def test_a_series_of_fixes_applies_with_git_am_and_moves_nothing(repo: Repo, tmp_path: Path) -> None:
    repo.write("a.py", "import os\nx = 1\n")
    repo.write("run.sh", "#!/bin/sh\necho hi\n")
    (repo.path / "run.sh").chmod(0o755)
    repo.write("gone.txt", "old\n")
    repo.commit("start")
    repo.write("a.py", "import os\nx = 1\n# my uncommitted work\n")
    repo.write("scratch.txt", "not committed\n")
    before = state(repo)
    series = build_series(
        repo.path,
        "HEAD",
        [
            patch("remove unused import", FileEdit("a.py", b"import os\nx = 1\n", b"x = 1\n")),
            patch("fix the script", FileEdit("run.sh", b"#!/bin/sh\necho hi\n", b"#!/bin/sh\necho hello\n"),
                  FileEdit("new/b.bin", None, b"\x00\xff binary\n"), FileEdit("gone.txt", b"old\n", None)),
        ],
    )  # fmt: skip
    assert state(repo) == before
    assert len(series.commits) == 2 and not series.skipped
    assert series.data.count(b"\nSubject: [PATCH ") == 2
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo.path), str(clone))
    (tmp_path / "fixes.patch").write_bytes(series.data)
    git(clone, "am", "-q", str(tmp_path / "fixes.patch"))
    assert (clone / "a.py").read_text() == "x = 1\n"
    assert (clone / "run.sh").read_text().endswith("hello\n") and (clone / "run.sh").stat().st_mode & 0o111
    assert (clone / "new/b.bin").read_bytes() == b"\x00\xff binary\n"
    assert not (clone / "gone.txt").exists()
    log = git(clone, "log", "--format=%an <%ae>|%s", "-2")
    assert log.splitlines() == [
        "healer <healer@localhost>|fix the script",
        "healer <healer@localhost>|remove unused import",
    ]


def test_a_fix_made_for_other_content_is_left_out_and_said(repo: Repo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit("start")
    series = build_series(
        repo.path,
        "HEAD",
        [
            patch("stale", FileEdit("a.py", b"x = 2\n", b"x = 3\n")),
            patch("fits", FileEdit("a.py", b"x = 1\n", b"x = 4\n")),
        ],
    )
    assert [fix_id for fix_id, _ in series.skipped] == [patch("stale", FileEdit("a.py", b"x = 2\n", b"x = 3\n")).id]
    assert "differs from" in series.skipped[0][1]
    assert len(series.commits) == 1
    shown = subprocess.run(["git", "show", f"{series.tip}:a.py"], cwd=repo.path, capture_output=True, check=True)
    assert shown.stdout == b"x = 4\n"


def test_no_fix_fits_no_patch(repo: Repo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit("start")
    series = build_series(repo.path, "HEAD", [patch("stale", FileEdit("a.py", b"x = 2\n", b"x = 3\n"))])
    assert series.commits == () and series.data == b"" and series.tip is None
