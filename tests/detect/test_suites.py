"""Test suites nothing configures a runner for: pytest-style ones get pytest, TestCase-only ones unittest."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from healer.config.settings import Stage
from healer.detect import python
from healer.detect.detection import detect
from healer.detect.suites import find_suite
from healer.diagnostics.diagnose import diagnose

Files = Callable[[dict[str, str | bytes]], Path]

PACKAGE = {"pkg/__init__.py": "def add(a, b):\n    return a + b\n", "pyproject.toml": '[project]\nname = "pkg"\n'}
CASES = """
    import unittest

    from pkg import add


    class Adding(unittest.TestCase):
        def test_add(self):
            self.assertEqual(add(1, 2), 4)

        def test_ok(self):
            self.assertEqual(add(1, 2), 3)
"""


def stages(root: Path) -> dict[str, Stage]:
    return {candidate.stage.name: candidate.stage for candidate in python.detect(root).candidates}


def test_pytest_style_tests_without_configuration_get_pytest(project: Files) -> None:
    root = project(
        {**PACKAGE, "tests/test_add.py": "from pkg import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"}
    )
    found = python.detect(root)
    assert [c.stage.run for c in found.candidates] == ["python -m pytest -q"]
    assert found.notes == (
        "pytest: tests/ holds pytest-style tests (test functions or classes, fixtures); no pytest configuration; "
        "run as `python -m pytest` so the project's modules import",
    )


@pytest.mark.parametrize(
    ("files", "run"),
    [
        ({"tests/__init__.py": "", "tests/test_add.py": CASES}, "python -m unittest discover -s tests -t ."),
        ({"tests/test_add.py": CASES}, "python -m unittest discover -s tests"),
        ({"test/test_add.py": CASES}, "python -m unittest discover -s test"),
        ({"test_add.py": CASES}, "python -m unittest discover"),
        ({"tests/add_test.py": CASES}, "python -m unittest discover -s tests -p '*_test.py'"),
    ],
)
def test_testcase_only_suites_get_unittest(project: Files, files: dict[str, str | bytes], run: str) -> None:
    found = python.detect(project({**PACKAGE, **files}))
    assert [(c.stage.name, c.stage.run, c.stage.kind, c.stage.parser) for c in found.candidates] == [
        ("unittest", run, "test", "unittest")
    ]
    assert found.notes[0].startswith("unittest: ") and "nothing configures or declares pytest" in found.notes[0]


@pytest.mark.parametrize(
    "extra",
    [
        {"tests/test_more.py": "def test_more():\n    pass\n"},  # one test function
        {"tests/conftest.py": ""},  # fixtures
        {"tests/test_more.py": "import pytest\n"},
        {"tests/test_more.py": "class TestPlain:\n    def test_x(self):\n        pass\n"},
        {"pyproject.toml": '[project]\nname = "pkg"\n[dependency-groups]\ndev = ["pytest"]\n'},
        {"setup.cfg": "[tool:pytest]\naddopts = -q\n"},
    ],
)
def test_anything_pytest_makes_it_pytest(project: Files, extra: dict[str, str | bytes]) -> None:
    runs = [stage.run for stage in stages(project({**PACKAGE, "tests/test_add.py": CASES, **extra})).values()]
    assert runs in (["python -m pytest -q"], ["pytest -q"])


def test_no_tests_no_test_stage(project: Files) -> None:
    assert stages(project({**PACKAGE, "tests/helpers.py": "", "pkg/test_data.txt": ""})) == {}
    assert find_suite(project({"tests/.venv/lib/test_x.py": CASES})) is None


def test_a_file_that_does_not_parse_says_no_style(project: Files) -> None:
    mixed = find_suite(project({"tests/test_broken.py": "def test_x(:\n", "tests/test_cases.py": CASES}))
    assert mixed is not None and mixed.unittest_only
    broken = find_suite(project({"tests/test_cases.py": "def test_x(:\n"}))
    assert broken is not None and not broken.unittest_style and not broken.pytest_style


def test_a_suite_of_no_known_style_gets_pytest(project: Files) -> None:
    # pytest reports the file that does not parse as a collection error, with its place.
    root = project({"tests/test_broken.py": "def test_x(:\n"})
    assert [stage.run for stage in stages(root).values()] == ["python -m pytest -q"]


@pytest.mark.parametrize("package", [True, False])
def test_the_unittest_stage_runs_and_its_failures_are_parsed(tmp_path: Path, package: bool) -> None:
    files = {**PACKAGE, "tests/test_add.py": CASES, **({"tests/__init__.py": ""} if package else {})}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (stage,) = detect(tmp_path).stages
    argv = [sys.executable, *stage.argv()[1:]]  # the stage's `python`, as the project's interpreter
    done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1, done.stderr
    found = diagnose(
        stage=stage.name,
        output=done.stdout + done.stderr,
        root=tmp_path,
        cwd=tmp_path,
        parser=stage.parser,
        argv=stage.argv(),
        exit_code=done.returncode,
    )
    assert [(d.tool, d.file, d.line, d.code, d.message) for d in found] == [
        ("python", "tests/test_add.py", 8, "AssertionError", "3 != 4")
    ]
    module = "tests/test_add.py" if package else "test_add.py"  # as discovery named the module
    assert found[0].node_id == f"{module}::Adding::test_add"
