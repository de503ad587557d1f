"""fixture-typo on real pytest output: rename the misspelt fixture parameter of that one test, or do nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from healer.rules.actions.fixture_typo import run
from healer.rules.outcome import Proposal

from .helpers_python import PYTEST, applied, check, pick, propose, rules_for, write

CONFTEST = "import pytest\n\n\n@pytest.fixture\ndef sample_order() -> dict[str, int]:\n    return {'qty': 2}\n"


def test_the_parameter_and_its_uses_in_that_test_are_renamed(tmp_path: Path) -> None:
    tests = (
        "def test_total(sample_ordr: dict[str, int]) -> None:\n"
        "    assert sample_ordr['qty'] == 2\n"
        "\n\n"
        "def test_other() -> None:\n"
        "    sample_ordr = {'qty': 2}\n"  # Same spelling elsewhere: not this test's parameter.
        "    assert sample_ordr\n"
    )
    root = write(tmp_path / "p", {"conftest.py": CONFTEST, "test_orders.py": tests})
    found, output = check(root, PYTEST)
    missing = pick(found, node_id="test_orders.py::test_total")
    assert missing.message == "fixture 'sample_ordr' not found"
    assert rules_for(missing, "test") == ["python.fixture-typo"]

    result = propose(root, missing, found, output, run)

    assert isinstance(result, Proposal)
    fixed = applied(root, result, tmp_path / "fixed")
    expected = tests.replace("sample_ordr", "sample_order", 2)
    assert (fixed / "test_orders.py").read_text() == expected
    assert check(fixed, PYTEST)[0] == []


def test_a_decorated_method_in_a_class_with_crlf(tmp_path: Path) -> None:
    tests = (
        b"import pytest\r\n\r\n\r\n"
        b"class TestOrders:\r\n"
        b"    @pytest.mark.parametrize('n', [1, 2])\r\n"
        b"    def test_qty(self, n: int,\r\n"
        b"                 sample_oder: dict[str, int]) -> None:\r\n"
        b"        assert sample_oder['qty'] * n >= n\r\n"
    )
    root = write(tmp_path / "p", {"conftest.py": CONFTEST, "test_orders.py": tests})
    found, output = check(root, PYTEST)

    result = propose(root, found[0], found, output, run)

    assert isinstance(result, Proposal)
    assert result.edits[0].after == tests.replace(b"sample_oder", b"sample_order")
    assert check(applied(root, result, tmp_path / "fixed"), PYTEST)[0] == []


@pytest.mark.parametrize(
    ("conftest", "tests", "why"),
    [
        (CONFTEST, "def test_a(basket) -> None:\n    assert basket\n", "no available fixture is close"),
        (
            CONFTEST + "\n\n@pytest.fixture\ndef sample_orders() -> list[int]:\n    return []\n",
            "def test_a(sample_orde) -> None:\n    assert sample_orde\n",
            "two fixtures are close",
        ),
        (
            CONFTEST,
            "import pytest\n\n\n@pytest.mark.usefixtures('sample_ordr')\ndef test_a() -> None:\n    pass\n",
            "requested by usefixtures, not a parameter",
        ),
        (
            CONFTEST,
            "def test_a(sample_ordr, sample_order) -> None:\n    assert sample_ordr\n",
            "the new name is a parameter already",
        ),
        (
            CONFTEST,
            "def test_a(sample_ordr) -> None:\n    sample_order = {}\n    assert sample_ordr or sample_order\n",
            "the body binds the new name itself",
        ),
        (
            CONFTEST,
            "sample_order = {'qty': 1}\n\n\ndef test_a(sample_ordr) -> None:\n    assert sample_ordr == sample_order\n",
            "the module binds the new name",
        ),
    ],
)
def test_declines(tmp_path: Path, conftest: str, tests: str, why: str) -> None:
    root = write(tmp_path / "p", {"conftest.py": conftest, "test_a.py": tests})
    found, output = check(root, PYTEST)
    (missing,) = found
    assert "not found" in missing.message, why

    assert propose(root, missing, found, output, run) is None, why


def test_only_the_parameter_was_mistyped_and_the_body_reads_the_fixture(tmp_path: Path) -> None:
    """`def test_env(monkypatch)` whose body uses `monkeypatch`: ruff's F821 in the body, pytest's missing fixture."""
    tests = (
        "import os\n\n\ndef test_env(monkypatch) -> None:\n"
        "    monkeypatch.setenv('X', '1')\n    assert os.environ['X'] == '1'\n"
    )
    root = write(tmp_path / "p", {"test_env.py": tests})
    found, output = check(root, PYTEST)
    (missing,) = found

    result = propose(root, missing, found, output, run)

    assert isinstance(result, Proposal) and result.title == "fixture monkypatch -> monkeypatch in test_env"
    fixed = applied(root, result, tmp_path / "fixed")
    assert (fixed / "test_env.py").read_text() == tests.replace("monkypatch", "monkeypatch")
    assert check(fixed, PYTEST)[0] == []


def test_a_parametrized_argument_misspelt_in_the_signature(tmp_path: Path) -> None:
    # iniconfig's `test_tokenize(input, expeected)`: pytest calls a misspelt parametrize argument a fixture.
    tests = (
        "import pytest\n\n\n@pytest.mark.parametrize('value, expected', [(1, 2), (2, 3)])\n"
        "def test_next(value: int, expeected: int) -> None:\n    assert value + 1 == expeected\n"
    )
    root = write(tmp_path / "p", {"test_next.py": tests})
    found, output = check(root, PYTEST)

    result = propose(root, found[0], found, output, run)

    assert isinstance(result, Proposal)
    assert result.edits[0].after == tests.replace("expeected", "expected").encode()
    assert check(applied(root, result, tmp_path / "fixed"), PYTEST)[0] == []


def test_request_which_pytest_never_lists_in_an_autouse_conftest_fixture(tmp_path: Path) -> None:
    # markupsafe's conftest: `def _mod(reequest)` of a parametrized autouse fixture; the ids hold dots.
    conftest = (
        "import pytest\n\n\n@pytest.fixture(autouse=True, params=['a.b', 'c.d'])\n"
        "def _mod(reequest: pytest.FixtureRequest) -> None:\n    assert request.param\n"
    )
    root = write(tmp_path / "p", {"conftest.py": conftest, "test_x.py": "def test_x() -> None:\n    assert True\n"})
    found, output = check(root, PYTEST)
    assert "request" not in output.split("available fixtures:")[1].split("\n")[0].split(", ")
    assert {(d.file, d.line, d.node_id) for d in found} == {
        ("conftest.py", 4, "test_x.py::test_x[a.b]"),
        ("conftest.py", 4, "test_x.py::test_x[c.d]"),
    }

    result = propose(root, found[0], found, output, run)

    assert isinstance(result, Proposal)
    assert result.edits[0].after == conftest.replace("reequest", "request").encode()
    assert check(applied(root, result, tmp_path / "fixed"), PYTEST)[0] == []


def test_the_body_reads_the_module_level_fixture_it_meant(tmp_path: Path) -> None:
    # iniconfig: fixtures `expected` and `input` defined in the test module itself; the body reads `expected`.
    tests = (
        "import pytest\n\n\n@pytest.fixture\ndef expected() -> int:\n    return 2\n\n\n"
        "def test_two(expeted: int) -> None:\n    assert expected == 2\n"
    )
    root = write(tmp_path / "p", {"test_two.py": tests})
    found, output = check(root, PYTEST)

    result = propose(root, found[0], found, output, run)

    assert isinstance(result, Proposal)
    assert result.edits[0].after == tests.replace("expeted", "expected").encode()
    assert check(applied(root, result, tmp_path / "fixed"), PYTEST)[0] == []
