"""The import graph: which test files a change to a Python file affects."""

from __future__ import annotations

from pathlib import Path

from healer.snapshot.imports import ImportGraph, is_test_file, parse_imports
from healer.snapshot.worktree import read_worktree

from ..conftest import Repo


def graph_of(repo: Repo, files: dict[str, str], state: Path | None = None) -> ImportGraph:
    for name, text in files.items():
        repo.write(name, text)
    graph = ImportGraph(repo.path, state)
    tree = read_worktree(repo.path)
    graph.build(tree.paths(), tree.content_id)
    return graph


def test_imports_are_read_from_anywhere_in_the_module() -> None:
    source = b"""
import os, pkg.sub as s
from . import sibling
from ..up import thing, other
from pkg import (a, b)
def f():
    import late
if False:
    from typing_only import T
"""
    assert parse_imports(source) == [
        ("os", 0, ()),
        ("pkg.sub", 0, ()),
        ("", 1, ("sibling",)),
        ("up", 2, ("thing", "other")),
        ("pkg", 0, ("a", "b")),
        ("late", 0, ()),
        ("typing_only", 0, ("T",)),
    ]
    assert parse_imports(b"def broken(:\n") is None


def test_test_files_follow_pytest_defaults() -> None:
    assert is_test_file("tests/test_a.py") and is_test_file("a_test.py")
    assert not is_test_file("tests/conftest.py") and not is_test_file("testing.py") and not is_test_file("test_a.txt")


PROJECT = {
    "src/shop/__init__.py": "",
    "src/shop/money.py": "ROUND = 2\n",
    "src/shop/cart.py": "from .money import ROUND\n",
    "src/shop/orders/__init__.py": "from ..cart import *\n",
    "src/shop/orders/ship.py": "from . import rates\n",
    "src/shop/orders/rates.py": "",
    "src/shop/report.py": "import json\n",
    "tests/conftest.py": "import shop.report\n",
    "tests/test_cart.py": "from shop.cart import ROUND\n",
    "tests/test_orders.py": "import shop.orders.ship\n",
    "tests/unit/test_money.py": "from shop import money\n",
    "tests/test_plain.py": "def test_x():\n    pass\n",
    "other/test_elsewhere.py": "import json\n",
}


def test_a_change_affects_the_tests_that_import_it_directly_or_not(repo: Repo) -> None:
    graph = graph_of(repo, PROJECT)
    assert graph.tests_affected_by(["src/shop/money.py"]) == [
        "tests/test_cart.py",  # cart imports money (relative)
        "tests/test_orders.py",  # orders/__init__ imports cart; importing shop.orders.ship runs it
        "tests/unit/test_money.py",
    ]
    assert graph.tests_affected_by(["src/shop/orders/rates.py"]) == ["tests/test_orders.py"]
    assert graph.tests_affected_by(["tests/test_plain.py"]) == ["tests/test_plain.py"]
    assert graph.tests_affected_by(["README.md"]) == []


def test_a_conftest_and_what_it_imports_affect_every_test_below_it(repo: Repo) -> None:
    graph = graph_of(repo, PROJECT)
    below = ["tests/test_cart.py", "tests/test_orders.py", "tests/test_plain.py", "tests/unit/test_money.py"]
    assert graph.tests_affected_by(["tests/conftest.py"]) == below
    assert graph.tests_affected_by(["src/shop/report.py"]) == below
    assert "other/test_elsewhere.py" not in graph.tests_affected_by(["src/shop/report.py"])


def test_a_module_is_not_known_by_its_bare_name_inside_a_package(repo: Repo) -> None:
    graph = graph_of(repo, {**PROJECT, "tests/test_bare.py": "import money\n"})
    assert "tests/test_bare.py" not in graph.tests_affected_by(["src/shop/money.py"])
    assert "src/shop/money.py" in graph.dependencies("tests/unit/test_money.py")


def test_modules_outside_packages_are_known_by_their_folder_too(repo: Repo) -> None:
    graph = graph_of(
        repo,
        {
            "scripts/helpers.py": "",
            "scripts/test_tool.py": "import helpers\n",
            "tests/test_scripts.py": "from scripts import helpers\n",
        },
    )
    assert graph.tests_affected_by(["scripts/helpers.py"]) == ["scripts/test_tool.py", "tests/test_scripts.py"]


def test_update_reparses_only_changed_files_and_sees_new_and_deleted_modules(repo: Repo) -> None:
    graph = graph_of(repo, PROJECT)
    parsed = graph.parsed
    repo.write("tests/test_cart.py", "from shop import report\n")
    assert graph.update(["tests/test_cart.py"]) == {"tests/test_cart.py"}
    assert graph.parsed == parsed + 1
    assert "tests/test_cart.py" not in graph.tests_affected_by(["src/shop/money.py"])

    repo.write("tests/test_new.py", "import shop.extra\n")
    graph.update(["tests/test_new.py"])
    repo.write("src/shop/extra.py", "")
    assert graph.update(["src/shop/extra.py"]) == {"tests/test_new.py"}  # the import resolves now

    (repo.path / "src/shop/extra.py").unlink()
    assert graph.update(["src/shop/extra.py"]) == {"tests/test_new.py"}  # importers of a deleted module
    assert "src/shop/extra.py" not in graph.files


def test_a_file_saved_mid_edit_keeps_its_last_imports(repo: Repo) -> None:
    graph = graph_of(repo, PROJECT)
    repo.write("tests/test_cart.py", "from shop.cart import (ROUND\n")
    assert graph.update(["tests/test_cart.py"]) == {"tests/test_cart.py"}
    assert graph.tests_affected_by(["src/shop/money.py"])[0] == "tests/test_cart.py"


def test_parsed_imports_are_cached_by_content_between_sessions(repo: Repo, tmp_path: Path) -> None:
    state = tmp_path / "state"
    first = graph_of(repo, PROJECT, state)
    assert first.parsed == len(PROJECT)
    again = graph_of(repo, {}, state)
    assert again.parsed == 0
    assert again.tests_affected_by(["src/shop/money.py"]) == first.tests_affected_by(["src/shop/money.py"])
    repo.write("src/shop/money.py", "import json\n")
    third = graph_of(repo, {}, state)
    assert third.parsed == 1
    (state / "imports.json").write_text("{not json")
    assert graph_of(repo, {}, state).parsed == len(PROJECT)
