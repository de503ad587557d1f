"""Edits that change the checks rather than the code: what a patch that passes this way changes, and where.

A patch made for a failing check can pass by fixing the code or by changing
the check: a test's assertion or what it compares against, a skip or xfail
marker, a test deleted or renamed, the configuration of healer, of a tool or
of CI, a conftest.py, a file Python runs at start-up (sitecustomize.py,
usercustomize.py, a .pth file). These are facts about the edits, found here
once, each with the sentence a reviewer reads; whether they make a
candidate's verdict "passes by changing the checks" is the candidate's
business (healer.fixers.candidate): the same edits from healer's own rules
are fixes.
"""

from __future__ import annotations

import ast
import configparser
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from healer.globs import matcher
from healer.patch import pytest_changes
from healer.patch.patch import FileEdit, Flag
from healer.patch.pytest_changes import Definition, Found
from healer.patch.typo_repair import same_but_names

WEAKENING_FLAGS: frozenset[str] = frozenset({
    "weakens-assertion", "changes-expected-value", "skips-test", "removes-test", "renames-test",
    "edits-healer-config", "loosens-config", "edits-ci", "edits-conftest", "adds-startup-file",
})  # fmt: skip
"""The flags that say a patch changes the checks themselves."""
TOOL_FILES = (
    "setup.cfg", "tox.ini", ".flake8", "mypy.ini", ".mypy.ini", "ruff.toml", ".ruff.toml",
    ".pre-commit-config.yaml", ".coveragerc", "pytest.ini", ".pylintrc", "pylintrc", ".isort.cfg", ".bandit",
    ".pydocstyle", "pyrightconfig.json", "noxfile.py", ".yamllint", ".eslintrc", "tsconfig.json",
)  # fmt: skip
TOOL_GLOBS = (".eslintrc.*", "eslint.config.*", ".prettierrc*", "jest.config.*", "vitest.config.*")
HEALER_GLOBS = ("healer.toml", ".healer/**")
CI_GLOBS = (
    ".github/workflows/**", ".github/actions/**", ".gitlab-ci.yml", ".gitlab-ci/**", ".circleci/**", ".travis.yml",
    "azure-pipelines.yml", ".azure-pipelines/**", "Jenkinsfile", ".buildkite/**", "bitbucket-pipelines.yml",
    ".drone.yml", "appveyor.yml", ".appveyor.yml", ".woodpecker.yml", ".woodpecker/**", ".ci/**",
)  # fmt: skip
STARTUP_FILES = ("sitecustomize.py", "usercustomize.py")
DEPENDENCY_KEYS = ("dependencies", "dev-dependencies", "group")
"""[tool.poetry] keys that declare dependencies: adding one is `adds-dependency` (healer.patch.validate), not a
change to how a tool checks."""

_is_tool = matcher(TOOL_GLOBS)
_is_healer = matcher(HEALER_GLOBS)
_is_ci = matcher(CI_GLOBS)


@dataclass(frozen=True)
class Weakening:
    flag: Flag
    path: str
    what: str
    """What a reviewer reads: "changes the assertion in tests/test_a.py::test_total"."""


def weakenings(edits: Sequence[FileEdit], is_test: Callable[[str], bool]) -> tuple[Weakening, ...]:
    """What the edits change of the checks, in the order of the edits, each once."""
    found: list[Weakening] = []
    gone: list[tuple[str, Definition, bool]] = []
    added: list[tuple[str, Definition]] = []
    for edit in edits:
        if edit.before == edit.after:
            continue
        configuration = [Weakening(f.flag, edit.path, f.what) for f in _configuration(edit)]
        if not is_test(edit.path):
            found += configuration
            continue
        module = [Weakening(f.flag, edit.path, f.what) for f in _test_module(edit, gone, added)] if (
            edit.path.endswith(".py")
        ) else []  # fmt: skip
        if not module and edit.path.rsplit("/", 1)[-1] == "conftest.py" and same_but_names(edit):
            # A misspelt name restored in a conftest.py (a fixture's parameter) is its repair, not a new check.
            configuration = [w for w in configuration if w.flag != "edits-conftest"]
        found += configuration + module
        if not edit.path.endswith(".py") and edit.before is not None and edit.path.rsplit("/", 1)[-1] not in TOOL_FILES:
            verb = "deletes" if edit.deleted else "changes"
            found.append(Weakening("changes-expected-value", edit.path, f"{verb} the test data {edit.path}"))
    found += _moved(gone, added)
    return tuple(dict.fromkeys(found))


def _test_module(
    edit: FileEdit, gone: list[tuple[str, Definition, bool]], added: list[tuple[str, Definition]]
) -> list[Found]:
    before, after = pytest_changes.parse(edit.before), pytest_changes.parse(edit.after)
    if (edit.before is not None and before is None) or (edit.after is not None and after is None):
        return []  # no checks to weaken in a module that did not parse; none that pass in one that does not
    kept = {} if after is None else after.definitions
    old = pytest_changes.tests(before)
    for name, definition in old.items():
        outer = name.rsplit("::", 1)[0] if "::" in name else None
        if name not in kept and not (outer in old and outer not in kept):
            gone.append((edit.path, definition, edit.deleted))
    known = {} if before is None else before.definitions
    added += [(edit.path, d) for name, d in kept.items() if name not in known]
    return [] if before is None or after is None else pytest_changes.compare(edit.path, before, after)


def _moved(gone: list[tuple[str, Definition, bool]], added: list[tuple[str, Definition]]) -> list[Weakening]:
    """Tests no longer where they were: renamed or moved when the same code is defined anew, else removed."""
    by_code = {pytest_changes.signature(d): (path, d) for path, d in added if isinstance(d.node, _CODE)}
    found: list[Weakening] = []
    deleted: dict[str, list[str]] = {}
    for path, definition, file_deleted in gone:
        moved = by_code.get(pytest_changes.signature(definition))
        if moved is not None:
            to_path, to = moved
            collected = to.test and _collected(to_path)
            tail = "" if collected else ", which pytest does not collect"
            what = f"renames {path}::{definition.name} to {to_path}::{to.name}{tail}"
            found.append(Weakening("renames-test", path, what))
        elif file_deleted:
            deleted.setdefault(path, []).append(definition.name)
        else:
            found.append(Weakening("removes-test", path, f"removes {path}::{definition.name}"))
    for path, names in deleted.items():
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        found.append(Weakening("removes-test", path, f"deletes {path} and its tests ({shown})"))
    return found


_CODE = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _collected(path: str) -> bool:
    """Whether pytest's default patterns collect the module (test_*.py, *_test.py)."""
    name = path.rsplit("/", 1)[-1]
    return name.startswith("test_") or name.endswith("_test.py")


def _configuration(edit: FileEdit) -> list[Found]:
    path = edit.path
    name = path.rsplit("/", 1)[-1]
    verb = "adds" if edit.created else "deletes" if edit.deleted else "changes"
    found: list[Found] = []
    if name == "conftest.py":
        found.append(Found("edits-conftest", f"{verb} {path}, which pytest loads before every test under it"))
    if (name in STARTUP_FILES or name.endswith(".pth")) and not edit.deleted:
        found.append(Found("adds-startup-file", f"{verb} {path}, which Python runs at start-up"))
    if _is_ci(path):
        found.append(Found("edits-ci", f"{verb} the CI configuration {path}"))
    if _is_healer(path):
        found.append(Found("edits-healer-config", f"{verb} healer's configuration in {path}"))
    elif name == "pyproject.toml":
        found += _pyproject(path, edit)
    elif name in TOOL_FILES or _is_tool(path):
        sections = _ini_sections(edit)
        where = f"{' and '.join(f'[{s}]' for s in sections)} in {path}" if sections else path
        found.append(Found("loosens-config", f"{verb} the tool configuration {where}"))
    return found


def _pyproject(path: str, edit: FileEdit) -> list[Found]:
    before, after = toml(edit.before), toml(edit.after)
    if (edit.before is not None and before is None) or (edit.after is not None and after is None):
        # A side that does not parse could hide anything.
        return [Found("loosens-config", f"changes {path}, which does not parse as TOML on one side")]
    old, new = tool_tables(before or {}), tool_tables(after or {})
    found: list[Found] = []
    if old.get("healer") != new.get("healer"):
        found.append(Found("edits-healer-config", f"changes healer's configuration ([tool.healer] in {path})"))
    changed = sorted(name for name in {*old, *new} - {"healer"} if old.get(name) != new.get(name))
    if changed:
        found.append(Found("loosens-config", f"changes {' and '.join(f'[tool.{n}]' for n in changed)} in {path}"))
    return found


def toml(data: bytes | None) -> dict[str, Any] | None:
    if data is None:
        return None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


def tool_tables(data: dict[str, Any]) -> dict[str, Any]:
    """Every `[tool.NAME]` table, [tool.poetry]'s dependencies left out."""
    tool = data.get("tool")
    if not isinstance(tool, dict):
        return {}
    tables = dict(tool)
    poetry = tables.get("poetry")
    if isinstance(poetry, dict):
        tables["poetry"] = {key: value for key, value in poetry.items() if key not in DEPENDENCY_KEYS}
    return tables


def _ini_sections(edit: FileEdit) -> list[str]:
    """The INI sections an edit changes (none when a side is not INI: the file is then named alone)."""
    sides = [_ini(edit.before), _ini(edit.after)]
    if any(side is None for side in sides):
        return []
    old, new = sides
    assert old is not None and new is not None
    return sorted(name for name in {*old, *new} if old.get(name) != new.get(name))


def _ini(data: bytes | None) -> dict[str, dict[str, str]] | None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string((data or b"").decode("utf-8"))
    except (UnicodeDecodeError, configparser.Error):
        return None
    return {name: dict(parser[name]) for name in parser.sections()}
