"""Remote pre-commit hooks without a tool of healer's own: one stage per hook id, run by the framework."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from healer.config.settings import Stage
from healer.detect import precommit, remote_hooks
from healer.detect.candidate import Candidate
from healer.detect.detection import detect
from healer.detect.effects import rewrites_files
from tests.detect.hook_repos import git_in as _git
from tests.detect.hook_repos import write_files as _write

Files = Callable[[dict[str, str | bytes]], Path]
HOOKS = "https://github.com/pre-commit/pre-commit-hooks"
SCRIPTS = Path(sys.executable).parent


def config(*repos: str) -> dict[str, str | bytes]:
    return {".pre-commit-config.yaml": "repos:\n" + "".join(textwrap.dedent(repo) for repo in repos)}


def candidates(root: Path) -> dict[str, Candidate]:
    return {c.stage.name: c for c in precommit.detect(root).candidates}


def test_known_checkers_are_stages_with_their_files(project: Files) -> None:
    root = project(
        config(f"""
            - repo: {HOOKS}
              rev: v5.0.0
              hooks:
              - id: check-yaml
                exclude: ^charts/
              - id: check-ast
              - id: check-added-large-files
                args: [--maxkb=500]
              - id: debug-statements
                files: ^src/
              - id: check-toml
                stages: [pre-push]
            """)
    )
    found = candidates(root)
    stages = {name: c.stage for name, c in found.items()}
    assert {name: stage.run for name, stage in stages.items()} == {
        "check-yaml": "pre-commit run check-yaml --all-files",
        "check-ast": "pre-commit run check-ast --all-files",
        "check-added-large-files": "pre-commit run check-added-large-files --all-files",
        "debug-statements": "pre-commit run debug-statements --all-files",
        "check-toml": "pre-commit run check-toml --all-files --hook-stage=pre-push",
    }
    # The manifest's types, narrowed by the config's files; `exclude` only narrows, so it is not needed.
    assert stages["check-yaml"].inputs == ("**/*.yaml", "**/*.yml", ".pre-commit-config.yaml")
    assert stages["check-ast"].inputs == ("**/*.py", "**/*.pyi", ".pre-commit-config.yaml")
    assert stages["debug-statements"].inputs == ("src/**/*.py", "src/**/*.pyi", ".pre-commit-config.yaml")
    assert stages["check-added-large-files"].inputs == ()  # every file
    assert all(c.unsure is None and c.stage.kind == "lint" for c in found.values())
    assert not any(rewrites_files(stage.command_line()) for stage in stages.values())


def test_fixers_and_checkers_told_to_write_run_isolated(project: Files) -> None:
    root = project(
        config(
            f"""
            - repo: {HOOKS}
              rev: v5.0.0
              hooks:
              - id: trailing-whitespace
              - id: mixed-line-ending
              - id: pretty-format-json
                args: [--autofix]
              - id: no-commit-to-branch
              - id: check-json
                stages: [manual]
            """,
            """
            - repo: https://github.com/asottile/pyupgrade
              rev: v3.19.0
              hooks:
              - id: pyupgrade
                args: [--py311-plus]
            - repo: https://github.com/codespell-project/codespell
              rev: v2.3.0
              hooks:
              - id: codespell
                args: [-w]
            """,
        )
    )
    found = precommit.detect(root)
    # A fixer, or a checker told to write, checks by rewriting: it runs in a private copy (`isolate`), and its
    # own run is the fix (a person reviews it), so the user's files are never rewritten by a check.
    fixers = {c.stage.name: c.stage for c in found.candidates}
    assert list(fixers) == ["trailing-whitespace", "mixed-line-ending", "pretty-format-json", "pyupgrade", "codespell"]
    assert all(stage.isolate and stage.fix == stage.run for stage in fixers.values())
    assert fixers["pyupgrade"].run == "pre-commit run pyupgrade --all-files"
    where = "of {} in .pre-commit-config.yaml"
    assert (
        f"hook no-commit-to-branch {where.format(HOOKS)}: checks the branch a commit goes to, not files; skipped"
        in found.notes
    )
    assert f"hook check-json {where.format(HOOKS)}: runs only at manual; skipped" in found.notes
    assert "it rewrites files, so it runs in a private copy and its rewrites are proposed as fixes" in found.notes[0]


def test_check_mode_arguments_make_a_fixer_a_check(project: Files) -> None:
    root = project(
        config(f"- repo: {HOOKS}\n  rev: v5.0.0\n  hooks:\n  - id: mixed-line-ending\n    args: [--fix=no]\n")
    )
    assert list(candidates(root)) == ["mixed-line-ending"]


def test_unknown_hooks_run_in_a_private_copy(project: Files) -> None:
    # The config is the user's own pipeline: a hook healer cannot judge runs where a rewrite is only a finding.
    root = project(config("- repo: https://example.com/acme/hooks\n  rev: v1\n  hooks:\n  - id: acme-lint\n"))
    (stage,) = detect(root).stages
    assert stage.run == stage.fix == "pre-commit run acme-lint --all-files" and stage.isolate
    assert detect(root).notes == (
        "acme-lint: hook acme-lint of https://example.com/acme/hooks in .pre-commit-config.yaml, run by pre-commit "
        "(`--all-files`: the files git tracks); healer does not know whether it rewrites files, so it runs in a "
        "private copy and its rewrites are proposed as fixes",
    )


def test_prek_runs_them_when_pre_commit_is_missing(tmp_path: Path) -> None:
    only_prek = tmp_path / "bin"
    only_prek.mkdir()
    (only_prek / "prek").write_text("#!/bin/sh\n")
    (only_prek / "prek").chmod(0o755)
    assert remote_hooks.framework(str(only_prek)) == "prek"
    assert remote_hooks.framework(str(SCRIPTS)) == "pre-commit"  # the test extra installs it
    assert remote_hooks.framework(str(tmp_path / "nothing")) == "pre-commit"  # named, so it can be installed


# Real runs: a hook repository made here (pre-commit accepts a local path as `repo:`), the framework installed
# with the test extra, its environments in tmp_path. A `language: python` hook builds its package offline
# from virtualenv's bundled setuptools wheel.
def test_hooks_run_through_the_framework(tmp_path: Path, hook_repo: tuple[Path, str]) -> None:
    import virtualenv  # type: ignore[import-untyped, unused-ignore]

    assert (SCRIPTS / "pre-commit").exists(), "the test extra installs pre-commit"
    repo, rev = hook_repo
    root = tmp_path / "project"
    hooks = "  - id: no-hello\n  - id: no-tabs\n    exclude: ^vendor/\n"
    _write(
        root,
        {
            ".pre-commit-config.yaml": f"repos:\n- repo: {repo}\n  rev: {rev}\n  hooks:\n{hooks}",
            "a.py": "print('hi')\n",
            "b.txt": "no tab\n",
            "vendor/c.txt": "a\ttab\n",
        },
    )
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    stages: dict[str, Stage] = {s.name: s for s in detect(root, confirm=lambda _c: True).stages}
    assert {n: s.run for n, s in stages.items()} == {
        "no-hello": "pre-commit run no-hello --all-files",
        "no-tabs": "pre-commit run no-tabs --all-files",
    }
    wheels = Path(virtualenv.__file__).parent / "seed" / "wheels" / "embed"
    env = {
        **os.environ,
        "PATH": f"{SCRIPTS}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels),
    }

    def run(name: str) -> subprocess.CompletedProcess[str]:
        argv = stages[name].argv()
        return subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False)

    assert run("no-hello").returncode == 0, run("no-hello").stdout
    assert run("no-tabs").returncode == 0  # vendor/ is excluded, as the config says
    _write(root, {"a.py": "print('hello')\n", "b.txt": "a\ttab\n"})
    hello, tabs = run("no-hello"), run("no-tabs")
    assert hello.returncode == 1 and "a.py: says hello" in hello.stdout
    assert tabs.returncode == 1 and "b.txt: tab" in tabs.stdout and "vendor" not in tabs.stdout
