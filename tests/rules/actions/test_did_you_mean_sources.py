"""did-you-mean for attribute typos measured on real projects (bench/real_projects.py), rebuilt small and run
with real pytest and unittest: names of installed packages, star-importing packages, a module `__getattr__`,
a circular import, inherited TestCase methods, and a doctest that raised."""

from __future__ import annotations

from pathlib import Path

from healer.rules.actions.did_you_mean import run
from healer.rules.outcome import Proposal

from .helpers_python import PYTEST, PYTHON, applied, check, propose, write


def one_fix(root: Path, argv: tuple[str, ...], where: Path, python: str | None = None) -> tuple[Proposal, Path]:
    found, output = check(root, argv)
    assert found, output
    results = {propose(root, d, found, output, run, python=python) for d in found}
    proposals = [r for r in results if isinstance(r, Proposal)]
    assert len(proposals) == 1, (results, found)
    fixed = applied(root, proposals[0], where)
    assert check(fixed, argv)[0] == []
    return proposals[0], fixed


def test_an_installed_packages_attribute_read_from_its_source(tmp_path: Path) -> None:
    # markupsafe: `@pytest.mak.skipif` and `pytest.pram(...)`.
    tests = "import pytest\n\n\n@pytest.mak.skipif(False, reason='x')\ndef test_x() -> None:\n    assert True\n"
    root = write(tmp_path / "p", {"test_marks.py": tests})

    fix, fixed = one_fix(root, PYTEST, tmp_path / "fixed", python=PYTHON)

    assert fix.title == "mak -> mark"
    assert (fixed / "test_marks.py").read_text() == tests.replace("pytest.mak.", "pytest.mark.")


def test_without_the_projects_interpreter_an_installed_package_offers_nothing(tmp_path: Path) -> None:
    tests = "import pytest\n\n\n@pytest.mak.skipif(False, reason='x')\ndef test_x() -> None:\n    assert True\n"
    root = write(tmp_path / "p", {"test_marks.py": tests})
    found, output = check(root, PYTEST)

    assert [propose(root, d, found, output, run, python=None) for d in found] == [None] * len(found)


TOOLZ = {
    "toolz/__init__.py": "from .functoolz import *  # noqa: F403\nfrom . import curried  # noqa: E402\n",
    "toolz/functoolz.py": "__all__ = ['curry', 'compose']\n\n\ndef curry(f):\n    return f\n\n\n"
    "def compose(*fs):\n    return fs\n\n\ndef _private():\n    pass\n",
}


def test_a_name_a_package_star_imports_during_a_circular_import(tmp_path: Path) -> None:
    # toolz: toolz/curried/__init__.py reads `toolz.currry` while toolz is still importing.
    curried = "import toolz\n\ncons = toolz.currry(len)\n"
    files = {
        **TOOLZ,
        "toolz/curried/__init__.py": curried,
        "test_it.py": "import toolz\n\n\ndef test_x():\n    assert toolz\n",
    }
    root = write(tmp_path / "p", files)

    fix, fixed = one_fix(root, PYTEST, tmp_path / "fixed")

    assert fix.title == "currry -> curry"
    assert (fixed / "toolz/curried/__init__.py").read_text() == curried.replace("currry", "curry")


def test_a_module_getattr_raised_it_and_the_typo_is_in_the_caller(tmp_path: Path) -> None:
    # toolz: `toolz.curryy(...)` in a test; toolz's module `__getattr__` raises, so the innermost frame is there.
    getattr_hook = (
        "\n\ndef __getattr__(name):\n    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')\n"
    )
    tests = "import toolz\n\n\ndef helper():\n    return toolz.curryy(len)\n\n\ndef test_x():\n    assert helper()\n"
    files = {
        **TOOLZ,
        "toolz/__init__.py": "from .functoolz import *  # noqa: F403\n" + getattr_hook,
        "test_it.py": tests,
    }
    root = write(tmp_path / "p", files)
    found, _output = check(root, PYTEST)
    assert [(d.file, d.code) for d in found] == [("toolz/__init__.py", "AttributeError")]

    fix, fixed = one_fix(root, PYTEST, tmp_path / "fixed")

    assert [edit.path for edit in fix.edits] == ["test_it.py"]
    assert (fixed / "test_it.py").read_text() == tests.replace("curryy", "curry")


def test_a_method_a_unittest_case_inherits(tmp_path: Path) -> None:
    # cachetools: `self.asserrtEqual` in a mixin of unittest.TestCase classes.
    tests = (
        "import unittest\n\n\nclass Mixin:\n    def test_one(self):\n        self.asserrtEqual(1, 1)\n\n\n"
        "class CaseTest(unittest.TestCase, Mixin):\n    pass\n"
    )
    root = write(tmp_path / "p", {"tests/__init__.py": "", "tests/test_case.py": tests})

    fix, _fixed = one_fix(root, (PYTHON, "-m", "unittest", "discover", "-s", "tests", "-t", "."), tmp_path / "fixed")

    assert fix.title == "asserrtEqual -> assertEqual"


def test_a_doctest_that_raised_in_the_function_it_calls(tmp_path: Path) -> None:
    # jaraco.functools: `functools.partiaal` in a function whose doctest calls it.
    module = (
        'import functools\n\n\ndef splat(func):\n    """\n    >>> splat(print)((1, 2))\n    1 2\n    """\n'
        "    return functools.partiaal(lambda args: func(*args))\n"
    )
    root = write(tmp_path / "p", {"splat.py": module})

    _fix, fixed = one_fix(root, (*PYTEST, "--doctest-modules", "splat.py"), tmp_path / "fixed")

    assert (fixed / "splat.py").read_text() == module.replace("partiaal", "partial")


def test_a_module_getattr_raised_it_and_the_typo_is_in_the_test_itself(tmp_path: Path) -> None:
    # toolz (seed 31): `toolz.curired.__name__` in the test's own frame, whose location line ends `path:line:`.
    getattr_hook = (
        "\n\ndef __getattr__(name):\n    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')\n"
    )
    tests = "import toolz\nimport toolz.curried\n\n\ndef test_name():\n    assert toolz.curired.__name__\n"
    files = {**TOOLZ, "toolz/__init__.py": getattr_hook, "toolz/curried/__init__.py": "", "test_it.py": tests}
    root = write(tmp_path / "p", files)

    _fix, fixed = one_fix(root, PYTEST, tmp_path / "fixed")

    assert (fixed / "test_it.py").read_text() == tests.replace("curired", "curried")
