"""`healer fix` end to end: real ruff, mypy and pytest stages in a real repository."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.conftest import Repo, RunHealer

CONFIG = """
[stages.lint]
run = "ruff check --no-fix --no-cache ."
inputs = ["*.py"]
parser = "ruff"

[stages.format]
run = "ruff format --check --no-cache ."
kind = "format"
fix = "ruff format --no-cache ."
inputs = ["*.py"]
parser = "ruff"

[stages.typecheck]
run = "mypy --no-incremental --strict shop.py"
kind = "typecheck"
inputs = ["*.py"]
parser = "mypy"

[stages.test]
run = "python -m pytest -q -p no:cacheprovider"
kind = "test"
inputs = ["*.py"]
parser = "pytest"
"""

SHOP = '''\
"""A shop."""

import os


class Item:
    name = "bolt"


def find(items: dict[str, Item], sku: str) -> Item:
    return items.get(sku)


def double( x:int )->int:
    return x*2
'''

TEST = "from shop import double\n\n\ndef test_double() -> None:\n    assert double(2) == 4\n"


def project(repo: Repo) -> None:
    repo.config(CONFIG)
    repo.write("shop.py", SHOP)
    repo.write("test_shop.py", TEST)
    repo.write(".gitignore", ".mypy_cache/\n__pycache__/\n")
    repo.commit()


def state(repo: Repo) -> tuple[str, str, str]:
    """Working tree bytes, the index file and the stash: what a fix without --apply must leave alone."""
    files = hashlib.sha256()
    for path in sorted(repo.path.rglob("*")):
        if ".git" in path.parts or "__pycache__" in path.parts or ".mypy_cache" in path.parts or not path.is_file():
            continue
        files.update(str(path).encode() + path.read_bytes())
    index = hashlib.sha256((repo.path / ".git" / "index").read_bytes()).hexdigest()
    return files.hexdigest(), index, repo.git("stash", "list")


def test_without_apply_fixes_are_shown_and_nothing_changes(repo: Repo, healer: RunHealer) -> None:
    project(repo)
    (repo.path / "shop.py").write_text(SHOP + "\n# an edit not yet committed\n")  # uncommitted work nearby
    before = state(repo)
    result = healer("fix", timeout=300)
    assert result.code == 1, result.err
    assert state(repo) == before
    assert "✔ verified" in result.out
    assert "-import os" in result.out  # the diff is shown
    assert "Apply them with `healer fix --apply safe`" in result.out
    assert not (repo.path / ".git" / "healer" / "journal").exists() or not list(
        (repo.path / ".git" / "healer" / "journal").iterdir()
    )


def test_apply_safe_applies_safe_fixes_only_and_undo_takes_them_back(repo: Repo, healer: RunHealer) -> None:
    project(repo)
    original = (repo.path / "shop.py").read_bytes()
    result = healer("fix", "--apply", "safe", "--json", timeout=300)
    document = json.loads(result.out)
    assert document["schema"] == "healer.fix/1"
    applied = document["applied"]
    assert applied, result.out
    patches = {p["id"]: p for r in document["rounds"] for p in r["patches"]}
    assert all(patches[i]["safety"] == "safe" and patches[i]["status"] == "verified" for i in applied)
    text = (repo.path / "shop.py").read_text()
    assert "import os" not in text and "def double(x: int) -> int:" in text
    # The widened annotation is classed for review: not applied by --apply safe.
    assert "-> Item:" in text
    assert any(p["origin"] == "mypy.optional-return" and p["status"] == "verified" for p in patches.values())
    assert document["outcome"] == "failed" and result.code == 1
    # Nothing is staged or committed on the user's behalf.
    assert repo.git("diff", "--cached", "--name-only") == ""
    assert repo.git("log", "--oneline").count("\n") == 1
    for _ in applied:
        assert healer("undo").code == 0
    assert (repo.path / "shop.py").read_bytes() == original


def test_apply_all_ends_green(repo: Repo, healer: RunHealer) -> None:
    project(repo)
    result = healer("fix", "--apply", "all", timeout=300)
    assert result.code == 0, result.out + result.err
    assert "now every stage passes" in result.out
    assert healer("run").code == 0


def test_dry_run_says_what_it_would_apply_and_changes_nothing(repo: Repo, healer: RunHealer) -> None:
    project(repo)
    before = state(repo)
    result = healer("fix", "--apply", "all", "--dry-run", "--json", timeout=300)
    document = json.loads(result.out)
    assert document["dry_run"] is True
    assert document["rounds"][0]["chosen"] and not document["applied"]
    assert state(repo) == before


def test_dry_run_without_apply_is_a_usage_error(repo: Repo, healer: RunHealer) -> None:
    project(repo)
    result = healer("fix", "--dry-run")
    assert result.code == 2
    assert result.err.strip() == "healer: --dry-run goes with --apply (without --apply, nothing is changed anyway)"


def test_rounds_are_bounded(repo: Repo, healer: RunHealer) -> None:
    project(repo)
    document = json.loads(healer("fix", "--apply", "all", "--rounds", "1", "--json", timeout=300).out)
    assert len(document["rounds"]) == 1
    assert document["applied"]


def test_a_passing_pipeline_has_nothing_to_fix(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.ok]\nrun = "true"\n')
    repo.commit()
    result = healer("fix", "--json")
    document = json.loads(result.out)
    assert result.code == 0 and document["rounds"] == [] and document["outcome"] == "passed"


def test_fix_outside_a_repository_is_one_line(tmp_path: Path, healer: RunHealer) -> None:
    result = healer("fix", cwd=tmp_path)
    assert result.code == 2 and result.err.count("\n") == 1 and "Traceback" not in result.err


def test_a_lint_tools_own_fix_in_a_test_file_is_no_test_edit_and_apply_safe_applies_it(
    repo: Repo, healer: RunHealer
) -> None:
    repo.config('[stages.lint]\nrun = "ruff check --no-fix --no-cache ."\ninputs = ["*.py"]\nparser = "ruff"\n')
    repo.write("tests/test_shop.py", "import os\n\n\ndef test_one() -> None:\n    assert 1 + 1 == 2\n")
    repo.commit("start")
    document = json.loads(healer("fix", "--apply", "safe", "--json").out)
    [patch] = [p for one in document["rounds"] for p in one["patches"] if p["status"] == "verified"]
    assert patch["files"] == ["tests/test_shop.py"] and "edits-tests" not in patch["flags"]
    assert document["applied"] == [patch["id"]] and document["outcome"] == "passed"
    assert "import os" not in (repo.path / "tests/test_shop.py").read_text()
