"""add-init on real pytest failures: the folders that must become packages get an empty `__init__.py`, and only those."""

from __future__ import annotations

from pathlib import Path

import pytest

from healer.patch.patch import FileEdit
from healer.rules.actions.add_init import run
from healer.rules.outcome import Proposal

from .helpers_python import PYTEST_SCRIPT, PYTHON, applied, check, pick, propose, rules_for, write

TEST_USING_HELPERS = "from tests.helpers import ANSWER\n\n\ndef test_answer() -> None:\n    assert ANSWER == 42\n"


def test_tests_folder_becomes_a_package_so_tests_can_import_their_helpers(tmp_path: Path) -> None:
    root = write(tmp_path / "p", {"tests/helpers.py": "ANSWER = 42\n", "tests/test_answer.py": TEST_USING_HELPERS})
    found, output = check(root, PYTEST_SCRIPT)
    missing = pick(found, code="ModuleNotFoundError")
    assert missing.message == "No module named 'tests'"
    assert "python.add-init" in rules_for(missing)

    result = propose(root, missing, found, output, run)

    assert isinstance(result, Proposal)
    assert result.edits == (FileEdit(path="tests/__init__.py", before=None, after=b""),)
    assert check(applied(root, result, tmp_path / "fixed"), PYTEST_SCRIPT)[0] == []


def test_a_nested_test_folder_without_init_is_the_one_created(tmp_path: Path) -> None:
    files = {
        "tests/__init__.py": "",
        "tests/helpers.py": "ANSWER = 42\n",
        "tests/unit/test_answer.py": TEST_USING_HELPERS,
    }
    root = write(tmp_path / "p", files)
    found, output = check(root, PYTEST_SCRIPT)

    result = propose(root, pick(found, code="ModuleNotFoundError"), found, output, run)

    assert isinstance(result, Proposal)
    assert [edit.path for edit in result.edits] == ["tests/unit/__init__.py"]
    assert check(applied(root, result, tmp_path / "fixed"), PYTEST_SCRIPT)[0] == []


def test_import_file_mismatch_makes_both_folders_packages(tmp_path: Path) -> None:
    test = "def test_one() -> None:\n    assert True\n"
    root = write(tmp_path / "p", {"tests/api/test_models.py": test, "tests/db/test_models.py": test})
    found, output = check(root, PYTEST_SCRIPT)
    assert "import file mismatch" in output
    (collecting,) = found
    assert rules_for(collecting) == ["python.add-init.import-mismatch"]

    result = propose(root, collecting, found, output, run)

    assert isinstance(result, Proposal)
    assert sorted(edit.path for edit in result.edits) == ["tests/api/__init__.py", "tests/db/__init__.py"]
    assert all(edit.before is None and edit.after == b"" for edit in result.edits)
    assert check(applied(root, result, tmp_path / "fixed"), PYTEST_SCRIPT)[0] == []


@pytest.mark.parametrize(
    ("files", "argv", "why"),
    [
        (
            {"app.py": "import yaml\n"},
            (PYTHON, "-S", "app.py"),
            "a third-party module: nothing local to make a package",
        ),
        (
            {
                "pkg/__init__.py": "",
                "pkg/core.py": "",
                "test_a.py": "from pkg.nothere import x\n\n\ndef test_a() -> None:\n    assert x\n",
            },
            PYTEST_SCRIPT,
            "the module does not exist in the project",
        ),
        (
            {
                "tests/__init__.py": "",
                "tests/test_a.py": "from tests.missing import x\n\n\ndef test_a() -> None:\n    assert x\n",
            },
            PYTEST_SCRIPT,
            "every folder is a package already",
        ),
        ({"test_x.py": "import os.nothere\n"}, PYTEST_SCRIPT, "a standard-library name"),
    ],
)
def test_declines(tmp_path: Path, files: dict[str, str], argv: tuple[str, ...], why: str) -> None:
    root = write(tmp_path / "p", files)
    found, output = check(root, argv)
    missing = pick(found, code="ModuleNotFoundError")

    assert propose(root, missing, found, output, run) is None, why


def test_declines_a_collection_error_that_is_not_a_mismatch(tmp_path: Path) -> None:
    root = write(tmp_path / "p", {"tests/test_a.py": "raise RuntimeError('boom')\n"})
    found, output = check(root, PYTEST_SCRIPT)

    assert propose(root, found[0], found, output, run) is None
