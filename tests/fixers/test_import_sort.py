"""An added import is sorted the way the project's ruff sorts imports, so a right fix does not fail on I001.

Real repositories, real ruff, the core's propose path (admission polishes every candidate)."""

from __future__ import annotations

import os
import sys

import pytest

from healer.fixers.candidate import Candidate
from healer.fixers.import_sort import ruff_check_prefix, sorting_options
from healer.service import Healer
from healer.workspace import open_workspace
from tests.conftest import Repo

RUFF = os.path.join(os.path.dirname(sys.executable), "ruff")
LINT = f'[stages.lint]\nrun = ["{RUFF}", "check", "--no-cache", "--extend-select", "F,I", "."]\nkind = "lint"\nparser = "ruff"\n'
SINGLE_LINE = "[tool.ruff.lint.isort]\nforce-single-line = true\n"
PACKAGE = "def escape(s: str) -> str:\n    return s\n\n\nclass Markup(str):\n    pass\n"
USES = "from pkg import escape\n\n\ndef show(s: str) -> str:\n    return escape(Markup(s))\n"


def candidates(repo: Repo) -> list[Candidate]:
    core = Healer(open_workspace(repo.path), via="cli")
    run = core.check(stages=("lint",))
    assert run.outcome == "failed", run
    return core.propose(run, fixers=core.fixers(("rules",), offline="not asked")).candidates


def added_import(found: list[Candidate]) -> Candidate:
    chosen = [c for c in found if c.patch.origin == "python.add-import"]
    assert len(chosen) == 1, [(c.patch.origin, c.status, c.detail) for c in found]
    return chosen[0]


def test_an_import_merged_into_a_line_is_split_for_force_single_line(repo: Repo) -> None:
    repo.config(LINT)
    repo.write("pyproject.toml", SINGLE_LINE)
    repo.write("pkg/__init__.py", PACKAGE)
    repo.write("app.py", USES)
    repo.commit("start")

    fix = added_import(candidates(repo))

    assert fix.verified, fix.detail
    assert (
        fix.patch.edits[0].after
        == USES.replace("from pkg import escape\n", "from pkg import Markup\nfrom pkg import escape\n").encode()
    )
    assert (repo.path / "app.py").read_text() == USES


def test_a_project_that_does_not_sort_imports_keeps_the_rules_layout(repo: Repo) -> None:
    repo.config(LINT.replace("F,I", "F"))
    repo.write("pyproject.toml", "[tool.ruff]\nline-length = 100\n")  # isort settings would select I (ruff 0.17)
    repo.write("pkg/__init__.py", PACKAGE)
    repo.write("app.py", USES)
    repo.commit("start")

    fix = added_import(candidates(repo))

    assert fix.verified, fix.detail
    assert fix.patch.edits[0].after == USES.replace("import escape", "import Markup, escape").encode()


def test_a_file_already_unsorted_is_not_sorted_by_the_fix(repo: Repo) -> None:
    repo.config(LINT)
    repo.write("pyproject.toml", SINGLE_LINE)
    repo.write("pkg/__init__.py", PACKAGE)
    unsorted = "import sys\nimport os\n" + USES + "\n\nprint(os.sep, sys.argv)\n"
    repo.write("app.py", unsorted)
    repo.commit("start")

    fix = added_import(candidates(repo))

    after = (fix.patch.edits[0].after or b"").decode()
    assert after.startswith("import sys\nimport os\n"), after  # the unrelated finding stays as the user left it
    assert "Markup" in after.split("\n\n")[0]


@pytest.mark.parametrize(
    ("argv", "prefix"),
    [
        (["ruff", "check", "."], ["ruff", "check"]),
        (["/v/bin/ruff", "check", "--select", "I", "src"], ["/v/bin/ruff", "check"]),
        (["python", "-m", "ruff", "check", "."], ["python", "-m", "ruff", "check"]),
        (["ruff", "format", "--check"], None),
        (["flake8", "."], None),
    ],
)
def test_which_stages_run_ruff_check(argv: list[str], prefix: list[str] | None) -> None:
    assert ruff_check_prefix(argv) == prefix


def test_the_sorter_keeps_the_stages_rule_selection_and_drops_the_rest() -> None:
    words = ["--no-fix", "--select", "I,F", "--extend-select=W", "--output-format", "json", "--preview", "src"]
    assert sorting_options(words) == ["--select", "I,F", "--extend-select=W", "--preview"]
