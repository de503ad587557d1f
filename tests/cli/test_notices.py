"""Every front end says when the knowledge base cannot be used, and goes on checking without it.

The case is HEALER_DB pointing at a folder: no cache, no history, but the
checks run and their verdict stands. Before the core had one knowledge base
object, `healer run` said so and `healer fix`, the demo, the hooks and the TUI
kept quiet.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import Repo, RunHealer

SAID = "is a folder, not a file"
FAILING = '[stages.words]\nrun = ["sh", "-c", "! grep -q forbidden app.txt"]\n'


@pytest.fixture
def folder_as_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    monkeypatch.setenv("HEALER_DB", str(folder))
    return folder


def failing_project(repo: Repo) -> None:
    repo.config(FAILING)
    repo.write("app.txt", "fine\n")
    repo.commit("start")
    repo.write("app.txt", "forbidden\n")


def test_run_says_so_in_text_and_in_json(repo: Repo, healer: RunHealer, folder_as_database: Path) -> None:
    failing_project(repo)
    text = healer("run")
    assert text.code == 1 and SAID in text.out and "running without the cache" in text.out
    document = json.loads(healer("run", "--json").out)
    assert document["outcome"] == "failed" and any(SAID in notice for notice in document["notices"])
    assert not list(folder_as_database.iterdir())  # nothing was written into the folder


def test_fix_says_so_and_still_fixes_nothing_it_was_not_asked_to(
    repo: Repo, healer: RunHealer, folder_as_database: Path
) -> None:
    failing_project(repo)
    done = healer("fix")
    assert done.code == 1 and SAID in done.out + done.err
    document = json.loads(healer("fix", "--json").out)
    notices = [n for one in document["rounds"] for n in one["run"]["notices"]] + document["final"]["notices"]
    assert any(SAID in notice for notice in notices)
    assert (repo.path / "app.txt").read_text() == "forbidden\n"


def test_the_demo_says_so_and_still_ends_green(healer: RunHealer, folder_as_database: Path, tmp_path: Path) -> None:
    done = healer("demo", cwd=tmp_path, timeout=300)
    assert done.code == 0, done.out + done.err
    assert SAID in done.out + done.err and "every stage is green" in done.out


def test_the_pre_commit_hook_says_so_and_still_blocks(repo: Repo, healer: RunHealer, folder_as_database: Path) -> None:
    failing_project(repo)
    repo.git("add", "app.txt")
    done = healer("hook", "pre-commit")
    assert done.code == 1 and SAID in done.out + done.err
    assert "commit blocked" in done.err


def test_watch_says_so(repo: Repo, folder_as_database: Path) -> None:
    failing_project(repo)
    watcher = subprocess.Popen(
        [sys.executable, "-m", "healer", "watch", "--json"], cwd=repo.path, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=os.environ.copy(), start_new_session=True,
    )  # fmt: skip
    assert watcher.stdout is not None
    records = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            line = watcher.stdout.readline()
            if not line:
                break
            records.append(json.loads(line))
            if records[-1]["event"] == "summary":
                break
    finally:
        os.killpg(watcher.pid, signal.SIGINT)
        watcher.communicate(timeout=30)
    notices = [r["message"] for r in records if r["event"] == "notice"]
    assert any(SAID in notice for notice in notices), records
    assert records[-1]["event"] == "summary" and records[-1]["outcome"] == "failed"


def test_the_tui_says_so(repo: Repo, folder_as_database: Path) -> None:
    from healer.tui.app import HealerApp
    from healer.workspace import open_workspace
    from tests.tui.conftest import settle

    failing_project(repo)

    async def scenario() -> list[str]:
        app = HealerApp(open_workspace(repo.path))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            return list(app.messages)

    messages = asyncio.run(scenario())
    assert any(SAID in message for message in messages), messages
