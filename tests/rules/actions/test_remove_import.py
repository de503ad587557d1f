"""remove-import: the unused import in a package's __init__.py that ruff has no fix for. Real ruff output."""

from __future__ import annotations

from pathlib import Path

from healer.rules.actions.remove_import import run
from healer.rules.context import ActionContext
from healer.rules.outcome import Proposal

from .helpers_python import RUFF, applied, check, pick, propose, rules_for, write

BODY = "\n\ndef sep() -> str:\n    return os.sep\n"


def test_an_unused_stdlib_module_in_a_package_init_is_removed(tmp_path: Path) -> None:
    init = "import os\nimport sys\nimport typing as t\n" + BODY + "\n\nX: t.Any = 1\n"
    root = write(tmp_path / "p", {"pkg/__init__.py": init})
    found, output = check(root, (*RUFF, "--select", "F401", "."))
    unused = pick(found, code="F401")
    assert "python.remove-unused-import.init" in rules_for(unused)

    result = propose(root, unused, found, output, run)

    assert isinstance(result, Proposal)
    assert result.edits[0].after == init.replace("import sys\n", "").encode()
    assert check(applied(root, result, tmp_path / "fixed"), (*RUFF, "--select", "F401", "."))[0] == []


def test_one_name_of_a_from_import_list_and_of_a_parenthesised_one(tmp_path: Path) -> None:
    init = (
        "import os\r\nfrom collections import OrderedDict, deque  # containers\r\n"
        "from typing import (\r\n    Any,\r\n    cast,\r\n)\r\n"
        "\r\n\r\nX: Any = (os.sep, OrderedDict)\r\n"
    )
    root = write(tmp_path / "p", {"pkg/__init__.py": init.encode()})
    found, output = check(root, (*RUFF, "--select", "F401", "."))
    assert sorted(d.message for d in found) == [
        "`collections.deque` imported but unused",
        "`typing.cast` imported but unused",
    ]

    fixed = [propose(root, d, found, output, run) for d in sorted(found, key=lambda d: d.line or 0)]

    assert isinstance(fixed[0], Proposal) and isinstance(fixed[1], Proposal)
    assert fixed[0].edits[0].after == init.replace("OrderedDict, deque", "OrderedDict").encode()
    assert fixed[1].edits[0].after == init.replace("(\r\n    Any,\r\n    cast,\r\n)", "Any").encode()


def test_a_project_name_is_only_the_review_rules_to_remove(tmp_path: Path) -> None:
    init = "from .core import helper\nfrom .core import used\n\nX = used\n"
    root = write(tmp_path / "p", {"pkg/__init__.py": init, "pkg/core.py": "helper = 1\nused = 2\n"})
    found, output = check(root, (*RUFF, "--select", "F401", "."))
    unused = pick(found, code="F401")

    assert propose(root, unused, found, output, run) is None  # the safe rule leaves a possible re-export
    review = run(ActionContext(root=root, diagnostic=unused, params={"names": "other"}, diagnostics=found))
    assert isinstance(review, Proposal)
    assert review.edits[0].after == b"from .core import used\n\nX = used\n"


def test_an_import_one_slip_from_an_undefined_name_stays(tmp_path: Path) -> None:
    init = "import os\nimport json\n\nX = jsno.dumps(os.sep)\n"
    root = write(tmp_path / "p", {"pkg/__init__.py": init})
    found, output = check(root, (*RUFF, "--select", "F401,F821", "."))

    assert propose(root, pick(found, code="F401"), found, output, run) is None


def test_an_import_inside_a_try_or_after_a_semicolon_is_left_alone(tmp_path: Path) -> None:
    init = "try:\n    import json\nexcept ImportError:\n    json = None\nimport os; X = 1\n"
    root = write(tmp_path / "p", {"pkg/__init__.py": init})
    found, output = check(root, (*RUFF, "--select", "F401", "."))

    assert found, output
    assert all(propose(root, d, found, output, run) is None for d in found)
