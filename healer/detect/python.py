"""Python tools found in a project's packaging and tool configuration."""

from __future__ import annotations

import configparser
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from healer.detect.candidate import CONFIGURED, Candidate, Found
from healer.detect.commands import tools_in
from healer.detect.files import (
    Unreadable,
    existing,
    read_ini,
    read_json,
    read_text,
    read_toml,
    strings,
    table,
)
from healer.detect.python_tools import TOOL_KEYS, python_stage
from healer.detect.suites import Suite, find_suite

TOOLS = ("ruff", "flake8", "black", "isort", "mypy", "pyright", "pytest")
_KEY_TOOLS = {"ruff-check": "ruff", "ruff-format": "ruff"} | {tool: tool for tool in TOOLS}
_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
# Where mypy looks for its configuration, first found wins (mypy's own order).
_MYPY_CONFIGS = ("mypy.ini", ".mypy.ini", "pyproject.toml", "setup.cfg")


@dataclass
class _Evidence:
    reasons: dict[str, list[str]] = field(default_factory=dict)
    """Tool → what showed it is configured (a section or config file)."""
    dependencies: dict[str, list[str]] = field(default_factory=dict)
    """Tool → where it is declared as a dependency."""
    ruff_format: list[str] = field(default_factory=list)
    mypy_targets: dict[str, list[str]] = field(default_factory=dict)
    """Config file → the files/packages its mypy section names."""
    notes: list[str] = field(default_factory=list)

    def configured(self, tool: str, reason: str) -> None:
        self.reasons.setdefault(tool, []).append(reason)

    def depends(self, requirement: str, where: str) -> None:
        name = requirement_name(requirement)
        if name in TOOLS:
            self.dependencies.setdefault(name, []).append(f"dependency in {where}")


def detect(root: Path) -> Found:
    evidence = _Evidence()
    _pyproject(root, evidence)
    _setup_cfg(root, evidence)
    _tox_ini(root, evidence)
    _requirements(root, evidence)
    _config_files(root, evidence)
    return _stages(root, evidence)


def requirement_name(requirement: str) -> str | None:
    """The normalised project name of a PEP 508 requirement ("Flake8[x]>=7" → "flake8")."""
    match = _REQUIREMENT.match(requirement)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else None


def _pyproject(root: Path, evidence: _Evidence) -> None:
    if not (root / "pyproject.toml").is_file():
        return
    try:
        data = read_toml(root, "pyproject.toml")
    except Unreadable as error:
        evidence.notes.append(error.note)
        return
    tool = table(data, "tool")
    for name in ("ruff", "flake8", "black", "isort", "mypy", "pyright"):
        if name in tool:
            evidence.configured(name, f"[tool.{name}] in pyproject.toml")
    if "ini_options" in table(tool, "pytest"):
        evidence.configured("pytest", "[tool.pytest.ini_options] in pyproject.toml")
    elif "pytest" in tool:
        evidence.configured("pytest", "[tool.pytest] in pyproject.toml")
    if "format" in table(tool, "ruff"):
        evidence.ruff_format.append("[tool.ruff.format] in pyproject.toml")
    mypy = table(tool, "mypy")
    if mypy:
        evidence.mypy_targets["pyproject.toml"] = _mypy_targets(
            mypy.get("files"), mypy.get("packages"), mypy.get("modules")
        )

    project = table(data, "project")
    for requirement in strings(project.get("dependencies")):
        evidence.depends(requirement, "pyproject.toml [project.dependencies]")
    groups = [
        ("project.optional-dependencies", table(project, "optional-dependencies")),
        ("dependency-groups", table(data, "dependency-groups")),
        ("tool.pdm.dev-dependencies", table(tool, "pdm", "dev-dependencies")),
    ]
    for section, entries in groups:
        for group, requirements in entries.items():
            for requirement in strings(requirements):
                evidence.depends(requirement, f"pyproject.toml [{section}] {group}")
    for requirement in strings(table(tool, "uv").get("dev-dependencies")):
        evidence.depends(requirement, "pyproject.toml [tool.uv] dev-dependencies")
    poetry = table(tool, "poetry")
    poetry_sections = [
        ("tool.poetry.dependencies", table(poetry, "dependencies")),
        ("tool.poetry.dev-dependencies", table(poetry, "dev-dependencies")),
    ] + [
        (f"tool.poetry.group.{group}.dependencies", table(poetry, "group", group, "dependencies"))
        for group in table(poetry, "group")
    ]
    for section, names in poetry_sections:
        for name in names:
            evidence.depends(name, f"pyproject.toml [{section}]")


def _setup_cfg(root: Path, evidence: _Evidence) -> None:
    parser = _ini(root, "setup.cfg", evidence)
    if parser is None:
        return
    for section, tool in (("flake8", "flake8"), ("mypy", "mypy"), ("tool:pytest", "pytest")):
        if parser.has_section(section):
            evidence.configured(tool, f"[{section}] in setup.cfg")
    if parser.has_section("isort") or parser.has_section("tool:isort"):
        evidence.configured("isort", "[isort] in setup.cfg")
    if parser.has_section("mypy"):
        evidence.mypy_targets["setup.cfg"] = _ini_mypy_targets(parser)
    for requirement in _lines(parser.get("options", "install_requires", fallback="")):
        evidence.depends(requirement, "setup.cfg [options] install_requires")
    if parser.has_section("options.extras_require"):
        for extra, value in parser.items("options.extras_require"):
            for requirement in _lines(value):
                evidence.depends(requirement, f"setup.cfg [options.extras_require] {extra}")


def _tox_ini(root: Path, evidence: _Evidence) -> None:
    parser = _ini(root, "tox.ini", evidence)
    if parser is None:
        return
    for section, tool in (("flake8", "flake8"), ("isort", "isort"), ("pytest", "pytest")):
        if parser.has_section(section):
            evidence.configured(tool, f"[{section}] in tox.ini")
    for section in parser.sections():
        if section != "testenv" and not section.startswith("testenv:"):
            continue
        for requirement in _lines(parser.get(section, "deps", fallback="")):
            if not requirement.startswith("-"):
                evidence.depends(requirement, f"tox.ini [{section}] deps")
        commands = parser.get(section, "commands", fallback="")
        for tool in sorted({_KEY_TOOLS[key] for key in tools_in(commands) if key in _KEY_TOOLS}):
            evidence.configured(tool, f"tox.ini [{section}] commands")


def _requirements(root: Path, evidence: _Evidence) -> None:
    paths = sorted(root.glob("requirements*.txt")) + sorted(root.glob("requirements/*.txt"))
    for path in paths:
        rel = path.relative_to(root).as_posix()
        try:
            text = read_text(root, rel)
        except Unreadable as error:
            evidence.notes.append(error.note)
            continue
        for line in text.splitlines():
            requirement = line.split(" #", 1)[0].strip()
            if requirement and not requirement.startswith(("-", "#")):
                evidence.depends(requirement, rel)


def _config_files(root: Path, evidence: _Evidence) -> None:
    for rel in existing(root, ("ruff.toml", ".ruff.toml")):
        try:
            data = read_toml(root, rel)
        except Unreadable as error:
            evidence.notes.append(error.note)
            continue
        evidence.configured("ruff", rel)
        if "format" in data:
            evidence.ruff_format.append(f"[format] in {rel}")
    for rel in existing(root, ("mypy.ini", ".mypy.ini")):
        parser = _ini(root, rel, evidence)
        if parser is not None:
            evidence.configured("mypy", rel)
            evidence.mypy_targets[rel] = _ini_mypy_targets(parser)
    for rel, tool in ((".flake8", "flake8"), ("pytest.ini", "pytest"), (".isort.cfg", "isort")):
        if (root / rel).is_file():
            evidence.configured(tool, rel)
    if (root / "pyrightconfig.json").is_file():
        try:
            read_json(root, "pyrightconfig.json")
        except Unreadable as error:
            evidence.notes.append(error.note)
        else:
            evidence.configured("pyright", "pyrightconfig.json")


def _stages(root: Path, evidence: _Evidence) -> Found:
    notes = list(evidence.notes)
    candidates: list[Candidate] = []
    suite = find_suite(root)
    for tool in TOOLS:
        reasons = evidence.reasons.get(tool, []) + evidence.dependencies.get(tool, [])
        if tool == "pytest" and tool not in evidence.reasons:
            found, note = _unconfigured_tests(suite, reasons)
            candidates += found
            notes += [note] if note else []
            continue
        if not reasons:
            continue
        targets = _chosen_mypy_targets(evidence) if tool == "mypy" else []
        candidates.append(_candidate(tool, reasons, mypy_targets=targets))
        notes.append(f"{tool}: {'; '.join(reasons)}")
        if tool == "ruff" and evidence.ruff_format:
            candidates.append(_candidate("ruff-format", evidence.ruff_format))
            notes.append(f"ruff-format: {'; '.join(evidence.ruff_format)}")
    return Found(tuple(candidates), tuple(notes))


def _unconfigured_tests(suite: Suite | None, reasons: list[str]) -> tuple[list[Candidate], str | None]:
    """The runner for a test suite nothing configures: pytest when it is declared or the tests are written for
    it, unittest when they are only TestCase classes; `reasons` are where pytest is declared a dependency."""
    if suite is None:
        return [], f"pytest: {reasons[0]}, but no tests/test_*.py found; not added" if reasons else None
    where = f"{suite.folder}/" if suite.folder else "the project's top folder"
    if not reasons and suite.unittest_only:
        args = ["-s", suite.folder] if suite.folder else []
        # With an __init__.py the folder is a package: from the top, tests import as `tests.test_x`, and the
        # project's own modules import beside them. Without one, discovery must start inside it.
        args += ["-t", "."] if suite.package else []
        args += ["-p", suite.pattern] if suite.pattern != "test*.py" else []
        stage = python_stage("unittest", args)
        reason = f"{where} holds unittest.TestCase tests and nothing configures or declares pytest"
        candidate = Candidate(stage, CONFIGURED, f"unittest ({reason})", frozenset({TOOL_KEYS["unittest"]}), "py")
        return [candidate], f"unittest: {reason}"
    style = "holds test files" if reasons else "holds pytest-style tests (test functions or classes, fixtures)"
    why = [*reasons, f"{where} {style}"]
    if not reasons:
        why.append("no pytest configuration")
    # `python -m pytest` puts the project's folder on sys.path, as a configuration's rootdir would: without
    # it, tests outside a package cannot import the project's modules unless the project is installed.
    stage = python_stage("pytest")._replace(run="python -m pytest -q")
    candidate = Candidate(stage, CONFIGURED, f"pytest ({why[0]})", frozenset({TOOL_KEYS["pytest"]}), "py")
    return [candidate], f"pytest: {'; '.join(why)}; run as `python -m pytest` so the project's modules import"


def _candidate(tool: str, reasons: list[str], *, mypy_targets: Sequence[str] = ()) -> Candidate:
    return Candidate(
        stage=python_stage(tool, mypy_targets=mypy_targets),
        rank=CONFIGURED,
        origin=f"{tool} ({reasons[0]})",
        covers=frozenset({TOOL_KEYS[tool]}),
        prefix="py",
    )


def _chosen_mypy_targets(evidence: _Evidence) -> list[str]:
    for rel in _MYPY_CONFIGS:
        if rel in evidence.mypy_targets:
            return evidence.mypy_targets[rel]
    return []


def _mypy_targets(files: object, packages: object, modules: object) -> list[str]:
    """mypy's command-line arguments for the files/packages/modules its config names."""

    def names(value: object) -> list[str]:
        return [n.strip() for item in strings(value) for n in item.split(",") if n.strip()]

    targets = names(files)
    targets += [arg for package in names(packages) for arg in ("-p", package)]
    targets += [arg for module in names(modules) for arg in ("-m", module)]
    return targets


def _ini_mypy_targets(parser: configparser.ConfigParser) -> list[str]:
    return _mypy_targets(
        parser.get("mypy", "files", fallback=None),
        parser.get("mypy", "packages", fallback=None),
        parser.get("mypy", "modules", fallback=None),
    )


def _ini(root: Path, rel: str, evidence: _Evidence) -> configparser.ConfigParser | None:
    if not (root / rel).is_file():
        return None
    try:
        return read_ini(root, rel)
    except Unreadable as error:
        evidence.notes.append(error.note)
        return None


def _lines(value: str) -> list[str]:
    return [line.split(" #", 1)[0].strip() for line in value.splitlines() if line.strip()]
