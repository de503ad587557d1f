"""A new fixer is one module: plugged into `healer.fixers.KINDS`, its candidates pass the same admission and
verification as the rules' (a patch that escapes the repository is refused and written nowhere, a model's
patch may not touch a denied file, a patch that removes the failure is verified, one that does not fails)."""

from __future__ import annotations

from pathlib import Path

import pytest

from healer.fixers import KINDS, Kind
from healer.patch.patch import FileEdit
from healer.service import Healer
from healer.workspace import open_workspace
from tests.conftest import Repo
from tests.fixing import probe_fixer

LINT = '[stages.lint]\nrun = "ruff check --no-fix --no-cache ."\ninputs = ["*.py"]\nparser = "ruff"\n'
BROKEN = "import os\n\nx = 1\n"


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    monkeypatch.setitem(KINDS, "probe", Kind("tests.fixing.probe_fixer"))
    monkeypatch.setattr(probe_fixer, "PROPOSALS", [])
    return probe_fixer.PROPOSALS  # type: ignore[return-value]


def test_every_fixers_candidates_are_admitted_and_verified_alike(repo: Repo, probe: list[object]) -> None:
    repo.config(LINT)
    repo.write("app.py", BROKEN)
    repo.write(".env", "MODE=1\n")
    repo.commit("start")
    outside = repo.path.parent / "outside.py"
    probe.extend([
        ("rule", (FileEdit("app.py", BROKEN.encode(), b"x = 1\n"),)),  # removes the failure
        ("rule", (FileEdit("app.py", BROKEN.encode(), b"import os\n\nx = 2\n"),)),  # does not
        ("rule", (FileEdit("../outside.py", None, b"print('owned')\n"),)),  # escapes the repository
        ("model", (FileEdit(".env", b"MODE=1\n", b"MODE=2\n"),)),  # a model may not touch it
    ])  # fmt: skip
    core = Healer(open_workspace(repo.path), via="cli")
    run = core.check()
    found = core.propose(run, fixers=core.fixers(("probe",), offline="not asked"))
    status = {c.patch.title: (c.status, c.detail or "") for c in found.candidates}
    assert status["probe 0"][0] == "verified"
    assert status["probe 1"][0] == "failed" and "still reports" in status["probe 1"][1]
    assert status["probe 2"][0] == "failed" and status["probe 2"][1].startswith("refused: ../outside.py")
    assert status["probe 3"][0] == "failed" and "matches llm.deny" in status["probe 3"][1]
    assert not outside.exists() and (repo.path / "app.py").read_text() == BROKEN
    assert repo.git("status", "--porcelain") == ""


def test_an_unknown_fixer_name_is_one_clear_error(repo: Repo) -> None:
    from healer.errors import HealerError

    repo.config(LINT)
    core = Healer(open_workspace(repo.path), via="cli")
    with pytest.raises(HealerError, match="no fixer named 'agents'; the fixers are rules, replay, model"):
        core.fixers(("agents",), offline=None)


def test_the_fixers_are_tried_in_the_order_kinds_gives(tmp_path: Path, repo: Repo) -> None:
    repo.config(LINT)
    core = Healer(open_workspace(repo.path), via="cli")
    assert [fixer.name for fixer in core.fixers(offline="offline")] == ["rules", "replay"]
