"""add-import finds the homes that real projects' removed imports had (bench/real_projects.py): the project's
own modules, private names of its own package, namespace packages, and standard-library submodules.

Each case is a breakage measured on a real library, rebuilt small; real ruff output."""

from __future__ import annotations

from pathlib import Path

from healer.rules.actions.add_import import run
from healer.rules.actions.did_you_mean import run as did_you_mean
from healer.rules.outcome import Proposal

from .helpers_python import RUFF, applied, check, pick, propose, write

LINT = (*RUFF, "--select", "F", ".")


def fixed_by(root: Path, file: str, where: Path) -> tuple[str, str]:
    """The one F821 in `file` fixed: (the proposal's title, the file after it), checked lint-clean."""
    found, output = check(root, LINT)
    undefined = [d for d in found if d.code == "F821" and d.file == file]
    assert undefined, found
    result = propose(root, undefined[0], found, output, run)
    assert isinstance(result, Proposal), found
    assert propose(root, undefined[0], found, output, did_you_mean) is None  # an import, never a rename
    fixed = applied(root, result, where)
    assert check(fixed, LINT)[0] == []
    return result.title, (fixed / file).read_text()


def test_a_flat_module_used_through_a_decorator(tmp_path: Path) -> None:
    # six: `import six` gone from test_six.py, whose `@six.add_metaclass(...)` had read as a call of `six`.
    tests = "@six.add_metaclass(type)\nclass Meta:\n    pass\n\n\ndef test_py3() -> None:\n    assert six.PY3\n"
    root = write(
        tmp_path / "p", {"six.py": "PY3 = True\n\n\ndef add_metaclass(m):\n    return m\n", "test_six.py": tests}
    )

    title, after = fixed_by(root, "test_six.py", tmp_path / "fixed")

    assert title == "import six"
    assert after == "import six\n\n\n" + tests


def test_the_package_itself_from_its_tests(tmp_path: Path) -> None:
    # markupsafe: `import markupsafe` gone from tests/test_ext_init.py (src layout).
    tests = "import pytest\n\n\ndef test_version() -> None:\n    assert markupsafe.Markup\n    assert pytest\n"
    root = write(
        tmp_path / "p",
        {"src/markupsafe/__init__.py": "class Markup(str):\n    pass\n", "tests/test_ext_init.py": tests},
    )

    title, after = fixed_by(root, "tests/test_ext_init.py", tmp_path / "fixed")

    assert title == "import markupsafe"
    assert after.startswith("import pytest\n\nimport markupsafe\n")


def test_a_submodule_of_the_files_own_package_in_its_relative_style(tmp_path: Path) -> None:
    # iniconfig: `from . import _parse` gone from src/iniconfig/__init__.py.
    init = (
        "from .exceptions import ParseError\n\n\ndef load(text: str) -> object:\n    return _parse.parse_lines(text)\n"
    )
    root = write(
        tmp_path / "p",
        {
            "src/iniconfig/__init__.py": init + "\n\n__all__ = ['ParseError']\n",
            "src/iniconfig/_parse.py": "def parse_lines(text: str) -> list[str]:\n    return text.splitlines()\n",
            "src/iniconfig/exceptions.py": "class ParseError(Exception):\n    pass\n",
        },
    )

    title, after = fixed_by(root, "src/iniconfig/__init__.py", tmp_path / "fixed")

    assert title == "from . import _parse"
    assert after.startswith("from . import _parse\nfrom .exceptions import ParseError\n")


def test_a_private_name_of_a_sibling_module(tmp_path: Path) -> None:
    # cachetools: `from ._descriptor import _MethodDescriptor` gone from src/cachetools/_cachedmethod.py.
    method = "from ._keys import hashkey\n\n\ndef cachedmethod() -> object:\n    return _MethodDescriptor(hashkey)\n"
    root = write(
        tmp_path / "p",
        {
            "src/cachetools/__init__.py": "",
            "src/cachetools/_keys.py": "def hashkey() -> int:\n    return 1\n",
            "src/cachetools/_descriptor.py": "class _MethodDescriptor:\n    def __init__(self, key: object) -> None:\n"
            "        self.key = key\n",
            "src/cachetools/_cachedmethod.py": method,
        },
    )

    title, _after = fixed_by(root, "src/cachetools/_cachedmethod.py", tmp_path / "fixed")

    assert title == "from ._descriptor import _MethodDescriptor"


def test_a_private_name_is_never_taken_from_another_package(tmp_path: Path) -> None:
    root = write(
        tmp_path / "p",
        {
            "vendored/__init__.py": "_helper = 1\n",
            "app/__init__.py": "",
            "app/main.py": "def f() -> int:\n    return _helper\n",
        },
    )
    found, output = check(root, LINT)

    assert propose(root, pick(found, code="F821"), found, output, run) is None


def test_a_name_of_a_namespace_package_merged_into_its_import(tmp_path: Path) -> None:
    # jaraco.functools: `retry` dropped from `from jaraco.functools import Throttler, retry`; `jaraco/` has
    # no __init__.py (PEP 420), so the package had been invisible.
    tests = "from jaraco.functools import Throttler\n\n\ndef test_retry() -> None:\n    assert retry(Throttler)\n"
    root = write(
        tmp_path / "p",
        {
            "jaraco/functools/__init__.py": "class Throttler:\n    pass\n\n\ndef retry(f: object) -> object:\n"
            "    return f\n",
            "test_functools.py": tests,
        },
    )

    title, after = fixed_by(root, "test_functools.py", tmp_path / "fixed")

    assert title == "from jaraco.functools import retry"
    assert after.startswith("from jaraco.functools import Throttler, retry\n")


def test_a_standard_library_submodule_and_a_types_name(tmp_path: Path) -> None:
    # jaraco.functools: `from unittest import mock`; markupsafe's conftest: `from types import ModuleType`.
    tests = "import pytest\n\n\ndef test_x() -> None:\n    assert mock.Mock()\n    assert pytest\n"
    conftest = "def load(name: str) -> ModuleType:\n    return __import__(name)\n"
    title, after = fixed_by(write(tmp_path / "p", {"test_x.py": tests}), "test_x.py", tmp_path / "fixed")
    assert title == "from unittest import mock"
    assert after.startswith("from unittest import mock\n\nimport pytest\n")
    title, after = fixed_by(write(tmp_path / "q", {"conftest.py": conftest}), "conftest.py", tmp_path / "fixed2")
    assert title == "from types import ModuleType"


def test_a_called_name_is_not_a_module(tmp_path: Path) -> None:
    root = write(tmp_path / "p", {"pkg/__init__.py": "", "pkg/util.py": "X = 1\n", "app.py": "print(util())\n"})
    found, output = check(root, LINT)

    assert propose(root, pick(found, code="F821"), found, output, run) is None


def test_a_file_without_imports_of_its_package_follows_its_siblings_style(tmp_path: Path) -> None:
    # iniconfig: `from .exceptions import ParseError` gone from _parse.py, whose other imports are stdlib only.
    parse = (
        "from collections.abc import Mapping\n\n\ndef parse(m: Mapping[str, str]) -> None:\n    raise ParseError(m)\n"
    )
    files = {
        "src/ini/__init__.py": "from .exceptions import ParseError\nfrom ._parse import parse\n\n__all__ = ['ParseError', 'parse']\n",
        "src/ini/exceptions.py": "class ParseError(Exception):\n    pass\n",
        "src/ini/_parse.py": parse,
    }
    title, _after = fixed_by(write(tmp_path / "p", files), "src/ini/_parse.py", tmp_path / "fixed")
    assert title == "from .exceptions import ParseError"

    absolute = {**files, "src/ini/__init__.py": files["src/ini/__init__.py"].replace("from .", "from ini.")}
    title, _after = fixed_by(write(tmp_path / "q", absolute), "src/ini/_parse.py", tmp_path / "fixed2")
    assert title == "from ini.exceptions import ParseError"


def test_held_out_seed_cases(tmp_path: Path) -> None:
    """Cases of the benchmark's second seed (31), which the rules were not written against."""
    markup = {
        "src/markupsafe/__init__.py": "from ._native import _escape_inner\n\n\ndef escape(s: str) -> str:\n"
        "    return _escape_inner(s)\n",
        "src/markupsafe/_native.py": "def _escape_inner(s: str) -> str:\n    return s\n",
    }
    # `from markupsafe import escape` gone from tests/test_leak.py: the package's API, not `re.escape`.
    leak = "import pytest\n\n\ndef test_leak() -> None:\n    assert escape('<')\n    assert pytest\n"
    title, _ = fixed_by(
        write(tmp_path / "a", {**markup, "tests/test_leak.py": leak}), "tests/test_leak.py", tmp_path / "a2"
    )
    assert title == "from markupsafe import escape"
    # `from markupsafe import _native` gone from tests/conftest.py: a private module is importable from a test.
    conftest = "def pytest_configure() -> None:\n    assert _native._escape_inner\n"
    title, _ = fixed_by(
        write(tmp_path / "b", {**markup, "tests/conftest.py": conftest}), "tests/conftest.py", tmp_path / "b2"
    )
    assert title == "from markupsafe import _native"
    # `import operator` gone from toolz/_signatures.py, beside the project's own toolz/curried/operator.py.
    toolz = {
        "toolz/__init__.py": "",
        "toolz/curried/__init__.py": "",
        "toolz/curried/operator.py": "add = 1\n",
        "toolz/_signatures.py": "def sig() -> object:\n    return operator.add\n",
    }
    title, _ = fixed_by(write(tmp_path / "c", toolz), "toolz/_signatures.py", tmp_path / "c2")
    assert title == "import operator"
    # `from . import CacheTestMixin` gone from tests/test_lru.py: a helper of the test package, in its style.
    cache = {
        "tests/__init__.py": "class CacheTestMixin:\n    pass\n",
        "tests/test_keys.py": "from . import CacheTestMixin\n\n\nclass KeysTest(CacheTestMixin):\n    pass\n",
        "tests/test_lru.py": "import unittest\n\n\nclass LRUCacheTest(unittest.TestCase, CacheTestMixin):\n    pass\n",
    }
    title, _ = fixed_by(write(tmp_path / "d", cache), "tests/test_lru.py", tmp_path / "d2")
    assert title == "from . import CacheTestMixin"


def test_a_test_helper_is_never_offered_outside_the_tests(tmp_path: Path) -> None:
    files = {"tests/__init__.py": "class CacheTestMixin:\n    pass\n", "app.py": "x = CacheTestMixin\n"}
    root = write(tmp_path / "p", files)
    found, output = check(root, LINT)

    assert propose(root, pick(found, code="F821"), found, output, run) is None


def test_the_files_own_imports_beat_the_everyday_lists(tmp_path: Path) -> None:
    # toolz (seed 47): `loads` gone from `from pickle import dumps, loads`; json's `loads` is the everyday one.
    tests = "from pickle import dumps\n\nTOKEN = loads(dumps('x'))\n"
    title, after = fixed_by(write(tmp_path / "p", {"test_it.py": tests}), "test_it.py", tmp_path / "fixed")

    assert title == "from pickle import loads"
    assert after.startswith("from pickle import dumps, loads\n")
