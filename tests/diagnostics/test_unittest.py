from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

from healer.diagnostics.diagnose import diagnose
from healer.diagnostics.parsers import unittest

RunModule = Callable[[Path, Sequence[str]], subprocess.CompletedProcess[str]]

CASES = """
    import unittest

    counter = 0


    class Calc(unittest.TestCase):
        def test_fail(self):
            self.assertEqual(1 + 1, 3)

        def test_error(self):
            return countr

        def test_sub(self):
            for i in range(2):
                with self.subTest(i=i):
                    self.assertEqual(i, 0)

        def test_ok(self):
            pass


    class Setup(unittest.TestCase):
        @classmethod
        def setUpClass(cls):
            raise RuntimeError("no database")

        def test_x(self):
            pass
"""


def _suite(root: Path) -> None:
    (root / "tests").mkdir()
    (root / "tests" / "__init__.py").write_text("")
    (root / "tests" / "test_calc.py").write_text(textwrap.dedent(CASES).lstrip())
    (root / "tests" / "test_broken.py").write_text("import json\nimport helper_lib_that_does_not_exist\n")


def test_live_unittest_output(tmp_path: Path, run_module: RunModule) -> None:
    _suite(tmp_path)
    done = run_module(tmp_path, ["unittest", "discover", "-s", "tests", "-t", "."])
    assert done.returncode == 1
    found = diagnose(
        stage="unittest",
        output=done.stdout + done.stderr,
        root=tmp_path,
        cwd=tmp_path,
        parser="unittest",
        argv=["python", "-m", "unittest"],
        exit_code=1,
    )
    rows = {(d.node_id, d.file, d.line, d.code, d.message) for d in found}
    assert rows == {
        ("tests/test_calc.py::Calc::test_fail", "tests/test_calc.py", 8, "AssertionError", "2 != 3"),
        ("tests/test_calc.py::Calc::test_error", "tests/test_calc.py", 11, "NameError", "name 'countr' is not defined"),
        ("tests/test_calc.py::Calc::test_sub", "tests/test_calc.py", 16, "AssertionError", "1 != 0"),
        ("tests/test_calc.py::Setup", "tests/test_calc.py", 25, "RuntimeError", "no database"),
        # A module that cannot be imported: its file is the node (pytest's form for a collection error).
        (
            "tests/test_broken.py",
            "tests/test_broken.py",
            2,
            "ModuleNotFoundError",
            "No module named 'helper_lib_that_does_not_exist'",
        ),
    }
    # unittest prints the interpreter's "Did you mean" from Python 3.12 on; the traceback parser keeps it.
    assert {d.suggestion for d in found if d.code == "NameError"} <= {None, "counter"}
    # The interpreter's exceptions: the rules for NameError and friends apply as to any traceback.
    assert {d.tool for d in found} == {"python"}


def test_auto_and_the_command_pick_the_parser(tmp_path: Path, run_module: RunModule) -> None:
    _suite(tmp_path)
    output = run_module(tmp_path, ["unittest", "discover", "-s", "tests", "-t", "."]).stderr
    for parser in (None, "auto"):
        found = diagnose(
            stage="t",
            output=output,
            root=tmp_path,
            cwd=tmp_path,
            parser=parser,
            argv=["python", "-m", "unittest", "discover"] if parser is None else ["make", "test"],
            exit_code=1,
        )
        assert len(found) == 5 and all(d.node_id for d in found), parser


def test_the_format_before_python_3_11_and_a_passing_run() -> None:
    text = textwrap.dedent(
        """
        .F
        ======================================================================
        FAIL: test_add (test_mod.Adding)
        ----------------------------------------------------------------------
        Traceback (most recent call last):
          File "/work/p/test_mod.py", line 7, in test_add
            self.assertEqual(add(1, 2), 4)
        AssertionError: 3 != 4

        ----------------------------------------------------------------------
        Ran 2 tests in 0.001s

        FAILED (failures=1)
        """
    )
    (finding,) = unittest.parse(text)
    assert (finding.node_id, finding.file, finding.line, finding.message) == (
        "test_mod.py::Adding::test_add",
        "/work/p/test_mod.py",
        7,
        "3 != 4",
    )
    assert unittest.parse("..\n" + "-" * 70 + "\nRan 2 tests in 0.000s\n\nOK\n") == []
