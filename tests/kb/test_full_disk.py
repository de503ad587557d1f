"""A knowledge base or log folder on a full, read-only or immutable file system: one notice, and the commit is
decided by the checks alone.

Everything is real: a small tmpfs filled up with a file (tests/small_disk.py),
the knowledge base and `.git/healer/logs` on it, the installed hook run by
`git commit`. The repository itself is elsewhere: a disk too full for git's
own objects fails the commit whatever a hook does.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import Repo, RunHealer
from ..hooks.helpers import run_git
from ..small_disk import fill, remount_read_only, small_disk

# `talk` prints 10 MB: past the 8 MB kept in memory, so its full output goes to a log file on the small disk.
CONFIG = """\
[stages.words]
run = ["sh", "-c", "! grep -q forbidden app.txt"]

[stages.talk]
run = ["python3", "-c", "import sys; sys.stdout.write(('y' * 999 + chr(10)) * 10240)"]
"""


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with small_disk(tmp_path / "small", "16m") as folder:
        yield folder


@pytest.fixture
def on_disk(repo: Repo, healer: RunHealer, disk: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The knowledge base and the log folder on the small disk, the knowledge base made by a first run."""
    (disk / "kb").mkdir()
    (disk / "logs").mkdir()
    monkeypatch.setenv("HEALER_DB", str(disk / "kb" / "healer.db"))
    repo.config(CONFIG)
    repo.write("app.txt", "fine\n")
    repo.commit("start")
    (repo.path / ".git" / "healer").mkdir(parents=True, exist_ok=True)
    (repo.path / ".git" / "healer" / "logs").symlink_to(disk / "logs")
    first = healer("run")
    assert first.code == 0, first.out + first.err
    assert (disk / "kb" / "healer.db").stat().st_size > 0
    (disk / "logs" / "talk.log").unlink()
    assert healer("install", "--hook", "pre-commit").code == 0
    return disk


def commit(repo: Repo, text: str) -> subprocess.CompletedProcess[str]:
    repo.write("app.txt", text)
    repo.git("add", "app.txt")
    return run_git(repo.path, "commit", "-q", "-m", text.strip())


def knowledge_base_notices(said: str) -> list[str]:
    return [line for line in said.splitlines() if "knowledge base" in line]


def assert_decided_by_the_checks(repo: Repo, disk: Path) -> tuple[str, str]:
    good = commit(repo, "still fine\n")
    good_said = good.stdout + good.stderr
    assert good.returncode == 0, good_said
    assert repo.git("log", "-1", "--format=%s").strip() == "still fine"
    bad = commit(repo, "forbidden\n")
    bad_said = bad.stdout + bad.stderr
    assert bad.returncode == 1 and "commit blocked" in bad.stderr, bad_said
    assert repo.git("log", "-1", "--format=%s").strip() == "still fine"
    for said in (good_said, bad_said):
        assert "Traceback" not in said and "OperationalError" not in said
    # Nothing half-written is left on the disk.
    assert sorted(path.name for path in (disk / "logs").iterdir() if path.name != "talk.log") == []
    return good_said, bad_said


# 0: nothing fits, the file cannot even be opened; 64 KiB: it opens, its writes fail; 9 MiB: the talkative
# stage's log file starts and fills the disk half way.
@pytest.mark.parametrize("leave", [0, 64 << 10, 9 << 20], ids=["no-byte-free", "64KiB-free", "9MiB-free"])
def test_a_full_disk_costs_the_records_not_the_commit(repo: Repo, on_disk: Path, leave: int) -> None:
    fill(on_disk, leave)
    good_said, bad_said = assert_decided_by_the_checks(repo, on_disk)
    for said in (good_said, bad_said):
        assert len(knowledge_base_notices(said)) <= 1, said
    if leave == 9 << 20:
        assert "stage 'talk': the full output could not be kept in" in good_said
        assert "No space left on device" in good_said


def test_a_read_only_file_system(repo: Repo, on_disk: Path) -> None:
    remount_read_only(on_disk)
    good_said, _ = assert_decided_by_the_checks(repo, on_disk)
    notices = knowledge_base_notices(good_said)
    assert len(notices) == 1, good_said


def test_an_immutable_main_file_beside_a_writable_journal(repo: Repo, on_disk: Path) -> None:
    database = on_disk / "kb" / "healer.db"
    done = subprocess.run(["chattr", "+i", str(database)], capture_output=True, text=True)
    if done.returncode != 0:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"chattr +i failed under CI: {done.stderr.strip()}")
        pytest.skip(f"chattr +i is not possible here: {done.stderr.strip()}")
    try:
        good_said, _ = assert_decided_by_the_checks(repo, on_disk)
        notices = knowledge_base_notices(good_said)
        assert len(notices) == 1 and "takes no writes" in notices[0], good_said
    finally:
        subprocess.run(["chattr", "-i", str(database)], capture_output=True)
