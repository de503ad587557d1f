from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from healer.config.settings import Stage
from healer.detect import precommit
from healer.detect.candidate import Found
from healer.detect.detection import detect

Files = Callable[[dict[str, str | bytes]], Path]

CONFIG = """
default_language_version:
  python: python3.11
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0
    hooks:
      - id: trailing-whitespace
      - id: end-of-file-fixer
      - id: check-yaml
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.4.8
    hooks:
      - id: ruff
        args: [--fix, --exit-non-zero-on-fix, --select, I]
      - id: ruff-format
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.10.0
    hooks:
      - id: mypy
        args: [--ignore-missing-imports]
        additional_dependencies: [types-requests, pydantic>=2]
  - repo: local
    hooks:
      - id: pytest-fast
        name: pytest (fast)
        entry: pytest -q -m "not slow"
        language: system
        types: [python]
        pass_filenames: false
      - id: check-migrations
        name: Django migrations are up to date
        entry: python manage.py makemigrations --check --dry-run
        language: python
        files: ^(app|core)/models/.*\\.py$
        pass_filenames: false
      - id: shellcheck-scripts
        entry: check_scripts.sh
        language: script
        files: ^scripts/
      - id: no-print
        entry: '\\bprint\\('
        language: pygrep
        types: [python]
      - id: forbid-rej
        name: no .rej files
        entry: .rej files are merge leftovers
        language: fail
        files: \\.rej$
      - id: commit-msg-lint
        entry: ./tools/commitlint
        language: system
        stages: [commit-msg]
      - id: eslint-docker
        entry: eslint
        language: docker_image
      - id: black-local
        entry: black
        language: system
        types_or: [python, pyi]
  - repo: meta
    hooks:
      - id: check-hooks-apply
"""


def by_name(found: Found) -> dict[str, Stage]:
    return {c.stage.name: c.stage for c in found.candidates}


def test_local_and_well_known_hooks(project: Files) -> None:
    found = precommit.detect(project({".pre-commit-config.yaml": CONFIG}))
    stages = by_name(found)
    assert list(stages) == [
        "trailing-whitespace",
        "end-of-file-fixer",
        "check-yaml",
        "ruff",
        "ruff-format",
        "mypy",
        "pytest-fast",
        "check-migrations",
        "shellcheck-scripts",
        "black",
    ]
    # Fixers check by rewriting: in a private copy, their own run proposed as the fix.
    assert stages["end-of-file-fixer"].isolate and stages["end-of-file-fixer"].fix == stages["end-of-file-fixer"].run
    assert not stages["check-yaml"].isolate
    # A remote checker healer has no tool of its own for runs through the framework, on the files it checks.
    assert stages["check-yaml"].run == "pre-commit run check-yaml --all-files"
    assert stages["check-yaml"].inputs == ("**/*.yaml", "**/*.yml", ".pre-commit-config.yaml")
    assert stages["ruff"].run == "ruff check --no-fix --select I ."
    assert stages["ruff-format"].run == "ruff format --check --diff ."
    assert stages["mypy"].run == "mypy --ignore-missing-imports ."
    assert stages["pytest-fast"].run == "pytest -q -m 'not slow'"
    assert stages["pytest-fast"].kind == "test"
    assert stages["pytest-fast"].parser == "pytest"
    assert stages["pytest-fast"].inputs == ("**/*.py", "**/*.pyi")
    assert stages["check-migrations"].run == ("python manage.py makemigrations --check --dry-run")
    assert stages["check-migrations"].inputs == ("app/models/**/*.py", "core/models/**/*.py")
    assert stages["shellcheck-scripts"].run == "./check_scripts.sh"
    assert stages["shellcheck-scripts"].inputs == ("scripts/**",)
    # A local hook that would rewrite files is replaced by the check-only stage of its tool.
    assert stages["black"].run == "black --check --diff ."


def test_notes_say_what_was_skipped_and_why(project: Files) -> None:
    notes = precommit.detect(project({".pre-commit-config.yaml": CONFIG})).notes
    assert notes[:3] == (
        "trailing-whitespace: hook trailing-whitespace of https://github.com/pre-commit/pre-commit-hooks in "
        ".pre-commit-config.yaml, run by pre-commit (`--all-files`: the files git tracks); it rewrites files, "
        "so it runs in a private copy and its rewrites are proposed as fixes",
        "end-of-file-fixer: hook end-of-file-fixer of https://github.com/pre-commit/pre-commit-hooks in "
        ".pre-commit-config.yaml, run by pre-commit (`--all-files`: the files git tracks); it rewrites files, "
        "so it runs in a private copy and its rewrites are proposed as fixes",
        "check-yaml: hook check-yaml of https://github.com/pre-commit/pre-commit-hooks in .pre-commit-config.yaml, "
        "run by pre-commit (`--all-files`: the files git tracks)",
    )
    assert (
        "mypy: hook mypy of https://github.com/pre-commit/mirrors-mypy in "
        ".pre-commit-config.yaml, run with the locally installed mypy "
        "(additional_dependencies not installed by healer: types-requests, pydantic>=2)"
    ) in notes
    assert (
        "shellcheck-scripts: local hook 'shellcheck-scripts' in .pre-commit-config.yaml; "
        "pre-commit passes it the changed files, healer runs it once on the project"
    ) in notes
    assert (
        "local hook 'no-print' in .pre-commit-config.yaml: language pygrep skipped, "
        "its entry is a regular expression, not a command"
    ) in notes
    assert (
        "local hook 'forbid-rej' in .pre-commit-config.yaml: language fail skipped, it only rejects file names"
    ) in notes
    assert ("local hook 'commit-msg-lint' in .pre-commit-config.yaml: runs only at commit-msg; skipped") in notes
    assert (
        "local hook 'eslint-docker' in .pre-commit-config.yaml: language docker_image skipped, "
        "it needs pre-commit's own environment"
    ) in notes
    assert notes[-1] == (
        ".pre-commit-config.yaml: meta hooks (check-hooks-apply) check pre-commit's own config; skipped"
    )
    assert any("pytest-fast: local hook" in n and "passes" not in n for n in notes)


def test_well_known_hooks_do_not_duplicate_detected_tools(project: Files) -> None:
    root = project(
        {
            ".pre-commit-config.yaml": CONFIG,
            "pyproject.toml": """
                [tool.ruff]
                line-length = 100
                [tool.mypy]
                files = ["src"]
                [tool.black]
                line-length = 100
            """,
        }
    )
    detection = detect(root)
    names = [stage.name for stage in detection.stages]
    assert names == [
        "check-yaml",
        "end-of-file-fixer",
        "ruff",
        "trailing-whitespace",
        "black",
        "ruff-format",
        "mypy",
        "pytest-fast",
        "check-migrations",
        "shellcheck-scripts",
    ]
    by = {stage.name: stage for stage in detection.stages}
    assert by["mypy"].run == "mypy src"  # the pyproject stage, not the mirrors-mypy one
    assert (
        "hook mypy of https://github.com/pre-commit/mirrors-mypy in .pre-commit-config.yaml: "
        "already run by mypy; not added"
    ) in detection.notes


def test_local_hook_beats_the_configured_tool(project: Files) -> None:
    root = project(
        {
            ".pre-commit-config.yaml": """
                repos:
                - repo: local
                  hooks:
                  - id: mypy
                    name: mypy (strict)
                    entry: uv run mypy --strict src
                    language: system
                    types: [python]
                    require_serial: true
            """,
            "mypy.ini": "[mypy]\nwarn_unused_ignores = True\n",
        }
    )
    detection = detect(root)
    assert [(s.name, s.run, s.kind, s.parser) for s in detection.stages] == [
        ("mypy", "uv run mypy --strict src", "typecheck", "mypy")
    ]
    assert "mypy (mypy.ini): already run by mypy; not added" in detection.notes


def test_default_stages_and_manual_hooks(project: Files) -> None:
    root = project(
        {
            ".pre-commit-config.yaml": """
                default_stages: [pre-push]
                repos:
                - repo: local
                  hooks:
                  - {id: tests, entry: pytest, language: system, pass_filenames: false}
                  - {id: slow, entry: pytest -m slow, language: system, stages: [manual]}
            """
        }
    )
    found = precommit.detect(root)
    assert list(by_name(found)) == ["tests"]
    assert "local hook 'slow' in .pre-commit-config.yaml: runs only at manual; skipped" in found.notes


@pytest.mark.parametrize(
    ("hook", "globs"),
    [
        ({}, ()),
        ({"types": ["file", "python"]}, ("**/*.py", "**/*.pyi")),
        ({"types_or": ["yaml", "json"]}, ("**/*.yaml", "**/*.yml", "**/*.json")),
        ({"files": r"\.(toml|cfg)$"}, ("**/*.toml", "**/*.cfg")),
        ({"files": r"^src/.*\.py$"}, ("src/**/*.py",)),
        ({"files": "^docs/", "types": ["markdown"]}, ("docs/**/*.md", "docs/**/*.markdown")),
        ({"files": "^(src|tests)/"}, ("src/**", "tests/**")),
        ({"files": "^src/pkg/.*", "types": ["text"]}, ("src/pkg/**",)),
        ({"files": "setup\\.py$"}, ()),
        ({"files": r"^\.github/workflows/"}, (".github/workflows/**",)),
        ({"types": ["python", "haskell"]}, ()),
    ],
)
def test_hook_inputs(hook: dict[str, object], globs: tuple[str, ...]) -> None:
    assert precommit.hook_inputs(hook)[0] == globs


def test_inexpressible_files_regex_is_noted() -> None:
    assert precommit.hook_inputs({"files": "(?x) ^setup\\.py$"}) == (
        (),
        "files '(?x) ^setup\\\\.py$' is not expressible as globs, so every file counts",
    )


def test_repo_key() -> None:
    assert precommit.repo_key("https://github.com/PyCQA/flake8.git") == "github.com/pycqa/flake8"
    assert precommit.repo_key("git@github.com:psf/black.git") == "github.com/psf/black"
    assert precommit.repo_key("https://github.com/psf/black/") == "github.com/psf/black"


def test_broken_config_is_skipped(project: Files) -> None:
    root = project({".pre-commit-config.yaml": "repos:\n- repo: local\n  hooks: [{id: x\n"})
    notes = precommit.detect(root).notes
    assert len(notes) == 1
    assert notes[0].startswith("skipped .pre-commit-config.yaml: invalid YAML")
    root = project({".pre-commit-config.yaml": "- just\n- a list\n"})
    assert precommit.detect(root).notes == ("skipped .pre-commit-config.yaml: no list of repos",)
    root = project({".pre-commit-config.yaml": "repos:\n- 3\n- repo: local\n  hooks: 7\n"})
    found = precommit.detect(root)
    assert found.candidates == ()
    assert found.notes == (".pre-commit-config.yaml: an entry of repos has no repo; skipped",)


def test_local_hooks_that_rewrite_are_checked_or_skipped(project: Files) -> None:
    config = """
        repos:
          - repo: local
            hooks:
              - id: prettier
                entry: npx prettier --write
                language: system
              - id: stage-lockfile
                entry: git add uv.lock
                language: system
              - id: upgrade
                entry: pyupgrade --py311-plus
                language: system
    """
    found = precommit.detect(project({".pre-commit-config.yaml": config}))
    assert [(c.stage.name, c.stage.run) for c in found.candidates] == [("prettier", "npx prettier --check .")]
    where = "local hook {!r} in .pre-commit-config.yaml"
    assert found.notes == (
        f"prettier: {where.format('prettier')} (`prettier --write` rewrites files; checking instead)",
        f"{where.format('stage-lockfile')}: `git add uv.lock` changes the git repository; skipped (healer stages only check)",
        f"{where.format('upgrade')}: `pyupgrade --py311-plus` rewrites files; skipped (healer stages only check)",
    )
