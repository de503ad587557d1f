"""Applying and undoing patches on real files in real git repositories."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from healer.config.settings import FixSettings
from healer.errors import HealerError
from healer.patch import journal
from healer.patch.apply import ApplyRefused, apply_patch
from healer.patch.patch import FileEdit
from healer.patch.undo import UndoRefused, undo

from ..conftest import Repo
from .helpers import make_patch, tree


def state(repo: Repo) -> Path:
    return repo.path / ".git" / "healer"


def write(repo: Repo, path: str, data: bytes, mode: int = 0o644) -> None:
    target = repo.path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    target.chmod(mode)


def test_apply_then_undo_is_byte_exact_with_modes_crlf_and_foreign_bytes(repo: Repo) -> None:
    script = b"#!/bin/sh\r\necho hi\r\n"
    latin = b"# caf\xe9\nx = 1\n"
    write(repo, "run.sh", script, 0o755)
    write(repo, "src/latin.py", latin, 0o640)
    write(repo, "gone.txt", b"bye\n", 0o600)
    original = tree(repo.path)
    patch = make_patch(
        FileEdit("run.sh", script, b"#!/bin/sh\r\necho hello\r\n"),
        FileEdit("src/latin.py", latin, b"# caf\xe9\nx = 2\n"),
        FileEdit("gone.txt", b"bye\n", None),
        FileEdit("new/dir/made.py", None, b"made = True\n"),
    )
    record = apply_patch(repo.path, state(repo), patch)
    assert record.id == patch.id and record.paths == patch.paths
    assert record.flags == ("creates-file", "deletes-file")
    assert (repo.path / "run.sh").read_bytes() == b"#!/bin/sh\r\necho hello\r\n"
    assert stat.S_IMODE((repo.path / "run.sh").stat().st_mode) == 0o755
    assert (repo.path / "src/latin.py").read_bytes() == b"# caf\xe9\nx = 2\n"
    assert stat.S_IMODE((repo.path / "src/latin.py").stat().st_mode) == 0o640
    assert not (repo.path / "gone.txt").exists()
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((repo.path / "new/dir/made.py").stat().st_mode) == 0o666 & ~umask
    [entry] = journal.entries(state(repo))
    assert entry.state == "applied" and entry.id == patch.id

    done = undo(repo.path, state(repo))
    assert sorted(done.restored) == sorted(patch.paths)
    after_undo = tree(repo.path)
    assert after_undo == original  # bytes and permission bits, created file gone, deleted one back
    assert journal.entries(state(repo))[0].state == "undone"


def test_a_file_edited_after_the_proposal_refuses_everything(repo: Repo) -> None:
    for n in range(5):
        write(repo, f"f{n}.py", b"old %d\n" % n)
    patch = make_patch(*(FileEdit(f"f{n}.py", b"old %d\n" % n, b"new %d\n" % n) for n in range(5)))
    write(repo, "f3.py", b"the user's edit\n")
    before = tree(repo.path)
    with pytest.raises(ApplyRefused, match=r"^f3\.py changed since the fix was made; rerun `healer fix`$"):
        apply_patch(repo.path, state(repo), patch)
    assert tree(repo.path) == before
    assert not any(entry.state != "undone" for entry in journal.entries(state(repo)))
    assert journal.entries(state(repo)) == []


def test_a_file_that_appeared_refuses_a_creation(repo: Repo) -> None:
    patch = make_patch(FileEdit("new.py", None, b"x\n"))
    write(repo, "new.py", b"mine\n")
    with pytest.raises(ApplyRefused, match=r"new\.py changed since"):
        apply_patch(repo.path, state(repo), patch)
    assert (repo.path / "new.py").read_bytes() == b"mine\n"


@pytest.mark.parametrize("path", ["../escape.py", ".git/hooks/pre-commit", "/tmp/abs.py", "link/evil.py"])
def test_unsafe_paths_are_refused_and_nothing_is_written(repo: Repo, tmp_path: Path, path: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo.path / "link").symlink_to(outside)
    write(repo, "ok.py", b"a\n")
    before = tree(repo.path)
    patch = make_patch(FileEdit("ok.py", b"a\n", b"b\n"), FileEdit(path, None, b"evil\n"))
    with pytest.raises(ApplyRefused, match="refusing fix"):
        apply_patch(repo.path, state(repo), patch)
    assert tree(repo.path) == before
    assert list(outside.iterdir()) == []
    assert not (repo.path / ".git/hooks/pre-commit").exists()
    assert journal.entries(state(repo)) == []


def test_protected_files_are_refused(repo: Repo) -> None:
    write(repo, "db/schema.sql", b"a\n")
    patch = make_patch(FileEdit("db/schema.sql", b"a\n", b"b\n"))
    with pytest.raises(ApplyRefused, match="protected"):
        apply_patch(repo.path, state(repo), patch, settings=FixSettings(protected=("db/**",)))
    assert (repo.path / "db/schema.sql").read_bytes() == b"a\n"


def test_undo_after_a_later_edit_refuses_and_changes_nothing(repo: Repo) -> None:
    write(repo, "a.py", b"a1\n")
    write(repo, "b.py", b"b1\n")
    patch = make_patch(FileEdit("a.py", b"a1\n", b"a2\n"), FileEdit("b.py", b"b1\n", b"b2\n"))
    apply_patch(repo.path, state(repo), patch)
    write(repo, "b.py", b"b2 and more work\n")
    before = tree(repo.path)
    with pytest.raises(UndoRefused, match=r"b\.py was edited after fix .* was applied; undo refused"):
        undo(repo.path, state(repo))
    assert tree(repo.path) == before
    assert journal.entries(state(repo))[0].state == "applied"


def test_undo_twice_and_nothing_to_undo(repo: Repo) -> None:
    with pytest.raises(UndoRefused, match="nothing to undo"):
        undo(repo.path, state(repo))
    write(repo, "a.py", b"1\n")
    patch = make_patch(FileEdit("a.py", b"1\n", b"2\n"))
    apply_patch(repo.path, state(repo), patch)
    undo(repo.path, state(repo), patch.id[:5])
    with pytest.raises(UndoRefused, match="already undone"):
        undo(repo.path, state(repo), patch.id)
    with pytest.raises(UndoRefused, match="nothing to undo"):
        undo(repo.path, state(repo))
    with pytest.raises(HealerError, match="no applied fix with id 'zzz'"):
        undo(repo.path, state(repo), "zzz")


def test_default_undo_takes_the_newest_applied_and_ids_can_be_ambiguous(repo: Repo) -> None:
    write(repo, "a.py", b"1\n")
    first = make_patch(FileEdit("a.py", b"1\n", b"2\n"), title="first")
    second = make_patch(FileEdit("a.py", b"2\n", b"3\n"), title="second")
    apply_patch(repo.path, state(repo), first)
    apply_patch(repo.path, state(repo), second)
    assert [e.title for e in journal.entries(state(repo))] == ["second", "first"]
    # The older fix cannot be undone under the newer one: a.py holds neither its before nor its after.
    with pytest.raises(UndoRefused, match=r"a\.py was edited after"):
        undo(repo.path, state(repo), first.id)
    assert undo(repo.path, state(repo)).title == "second"
    assert undo(repo.path, state(repo)).title == "first"
    assert (repo.path / "a.py").read_bytes() == b"1\n"


def test_an_ambiguous_id_prefix_is_refused(repo: Repo) -> None:
    write(repo, "a.py", b"1\n")
    first = make_patch(FileEdit("a.py", b"1\n", b"2\n"))
    second = next(
        candidate
        for n in range(1000)
        if (candidate := make_patch(FileEdit("a.py", b"2\n", b"%d\n" % n))).id[0] == first.id[0] and n != 2
    )
    apply_patch(repo.path, state(repo), first)
    apply_patch(repo.path, state(repo), second)
    with pytest.raises(HealerError, match=f"fix id '{first.id[0]}' is ambiguous: it matches"):
        undo(repo.path, state(repo), first.id[0])
    assert (repo.path / "a.py").read_bytes() == second.edits[0].after


def test_a_fix_applied_again_after_undo_gets_a_new_entry(repo: Repo) -> None:
    write(repo, "a.py", b"1\n")
    patch = make_patch(FileEdit("a.py", b"1\n", b"2\n"))
    apply_patch(repo.path, state(repo), patch)
    undo(repo.path, state(repo))
    apply_patch(repo.path, state(repo), patch)
    entries = journal.entries(state(repo))
    assert [(e.seq, e.state) for e in entries] == [(2, "applied"), (1, "undone")]
    assert journal.find(state(repo), patch.id).seq == 2
    undo(repo.path, state(repo), patch.id)
    assert (repo.path / "a.py").read_bytes() == b"1\n"


def test_stage_adds_to_the_index_only_when_asked(repo: Repo) -> None:
    write(repo, "a.py", b"1\n")
    write(repo, "b.py", b"1\n")
    repo.commit()
    apply_patch(repo.path, state(repo), make_patch(FileEdit("a.py", b"1\n", b"2\n")))
    assert repo.git("diff", "--cached", "--name-only") == ""
    # The commit being made changes b.py and adds a file named "*.py": a staged fix may touch those.
    write(repo, "b.py", b"2\n")
    write(repo, "*.py", b"w\n")
    repo.git("add", "b.py", ":(literal)*.py")
    apply_patch(
        repo.path, state(repo), make_patch(FileEdit("b.py", b"2\n", None), FileEdit("*.py", b"w\n", b"x\n")), stage=True
    )
    assert repo.git("diff", "--cached", "--name-status").split("\n")[:2] == ["A\t*.py", "D\tb.py"]
    assert repo.git("show", ":*.py") == "x\n"
    assert repo.git("log", "--oneline").count("\n") == 1  # healer never commits


def test_stage_refuses_a_file_the_commit_does_not_change(repo: Repo) -> None:
    write(repo, "a.py", b"1\n")
    write(repo, "b.py", b"1\n")
    repo.commit()
    write(repo, "a.py", b"2\n")
    repo.git("add", "a.py")
    index = repo.git("ls-files", "--stage")
    before = tree(repo.path)
    patch = make_patch(FileEdit("a.py", b"2\n", b"3\n"), FileEdit("b.py", b"1\n", b"3\n"))
    with pytest.raises(ApplyRefused, match=r"^b\.py is not part of the commit"):
        apply_patch(repo.path, state(repo), patch, stage=True)
    new_file = make_patch(FileEdit("new.py", None, b"x\n"))
    with pytest.raises(ApplyRefused, match=r"^new\.py is not part of the commit"):
        apply_patch(repo.path, state(repo), new_file, stage=True)
    assert tree(repo.path) == before and repo.git("ls-files", "--stage") == index
    assert journal.entries(state(repo)) == []
    # Not staging, the same fix is the working tree's business only.
    apply_patch(repo.path, state(repo), patch)
    assert (repo.path / "b.py").read_bytes() == b"3\n"


def test_stage_in_a_repository_without_commits_may_touch_what_is_staged(repo: Repo) -> None:
    write(repo, "a.py", b"1\n")
    write(repo, "b.py", b"1\n")
    repo.git("add", "a.py")
    apply_patch(repo.path, state(repo), make_patch(FileEdit("a.py", b"1\n", b"2\n")), stage=True)
    assert repo.git("show", ":a.py") == "2\n"
    with pytest.raises(ApplyRefused, match=r"^b\.py is not part of the commit"):
        apply_patch(repo.path, state(repo), make_patch(FileEdit("b.py", b"1\n", b"2\n")), stage=True)


def test_an_interrupted_apply_is_undone_file_by_file(repo: Repo) -> None:
    for n in range(3):
        write(repo, f"f{n}.py", b"old\n")
    patch = make_patch(*(FileEdit(f"f{n}.py", b"old\n", b"new\n") for n in range(3)))
    files = tuple(journal.JournalFile(f"f{n}.py", b"old\n", journal.digest(b"new\n"), 0o644) for n in range(3))
    with journal.locked(state(repo)):
        journal.record(state(repo), patch, files)
    # As if killed after writing f0.py (and leaving a temporary file beside f1.py):
    write(repo, "f0.py", b"new\n")
    write(repo, ".f1.py.healer-tmp-123-abcd", b"ne")
    assert journal.entries(state(repo))[0].state == "applying"
    done = undo(repo.path, state(repo))
    assert done.restored == ("f0.py",) and done.unchanged == ("f1.py", "f2.py")
    assert {name: data for name, (data, _) in tree(repo.path).items()} == {f"f{n}.py": b"old\n" for n in range(3)}


def test_corrupt_journal_entries_are_skipped_with_a_notice(repo: Repo) -> None:
    write(repo, "a.py", b"1\n")
    apply_patch(repo.path, state(repo), make_patch(FileEdit("a.py", b"1\n", b"2\n")))
    folder = journal.folder(state(repo))
    (folder / "00000005-bad.json").write_text("{not json")
    (folder / "00000006-worse.json").write_text(json.dumps({"version": 1, "state": "applied"}))
    entries, notices = journal.scan(state(repo))
    assert len(entries) == 1 and len(notices) == 2
    assert "00000005-bad.json" in notices[0]
    write(repo, "b.py", b"1\n")
    apply_patch(repo.path, state(repo), make_patch(FileEdit("b.py", b"1\n", b"2\n")))
    assert journal.entries(state(repo))[0].seq == 7  # never reuses the number of an unreadable entry
    assert undo(repo.path, state(repo)).restored == ("b.py",)


def test_the_journal_holds_what_undo_needs(repo: Repo) -> None:
    write(repo, "a.py", b"\x00\xffbinary-ish before\n")
    patch = make_patch(FileEdit("a.py", b"\x00\xffbinary-ish before\n", b"text\n"))
    apply_patch(repo.path, state(repo), patch)
    [path] = journal.folder(state(repo)).glob("*.json")
    data = json.loads(path.read_text())
    assert data["id"] == patch.id and data["state"] == "applied" and data["source"] == "rule"
    assert data["files"][0]["after_sha"] == journal.digest(b"text\n")
    assert data["files"][0]["mode"] == 0o644
    undo(repo.path, state(repo))
    assert (repo.path / "a.py").read_bytes() == b"\x00\xffbinary-ish before\n"


def test_a_save_while_the_new_content_is_written_is_not_overwritten(tmp_path: Path) -> None:
    from healer.patch import files

    target = tmp_path / "a.py"
    target.write_bytes(b"old\n")

    def user_saves_meanwhile() -> bool:
        target.write_bytes(b"the user's save\n")  # lands between the temporary file's fsync and the rename
        return files.current(tmp_path, "a.py") == b"old\n"

    with pytest.raises(files.Changed):
        files.write(tmp_path, "a.py", b"new\n", None, user_saves_meanwhile)
    assert target.read_bytes() == b"the user's save\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]  # no temporary file left behind


def test_undo_refuses_after_a_later_chmod_of_a_changed_or_created_file(repo: Repo) -> None:
    write(repo, "a.py", b"old\n", 0o644)
    patch = make_patch(FileEdit("a.py", b"old\n", b"new\n"), FileEdit("made.py", None, b"made\n"))
    apply_patch(repo.path, state(repo), patch)
    made = stat.S_IMODE((repo.path / "made.py").stat().st_mode)
    (repo.path / "made.py").chmod(made | 0o111)
    before = tree(repo.path)
    with pytest.raises(UndoRefused, match=r"^made\.py had its mode changed .* undo refused, nothing changed"):
        undo(repo.path, state(repo))
    assert tree(repo.path) == before
    (repo.path / "made.py").chmod(made)
    (repo.path / "a.py").chmod(0o600)
    with pytest.raises(UndoRefused, match=r"^a\.py had its mode changed \(644 to 600\)"):
        undo(repo.path, state(repo))
    assert tree(repo.path) == {**before, "made.py": (b"made\n", made), "a.py": (b"new\n", 0o600)}
    done = undo(repo.path, state(repo), force=True)
    assert done.restored == ("a.py", "made.py")
    assert (repo.path / "a.py").read_bytes() == b"old\n" and stat.S_IMODE((repo.path / "a.py").stat().st_mode) == 0o600
    assert not (repo.path / "made.py").exists()


def test_an_entry_without_after_modes_still_compares_an_existing_file_s_mode(repo: Repo) -> None:
    write(repo, "a.py", b"old\n", 0o644)
    apply_patch(repo.path, state(repo), make_patch(FileEdit("a.py", b"old\n", b"new\n")))
    [entry_file] = (state(repo) / "journal").glob("*.json")
    data = json.loads(entry_file.read_text())
    for file in data["files"]:
        del file["after_mode"]  # as healer wrote entries before it kept them
    entry_file.write_text(json.dumps(data))
    (repo.path / "a.py").chmod(0o755)
    with pytest.raises(UndoRefused, match="had its mode changed"):
        undo(repo.path, state(repo))
