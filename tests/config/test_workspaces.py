"""`workspaces` in [tool.healer]: the projects of a monorepo, their stages qualified, run, selected and cached."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from healer.config.errors import ConfigError
from healer.config.load import load_config
from healer.config.memo import recall, remember
from healer.config.settings import Stage
from healer.config.workspaces import project_stages, unchanged_projects
from healer.workspace import read_config

from ..conftest import Repo, RunHealer

PROJECT = """\
[tool.healer.stages.lint]
run = "ruff check ."
kind = "lint"

[tool.healer.stages.test]
run = "pytest -q -p no:cacheprovider"
kind = "test"
needs = ["lint"]
"""

TEST = """\
def test_adds():
    assert 1 + 1 == 2
"""


def monorepo(repo: Repo, folders: tuple[str, ...] = ("packages/core", "packages/util", "services/api")) -> None:
    """Python projects, each with a ruff and a pytest stage in its own pyproject.toml; the root names them."""
    repo.config('workspaces = ["packages/*", "services/api"]\n')
    for folder in folders:
        repo.write(f"{folder}/pyproject.toml", PROJECT)
        repo.write(f"{folder}/test_{folder.rsplit('/', 1)[-1]}.py", TEST)


def statuses(text: str) -> dict[str, tuple[str, bool]]:
    return {stage["name"]: (stage["status"], stage["cached"]) for stage in json.loads(text)["stages"]}


def test_projects_stages_are_qualified_and_run_in_their_folder(repo: Repo) -> None:
    monorepo(repo)
    config = load_config(repo.path)
    assert config.names == ("core:lint", "core:test", "util:lint", "util:test", "api:lint", "api:test")
    api = config.stage("api:test")
    assert api.cwd == "services/api"
    assert api.needs == ("api:lint",)
    assert api.inputs == ("services/api/**", "/*")
    assert [(p.name, p.folder, p.source) for p in config.projects] == [
        ("core", "packages/core", "packages/core/pyproject.toml"),
        ("util", "packages/util", "packages/util/pyproject.toml"),
        ("api", "services/api", "services/api/pyproject.toml"),
    ]
    assert config.projects[2].stages == ("api:lint", "api:test")


def test_declared_inputs_and_folders_are_read_inside_the_project() -> None:
    stage = Stage("lint", "ruff check .", inputs=("*.py", "src/**", "/setup.cfg"), cwd="src", needs=("gen",))
    (scoped,) = project_stages("api", "services/api", [stage])
    assert scoped.name == "api:lint"
    assert scoped.cwd == "services/api/src"
    assert scoped.needs == ("api:gen",)
    # Without a slash: anywhere in the project, and at the top of the repository (a root config).
    assert scoped.inputs == ("services/api/**/*.py", "/*.py", "services/api/src/**", "services/api/setup.cfg")


def test_the_root_keeps_its_own_stages_unqualified(repo: Repo) -> None:
    monorepo(repo, ("packages/core",))
    repo.config('workspaces = ["packages/*"]\n\n[stages.docs]\nrun = "true"\n')
    config = load_config(repo.path)
    assert config.names == ("docs", "core:lint", "core:test")
    assert config.stage("docs").cwd is None


def test_a_project_with_a_healer_toml_and_one_named_in_its_entry(repo: Repo) -> None:
    repo.config('workspaces = [{path = "tools/generator", name = "gen"}, "web"]\n')
    repo.write("tools/generator/healer.toml", '[stages.check]\nrun = "true"\n')
    repo.write("web/healer.toml", '[stages.check]\nrun = "true"\n')
    assert load_config(repo.path).names == ("gen:check", "web:check")


def test_two_folders_of_one_name_are_made_unique_and_said(repo: Repo, healer: RunHealer) -> None:
    repo.config('workspaces = ["packages/*", "services/*"]\n')
    for folder in ("packages/api", "services/api"):
        repo.write(f"{folder}/healer.toml", '[stages.check]\nrun = "true"\n')
    config = load_config(repo.path)
    assert config.names == ("api:check", "services-api:check")
    assert "services/api: project named services-api, as packages/api is api" in config.notes
    shown = healer("stages", "--verbose")
    assert "project services-api (services/api, services/api/healer.toml): 1 stage" in shown.out
    assert "note: services/api: project named services-api" in shown.out


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ('workspaces = ["packages/*", "nothing/*"]\n', "workspaces: 'nothing/*' matches no folder"),
        ('workspaces = ["../elsewhere"]\n', "workspaces: '../elsewhere' is not a folder inside the repository"),
        ('workspaces = ["."]\n', "is not a folder inside the repository (the root's own stages are `stages`)"),
        ('workspaces = "packages/*"\n', "workspaces: expected an array of folder globs"),
        ('workspaces = ["packages/*", "packages/core/inner"]\n', "packages/core/inner is inside the project"),
        ('workspaces = [{path = "packages/*", name = "x"}]\n', "matches 2 folders; a `name` is for one folder"),
        ('workspaces = [{path = "packages/core", name = "a b"}]\n', "'a b' is not a project name"),
    ],
)
def test_bad_workspaces_are_one_line_naming_file_line_and_key(
    repo: Repo, healer: RunHealer, toml: str, problem: str
) -> None:
    monorepo(repo, ("packages/core", "packages/util", "packages/core/inner"))
    repo.config(toml)
    with pytest.raises(ConfigError) as raised:
        load_config(repo.path)
    assert str(raised.value).startswith(f"{repo.path / 'healer.toml'}:1: workspaces: ")
    assert problem in str(raised.value)
    done = healer("stages")
    assert done.code == 2
    assert len(done.err.strip().splitlines()) == 1 and problem in done.err


def test_a_bad_glob_in_pyproject_names_its_line_and_the_full_key(repo: Repo) -> None:
    repo.write(
        "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.healer]\njobs = 2\nworkspaces = ["libs/*"]\n\n[tool.healer.stages.a]\nrun = "true"\n',
    )
    with pytest.raises(ConfigError, match=r"pyproject.toml:6: tool.healer.workspaces: 'libs/\*' matches no folder"):
        load_config(repo.path)


def test_a_broken_project_configuration_names_the_project_file(repo: Repo) -> None:
    monorepo(repo, ("packages/core",))
    repo.config('workspaces = ["packages/*"]\n')
    repo.write("packages/core/pyproject.toml", '[tool.healer.stages.lint]\nrun = "ruff"\nneeds = ["tset"]\n')
    with pytest.raises(ConfigError) as raised:
        load_config(repo.path)
    assert str(raised.value).startswith(str(repo.path / "packages/core/pyproject.toml"))
    assert "no stage named 'tset'" in str(raised.value)


def test_a_glob_leaves_out_folders_with_a_bang(repo: Repo) -> None:
    monorepo(repo)
    repo.config('workspaces = ["packages/*", "!packages/util"]\n')
    assert [p.name for p in load_config(repo.path).projects] == ["core"]


def test_run_one_stage_one_project_and_skip_one(repo: Repo, healer: RunHealer) -> None:
    monorepo(repo)
    one = healer("run", "api:test", "--json")
    assert one.code == 0, one.err
    assert statuses(one.out) == {"api:lint": ("passed", False), "api:test": ("passed", False)}
    project = healer("run", "util:", "--json")
    assert set(statuses(project.out)) == {"util:lint", "util:test"}
    skipped = healer("run", "core:", "--json", env={"SKIP": "core:test"})
    assert statuses(skipped.out)["core:test"][0] == "skipped"
    wrong = healer("run", "api:tset")
    assert wrong.code == 2
    assert "did you mean 'api:test'?" in wrong.err and "a project's stages: core:, util:, api:" in wrong.err


def test_a_run_lists_every_project_and_reuses_results_of_projects_that_did_not_change(
    repo: Repo, healer: RunHealer
) -> None:
    monorepo(repo)
    first = healer("run", "--json")
    assert first.code == 0, first.err
    assert statuses(first.out) == dict.fromkeys(
        ("core:lint", "core:test", "util:lint", "util:test", "api:lint", "api:test"), ("passed", False)
    )
    repo.write("services/api/test_more.py", "def test_more():\n    assert True\n")
    second = statuses(healer("run", "--json").out)
    assert second["api:test"] == ("passed", False) and second["api:lint"] == ("passed", False)
    for name in ("core:lint", "core:test", "util:lint", "util:test"):
        assert second[name] == ("passed", True), name
    # A file at the top of the repository (a lock file) is every project's input.
    repo.write("uv.lock", "version = 1\n")
    third = statuses(healer("run", "--json").out)
    assert not any(cached for _status, cached in third.values())


def test_healer_stages_shows_the_projects(repo: Repo, healer: RunHealer) -> None:
    monorepo(repo)
    shown = healer("stages")
    assert shown.out.splitlines()[0].endswith("; 3 projects")
    assert "project api (services/api, services/api/pyproject.toml): 2 stages" in shown.out
    assert "inputs services/api/**" not in shown.out  # the project's own inputs go without saying
    document = json.loads(healer("stages", "--json").out)
    assert document["projects"][2] == {
        "name": "api",
        "folder": "services/api",
        "source": "services/api/pyproject.toml",
        "stages": ["api:lint", "api:test"],
    }


def test_the_projects_a_change_leaves_out(repo: Repo) -> None:
    monorepo(repo)
    config = load_config(repo.path)
    left = unchanged_projects(config, frozenset({"services/api/app.py"}))
    assert [p.name for p in left] == ["core", "util"]
    assert unchanged_projects(config, frozenset({"uv.lock", "services/api/app.py"})) == []
    assert [p.name for p in unchanged_projects(config, frozenset({"docs/index.md"}))] == ["core", "util", "api"]
    assert unchanged_projects(config, None) == [] and unchanged_projects(config, frozenset()) == []


def _age(root: Path) -> None:
    """Every file and folder older than the memo's racy window."""
    old = os.stat(root).st_mtime - 60
    for folder, names, files in os.walk(root):
        for name in [*names, *files]:
            os.utime(Path(folder) / name, (old, old))


def test_the_memo_holds_the_projects_and_sees_a_new_one(repo: Repo) -> None:
    monorepo(repo)
    state = repo.path / ".git" / "healer"
    _age(repo.path)
    config = read_config(repo.path, state)
    assert recall(repo.path, state) == config
    repo.write("packages/extra/pyproject.toml", PROJECT)
    assert recall(repo.path, state) is None
    assert "extra:test" in read_config(repo.path, state).names
    _age(repo.path)
    remember(repo.path, state, read_config(repo.path, state))
    repo.write("packages/core/healer.toml", '[stages.only]\nrun = "true"\n')
    assert recall(repo.path, state) is None
    assert "core:only" in read_config(repo.path, state).names
