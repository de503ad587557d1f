"""`healer run --sarif FILE` as a user runs it: a real subprocess in a real repository with ruff and mypy."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from ..conftest import Repo, RunHealer
from .test_startup_imports import loaded

SCHEMA = json.loads((Path(__file__).parents[1] / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text())
CONFIG = """\
[project]
name = "app"
version = "0"

[tool.healer.stages.lint]
run = "ruff check --no-fix --no-cache ."
parser = "ruff"

[tool.healer.stages.types]
run = "mypy --no-incremental --strict app.py"
parser = "mypy"
"""


def project(repo: Repo, app: str = "import os\n\n\ndef f(x: int) -> str:\n    return x\n") -> None:
    repo.write("pyproject.toml", CONFIG)
    repo.write("app.py", app)
    repo.write(".gitignore", ".mypy_cache/\n__pycache__/\n*.sarif\n")
    repo.commit("start")


def sarif(path: Path) -> dict[str, object]:
    document = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    return document  # type: ignore[no-any-return]


def test_run_writes_valid_sarif_and_keeps_its_exit_code_and_output(repo: Repo, healer: RunHealer) -> None:
    project(repo)
    result = healer("run", "--sarif", "out.sarif")
    assert result.code == 1
    assert any(line.startswith("lint FAILED in ") for line in result.out.splitlines())
    document = sarif(repo.path / "out.sarif")
    runs = {run["tool"]["driver"]["name"]: run for run in document["runs"]}  # type: ignore[attr-defined]
    assert list(runs) == ["ruff", "mypy"]
    assert [r["ruleId"] for r in runs["ruff"]["results"]] == ["F401"]
    assert [r["ruleId"] for r in runs["mypy"]["results"]] == ["return-value"]
    assert runs["ruff"]["invocations"][0]["exitCode"] == 1


def test_run_with_json_and_sarif_writes_both(repo: Repo, healer: RunHealer) -> None:
    project(repo, "def f(x: int) -> int:\n    return x\n")
    target = repo.path / "reports" / "healer.sarif"
    target.parent.mkdir()
    result = healer("run", "--json", "--sarif", str(target))
    assert result.code == 0
    assert json.loads(result.out)["outcome"] == "passed"
    document = sarif(target)
    # Both tools send their run, empty: code scanning closes their old alerts.
    assert [(run["tool"]["driver"]["name"], run["results"]) for run in document["runs"]] == [  # type: ignore[attr-defined]
        ("ruff", []),
        ("mypy", []),
    ]
    cached = healer("run", "--sarif", str(target))
    assert cached.code == 0
    assert [run["invocations"][0]["properties"]["cached"] for run in sarif(target)["runs"]] == [True, True]  # type: ignore[attr-defined]


def test_a_path_that_cannot_be_written_is_one_line_and_exit_2_before_anything_runs(
    repo: Repo, healer: RunHealer
) -> None:
    project(repo)
    result = healer("run", "--sarif", "no/such/dir/out.sarif")
    assert result.code == 2 and result.out == ""
    (line,) = result.err.strip().splitlines()
    assert "cannot write the SARIF to no/such/dir/out.sarif" in line and "does not exist" in line
    (repo.path / "adir").mkdir()
    result = healer("run", "--sarif", "adir")
    assert result.code == 2 and "it is a folder" in result.err and len(result.err.strip().splitlines()) == 1


def test_only_a_run_that_asks_for_sarif_loads_its_renderer(repo: Repo) -> None:
    repo.config('[stages.ok]\nrun = "true"\n')
    assert "healer.render.sarif" not in loaded(repo, "run")
    assert "healer.render.sarif" in loaded(repo, "run", "--sarif", "out.sarif")
    assert json.loads((repo.path / "out.sarif").read_text())["runs"][0]["tool"]["driver"]["name"] == "ok"
