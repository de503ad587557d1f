"""Recording and the queries fixers use, on real SQLite files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from healer.kb.records import Rate
from healer.kb.store import Store

from .helpers import REPO, diagnostic, patch, run


def test_record_run_stores_stages_and_diagnostics_in_order(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        diagnostics = (diagnostic(0), diagnostic(1, tool="mypy", code="name-defined", stage="types"))
        run_id = store.record_run(run("failed", "passed", diagnostics=diagnostics))
        again = store.record_run(run("passed", "passed"))
        assert again == run_id + 1
        stages = store.conn.execute(
            "SELECT name, status, cached, key FROM run_stages WHERE run_id = ? ORDER BY seq", (run_id,)
        )
        assert stages.fetchall() == [("lint", "failed", 0, "key-lint"), ("test", "passed", 0, "key-test")]
        rows = store.conn.execute("SELECT stage, tool, file, line, col, code, message, severity, fingerprint FROM diagnostics"
                                  " WHERE run_id = ? ORDER BY seq", (run_id,)).fetchall()  # fmt: skip
        assert rows == [tuple(d[:9]) for d in diagnostics]
        (outcome,) = store.conn.execute("SELECT outcome FROM runs WHERE id = ?", (run_id,)).fetchone()
        assert outcome == "failed"


def test_record_patches_is_idempotent_per_patch_and_logs_each_verification(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        run_id = store.record_run(run("failed", diagnostics=(diagnostic(0),)))
        first = patch(0, status="failed")
        store.record_patches(REPO, run_id, [first])
        store.record_patches(REPO, run_id, [first._replace(status="verified")])
        assert store.conn.execute("SELECT count(*) FROM patches").fetchone() == (1,)
        row = store.conn.execute("SELECT patch_id, diff, status, verified, flags FROM patches").fetchone()
        assert row[0] == first.id and "-import os0" in row[1] and row[2:] == ("verified", 1, "")
        verifications = store.conn.execute(
            "SELECT status, verify_seconds, tool_seconds FROM verifications ORDER BY id"
        ).fetchall()
        assert verifications == [("failed", 1.25, 0.5), ("verified", 1.25, 0.5)]
        assert store.conn.execute("SELECT fingerprint FROM patch_fingerprints").fetchall() == [("fp0",)]


def test_accepted_fixes_newest_first_and_not_once_undone(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        old, new, undone, rejected = (
            patch(1),
            patch(2, fingerprints=("fp1", "fp9")),
            patch(3, fingerprints=("fp1",)),
            patch(4, fingerprints=("fp1",)),
        )
        store.record_patches(REPO, None, [old, new, undone, rejected])
        store.record_patches("/elsewhere", None, [patch(5, fingerprints=("fp1",))])
        for p in (old, undone, new):
            store.record_decision(REPO, p.id, "accepted", "cli")
        store.record_decision(REPO, undone.id, "undone", "cli")
        store.record_decision(REPO, rejected.id, "rejected", "tui")
        store.record_decision("/elsewhere", patch(5).id, "accepted", "hook")

        found = store.accepted_fixes(["fp1"])
        assert [(f.repo, f.patch_id) for f in found] == [("/elsewhere", patch(5).id), (REPO, new.id), (REPO, old.id)]
        assert found[1].fingerprints == ("fp1", "fp9") and found[1].title == new.title
        assert found[1].diff.startswith("diff --git a/src/mod2.py")
        assert found[0].accepted >= found[1].accepted >= found[2].accepted
        assert store.accepted_fixes(["fp1"], limit=1) == found[:1]
        assert store.accepted_fixes(["nothing"]) == [] and store.accepted_fixes([]) == []

        store.record_decision(REPO, undone.id, "accepted", "cli")  # accepted again after the undo
        assert store.accepted_fixes(["fp1"])[0].patch_id == undone.id


def test_a_decision_before_its_patch_is_recorded_still_counts(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        late = patch(7)
        store.record_decision(REPO, late.id, "accepted", "hook")
        store.record_patches(REPO, None, [late])
        assert [f.patch_id for f in store.accepted_fixes(["fp7"])] == [late.id]


def test_rates_by_failure_class_and_origin(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        patches = [patch(i, status="verified" if i < 3 else "failed") for i in range(4)]
        patches.append(patch(9, origin="add-import", classes=("mypy:name-defined",)))
        store.record_patches(REPO, None, patches)
        store.record_decision(REPO, patches[0].id, "accepted", "cli")
        store.record_decision(REPO, patches[1].id, "accepted", "cli")
        store.record_decision(REPO, patches[1].id, "undone", "cli")
        rates = store.rates(["ruff:F401", "mypy:name-defined", "nope:X"])
        assert rates == {
            ("ruff:F401", "ruff-fix"): Rate(proposed=4, verified=3, accepted=2, undone=1),
            ("mypy:name-defined", "add-import"): Rate(proposed=1, verified=1, accepted=0, undone=0),
        }
        assert rates[("ruff:F401", "ruff-fix")].score == (2 - 1 + 1) / (4 + 2)


def test_flaky_and_model_calls(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        store.record_flaky(REPO, "test", "tests/test_a.py::test_x", "passed on rerun")
        store.record_flaky(REPO, "test", "tests/test_a.py::test_x", "passed on rerun again")
        ((count, message),) = store.conn.execute("SELECT count, message FROM flaky").fetchall()
        assert (count, message) == (2, "passed on rerun again")
        store.record_model_call(REPO, model="m", prompt_tokens=100, completion_tokens=20, cost=None, latency=1.0,
                                prompt_hash="abc", ok=False)  # fmt: skip
        assert store.conn.execute("SELECT model, cost, ok FROM model_calls").fetchall() == [("m", None, 0)]


def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        broken = run("failed", diagnostics=(diagnostic(0)._replace(message=None),))  # type: ignore[arg-type]
        try:
            store.record_run(broken)
        except Exception as error:  # NOT NULL constraint
            assert "NOT NULL" in str(error)
        else:
            raise AssertionError("a diagnostic without a message was accepted")
        assert store.conn.execute("SELECT count(*) FROM runs").fetchone() == (0,)
        assert not store.conn.in_transaction
        store.record_run(run("passed"))
        assert store.conn.execute("SELECT count(*) FROM runs").fetchone() == (1,)


def test_importing_the_store_loads_neither_sqlite_utils_nor_json() -> None:
    probe = "import sys; import healer.kb.store; print(sorted(m for m in sys.modules if m.split('.')[0] in ('json', 'sqlite_utils', 'dataclasses')))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
