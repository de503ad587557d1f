"""add-dependency on real ModuleNotFoundError and mypy output: declare the right distribution once, in the right file."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import pytest

from healer.rules.actions.add_dependency import run
from healer.rules.outcome import Proposal

from .helpers_python import MYPY, PYTEST_SCRIPT, PYTHON, applied, check, pick, propose, rules_for, write

# `-S` leaves site-packages out, so an installed package is missing exactly as in a fresh environment.
BARE = (PYTHON, "-S")
PYPROJECT = '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n    "click>=8",  # the command line\n]\n\n[tool.ruff]\nline-length = 100\n'


def provides(distribution: str, module: str) -> bool:
    """Whether `distribution`, as installed here, really provides top-level module `module`."""
    installed = importlib.metadata.packages_distributions().get(module, [])
    return distribution.lower() in (name.lower() for name in installed)


def test_yaml_becomes_pyyaml_in_pyproject_dependencies_keeping_comments(tmp_path: Path) -> None:
    root = write(tmp_path / "p", {"pyproject.toml": PYPROJECT, "app.py": "import yaml.constructor\n"})
    found, output = check(root, (*BARE, "app.py"))
    missing = pick(found, code="ModuleNotFoundError")
    assert missing.message == "No module named 'yaml'"
    assert rules_for(missing) == ["python.add-init", "python.add-dependency"]

    result = propose(root, missing, found, output, run)

    assert isinstance(result, Proposal)
    fixed = applied(root, result, tmp_path / "fixed")
    expected = PYPROJECT.replace("  # the command line\n", '  # the command line\n    "PyYAML",\n')
    assert (fixed / "pyproject.toml").read_text() == expected
    assert provides("PyYAML", "yaml")
    # Declared now, so a second run of the same failure proposes nothing more.
    assert propose(fixed, missing, found, output, run) is None


def test_installed_metadata_maps_names_the_table_does_not_know(tmp_path: Path) -> None:
    requirements = b"click>=8\r\nrich"  # CRLF and no final newline
    root = write(tmp_path / "p", {"requirements.txt": requirements, "app.py": "import rpds\n"})
    found, output = check(root, (*BARE, "app.py"))

    result = propose(root, pick(found, code="ModuleNotFoundError"), found, output, run, python=PYTHON)

    assert isinstance(result, Proposal)
    assert result.edits[0].path == "requirements.txt"
    assert result.edits[0].after == b"click>=8\r\nrich\r\nrpds-py\r\n"
    assert provides("rpds-py", "rpds")


def test_requirements_in_is_the_source_pip_tools_compiles(tmp_path: Path) -> None:
    files = {"requirements.in": "click\n", "requirements.txt": "click==8.1.7\n", "app.py": "import dateutil.parser\n"}
    root = write(tmp_path / "p", files)
    found, output = check(root, (*BARE, "app.py"))

    result = propose(root, pick(found, code="ModuleNotFoundError"), found, output, run)

    assert isinstance(result, Proposal)
    assert [(e.path, e.after) for e in result.edits] == [("requirements.in", b"click\npython-dateutil\n")]


def test_mypy_import_not_found(tmp_path: Path) -> None:
    root = write(
        tmp_path / "p", {"pyproject.toml": '[project]\nname = "app"\nversion = "0"\n', "app.py": "import bs4\n"}
    )
    found, output = check(root, (*MYPY, "--no-site-packages", "app.py"))

    missing = pick(found, code="import-not-found")
    assert rules_for(missing) == ["python.add-dependency.mypy"]
    result = propose(root, missing, found, output, run)

    fixed = applied(root, result, tmp_path / "fixed")
    assert tomllib.loads((fixed / "pyproject.toml").read_text())["project"]["dependencies"] == ["beautifulsoup4"]


@pytest.mark.parametrize(
    ("files", "argv", "why"),
    [
        ({"app.py": "import xml.nope\n", "requirements.txt": ""}, (PYTHON, "app.py"), "a standard-library package"),
        (
            {"app.py": "import reqeusts\n", "requirements.txt": ""},
            (PYTHON, "app.py"),
            "an unknown name is never guessed",
        ),
        (
            {
                "pyproject.toml": '[project]\nname = "a"\nversion = "0"\ndependencies = ["pyyaml>=6"]\n',
                "app.py": "import yaml\n",
            },
            (*BARE, "app.py"),
            "already declared (spelt differently)",
        ),
        (
            {
                "pyproject.toml": '[project]\nname = "a"\nversion = "0"\n[project.optional-dependencies]\ntest = ["PyYAML"]\n',
                "app.py": "import yaml\n",
            },
            (*BARE, "app.py"),
            "declared as an extra: the environment lacks it, not the project",
        ),
        ({"app.py": "import yaml\n"}, (*BARE, "app.py"), "no file declares dependencies"),
        (
            {
                "requirements.txt": "",
                "tests/helpers.py": "X = 1\n",
                "tests/test_a.py": "from tests.helpers import X\n\n\ndef test_a() -> None:\n    assert X\n",
            },
            PYTEST_SCRIPT,
            "a module of the project itself",
        ),
    ],
)
def test_declines(tmp_path: Path, files: dict[str, str], argv: tuple[str, ...], why: str) -> None:
    root = write(tmp_path / "p", files)
    found, output = check(root, argv)
    missing = pick(found, code="ModuleNotFoundError")

    assert propose(root, missing, found, output, run) is None, why
