"""add-import on real ruff, flake8, mypy and pytest output: the one right import, placed as isort would, or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from healer.diagnostics.diagnose import diagnose
from healer.rules.actions.add_import import run
from healer.rules.actions.did_you_mean import run as did_you_mean
from healer.rules.outcome import Proposal

from .helpers_python import FLAKE8, MYPY, PYTEST, PYTHON, RUFF, applied, check, pick, propose, rules_for, write

LINT = (*RUFF, "--select", "E,F,W,I", ".")

PRICING = '''"""Prices with exact decimal arithmetic."""

import math


def unit_price(total: str, quantity: int) -> Decimal:
    return Decimal(total) / quantity


def boxes_needed(quantity: int, per_box: int) -> int:
    return math.ceil(quantity / per_box)
'''


def test_the_samples_decimal_is_imported_from_decimal_after_the_existing_imports(tmp_path: Path) -> None:
    root = write(tmp_path / "p", {"pricing.py": PRICING})
    found, output = check(root, LINT)
    undefined = pick(found, code="F821", line=6)
    assert rules_for(undefined) == ["python.add-import", "python.did-you-mean.lint"]

    result = propose(root, undefined, found, output, run)
    # `Decimal` is a name to import, not a typo of anything in scope: the rename declines.
    assert propose(root, undefined, found, output, did_you_mean) is None

    assert isinstance(result, Proposal)
    assert result.title == "from decimal import Decimal"
    fixed = applied(root, result, tmp_path / "fixed")
    assert (fixed / "pricing.py").read_text() == PRICING.replace(
        "import math\n", "import math\nfrom decimal import Decimal\n"
    )
    assert check(fixed, LINT)[0] == []  # F821 gone, and no I001: the import sits where isort puts it


@pytest.mark.parametrize(
    ("source", "statement"),
    [
        ("def f() -> str:\n    return json.dumps({})\n", "import json"),
        ("def f(p: str) -> bool:\n    return Path(p).exists()\n", "from pathlib import Path"),
        ("def f() -> object:\n    return OrderedDict()\n", "from collections import OrderedDict"),
        ("def f(g: Callable[[], int]) -> int:\n    return g()\n", "from collections.abc import Callable"),
        ("def f() -> object:\n    return datetime.now()\n", "from datetime import datetime"),
        ("def f() -> object:\n    return datetime.timedelta(days=1)\n", "import datetime"),
        ("def f() -> object:\n    return date.today()\n", "from datetime import date"),
        ("def f() -> float:\n    return time.monotonic()\n", "import time"),
        ("def f(x: dict[str, int]) -> object:\n    return copy.deepcopy(x)\n", "import copy"),
        ("def f(x: list[int]) -> object:\n    return chain(x, x)\n", "from itertools import chain"),
        ("def f() -> object:\n    return ZipFile('a.zip')\n", "from zipfile import ZipFile"),
    ],
)
def test_standard_library_names_resolve_by_how_they_are_used(tmp_path: Path, source: str, statement: str) -> None:
    root = write(tmp_path / "p", {"mod.py": source})
    found, output = check(root, LINT)

    result = propose(root, pick(found, code="F821"), found, output, run)

    assert isinstance(result, Proposal)
    assert result.title == statement
    fixed = applied(root, result, tmp_path / "fixed")
    assert (fixed / "mod.py").read_text() == f"{statement}\n\n\n{source}"
    assert check(fixed, LINT)[0] == []


def test_mypy_name_defined_for_a_module_used_as_a_module(tmp_path: Path) -> None:
    source = '"""Doc."""\n\nimport os\n\n\ndef f() -> str:\n    return json.dumps({"sep": os.sep})\n'
    root = write(tmp_path / "p", {"mod.py": source})
    found, output = check(root, (*MYPY, "mod.py"))

    result = propose(root, pick(found, code="name-defined"), found, output, run)

    fixed = applied(root, result, tmp_path / "fixed")
    assert (fixed / "mod.py").read_text() == source.replace("import os\n", "import json\nimport os\n")
    assert check(fixed, (*MYPY, "mod.py"))[0] == []


def test_a_project_symbol_defined_once_is_imported_in_the_first_party_section(tmp_path: Path) -> None:
    shop = "import os\n\nimport pytest\n\n\ndef total(a: int) -> Money:\n    return Money(a + len(os.sep) + len(pytest.__name__))\n"
    files = {
        "pkg/__init__.py": "",
        "pkg/money.py": "class Money(int):\n    pass\n",
        "pkg/shop.py": shop,
        "tests/test_shop.py": "class Money:\n    pass\n",  # Tests do not count as a source of imports.
    }
    root = write(tmp_path / "p", files)
    found, output = check(root, (*FLAKE8, "pkg"))
    undefined = pick(found, code="F821", line=6)

    result = propose(root, undefined, found, output, run)

    assert isinstance(result, Proposal)
    assert result.title == "from pkg.money import Money"
    fixed = applied(root, result, tmp_path / "fixed")
    assert (fixed / "pkg/shop.py").read_text() == shop.replace(
        "import pytest\n", "import pytest\n\nfrom pkg.money import Money\n"
    )
    assert check(fixed, (*FLAKE8, "pkg"))[0] == []
    assert check(fixed, (*RUFF, "--select", "F,I", "pkg"))[0] == []


@pytest.mark.parametrize(
    ("path", "statement"),
    [
        ("tests/test_shop.py", "from pkg import Money"),  # outside the package: the path its __all__ offers
        ("pkg/shop.py", "from pkg.money import Money"),  # inside: never through its own __init__ (circular)
    ],
)
def test_a_name_a_package_re_exports_in_its_all_is_imported_as_the_package_offers_it(
    tmp_path: Path, path: str, statement: str
) -> None:
    user = "def total(a: int) -> int:\n    return Money(a)\n"
    files = {
        "pkg/__init__.py": '"""Shop."""\n\nfrom pkg.money import Money\n\n__all__ = ["Money"]\n',
        "pkg/money.py": "class Money(int):\n    pass\n",
        path: user,
    }
    root = write(tmp_path / "p", files)
    found, output = check(root, (*FLAKE8, path))
    undefined = pick(found, code="F821", line=2)

    result = propose(root, undefined, found, output, run)

    assert isinstance(result, Proposal) and result.title == statement


def test_a_name_error_in_a_test_run_is_fixed_and_the_test_passes(tmp_path: Path) -> None:
    test = '"""Paths."""\n\nfrom __future__ import annotations\n\n\ndef test_suffix() -> None:\n    assert Path("a.txt").suffix == ".txt"\n'
    root = write(tmp_path / "p", {"test_paths.py": test})
    found, output = check(root, PYTEST)
    error = pick(found, code="NameError")
    assert rules_for(error) == ["python.did-you-mean", "python.add-import.runtime"]

    result = propose(root, error, found, output, run)

    fixed = applied(root, result, tmp_path / "fixed")
    assert (fixed / "test_paths.py").read_text() == test.replace(
        "annotations\n", "annotations\n\nfrom pathlib import Path\n"
    )
    assert check(fixed, PYTEST)[0] == []


def test_merges_into_an_existing_from_import_of_the_same_module(tmp_path: Path) -> None:
    source = "from dataclasses import dataclass\n\n\n@dataclass\nclass A:\n    items: list[int] = field(default_factory=list)\n"
    root = write(tmp_path / "p", {"a.py": source})
    found, output = check(root, LINT)

    result = propose(root, pick(found, code="F821"), found, output, run)

    fixed = applied(root, result, tmp_path / "fixed")
    assert (fixed / "a.py").read_text() == source.replace("import dataclass", "import dataclass, field")
    assert check(fixed, LINT)[0] == []


def test_crlf_files_keep_crlf(tmp_path: Path) -> None:
    source = b'"""Doc."""\r\n\r\nimport os\r\n\r\n\r\ndef f() -> object:\r\n    return Path(os.sep)\r\n'
    root = write(tmp_path / "p", {"win.py": source})
    found, output = check(root, LINT)

    result = propose(root, pick(found, code="F821"), found, output, run)

    assert isinstance(result, Proposal)
    after = result.edits[0].after or b""
    assert after == source.replace(b"import os\r\n", b"import os\r\nfrom pathlib import Path\r\n")
    assert after.count(b"\n") == after.count(b"\r\n")
    assert check(applied(root, result, tmp_path / "fixed"), LINT)[0] == []


def test_pyright_report_in_its_recorded_format(tmp_path: Path) -> None:
    # pyright is not installed here; its line format is the one recorded in tests/fixtures/outputs/pyright.
    root = write(tmp_path / "p", {"app.py": "def f() -> object:\n    return Decimal(1)\n"})
    output = (
        f'{root}/app.py\n  {root}/app.py:2:12 - error: "Decimal" is not defined (reportUndefinedVariable)\n1 error\n'
    )
    found = diagnose(stage="types", output=output, root=root, cwd=root, parser=None, argv=["pyright"], exit_code=1)

    result = propose(root, pick(found, code="reportUndefinedVariable"), found, output, run)

    assert isinstance(result, Proposal) and result.title == "from decimal import Decimal"
    assert check(applied(root, result, tmp_path / "fixed"), LINT)[0] == []


@pytest.mark.parametrize(
    ("files", "why"),
    [
        (
            {
                "a.py": "def f() -> object:\n    return Widget()\n",
                "pkg/__init__.py": "",
                "pkg/x.py": "class Widget:\n    pass\n",
                "pkg/y.py": "Widget = 1\n",
            },
            "two project modules define it",
        ),
        (
            {"a.py": "def f() -> object:\n    return Path('.')\n", "paths.py": "class Path:\n    pass\n"},
            "the project and the standard library both do",
        ),
        ({"a.py": "def f() -> object:\n    return sleep(1)\n"}, "time.sleep or asyncio.sleep"),
        ({"a.py": "def f() -> object:\n    return time()\n"}, "time.time or datetime.time"),
        (
            {"a.py": "def f() -> object:\n    return count + 1\n"},
            "a lowercase word used as a value is a likely variable",
        ),
        ({"a.py": "def f() -> object:\n    return frobnicate(1)\n"}, "nobody defines it"),
        ({"a.py": "def f() -> object:\n    return json.nope\n"}, "json has no attribute nope"),
        (
            {
                "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from decimal import Decimal\nx = Decimal(1)\n"
            },
            "already imported (for type checking only): another bug",
        ),
    ],
)
def test_declines_what_does_not_resolve_to_exactly_one_import(tmp_path: Path, files: dict[str, str], why: str) -> None:
    root = write(tmp_path / "p", files)
    found, output = check(root, (*RUFF, "--select", "F821", "a.py"), parser="ruff")
    if not found:  # ruff does not flag a name bound under TYPE_CHECKING; the runtime does.
        found, output = check(root, (PYTHON, "a.py"))
    assert found, why

    assert propose(root, found[0], found, output, run) is None, why


def test_a_file_without_imports_or_docstring_gets_its_import_at_the_top(tmp_path: Path) -> None:
    source = "# A comment about the module.\nVALUE = 2\n\n\ndef f() -> object:\n    return Fraction(1, VALUE)\n"
    root = write(tmp_path / "p", {"a.py": source})
    found, output = check(root, LINT)

    result = propose(root, pick(found, code="F821"), found, output, run)

    fixed = applied(root, result, tmp_path / "fixed")
    expected = "# A comment about the module.\n\nfrom fractions import Fraction\n\nVALUE = 2\n"
    assert (fixed / "a.py").read_text().startswith(expected)
    assert check(fixed, LINT)[0] == []


@pytest.mark.parametrize(
    ("source", "grown"),
    [
        # Used only in annotations, and a lowercase word: declined before, but the file already imports from datetime.
        (
            "from datetime import date, datetime\n\nSTART = (date, datetime)\n\n\ndef tz(x: tzinfo) -> None:\n    print(x)\n",
            "from datetime import date, datetime, tzinfo\n",
        ),
        # time.sleep or asyncio.sleep? This file's author reached for time.
        (
            "from time import perf_counter\n\n\ndef f() -> None:\n    sleep(perf_counter())\n",
            "from time import perf_counter, sleep\n",
        ),
    ],
)
def test_a_module_the_file_already_imports_from_settles_the_name(tmp_path: Path, source: str, grown: str) -> None:
    root = write(tmp_path / "p", {"a.py": source})
    found, output = check(root, LINT)

    result = propose(root, pick(found, code="F821"), found, output, run)

    fixed = applied(root, result, tmp_path / "fixed")
    assert (fixed / "a.py").read_text().splitlines(keepends=True)[0] == grown
    assert check(fixed, LINT)[0] == []


def test_a_module_imported_from_that_does_not_export_the_name_settles_nothing(tmp_path: Path) -> None:
    root = write(tmp_path / "p", {"a.py": "from typing import Any\n\n\ndef f() -> Any:\n    return sleep(1)\n"})
    found, output = check(root, LINT)

    assert propose(root, pick(found, code="F821"), found, output, run) is None
