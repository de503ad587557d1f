"""A project with one bug, an agent configured for it, and fake agent CLIs first on PATH."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.agents.fakes import install
from tests.conftest import Repo

CALC = "def add(a: int, b: int) -> int:\n    return a - b\n"
TEST = "from calc import add\n\n\ndef test_add() -> None:\n    assert add(2, 3) == 5\n"
STAGE = '[stages.test]\nrun = "python -m pytest -q -p no:cacheprovider"\nkind = "test"\nparser = "pytest"\n'

Fix = Callable[..., dict[str, Any]]


def project(repo: Repo, agents: str, extra: str = "") -> None:
    repo.config(STAGE + "\n" + agents + "\n" + extra)
    repo.write("calc.py", CALC)
    repo.write("test_calc.py", TEST)
    repo.commit("start")


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """`fakes(tool, scenario, **args)` installs a fake agent CLI first on PATH."""
    folder = tmp_path / "agent-bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}:{__import__('os').environ['PATH']}")

    def put(tool: str, scenario: str, **args: str) -> Path:
        return install(folder, tool, scenario, **args)

    return put


def fix(repo: Repo, workflow: str, apply: str | None = None, offline: str | None = None) -> dict[str, Any]:
    """`healer fix --agent/--workflow NAME --json` in this process."""
    from healer.fixing.report import FixOptions
    from healer.render.fix_json import fix_document
    from healer.service import Healer
    from healer.workspace import open_workspace

    core = Healer(open_workspace(repo.path), via="cli")
    options = FixOptions(apply=apply, offline=core.offline_reason(), workflow=workflow, agents_offline=offline)  # type: ignore[arg-type]
    report = core.fix(options)
    return json.loads(json.dumps(fix_document(report)))


def agent_patches(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for one in document["rounds"] for p in one["patches"] if p["source"] == "agent"]


def steps(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for one in document["rounds"] if one.get("agents") for s in one["agents"]["steps"]]
