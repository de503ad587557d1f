"""Detecting a monorepo's projects (uv, npm, yarn, pnpm, nested projects) and each project's stages."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from healer.config.load import load_config
from healer.detect.detection import pipeline_of
from healer.detect.workspaces import find_members
from tests.conftest import Repo, RunHealer

PYTHON_PROJECT = """\
[project]
name = "{name}"
version = "0"

[tool.ruff]
line-length = 100

[tool.pytest.ini_options]
testpaths = ["tests"]
"""


def write(root: Path, name: str, text: str) -> None:
    target = root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def python_project(root: Path, folder: str) -> None:
    write(root, f"{folder}/pyproject.toml", PYTHON_PROJECT.format(name=folder.rsplit("/", 1)[-1]))


def package(root: Path, folder: str, scripts: dict[str, str] | None = None) -> None:
    data = {"name": folder.rsplit("/", 1)[-1], "scripts": scripts or {"test": "node test.js"}}
    write(root, f"{folder}/package.json", json.dumps(data))


def folders(root: Path) -> list[str]:
    return [member.folder for member in find_members(root)[0]]


def test_a_uv_workspace_with_members_and_exclude(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/old"]\n')
    for folder in ("packages/a", "packages/b", "packages/old"):
        python_project(tmp_path, folder)
    (tmp_path / "packages/notes").mkdir()  # no pyproject.toml: no member
    members, notes = find_members(tmp_path)
    assert [member.folder for member in members] == ["packages/a", "packages/b"]
    assert notes == ["pyproject.toml [tool.uv.workspace]: 2 projects (packages/a, packages/b)"]
    config = pipeline_of(tmp_path)
    assert config.source == "detected"
    assert [p.name for p in config.projects] == ["a", "b"]
    assert "a:ruff" in config.names and "b:pytest" in config.names
    ruff = config.stage("a:ruff")
    assert ruff.cwd == "packages/a"
    assert "packages/a/**/*.py" in ruff.inputs and "/pyproject.toml" in ruff.inputs
    assert "a: ruff: [tool.ruff] in pyproject.toml" in " ".join(config.notes)


def test_npm_workspaces_as_a_list_and_yarns_packages_table(tmp_path: Path) -> None:
    for folder in ("apps/web", "libs/ui"):
        package(tmp_path, folder)
    write(tmp_path, "package.json", json.dumps({"name": "root", "workspaces": ["apps/*", "libs/*"]}))
    assert folders(tmp_path) == ["apps/web", "libs/ui"]
    write(tmp_path, "package.json", json.dumps({"name": "root", "workspaces": {"packages": ["libs/*"]}}))
    assert folders(tmp_path) == ["libs/ui"]
    config = pipeline_of(tmp_path)
    assert config.names == ("ui:test",)
    assert config.stage("ui:test").cwd == "libs/ui"


def test_pnpm_workspace_yaml_with_an_exclusion(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"name": "root"}))
    write(tmp_path, "pnpm-workspace.yaml", "packages:\n  - 'packages/*'\n  - '!**/test/**'\n  - '!packages/internal'\n")
    for folder in ("packages/one", "packages/two", "packages/internal", "packages/test"):
        package(tmp_path, folder)
    assert folders(tmp_path) == ["packages/one", "packages/two"]
    assert [p.name for p in pipeline_of(tmp_path).projects] == ["one", "two"]


def test_nested_projects_without_a_declared_workspace(tmp_path: Path) -> None:
    python_project(tmp_path, "backend")
    package(tmp_path, "frontend/app")
    python_project(tmp_path, "tests/fixtures/sample")  # test data, not a project
    python_project(tmp_path, "node_modules/dep")
    members, notes = find_members(tmp_path)
    assert [member.folder for member in members] == ["backend", "frontend/app"]
    assert notes == ["no workspace declared, but 2 projects in folders (backend, frontend/app)"]
    # A root that is a project of its own is one project with folders, not a monorepo.
    write(tmp_path, "pyproject.toml", PYTHON_PROJECT.format(name="root"))
    assert folders(tmp_path) == []


def test_one_nested_project_is_no_monorepo(tmp_path: Path) -> None:
    python_project(tmp_path, "backend")
    assert folders(tmp_path) == []
    assert pipeline_of(tmp_path).projects == ()


def test_a_detected_monorepo_reads_a_projects_own_configuration(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"name": "root", "workspaces": ["packages/*"]}))
    package(tmp_path, "packages/detected")
    package(tmp_path, "packages/configured")
    write(tmp_path, "packages/configured/healer.toml", '[stages.check]\nrun = "npm test"\nkind = "test"\n')
    config = pipeline_of(tmp_path)
    assert [(p.name, p.source) for p in config.projects] == [
        ("configured", "packages/configured/healer.toml"),
        ("detected", "detected"),
    ]
    assert config.names == ("configured:check", "detected:test")


def test_configured_workspaces_detect_the_projects_without_a_configuration(tmp_path: Path) -> None:
    write(tmp_path, "healer.toml", 'workspaces = ["packages/*"]\n\n[stages.root]\nrun = "true"\n')
    python_project(tmp_path, "packages/lib")
    write(tmp_path, "packages/own/healer.toml", '[stages.check]\nrun = "true"\n')
    loaded = load_config(tmp_path)
    assert [(p.name, p.source) for p in loaded.projects] == [("lib", "pending"), ("own", "packages/own/healer.toml")]
    config = pipeline_of(tmp_path)
    assert [(p.name, p.source) for p in config.projects] == [("lib", "detected"), ("own", "packages/own/healer.toml")]
    # The root's own stages first, then each project's, in the order of the projects.
    assert config.names[0] == "root"
    assert config.names.index("lib:ruff") < config.names.index("own:check")


def test_a_declaration_that_names_no_project_says_so(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"name": "root", "workspaces": ["missing/*"]}))
    members, notes = find_members(tmp_path)
    assert members == [] and notes == ["package.json workspaces: names no folder with a project in it"]
    assert "package.json workspaces: names no folder with a project in it" in pipeline_of(tmp_path).notes


def test_a_broken_declaration_is_a_note(tmp_path: Path) -> None:
    write(tmp_path, "pnpm-workspace.yaml", "packages: [unclosed\n")
    members, notes = find_members(tmp_path)
    assert members == [] and notes[0].startswith("skipped pnpm-workspace.yaml: invalid YAML")


def test_init_writes_the_projects_it_found_and_they_stay_found(repo: Repo, healer: RunHealer) -> None:
    write(repo.path, "pyproject.toml", '[tool.uv.workspace]\nmembers = ["packages/*"]\n')
    for folder in ("packages/a", "packages/b"):
        python_project(repo.path, folder)
        write(repo.path, f"{folder}/src/m.py", "x = 1\n")
    repo.commit("a uv workspace")
    before = set(pipeline_of(repo.path).names)
    assert any(name.startswith("a:") for name in before) and any(name.startswith("b:") for name in before)
    done = healer("init")
    assert done.code == 0, done.err
    assert "workspaces = 2 project folder(s) (packages/a, packages/b)" in done.out
    written = tomllib.loads((repo.path / "pyproject.toml").read_text())["tool"]["healer"]
    assert written["workspaces"] == ["packages/a", "packages/b"]
    assert set(pipeline_of(repo.path).names) == before
