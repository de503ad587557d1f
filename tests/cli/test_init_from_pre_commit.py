"""`healer init --from-pre-commit`: the hooks of .pre-commit-config.yaml written as [tool.healer] stages for a
project moving off the framework, for real: plain commands where the hook is one, the framework kept for hooks
with environments of their own, and the written pipeline's verdicts equal to `pre-commit run --all-files`'s."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import Repo, RunHealer
from tests.detect.hook_repos import make_hook_repo
from tests.detect.test_precommit_pipeline import CHECK, framework_env  # noqa: F401  (the fixture)


@pytest.fixture
def hook_repo(tmp_path: Path) -> tuple[Path, str]:
    return make_hook_repo(tmp_path)


SCRIPTS = Path(sys.executable).parent
PRE_COMMIT = shutil.which("pre-commit", path=str(SCRIPTS))
pytestmark = pytest.mark.skipif(PRE_COMMIT is None, reason="the test extra installs pre-commit")


RUFF = """\
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.6.0
    hooks:
      - id: ruff
        args: [--fix]
"""


def _config(hooks: tuple[Path, str]) -> str:
    path, rev = hooks
    python = sys.executable
    return f"""\
fail_fast: false
repos:
  - repo: local
    hooks:
      - id: words
        name: words
        entry: {python} check.py --no-names
        language: system
        pass_filenames: false
      - id: flake
        name: flake
        entry: flake8 --select=F
        language: system
        types: [python]
      - id: shout
        name: shout
        entry: {python} check.py
        language: system
        files: ^src/
      - id: no-todo
        name: no todo
        entry: TODO
        language: pygrep
  - repo: {path}
    rev: {rev}
    hooks:
      - id: no-tabs
"""


def test_hooks_become_plain_commands_or_keep_the_framework(
    repo: Repo,
    healer: RunHealer,
    hook_repo: tuple[Path, str],
    framework_env: dict[str, str],  # noqa: F811
) -> None:
    repo.write(".pre-commit-config.yaml", _config(hook_repo))
    repo.write("check.py", CHECK)
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "0"\n')
    repo.write("src/app.py", "import os\n")
    repo.write("src/notes.txt", "bad\n")
    repo.write("docs/todo.md", "TODO: more\n")
    repo.write("docs/tabbed.txt", "a\ttab\n")
    repo.commit()

    done = healer("init", "--from-pre-commit")
    assert done.code == 0, done.out + done.err
    lines = done.out.splitlines()
    assert "note: plain commands now: flake, words" in lines
    assert (
        "note: still run by pre-commit, which prepares their environments (keep it installed): no-tabs, no-todo, shout"
        in lines
    )
    assert lines[-2].startswith("wrote 5 stages (") and lines[-2].endswith("pyproject.toml")

    written = tomllib.loads((repo.path / "pyproject.toml").read_text())["tool"]["healer"]["stages"]
    assert {name: stage["run"] for name, stage in written.items()} == {
        "words": f"{sys.executable} check.py --no-names",
        "flake": "flake8 --select=F",
        "shout": "pre-commit run shout --all-files",  # a script given file names keeps the framework
        "no-todo": "pre-commit run no-todo --all-files",  # pygrep is the framework's own language
        "no-tabs": "pre-commit run no-tabs --all-files",
    }
    assert written["no-tabs"]["isolate"] is True  # of unknown effect: a rewrite is only a finding

    # The written pipeline says what the framework says of the same hooks.
    done = healer("run", "--json", "--no-cache", timeout=300)
    ours = {stage["name"]: stage["status"] for stage in json.loads(done.out)["stages"]}
    assert PRE_COMMIT is not None
    report = subprocess.run(
        [PRE_COMMIT, "run", "--all-files"], cwd=repo.path, capture_output=True, text=True, timeout=300, check=False
    ).stdout
    theirs = dict(re.findall(r"^(\S[^\n]*?)\.{2,}(?:\([^)]*\))?(Passed|Failed|Skipped)$", report, re.M))
    for name in ("words", "flake", "shout", "no todo", "no-tabs"):
        key = name.replace(" ", "-")
        assert ours[key] == ("failed" if theirs.get(name, "Failed") == "Failed" else "passed"), (name, theirs, ours)
    assert ours["flake"] == "failed" and ours["shout"] == "failed" and ours["no-todo"] == "failed"
    assert ours["words"] == "passed" and ours["no-tabs"] == "failed"


def test_well_known_tools_and_fail_fast(repo: Repo, healer: RunHealer) -> None:
    repo.write(
        ".pre-commit-config.yaml",
        "fail_fast: true\nrepos:\n  - repo: local\n    hooks:\n"
        "      - {id: one, entry: flake8, language: system, pass_filenames: false}\n"
        "      - {id: two, entry: mypy ., language: system, pass_filenames: false}\n" + RUFF,
    )
    repo.commit()
    done = healer("init", "--from-pre-commit", "--print")
    assert done.code == 0, done.err
    assert re.search(r'\[tool\.healer\.stages\.two\][^\[]*needs = \["one"\]', done.out) or re.search(
        r'\[stages\.two\][^\[]*needs = \["one"\]', done.out
    ), done.out
    # The hook of a tool healer knows: the locally installed tool, --fix dropped (healer's stages check).
    assert 'run = "ruff check --no-fix ."' in done.out
    assert (
        "note: ruff: hook ruff of https://github.com/astral-sh/ruff-pre-commit in .pre-commit-config.yaml, "
        "a plain command with the locally installed ruff"
    ) in done.out.splitlines()
    assert "note: plain commands now: one, ruff, two" in done.out.splitlines()


def test_without_or_with_a_broken_config_one_line(repo: Repo, healer: RunHealer) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit()
    done = healer("init", "--from-pre-commit")
    assert done.code == 2 and done.err.strip().count("\n") == 0
    assert "no .pre-commit-config.yaml in" in done.err

    repo.write(".pre-commit-config.yaml", "repos:\n- repo: local\n  hooks: [{id: x\n")
    done = healer("init", "--from-pre-commit")
    assert done.code == 2 and done.err.strip().count("\n") == 0, done.err
    assert ".pre-commit-config.yaml: invalid YAML" in done.err and "line 4" in done.err

    repo.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks:\n      - {id: x, entry: flake8, language: system, fles: a}\n",
    )
    done = healer("init", "--from-pre-commit", "--print")
    assert done.code == 0
    assert (
        "note: .pre-commit-config.yaml: hook 'x': unknown key 'fles' (pre-commit ignores it)" in done.out.splitlines()
    )

    done = healer("init", "--from-pre-commit", "--from-ci")
    assert done.code == 2 and "goes without --from-ci" in done.err
