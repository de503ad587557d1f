"""Which edits change the checks themselves, and the sentence that says where (healer.patch.weakening)."""

from __future__ import annotations

from pathlib import Path

import pytest

from healer.patch.patch import FileEdit
from healer.patch.validate import validate

EMPTY = Path(__file__).parent
"""A root none of the edited paths exists under (validation looks at the folders on the way)."""
TEST = """\
import pytest

from calc import add

EXPECTED = 5


def test_add() -> None:
    assert add(2, 3) == EXPECTED


@pytest.mark.parametrize(("a", "b"), [(1, 1), (2, 2)])
def test_double(a: int, b: int) -> None:
    result = add(a, b)
    assert result == 2 * a


class TestCart:
    def test_total(self) -> None:
        with pytest.raises(ValueError):
            add("a", 1)
"""


def changes(before: str | None, after: str | None, path: str = "tests/test_calc.py") -> list[tuple[str, str]]:
    checked = validate([FileEdit(path, None if before is None else before.encode(),
                                 None if after is None else after.encode())], EMPTY)  # fmt: skip
    assert checked.problems == ()
    assert {w.flag for w in checked.weakening} <= set(checked.flags)
    return [(w.flag, w.what) for w in checked.weakening]


def edited(old: str, new: str) -> list[tuple[str, str]]:
    assert old in TEST
    return changes(TEST, TEST.replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("== EXPECTED", "!= EXPECTED", ("weakens-assertion", "changes the assertion in tests/test_calc.py::test_add")),
        ("    assert add(2, 3) == EXPECTED\n", "    add(2, 3)\n",
         ("weakens-assertion", "removes an assertion from tests/test_calc.py::test_add")),
        ("    assert add(2, 3) == EXPECTED\n", "    try:\n        assert add(2, 3) == EXPECTED\n    except AssertionError:\n        pass\n",
         ("weakens-assertion", "changes the assertion in tests/test_calc.py::test_add")),
        ("    assert add(2, 3) == EXPECTED\n", "    if False:\n        assert add(2, 3) == EXPECTED\n",
         ("weakens-assertion", "changes the assertion in tests/test_calc.py::test_add")),
        ("pytest.raises(ValueError)", "pytest.raises(Exception)",
         ("weakens-assertion", "changes the assertion in tests/test_calc.py::TestCart::test_total")),
        ("EXPECTED = 5", "EXPECTED = -1", ("changes-expected-value", "changes the value of EXPECTED in tests/test_calc.py")),
        ("result = add(a, b)", "result = 2 * a",
         ("changes-expected-value", "changes the code of tests/test_calc.py::test_double")),
        ("[(1, 1), (2, 2)]", "[(1, 1)]",
         ("changes-expected-value", "changes the parameters pytest runs tests/test_calc.py::test_double with")),
        ("def test_add() -> None:\n", "def test_add(monkeypatch) -> None:\n    monkeypatch.setattr('calc.add', lambda a, b: 5)\n",
         ("changes-expected-value", "patches out code in tests/test_calc.py::test_add")),
        ("def test_add() -> None:\n", "@mock.patch('calc.add')\ndef test_add() -> None:\n",
         ("changes-expected-value", "adds @mock.patch('calc.add') to tests/test_calc.py::test_add")),
        ("from calc import add", "from fake import add",
         ("changes-expected-value", "changes what tests/test_calc.py imports as add")),
        ("def test_add() -> None:\n", "@pytest.mark.skip\ndef test_add() -> None:\n",
         ("skips-test", "adds a skip marker to tests/test_calc.py::test_add")),
        ("class TestCart:", "@pytest.mark.xfail(strict=False)\nclass TestCart:",
         ("skips-test", "adds an xfail marker to tests/test_calc.py::TestCart")),
        ("EXPECTED = 5\n", "EXPECTED = 5\npytestmark = [pytest.mark.skipif(True, reason='x')]\n",
         ("skips-test", "adds a skipif marker to every test in tests/test_calc.py (pytestmark)")),
        ("    assert add(2, 3)", "    return\n    assert add(2, 3)", ("skips-test", "returns early from tests/test_calc.py::test_add")),
        ("        with pytest", "        self.skipTest('later')\n        with pytest",
         ("skips-test", "calls skipTest() in tests/test_calc.py::TestCart::test_total")),
        ("EXPECTED = 5\n", "EXPECTED = 5\npytest.importorskip('numpy')\n",
         ("skips-test", "calls pytest.importorskip() at the top of tests/test_calc.py, skipping every test in it")),
        ("class TestCart:\n", "class TestCart:\n    __test__ = False\n\n",
         ("removes-test", "stops pytest collecting tests/test_calc.py::TestCart (__test__ = False)")),
    ],
)  # fmt: skip
def test_each_way_of_weakening_a_test_says_where(old: str, new: str, expected: tuple[str, str]) -> None:
    assert expected in edited(old, new)


def test_a_second_definition_shadows_the_first() -> None:
    found = changes(TEST, TEST + "\n\ndef test_add() -> None:\n    pass\n")
    assert ("removes-test", "shadows tests/test_calc.py::test_add with a second definition of it") in found


def test_removed_renamed_and_moved_tests() -> None:
    assert edited("def test_add() -> None:\n    assert add(2, 3) == EXPECTED\n", "") == [
        ("removes-test", "removes tests/test_calc.py::test_add")
    ]
    assert edited("class TestCart:", "class Cart:") == [
        (
            "renames-test",
            "renames tests/test_calc.py::TestCart to tests/test_calc.py::Cart, which pytest does not collect",
        )
    ]
    moved = validate(
        [FileEdit("tests/test_calc.py", TEST.encode(), None), FileEdit("tests/test_sums.py", None, TEST.encode())],
        EMPTY,
    )
    assert {w.flag for w in moved.weakening} == {"renames-test"}
    assert "renames tests/test_calc.py::test_add to tests/test_sums.py::test_add" in [w.what for w in moved.weakening]
    assert changes(TEST, None) == [
        ("removes-test", "deletes tests/test_calc.py and its tests (test_add, test_double, TestCart)")
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("    assert add(2, 3) == EXPECTED\n", "    assert add(2, 3) == EXPECTED\n    assert add(0, 0) == 0\n"),
        ("class TestCart:", "def test_new() -> None:\n    assert add(1, 1) == 2\n\n\nclass TestCart:"),
        ("    result = add(a, b)\n", "    print(a, b)\n    result = add(a, b)\n"),
        ("assert add(2, 3) == EXPECTED", "assert add(2,3)==EXPECTED  # reformatted"),
        ("import pytest\n\n", "import os\nimport pytest\n\n"),  # an import added: edits-tests, no weakening
        ("def test_add() -> None:\n", 'def test_add() -> None:\n    """Adds."""\n'),
    ],
)
def test_additions_and_layout_are_no_weakening(old: str, new: str) -> None:
    assert changes(TEST, TEST.replace(old, new, 1)) == []


def test_a_new_decorator_that_is_no_skip_is_still_named() -> None:
    # A marker of its own (slow, django_db) can change what a test gets: a person reads it.
    assert edited("@pytest.mark.parametrize", "@pytest.mark.slow\n@pytest.mark.parametrize") == [
        ("changes-expected-value", "adds @pytest.mark.slow to tests/test_calc.py::test_double")
    ]


def test_modules_that_do_not_parse_are_not_compared() -> None:
    # Fixing a test module's syntax is the fix; a result that does not parse cannot pass.
    assert changes("def test_add(:\n", TEST) == []
    assert changes(TEST, TEST + "def (\n") == []
    assert changes(None, TEST) == []  # a new test module weakens nothing


def test_test_data_changed_or_deleted() -> None:
    assert changes("{}\n", "[]\n", "tests/data/expected.json") == [
        ("changes-expected-value", "changes the test data tests/data/expected.json")
    ]
    assert changes("{}\n", None, "tests/data/expected.json") == [
        ("changes-expected-value", "deletes the test data tests/data/expected.json")
    ]
    assert changes(None, "{}\n", "tests/data/new.json") == []


@pytest.mark.parametrize(
    ("path", "before", "after", "expected"),
    [
        ("healer.toml", "[stages.t]\nrun = 'pytest'\n", "[stages.t]\nrun = 'true'\n",
         ("edits-healer-config", "changes healer's configuration in healer.toml")),
        (".healer/rules/mine.toml", None, "[[rules]]\n",
         ("edits-healer-config", "adds healer's configuration in .healer/rules/mine.toml")),
        ("pyproject.toml", "[tool.healer.fix]\nrounds = 5\n", "[tool.healer.fix]\nrounds = 1\n",
         ("edits-healer-config", "changes healer's configuration ([tool.healer] in pyproject.toml)")),
        ("pyproject.toml", "[tool.mypy]\nstrict = true\n[tool.pytest.ini_options]\naddopts = ''\n",
         "[tool.mypy]\nstrict = false\n[tool.pytest.ini_options]\naddopts = '-x'\n",
         ("loosens-config", "changes [tool.mypy] and [tool.pytest] in pyproject.toml")),
        ("setup.cfg", "[metadata]\nname = x\n[flake8]\nmax-line-length = 80\n",
         "[metadata]\nname = x\n[flake8]\nmax-line-length = 200\n",
         ("loosens-config", "changes the tool configuration [flake8] in setup.cfg")),
        (".pre-commit-config.yaml", "repos: []\n", "repos: [x]\n",
         ("loosens-config", "changes the tool configuration .pre-commit-config.yaml")),
        ("ruff.toml", None, "ignore = ['E']\n", ("loosens-config", "adds the tool configuration ruff.toml")),
        (".github/workflows/ci.yml", "on: push\n", "on: []\n",
         ("edits-ci", "changes the CI configuration .github/workflows/ci.yml")),
        (".gitlab-ci.yml", "test: {}\n", None, ("edits-ci", "deletes the CI configuration .gitlab-ci.yml")),
        ("src/conftest.py", "x = 1\n", "x = 2\n",
         ("edits-conftest", "changes src/conftest.py, which pytest loads before every test under it")),
        ("usercustomize.py", None, "import os\n",
         ("adds-startup-file", "adds usercustomize.py, which Python runs at start-up")),
        ("src/zz.pth", None, "import calc\n", ("adds-startup-file", "adds src/zz.pth, which Python runs at start-up")),
    ],
)  # fmt: skip
def test_configuration_ci_and_start_up_files(
    path: str, before: str | None, after: str | None, expected: tuple[str, str]
) -> None:
    assert expected in changes(before, after, path)


def test_dependencies_and_other_files_are_no_weakening() -> None:
    poetry = "[tool.poetry.dependencies]\npython = '^3.11'\n"
    assert changes(poetry, poetry + "requests = '*'\n", "pyproject.toml") == []
    assert changes("[project]\nname = 'a'\n", "[project]\nname = 'b'\n", "pyproject.toml") == []
    assert changes("x = 1\n", "x = 2\n", "src/calc.py") == []
    assert changes("import os\n", None, "sitecustomize.py") == []  # removing one runs less, not more


CASE = """\
import unittest

from calc import add, total


class TestCalc(unittest.TestCase):
    def setUp(self) -> None:
        self.items = [1, 2]

    def test_total(self) -> None:
        expected = 3
        actual = total(self.items)
        self.assertEqual(actual, expected)
        assert add(1, 2) == expected
"""


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("actual = total(self.items)", "actual = total(slef.items)"),  # a name bound nowhere
        ("self.assertEqual(actual", "self.asserrtEqual(actual"),  # an attribute nothing defines, one letter off
        ("assert add(1, 2) == expected", "assert add(1, 2) == expectde"),  # the typo inside the assertion
        ("actual = total(self.items)", "actual = totla(self.items)"),
    ],
)
def test_restoring_a_misspelt_identifier_in_a_test_is_no_weakening(typo: str, fixed: str) -> None:
    broken = CASE.replace(typo, fixed, 1)
    assert broken != CASE
    assert changes(broken, CASE) == []


@pytest.mark.parametrize(
    ("old", "new", "flag"),
    [
        ("self.assertEqual(actual, expected)", "self.assertEqual(actual, actual)", "weakens-assertion"),
        ("assert add(1, 2) == expected", "assert add(1, 2) == actual", "weakens-assertion"),
        ("actual = total(self.items)", "actual = total(self.items[:0]) + 3", "changes-expected-value"),
        ("actual = total(self.items)", "actual = expected", "changes-expected-value"),  # a bound name for another
        ("self.assertEqual(actual", "self.assertNotEqual(actual", "weakens-assertion"),
    ],
)
def test_renaming_what_exists_is_still_a_change_to_the_check(old: str, new: str, flag: str) -> None:
    assert flag in {found for found, _ in changes(CASE, CASE.replace(old, new, 1))}


def test_a_real_assertion_method_swapped_for_a_near_one_is_a_change() -> None:
    swapped = CASE.replace("self.assertEqual(actual, expected)", "self.assertIn(actual, [expected])")
    assert changes(swapped, swapped.replace("assertIn", "assertIs")) != []


FIXTURES = """\
import pytest


@pytest.fixture
def account() -> dict[str, int]:
    return {"balance": 3}


@pytest.fixture
def other() -> dict[str, int]:
    return {"balance": 0}


def test_balance(account, tmp_path) -> None:
    assert account["balance"] == 3
    assert tmp_path.exists()


def test_shared(database) -> None:
    assert database


def test_again(database) -> None:
    assert database
"""


@pytest.mark.parametrize(
    ("fixture", "typo"),
    [
        ("account", "acount"),  # the module's own fixture
        ("tmp_path", "tmp_pth"),  # pytest's
        ("database", "databse"),  # one other tests ask for: a conftest.py's
    ],
)
def test_restoring_a_misspelt_fixture_name_is_no_weakening(fixture: str, typo: str) -> None:
    # bench/agents.py: an agent putting back a fixture a test asks for was called "passes by changing the checks".
    where = FIXTURES.index(f"def test_{'balance' if fixture != 'database' else 'shared'}")
    head, tail = FIXTURES[:where], FIXTURES[where:]
    end = tail.index("\n\n\n") if "\n\n\n" in tail else len(tail)
    broken = head + tail[:end].replace(fixture, typo) + tail[end:]
    assert broken != FIXTURES
    assert changes(broken, FIXTURES) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("def test_balance(account, tmp_path)", "def test_balance(other, tmp_path)"),  # another fixture given
        ("def test_balance(account, tmp_path)", "def test_balance(acount, tmp_path)"),  # one the test cannot get
    ],
)
def test_changing_which_fixture_a_test_gets_is_still_a_change(old: str, new: str) -> None:
    changed = FIXTURES.replace(old, new).replace('account["balance"]', new.split("(")[1].split(",")[0] + '["balance"]')
    assert "changes-expected-value" in {found for found, _ in changes(FIXTURES, changed)}


def test_a_restored_fixture_whose_use_is_left_misspelt_is_a_change() -> None:
    broken = FIXTURES.replace("def test_balance(account", "def test_balance(acount", 1)
    half = broken.replace("def test_balance(acount", "def test_balance(account", 1)  # the parameter only
    assert broken != half and changes(broken, half) == []  # the body never used the name: still a pure repair
    uses = FIXTURES.replace("(account", "(acount", 1).replace('account["', 'acount["', 1)
    assert changes(uses, uses.replace("(acount", "(account", 1)) != []


CONFTEST = """\
import pytest


@pytest.fixture(params=["a", "b"])
def mode(request):
    return request.param
"""


def test_a_misspelt_fixture_parameter_restored_in_a_conftest_is_no_weakening() -> None:
    # bench/agents.py on markupsafe: `request` -> `reequest` in a conftest.py fixture, put back by an agent.
    from healer.patch.weakening import weakenings

    broken = CONFTEST.replace("request", "reequest")
    restore = FileEdit("tests/conftest.py", broken.encode(), CONFTEST.encode())
    assert weakenings([restore], lambda _path: True) == ()
    changed = FileEdit("tests/conftest.py", CONFTEST.encode(), CONFTEST.replace('"b"]', '"b", "c"]').encode())
    assert "edits-conftest" in {w.flag for w in weakenings([changed], lambda _path: True)}
