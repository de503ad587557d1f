"""`healer init` and `healer stages` through the CLI, on real project files."""

from __future__ import annotations

import json
import tomllib

from ..conftest import Repo, RunHealer

PYPROJECT = """\
# A project with its own comments, which init must keep.
[project]
name = "example"
dependencies = ["requests"]

[project.optional-dependencies]
dev = ["ruff", "pytest"]

[tool.ruff]
line-length = 100
"""


def test_init_writes_the_detected_pipeline_and_stages_reads_it(repo: Repo, healer: RunHealer) -> None:
    repo.write("pyproject.toml", PYPROJECT)
    repo.write("tests/test_a.py", "def test_a():\n    assert True\n")
    detected = healer("stages", "--json")
    assert detected.code == 0
    document = json.loads(detected.out)
    assert document["schema"] == "healer.stages/1" and document["source"] == "detected"
    names = [stage["name"] for stage in document["stages"]]
    assert "ruff" in names and "pytest" in names
    result = healer("init")
    assert result.code == 0, result.err
    assert "wrote" in result.out and "pyproject.toml" in result.out
    text = (repo.path / "pyproject.toml").read_text()
    assert text.startswith(PYPROJECT)  # the user's bytes, untouched
    assert list(tomllib.loads(text)["tool"]["healer"]["stages"]) == names
    configured = json.loads(healer("stages", "--json").out)
    assert configured["source"] == str(repo.path / "pyproject.toml")
    assert [stage["name"] for stage in configured["stages"]] == names
    again = healer("init")
    assert again.code == 2 and "already configures healer" in again.err
    assert healer("init", "--force").code == 0


def test_init_print_writes_nothing(repo: Repo, healer: RunHealer) -> None:
    repo.write("pyproject.toml", PYPROJECT)
    result = healer("init", "--print")
    assert result.code == 0 and "[tool.healer.stages.ruff]" in result.out
    assert (repo.path / "pyproject.toml").read_text() == PYPROJECT


def test_init_into_healer_toml_without_pyproject(repo: Repo, healer: RunHealer) -> None:
    repo.write("Makefile", ".PHONY: lint test\nlint:\n\techo lint\ntest:\n\techo test\n")
    result = healer("init")
    assert result.code == 0, result.err
    data = tomllib.loads((repo.path / "healer.toml").read_text())
    assert set(data["stages"]) == {"lint", "test"}
    assert healer("run").code == 0


def test_init_with_nothing_to_detect_says_so(repo: Repo, healer: RunHealer) -> None:
    repo.write("notes.txt", "hello\n")
    result = healer("init")
    assert result.code == 2
    assert "found no checks to run" in result.err and "--from-ci" in result.err


def test_init_from_ci_reads_github_workflows(repo: Repo, healer: RunHealer) -> None:
    repo.write(
        ".github/workflows/ci.yml",
        """\
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: pip install -r requirements.txt
              - name: Unit tests
                run: python -m pytest tests
        """,
    )
    without = healer("init", "--print")
    assert without.code == 2
    result = healer("init", "--from-ci", "--print")
    assert result.code == 0, result.err
    assert "python -m pytest tests" in result.out and "pip install" not in result.out


def test_stages_text_lists_needs_gate_and_notes(repo: Repo, healer: RunHealer) -> None:
    repo.config(
        '[stages.a]\nrun = "true"\n[stages.b]\nrun = "pytest"\nkind = "test"\nneeds = ["a"]\ntimeout = 30\n'
        '[stages.b.gate]\nmetric = "coverage"\nmin = 85\n'
    )
    out = healer("stages").out
    assert "pipeline: 2 stages" in out
    assert "needs a" in out and "timeout 30s" in out and "gate coverage >= 85" in out
