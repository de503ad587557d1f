"""`healer log` and `healer undo` through the real CLI, in real repositories."""

from __future__ import annotations

import json
from pathlib import Path

from healer.patch.apply import apply_patch
from healer.patch.patch import FileEdit

from ..conftest import Repo, RunHealer
from ..patch.helpers import make_patch


def applied(repo: Repo, name: str, old: bytes, new: bytes, title: str) -> str:
    (repo.path / name).write_bytes(old)
    patch = make_patch(FileEdit(name, old, new), title=title)
    apply_patch(repo.path, repo.path / ".git" / "healer", patch)
    return patch.id


def test_log_lists_newest_first_and_undo_restores(repo: Repo, healer: RunHealer) -> None:
    assert healer("log").out == "no fixes applied yet\n"
    first = applied(repo, "a.py", b"import os\n", b"", "remove unused import os")
    second = applied(repo, "b.py", b"x=1\r\n", b"x = 1\r\n", "format b.py")
    listing = healer("log")
    assert listing.code == 0
    lines = listing.out.splitlines()
    assert lines[0].startswith(second) and lines[0].endswith("applied      format b.py")
    assert lines[1] == "    b.py"
    assert lines[2].startswith(first) and "remove unused import os" in lines[2]

    done = healer("undo")
    assert done.code == 0
    assert done.out == f"undid {second}: format b.py\n  restored b.py\n"
    assert (repo.path / "b.py").read_bytes() == b"x=1\r\n"

    document = json.loads(healer("log", "--json").out)
    assert document["schema"] == "healer.log/1"
    assert [(e["id"], e["state"], e["files"]) for e in document["entries"]] == [
        (second, "undone", ["b.py"]),
        (first, "applied", ["a.py"]),
    ]
    assert len(json.loads(healer("log", "-n", "1", "--json").out)["entries"]) == 1

    undone = json.loads(healer("undo", first[:6], "--json").out)
    assert undone == {
        "schema": "healer.undo/1",
        "id": first,
        "title": "remove unused import os",
        "restored": ["a.py"],
        "unchanged": [],
    }
    assert (repo.path / "a.py").read_bytes() == b"import os\n"


def test_undo_errors_are_one_line(repo: Repo, healer: RunHealer, tmp_path: Path) -> None:
    nothing = healer("undo")
    assert nothing.code == 2 and nothing.out == ""
    assert nothing.err == "healer: nothing to undo: no applied fix in this repository (`healer log` lists them)\n"
    fix = applied(repo, "a.py", b"1\n", b"2\n", "bump")
    (repo.path / "a.py").write_bytes(b"2\nmy later work\n")
    refused = healer("undo", fix)
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert "a.py was edited after fix" in refused.err
    assert (repo.path / "a.py").read_bytes() == b"2\nmy later work\n"
    (repo.path / "a.py").write_bytes(b"2\n")
    assert healer("undo", fix).code == 0
    again = healer("undo", fix)
    assert again.code == 2 and "already undone" in again.err
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    for command in ("undo", "log"):
        result = healer(command, cwd=outside)
        assert result.code == 2 and "not inside a git repository" in result.err and result.err.count("\n") == 1


def test_undo_works_with_a_broken_configuration(repo: Repo, healer: RunHealer) -> None:
    repo.config("[stages.lint\nrun = 'oops'\n")
    fix = applied(repo, "a.py", b"1\n", b"2\n", "bump")
    assert healer("undo").code == 0
    assert (repo.path / "a.py").read_bytes() == b"1\n"
    assert fix in healer("log").out


def test_a_corrupt_entry_is_a_notice_not_a_crash(repo: Repo, healer: RunHealer) -> None:
    applied(repo, "a.py", b"1\n", b"2\n", "bump")
    (repo.path / ".git" / "healer" / "journal" / "00000009-x.json").write_text("{")
    result = healer("log")
    assert result.code == 0 and "bump" in result.out
    assert "skipped unreadable journal entry" in result.err


def test_undo_after_a_later_chmod_refuses_in_one_line_unless_forced(repo: Repo, healer: RunHealer) -> None:
    fix = applied(repo, "run.py", b"import os\n", b"", "remove unused import os")
    (repo.path / "run.py").chmod(0o755)  # the user's own later edit: the file is a script now
    refused = healer("undo")
    assert refused.code == 2 and refused.out == ""
    assert refused.err == (
        f"healer: run.py had its mode changed (644 to 755) after fix {fix} was applied; undo refused, nothing "
        "changed (`healer undo --force` undoes it, keeping the new mode)\n"
    )
    assert (repo.path / "run.py").read_bytes() == b"" and (repo.path / "run.py").stat().st_mode & 0o777 == 0o755
    forced = healer("undo", "--force")
    assert forced.code == 0, forced.err
    assert (repo.path / "run.py").read_bytes() == b"import os\n"
    assert (repo.path / "run.py").stat().st_mode & 0o777 == 0o755
