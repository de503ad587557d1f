"""did-you-mean on real tracebacks, pytest runs and mypy reports: one token changes, or nothing does."""

from __future__ import annotations

from pathlib import Path

import pytest

from healer.rules.actions.did_you_mean import run
from healer.rules.outcome import Proposal

from .helpers_python import FLAKE8, MYPY, PYTEST, PYTHON, RUFF, applied, check, pick, propose, rules_for, write

PRICING = '''"""Prices."""

import math


def whole_units(amount: float) -> int:
    return int(math.flor(amount))


def stock(count: int) -> int:
    valeu = count * 2
    return value


class Box:
    def __init__(self) -> None:
        self.width = 3

    def area(self) -> int:
        return self.widht * 2
'''
SCRIPTS = {
    "units.py": "from pricing import whole_units\n\nprint(whole_units(2.7))\n",
    "stock.py": "from pricing import stock\n\nprint(stock(2))\n",
    "box.py": "from pricing import Box\n\nprint(Box().area())\n",
}
TESTS = "from pricing import Box, stock, whole_units\n\n\ndef test_units() -> None:\n    assert whole_units(2.7) == 2\n\n\ndef test_stock() -> None:\n    assert stock(2) == 4\n\n\ndef test_box() -> None:\n    assert Box().area() == 6\n"
FIXES = {
    "units.py": ("    return int(math.flor(amount))\n", "    return int(math.floor(amount))\n"),
    "stock.py": ("    return value\n", "    return valeu\n"),
    "box.py": ("        return self.widht * 2\n", "        return self.width * 2\n"),
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_the_interpreters_suggestion_is_applied_to_the_reported_line(tmp_path: Path, script: str) -> None:
    root = write(tmp_path / "p", {"pricing.py": PRICING, **SCRIPTS})
    found, output = check(root, (PYTHON, script))
    (error,) = found
    assert error.suggestion is not None  # The traceback parser carried the interpreter's hint.
    assert "python.did-you-mean" in rules_for(error)

    result = propose(root, error, found, output, run)

    assert isinstance(result, Proposal)
    assert [edit.path for edit in result.edits] == ["pricing.py"]
    fixed = applied(root, result, tmp_path / "fixed")
    old, new = FIXES[script]
    assert (fixed / "pricing.py").read_text() == PRICING.replace(old, new)
    assert check(fixed, (PYTHON, script))[0] == []


def test_pytest_prints_no_suggestion_so_the_close_name_is_computed(tmp_path: Path) -> None:
    root = write(tmp_path / "p", {"pricing.py": PRICING, "test_pricing.py": TESTS})
    found, output = check(root, PYTEST)
    units = pick(found, code="AttributeError", node_id="test_pricing.py::test_units")
    stock = pick(found, code="NameError")
    box = pick(found, code="AttributeError", node_id="test_pricing.py::test_box")
    assert units.suggestion is None and stock.suggestion is None

    first = propose(root, units, found, output, run)
    second = propose(root, stock, found, output, run)
    third = propose(root, box, found, output, run)

    assert isinstance(first, Proposal) and first.title == "flor -> floor"
    assert isinstance(second, Proposal) and second.title == "value -> valeu"
    # `'Box' object has no attribute 'widht'`: Box is defined in the reported file and assigns self.width.
    assert isinstance(third, Proposal) and third.title == "widht -> width"
    fixed = applied(root, first, tmp_path / "fixed")
    after = (second.edits[0].after or b"").replace(b"math.flor(", b"math.floor(").replace(b"self.widht", b"self.width")
    (fixed / "pricing.py").write_bytes(after)
    assert check(fixed, PYTEST)[0] == []


SLOTTED = '''"""A slotted builder: Python suggests no attribute name for it."""


class Base:
    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name


class Builder(Base):
    __slots__ = ("_cls", "_parts")

    def __init__(self, cls: type) -> None:
        super().__init__(cls.__name__)
        self._cls = cls
        self._parts: list[str] = []

    def bases(self) -> list[str]:
        return [base.__name__ for base in self._csl.__bases__]

    def label(self) -> str:
        return self._nmae.upper()
'''
SLOTTED_TESTS = (
    "from builder import Builder\n\n\ndef test_bases() -> None:\n    assert Builder(int).bases() == ['object']\n\n\n"
    "def test_label() -> None:\n    assert Builder(int).label() == 'INT'\n"
)


def test_an_attribute_of_a_slotted_class_is_matched_against_what_the_class_and_its_bases_define(
    tmp_path: Path,
) -> None:
    root = write(tmp_path / "p", {"builder.py": SLOTTED, "test_builder.py": SLOTTED_TESTS})
    found, output = check(root, PYTEST)
    bases = pick(found, node_id="test_builder.py::test_bases")
    label = pick(found, node_id="test_builder.py::test_label")
    assert bases.suggestion is None and "'Builder' object has no attribute '_csl'" in bases.message

    swapped = propose(root, bases, found, output, run)
    inherited = propose(root, label, found, output, run)

    # A swap in a short name scores below difflib's cutoff; one typing slip still settles it.
    assert isinstance(swapped, Proposal) and swapped.title == "_csl -> _cls"
    assert isinstance(inherited, Proposal) and inherited.title == "_nmae -> _name"  # a slot of the base class
    fixed = applied(root, swapped, tmp_path / "fixed")
    (fixed / "builder.py").write_bytes((swapped.edits[0].after or b"").replace(b"self._nmae", b"self._name"))
    assert check(fixed, PYTEST)[0] == []


@pytest.mark.parametrize("case", ["defined-twice", "not-in-the-file"])
def test_an_attribute_of_a_class_not_defined_once_in_the_reported_file_is_left_alone(tmp_path: Path, case: str) -> None:
    source = SLOTTED + ("\n\nif False:\n\n    class Builder:  # which of the two raised is not known\n        pass\n")
    root = write(tmp_path / "p", {"builder.py": source if case == "defined-twice" else SLOTTED})
    write(root, {"test_builder.py": SLOTTED_TESTS})
    found, output = check(root, PYTEST)
    failure = pick(found, node_id="test_builder.py::test_bases")
    if case == "not-in-the-file":
        failure = failure._replace(message=failure.message.replace("'Builder'", "'Elsewhere'"))

    assert propose(root, failure, found, output, run) is None


def test_mypy_suggestions(tmp_path: Path) -> None:
    root = write(tmp_path / "p", {"pricing.py": PRICING})
    found, output = check(root, (*MYPY, "pricing.py"))
    typos = [d for d in found if d.code in ("attr-defined", "name-defined")]
    assert len(typos) == 3 and all("maybe" in d.message or "did you mean" in d.message for d in typos)
    assert all("python.did-you-mean.mypy" in rules_for(d) for d in typos)

    fixed = tmp_path / "p"
    for index, diagnostic in enumerate(typos):
        result = propose(fixed, diagnostic, typos, output, run)
        fixed = applied(fixed, result, tmp_path / f"fixed{index}")

    assert (fixed / "pricing.py").read_text() == PRICING.replace("flor", "floor").replace(
        "return value", "return valeu"
    ).replace("widht", "width")
    assert check(fixed, (*MYPY, "pricing.py"))[0] == []


def test_cannot_import_name_from_a_project_module_reads_its_source(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/config.py": "def parse_config(text: str) -> dict[str, str]:\n    return {}\n\n\ndef parse_flags() -> None:\n    pass\n",
        "test_config.py": "from pkg.config import parse_confg as parse\n\n\ndef test_parse() -> None:\n    assert parse('') == {}\n",
    }
    root = write(tmp_path / "p", files)
    found, output = check(root, PYTEST)
    error = pick(found, code="ImportError")

    result = propose(root, error, found, output, run)

    fixed = applied(root, result, tmp_path / "fixed")
    assert (fixed / "test_config.py").read_text().startswith("from pkg.config import parse_config as parse\n")
    assert check(fixed, PYTEST)[0] == []


def test_cannot_import_name_from_the_standard_library(tmp_path: Path) -> None:
    root = write(tmp_path / "p", {"a.py": "from os.path import dirnam\n\nprint(dirnam('a/b'))\n"})
    found, output = check(root, (PYTHON, "a.py"))

    assert propose(root, found[0], found, output, run) is None  # The file uses `dirnam` too: one token would not do.

    (root / "a.py").write_text("from os.path import dirnam as dirname\n\nprint(dirname('a/b'))\n")
    found, output = check(root, (PYTHON, "a.py"))
    result = propose(root, found[0], found, output, run)
    assert isinstance(result, Proposal) and result.title == "dirnam -> dirname"
    assert check(applied(root, result, tmp_path / "fixed"), (PYTHON, "a.py"))[0] == []


def test_only_the_whole_token_and_only_the_attribute_change(tmp_path: Path) -> None:
    source = "import math\n\n\ndef f(flor: float) -> int:\n    value = valu_total = 1\n    return int(math.flor(flor)) + valu + valu_total\n"
    root = write(tmp_path / "p", {"m.py": source, "run.py": "from m import f\n\nf(1.5)\n"})
    found, output = check(root, (PYTHON, "run.py"))

    result = propose(root, found[0], found, output, run)

    fixed = applied(root, result, tmp_path / "fixed")
    assert (fixed / "m.py").read_text() == source.replace("math.flor(flor)", "math.floor(flor)")
    found, output = check(fixed, (PYTHON, "run.py"))  # Now the NameError: `valu`, not `valu_total`.
    result = propose(fixed, pick(found, code="NameError"), found, output, run)
    fixed = applied(fixed, result, tmp_path / "fixed2")
    assert (fixed / "m.py").read_text().endswith("return int(math.floor(flor)) + value + valu_total\n")
    assert check(fixed, (PYTHON, "run.py"))[0] == []


def test_crlf_is_kept(tmp_path: Path) -> None:
    source = b"import math\r\n\r\n\r\ndef f(x: float) -> int:\r\n    return math.flor(x)\r\n"
    root = write(tmp_path / "p", {"m.py": source, "run.py": "from m import f\n\nf(1.5)\n"})
    found, output = check(root, (PYTHON, "run.py"))

    result = propose(root, found[0], found, output, run)

    assert isinstance(result, Proposal)
    assert result.edits[0].after == source.replace(b"flor", b"floor")


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("    return math.flor(x) + math.flor(x)\n", "two occurrences on the line"),
        ("    y = math.flor\n    return y(x)\n", "the reported line is not the one with the token"),
        ("    return getattr(math, 'flor')(x)\n", "the name is in a string, not a token"),
    ],
)
def test_declines_when_the_token_is_not_on_the_line_exactly_once(tmp_path: Path, body: str, why: str) -> None:
    source = f"import math\n\n\ndef f(x: float) -> int:\n{body}"
    root = write(tmp_path / "p", {"m.py": source, "run.py": "from m import f\n\nf(1.5)\n"})
    found, output = check(root, (PYTHON, "run.py"))
    (error,) = found
    if "not the one" in why:
        error = error._replace(line=error.line + 1 if error.line else None)
    assert error.suggestion == "floor", why

    assert propose(root, error, found, output, run) is None, why


def test_declines_a_name_with_no_close_match(tmp_path: Path) -> None:
    root = write(tmp_path / "p", {"test_a.py": "def test_a() -> None:\n    assert zzyzx_quux == 1\n"})
    found, output = check(root, PYTEST)

    assert propose(root, pick(found, code="NameError"), found, output, run) is None


LINTED = '''"""Shipping."""

import threading


def _weight(parcel: dict[str, float]) -> float:
    return parcel["kg"]


def heaviest(parcels: list[dict[str, float]]) -> float:
    return max(_wieght(p) for p in parcels)


def guarded(condition: bool) -> object:
    lock = Condition() if condition else threading.Lock()
    return lock
'''


@pytest.mark.parametrize("linter", ["ruff", "flake8"])
def test_a_linters_undefined_name_is_renamed_to_the_one_close_name_in_scope_but_never_a_name_to_import(
    tmp_path: Path, linter: str
) -> None:
    root = write(tmp_path / "p", {"shipping.py": LINTED})
    found, output = check(root, RUFF if linter == "ruff" else FLAKE8)
    typo = pick(found, code="F821", line=11)
    missing = pick(found, code="F821", line=15)
    assert "python.did-you-mean.lint" in rules_for(typo)

    renamed = propose(root, typo, found, output, run)

    assert isinstance(renamed, Proposal) and renamed.title == "_wieght -> _weight"
    # `Condition` folds to the parameter `condition`, but it is a standard-library name whose import went missing.
    assert propose(root, missing, found, output, run) is None
    fixed = applied(root, renamed, tmp_path / "fixed")
    assert [d.line for d in check(fixed, RUFF if linter == "ruff" else FLAKE8)[0]] == [15]


def test_a_misspelt_submodule_import_is_renamed_and_its_uses_never_are(tmp_path: Path) -> None:
    """Found on cachetools: `from . import keys` typed `keyys`; the uses of `keys` were renamed to the typo."""
    init = "from . import keyys\n\n\ndef key(x: int) -> int:\n    return keys.hashkey(x)\n"
    files = {
        "pkg/__init__.py": init,
        "pkg/keys.py": "def hashkey(x: int) -> int:\n    return x\n",
        "test_pkg.py": "from pkg import key\n\n\ndef test_key() -> None:\n    assert key(1) == 1\n",
    }
    root = write(tmp_path / "p", files)
    linted, lint_output = check(root, (*RUFF, "pkg"))
    uses = pick(linted, code="F821")
    tested, output = check(root, PYTEST)
    failing = pick(tested, code="ImportError")

    assert propose(root, uses, linted, lint_output, run) is None  # towards the typo: `keyys` is the unused import
    fixed = propose(root, failing, tested, output, run)

    assert isinstance(fixed, Proposal) and fixed.title == "keyys -> keys"
    assert check(applied(root, fixed, tmp_path / "fixed"), PYTEST)[0] == []


CONFTEST = """import pytest


@pytest.fixture(autouse=True)
def _mod(reequest: pytest.FixtureRequest) -> None:
    request.node.stash_me = 1


@pytest.fixture(name="shop")
def make_shop() -> int:
    return 1
"""


def test_a_fixture_parameter_typo_is_not_spread_to_the_body(tmp_path: Path) -> None:
    """Found on markupsafe: `def _mod(request)` typed `reequest`; the body's `request` was renamed to the typo."""
    root = write(
        tmp_path / "p", {"conftest.py": CONFTEST, "test_a.py": "def test_a(shop: int) -> None:\n    assert shpo\n"}
    )
    found, output = check(root, RUFF)
    body = pick(found, code="F821", line=6)
    typo = pick(found, code="F821", file="test_a.py")

    assert propose(root, body, found, output, run) is None  # `request` is a fixture, `reequest` is none
    # A use mistyped in a test's body is still renamed to the fixture the test asks for (a named fixture).
    renamed = propose(root, typo, found, output, run)
    assert isinstance(renamed, Proposal) and renamed.title == "shpo -> shop"
