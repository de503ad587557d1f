"""The fix loop through the core: what it records."""

from __future__ import annotations

import os
import sqlite3
import threading

from healer.fixing.report import FixOptions
from healer.kb.database import KnowledgeBase
from healer.service import Healer
from healer.workspace import open_workspace
from tests.conftest import Repo

LINT = '[stages.lint]\nrun = "ruff check --no-fix --no-cache ."\ninputs = ["*.py"]\nparser = "ruff"\n'


def runs() -> list[tuple[str, str]]:
    if not os.path.exists(os.environ["HEALER_DB"]):
        return []
    conn = sqlite3.connect(os.environ["HEALER_DB"])
    try:
        return conn.execute("SELECT trigger, outcome FROM runs ORDER BY id").fetchall()
    finally:
        conn.close()


def test_a_first_check_interrupted_is_not_recorded_and_a_finished_one_is(repo: Repo) -> None:
    repo.config(LINT)
    repo.write("app.py", "import os\n")
    repo.commit("start")
    cancelled = threading.Event()
    cancelled.set()  # the user pressed c (or started another check) before this one got anywhere
    core = Healer(open_workspace(repo.path), via="tui")
    report = core.fix(FixOptions(offline="test", trigger="tui", cancel=cancelled))
    assert report.interrupted and runs() == []
    core.fix(FixOptions(offline="test", trigger="tui"))
    assert runs() == [("tui", "failed")]


def test_two_cores_on_one_knowledge_base_both_hear_its_notices(repo: Repo, tmp_path: object) -> None:
    from pathlib import Path

    from healer.reporter import Reporter

    class Heard(Reporter):
        def __init__(self) -> None:
            self.notices: list[str] = []

        def notice(self, message: str) -> None:
            self.notices.append(message)

    repo.config(LINT)
    repo.write("app.py", "x = 1\n")
    kb = KnowledgeBase(Path(str(tmp_path)))  # a folder: not usable
    first, second = Heard(), Heard()
    one = Healer(open_workspace(repo.path), via="cli", kb=kb, reporter=first)
    Healer(open_workspace(repo.path), via="tui", kb=kb, reporter=second)
    run = one.check()
    assert run.outcome == "passed"
    assert len(first.notices) == 1 and first.notices == second.notices and list(run.notices) == first.notices
