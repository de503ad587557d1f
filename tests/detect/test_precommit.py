from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from healer.config.settings import Stage
from healer.detect import hook_files, precommit
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


def test_every_hook_runs_through_the_framework(project: Files) -> None:
    """The config as healer's pipeline: the framework prepares each hook's environment and applies its keys."""
    found = precommit.detect(project({".pre-commit-config.yaml": CONFIG}))
    stages = by_name(found)
    assert list(stages) == [
        "trailing-whitespace", "end-of-file-fixer", "check-yaml", "ruff", "ruff-format", "mypy", "pytest-fast",
        "check-migrations", "shellcheck-scripts", "no-print", "forbid-rej", "eslint-docker", "black-local",
        "check-hooks-apply",
    ]  # fmt: skip
    assert all(stage.run == f"pre-commit run {name} --all-files" for name, stage in stages.items())
    # Fixers (and a checker told to write: ruff --fix) check by rewriting, in a private copy; their run is the fix.
    writers = {name for name, stage in stages.items() if stage.isolate and stage.fix == stage.run}
    assert writers == {"trailing-whitespace", "end-of-file-fixer", "ruff", "ruff-format", "black-local"}
    assert stages["check-yaml"].inputs == ("**/*.yaml", "**/*.yml", ".pre-commit-config.yaml")
    assert stages["pytest-fast"].inputs == ("**/*.py", "**/*.pyi", ".pre-commit-config.yaml")
    assert stages["check-migrations"].inputs == (
        "app/models/**/*.py", "core/models/**/*.py", ".pre-commit-config.yaml",
    )  # fmt: skip
    assert stages["shellcheck-scripts"].inputs == ("scripts/**", ".pre-commit-config.yaml")
    # The wrapped tool's parser reads its lines in the framework's output.
    assert (stages["ruff"].parser, stages["mypy"].parser, stages["pytest-fast"].parser) == ("ruff", "mypy", "pytest")
    assert (stages["pytest-fast"].kind, stages["mypy"].kind, stages["ruff-format"].kind) == (
        "test", "typecheck", "format",
    )  # fmt: skip
    assert "local hook 'commit-msg-lint' in .pre-commit-config.yaml: runs only at commit-msg; skipped" in found.notes


def test_a_plain_command_only_where_it_is_the_same_check(project: Files) -> None:
    config = """
        repos:
        - repo: local
          hooks:
          - {id: tests, entry: pytest -q, language: system, pass_filenames: false}
          - {id: lint, entry: yamllint -s ., language: python, pass_filenames: false}
          - {id: always, entry: pytest -q, language: system, pass_filenames: false, always_run: true, files: ^src/}
          - {id: gated, entry: pytest -q, language: system, pass_filenames: false, files: ^src/}
          - {id: given-files, entry: flake8, language: system}
          - {id: own-python, entry: python -m pytest, language: python, pass_filenames: false}
          - {id: deps, entry: yamllint ., language: python, pass_filenames: false, additional_dependencies: [x]}
    """
    stages = by_name(precommit.detect(project({".pre-commit-config.yaml": config})))
    assert {name: stage.run for name, stage in stages.items()} == {
        "tests": "pytest -q",
        "lint": "yamllint -s .",
        "always": "pytest -q",
        "gated": "pre-commit run gated --all-files",  # skipped by the framework when no file of src/ is tracked
        "given-files": "pre-commit run given-files --all-files",
        "own-python": "pre-commit run own-python --all-files",  # the hook's environment's python
        "deps": "pre-commit run deps --all-files",
    }
    assert stages["always"].inputs == ()  # always_run: whatever changed


def test_converted_for_moving_off_the_framework(project: Files) -> None:
    found = precommit.convert(project({".pre-commit-config.yaml": CONFIG}))
    stages = by_name(found)
    assert list(stages) == [
        "trailing-whitespace", "end-of-file-fixer", "check-yaml", "ruff", "ruff-format", "mypy", "pytest-fast",
        "check-migrations", "shellcheck-scripts", "no-print", "forbid-rej", "eslint-docker", "black",
    ]  # fmt: skip
    # Fixers check by rewriting: in a private copy, their own run proposed as the fix.
    assert stages["end-of-file-fixer"].isolate and stages["end-of-file-fixer"].fix == stages["end-of-file-fixer"].run
    assert not stages["check-yaml"].isolate
    # A remote checker healer has no tool of its own for keeps the framework, on the files it checks.
    assert stages["check-yaml"].run == "pre-commit run check-yaml --all-files"
    assert stages["check-yaml"].inputs == ("**/*.yaml", "**/*.yml", ".pre-commit-config.yaml")
    assert stages["ruff"].run == "ruff check --no-fix --select I ."
    assert stages["ruff-format"].run == "ruff format --check --diff ."
    assert stages["mypy"].run == "mypy --ignore-missing-imports ."
    assert stages["pytest-fast"].run == "pytest -q -m 'not slow'"
    assert stages["pytest-fast"].kind == "test"
    assert stages["pytest-fast"].parser == "pytest"
    assert stages["pytest-fast"].inputs == ("**/*.py", "**/*.pyi", ".pre-commit-config.yaml")
    assert stages["check-migrations"].run == ("python manage.py makemigrations --check --dry-run")
    assert stages["check-migrations"].inputs == ("app/models/**/*.py", "core/models/**/*.py", ".pre-commit-config.yaml")
    # A script given file names by pre-commit, and languages with environments of their own, keep the framework.
    assert stages["shellcheck-scripts"].run == "pre-commit run shellcheck-scripts --all-files"
    assert stages["no-print"].run == "pre-commit run no-print --all-files"
    assert stages["eslint-docker"].run == "pre-commit run eslint-docker --all-files"
    # A local hook that would rewrite files is replaced by the check-only stage of its tool.
    assert stages["black"].run == "black --check --diff ."
    assert precommit.framework_stages(tuple(stages.values())) == [
        "trailing-whitespace", "end-of-file-fixer", "check-yaml", "shellcheck-scripts", "no-print", "forbid-rej",
        "eslint-docker",
    ]  # fmt: skip


def test_notes_say_what_was_skipped_and_why(project: Files) -> None:
    notes = precommit.convert(project({".pre-commit-config.yaml": CONFIG})).notes
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
        ".pre-commit-config.yaml, a plain command with the locally installed mypy "
        "(additional_dependencies not installed by healer: types-requests, pydantic>=2)"
    ) in notes
    assert (
        "shellcheck-scripts: local hook 'shellcheck-scripts' in .pre-commit-config.yaml, run by pre-commit "
        "(on the files it selects)"
    ) in notes
    assert (
        "no-print: local hook 'no-print' in .pre-commit-config.yaml, run by pre-commit (its language is pre-commit's)"
    ) in notes
    assert ("local hook 'commit-msg-lint' in .pre-commit-config.yaml: runs only at commit-msg; skipped") in notes
    assert notes[-1] == (".pre-commit-config.yaml: meta hook check-hooks-apply checks pre-commit's own config; skipped")
    assert "pytest-fast: local hook 'pytest-fast' in .pre-commit-config.yaml, a plain command" in notes


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
        "check-yaml", "end-of-file-fixer", "eslint-docker", "ruff", "trailing-whitespace", "black-local",
        "ruff-format", "mypy", "pytest-fast", "check-hooks-apply", "check-migrations", "forbid-rej", "no-print",
        "shellcheck-scripts",
    ]  # fmt: skip
    by = {stage.name: stage for stage in detection.stages}
    assert by["mypy"].run == "pre-commit run mypy --all-files"  # the hook the project runs, not [tool.mypy]'s
    for tool, hook in (("ruff", "ruff"), ("black", "black-local"), ("mypy", "mypy")):
        assert f"{tool} ([tool.{tool}] in pyproject.toml): already run by {hook}; not added" in detection.notes
    # Moving off the framework, the pyproject stage replaces the mirrors-mypy one.
    moved = precommit.convert(root)
    assert by_name(moved)["mypy"].run == "mypy --ignore-missing-imports ."


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
        ("mypy", "pre-commit run mypy --all-files", "typecheck", "mypy")
    ]
    assert [(c.stage.name, c.stage.run) for c in precommit.convert(root).candidates] == [
        ("mypy", "uv run mypy --strict src")
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
    assert hook_files.hook_inputs(hook)[0] == globs


def test_inexpressible_files_regex_is_noted() -> None:
    assert hook_files.hook_inputs({"files": "(?x) ^setup\\.py$"}) == (
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
    root = project({".pre-commit-config.yaml": config})
    # As the pipeline, each runs through the framework in a private copy; its rewrites are proposed as fixes.
    found = precommit.detect(root)
    assert all(c.stage.isolate and c.stage.fix == c.stage.run for c in found.candidates)
    assert len(found.candidates) == 3
    # Moving off the framework: the check-only stage of the tool where healer has one, else the framework.
    found = precommit.convert(root)
    assert [(c.stage.name, c.stage.run, c.stage.isolate) for c in found.candidates] == [
        ("prettier", "npx prettier --check .", False),
        ("stage-lockfile", "pre-commit run stage-lockfile --all-files", True),
        ("upgrade", "pre-commit run upgrade --all-files", True),
    ]
    where = "local hook {!r} in .pre-commit-config.yaml"
    assert (
        found.notes[0] == f"prettier: {where.format('prettier')} (`prettier --write` rewrites files; checking instead)"
    )
