"""The fix loop and the knowledge base: runs and fixes are recorded, accepted fixes are replayed elsewhere."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import Repo, RunHealer
from tests.fixing.words import words_project

STAGE = """
[stages.words]
run = ["sh", "-c", "grep -n forbidden app.txt | sed 's/:/: /; s/^/app.txt:/' ; ! grep -q forbidden app.txt"]
parser = "generic"
"""


def project(path: Path, *, rule: bool, config: str = STAGE) -> Repo:
    return words_project(path, config, {"app.txt": "fine\n"}, {"app.txt": "this is forbidden\n"}, rule=rule)


def rows(table: str) -> list[sqlite3.Row]:
    import os

    with sqlite3.connect(os.environ["HEALER_DB"]) as conn:
        conn.row_factory = sqlite3.Row
        return list(conn.execute(f"SELECT * FROM {table}"))


def test_an_accepted_fix_is_replayed_in_another_repository(tmp_path: Path, healer: RunHealer) -> None:
    first = project(tmp_path / "first", rule=True)
    done = healer("fix", "--apply", "all", "--json", cwd=first.path)
    assert done.code == 0, done.out + done.err
    assert (first.path / "app.txt").read_text() == "this is allowed\n"
    second = project(tmp_path / "second", rule=False)  # no rule here: only the knowledge base knows the fix
    done = healer("fix", "--apply", "all", "--json", cwd=second.path)
    document = json.loads(done.out)
    assert done.code == 0, done.out + done.err
    [patch] = [p for p in document["rounds"][0]["patches"] if p["id"] in document["applied"]]
    assert patch["source"] == "replay" and patch["status"] == "verified"
    assert patch["title"].endswith("(seen before)")
    assert (second.path / "app.txt").read_text() == "this is allowed\n"


def test_an_undone_fix_is_not_replayed(tmp_path: Path, healer: RunHealer) -> None:
    first = project(tmp_path / "first", rule=True)
    assert healer("fix", "--apply", "all", cwd=first.path).code == 0
    assert healer("undo", cwd=first.path).code == 0
    second = project(tmp_path / "second", rule=False)
    document = json.loads(healer("fix", "--apply", "all", "--json", cwd=second.path).out)
    assert document["rounds"][0]["patches"] == []
    decisions = [row["decision"] for row in rows("decisions")]
    assert decisions == ["accepted", "undone"]


def test_runs_and_fixes_are_recorded_unless_the_repository_opts_out(tmp_path: Path, healer: RunHealer) -> None:
    first = project(tmp_path / "first", rule=True)
    assert healer("fix", "--apply", "all", cwd=first.path).code == 0
    runs = rows("runs")
    assert [r["trigger"] for r in runs] == ["fix", "fix"] and [r["outcome"] for r in runs] == ["failed", "passed"]
    assert all(r["repo"] == str(first.path) for r in runs)
    assert len(rows("patches")) == 1
    quiet = project(tmp_path / "quiet", rule=True, config="history = false\n" + STAGE)
    assert healer("fix", "--apply", "all", cwd=quiet.path).code == 0
    assert healer("run", cwd=quiet.path).code == 0
    assert not [r for t in ("runs", "patches", "decisions") for r in rows(t) if r["repo"] == str(quiet.path)]
