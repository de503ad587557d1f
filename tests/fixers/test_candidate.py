"""A candidate fix as the knowledge base keeps it."""

from __future__ import annotations

from pathlib import Path

from healer.fixers.candidate import Candidate
from healer.kb.store import Store
from healer.patch.patch import FileEdit, Patch
from healer.pipeline.result import RunResult, StageResult
from tests.kb.helpers import REPO, diagnostic, run


def test_the_record_carries_the_failure_classes_of_the_diagnostics_it_addresses(tmp_path: Path) -> None:
    found = diagnostic(3, tool="mypy", code="name-defined")
    bare = diagnostic(4, tool="pytest", code=None)  # no code: one spelling, "tool:-"
    checked = RunResult((StageResult("lint", "lint", "failed", "mypy", diagnostics=(found, bare)),), 1.0, REPO)
    fix = Patch("t", (FileEdit("src/mod3.py", b"a\n", b"b\n"),), "rule", "r", "safe", 1.0, "lint", ("fp3", "fp4"))
    with Store(tmp_path / "kb.db") as store:
        run_id = store.record_run(run("failed", diagnostics=(found, bare)))
        store.record_patches(REPO, run_id, [Candidate(fix).record(checked)])
        rows = store.conn.execute("SELECT class FROM patch_classes ORDER BY class").fetchall()
        assert rows == [("mypy:name-defined",), ("pytest:-",)]
