"""A model's reply that passes by changing the checks: its own verdict, flags that say where, never applied by
`--apply all`; `--apply all --apply-weakening` applies it. A scripted server on 127.0.0.1, real repositories,
real pytest runs."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Repo, RunHealer
from tests.llm.server import FakeModel, fake_model, reply
from tests.llm.test_model_fix import CALC, fix, fix_cli, model_patches

TEST = """\
import pytest

from calc import add


def test_add() -> None:
    expected = 5
    assert add(2, 3) == expected


def test_zero() -> None:
    assert add(0, 0) == 0
"""
TEST_ADD = "def test_add() -> None:\n    expected = 5\n    assert add(2, 3) == expected\n"
STAGE = '[stages.test]\nrun = "python -m pytest -q -p no:cacheprovider"\nkind = "test"\nparser = "pytest"\n'
FIX_CODE = "calc.py\n<<<<<<< SEARCH\n    return a - b\n=======\n    return a + b\n>>>>>>> REPLACE\n"
XFAIL_EVERYTHING = (
    "import pytest\n\n\ndef pytest_collection_modifyitems(items):\n"
    "    for item in items:\n        item.add_marker(pytest.mark.xfail)\n"
)


def block(path: str, search: str, replace: str) -> str:
    return f"{path}\n<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n"


def llm_table(model: FakeModel) -> str:
    settings = {"model": "openai/gpt-4o-mini", "api_base": model.api_base, "timeout": 20, "max_attempts": 1}
    return "\n".join(f"{key} = {json.dumps(value)}" for key, value in settings.items())


def project(repo: Repo, model: FakeModel, *, in_pyproject: bool = False) -> None:
    if in_pyproject:
        table = STAGE.replace("[stages.", "[tool.healer.stages.")
        repo.write("pyproject.toml", f'[project]\nname = "calc"\nversion = "0"\n\n{table}\n[tool.healer.llm]\n'
                   f"{llm_table(model)}\n")  # fmt: skip
    else:
        repo.config(f"{STAGE}\n[llm]\n{llm_table(model)}\n")
    repo.write("calc.py", CALC)
    repo.write("test_calc.py", TEST)
    repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n")
    repo.write("ruff.toml", "line-length = 88\n")
    repo.commit("start")


def the_patch(document: dict[str, Any]) -> dict[str, Any]:
    [patch] = model_patches(document)
    return patch


def weakening_case(repo: Repo, text: str, *, in_pyproject: bool = False, apply: str = "all") -> dict[str, Any]:
    with fake_model(reply(text)) as model:
        project(repo, model, in_pyproject=in_pyproject)
        document = fix(repo, apply)
    return the_patch(document) | {"applied": document["applied"]}


HEALER_EDIT = block("healer.toml", 'run = "python -m pytest -q -p no:cacheprovider"\n',
                    'run = "python -m pytest -q -p no:cacheprovider --deselect test_calc.py::test_add"\n')  # fmt: skip
PYPROJECT_EDIT = HEALER_EDIT.replace("healer.toml", "pyproject.toml")

KINDS = [
    pytest.param(
        block("test_calc.py", "    assert add(2, 3) == expected\n", "    assert add(2, 3) == -1\n"),
        "weakens-assertion", "changes the assertion in test_calc.py::test_add", id="assertion",
    ),
    pytest.param(
        block("test_calc.py", "    expected = 5\n", "    expected = -1\n"),
        "changes-expected-value", "changes the expected value in test_calc.py::test_add", id="expected-value",
    ),
    pytest.param(
        block("test_calc.py", "def test_add() -> None:\n", '@pytest.mark.skip(reason="flaky")\ndef test_add() -> None:\n'),
        "skips-test", "adds a skip marker to test_calc.py::test_add", id="skip",
    ),
    pytest.param(
        block("test_calc.py", "def test_add() -> None:\n", "@pytest.mark.xfail\ndef test_add() -> None:\n"),
        "skips-test", "adds an xfail marker to test_calc.py::test_add", id="xfail",
    ),
    pytest.param(
        block("test_calc.py", "def test_add() -> None:\n",
              '@pytest.mark.skipif(True, reason="later")\ndef test_add() -> None:\n'),
        "skips-test", "adds a skipif marker to test_calc.py::test_add", id="skipif",
    ),
    pytest.param(
        block("test_calc.py", "    expected = 5\n", '    pytest.skip("later")\n    expected = 5\n'),
        "skips-test", "calls pytest.skip() in test_calc.py::test_add", id="skip-call",
    ),
    pytest.param(
        FIX_CODE + "\n" + block("ruff.toml", "line-length = 88\n", "line-length = 200\n"),
        "loosens-config", "changes the tool configuration ruff.toml", id="tool-config",
    ),
    pytest.param(
        FIX_CODE + "\n" + block(".github/workflows/ci.yml", "on: push\n", "on: workflow_dispatch\n"),
        "edits-ci", "changes the CI configuration .github/workflows/ci.yml", id="ci",
    ),
    pytest.param(
        block("conftest.py", "", XFAIL_EVERYTHING),
        "edits-conftest", "adds conftest.py, which pytest loads before every test under it", id="conftest",
    ),
    pytest.param(
        FIX_CODE + "\n" + block("sitecustomize.py", "", "import os\n"),
        "adds-startup-file", "adds sitecustomize.py, which Python runs at start-up", id="sitecustomize",
    ),
    pytest.param(
        FIX_CODE + "\n" + block("calc_paths.pth", "", "import calc\n"),
        "adds-startup-file", "adds calc_paths.pth, which Python runs at start-up", id="pth",
    ),
    pytest.param(
        FIX_CODE + "\n" + HEALER_EDIT,
        "edits-healer-config", "changes healer's configuration in healer.toml", id="healer-toml",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "flag", "what"), KINDS)
def test_a_reply_that_passes_by_changing_the_checks_gets_its_own_verdict(
    repo: Repo, text: str, flag: str, what: str
) -> None:
    patch = weakening_case(repo, text)
    assert patch["status"] == "changes-checks", patch["detail"]
    assert flag in patch["flags"]
    assert what in [change["what"] for change in patch["checks_changed"]]
    assert what in patch["detail"]
    # `--apply all` leaves it: nothing in the working tree changed.
    assert patch["applied"] == [] and repo.git("status", "--porcelain") == ""
    assert (repo.path / "test_calc.py").read_text() == TEST and (repo.path / "calc.py").read_text() == CALC


UNIMPORTABLE = """\
from calc import add, multiply


def test_add() -> None:
    assert add(2, 3) == 5


def test_multiply() -> None:
    assert multiply(2, 3) == 6
"""
"""A test module that cannot be imported (calc has no `multiply`): removing what uses the name makes it pass."""
DROP_IMPORT = block("test_calc.py", "from calc import add, multiply\n", "from calc import add\n")


@pytest.mark.parametrize(
    ("text", "flag", "what"),
    [
        pytest.param(
            DROP_IMPORT + "\n" + block("test_calc.py", "\n\ndef test_multiply() -> None:\n    assert multiply(2, 3) == 6\n", ""),
            "removes-test", "removes test_calc.py::test_multiply", id="deleted-test",
        ),
        pytest.param(
            DROP_IMPORT + "\n" + block("test_calc.py", "def test_multiply() -> None:\n", "def _test_multiply() -> None:\n"),
            "renames-test",
            "renames test_calc.py::test_multiply to test_calc.py::_test_multiply, which pytest does not collect",
            id="renamed-test",
        ),
    ],
)  # fmt: skip
def test_a_reply_that_drops_a_test_gets_its_own_verdict(repo: Repo, text: str, flag: str, what: str) -> None:
    with fake_model(reply(text)) as model:
        project(repo, model)
        repo.write("calc.py", CALC.replace("a - b", "a + b"))
        repo.write("test_calc.py", UNIMPORTABLE)
        repo.commit("a test of a function that does not exist")
        document = fix(repo, "all")
    patch = the_patch(document)
    assert patch["status"] == "changes-checks", patch["detail"]
    assert flag in patch["flags"] and what in [change["what"] for change in patch["checks_changed"]]
    assert document["applied"] == [] and (repo.path / "test_calc.py").read_text() == UNIMPORTABLE


def test_a_failing_test_deleted_or_renamed_fails_verification_and_is_flagged(repo: Repo) -> None:
    # Verification reruns the failing test by its node id first: gone, it is not found.
    patch = weakening_case(repo, block("test_calc.py", "def test_add() -> None:\n", "def test_add_later() -> None:\n"))
    assert patch["status"] == "failed" and "not found" in patch["detail"]
    assert "renames-test" in patch["flags"] and patch["applied"] == []


def test_an_edit_of_tool_healer_in_pyproject_changes_the_checks(repo: Repo) -> None:
    patch = weakening_case(repo, FIX_CODE + "\n" + PYPROJECT_EDIT, in_pyproject=True)
    assert patch["status"] == "changes-checks" and "edits-healer-config" in patch["flags"]
    assert patch["checks_changed"] == [{
        "flag": "edits-healer-config", "path": "pyproject.toml",
        "what": "changes healer's configuration ([tool.healer] in pyproject.toml)",
    }]  # fmt: skip
    assert patch["applied"] == [] and repo.git("status", "--porcelain") == ""


def test_a_fix_of_the_code_is_plainly_verified(repo: Repo) -> None:
    patch = weakening_case(repo, FIX_CODE)
    assert patch["status"] == "verified" and patch["checks_changed"] == []
    assert patch["applied"] == [patch["id"]]


def test_adding_a_test_and_an_assertion_with_the_fix_is_no_weakening(repo: Repo) -> None:
    more = block("test_calc.py", "    assert add(0, 0) == 0\n",
                 "    assert add(0, 0) == 0\n    assert add(1, 1) == 2\n\n\ndef test_negative() -> None:\n"
                 "    assert add(-1, -2) == -3\n")  # fmt: skip
    patch = weakening_case(repo, FIX_CODE + "\n" + more)
    assert patch["status"] == "verified", patch["detail"]
    assert "edits-tests" in patch["flags"] and patch["checks_changed"] == []
    assert patch["applied"] == [patch["id"]]
    assert "def test_negative" in (repo.path / "test_calc.py").read_text()


def test_the_knowledge_base_records_the_verdict_apart_from_verified(repo: Repo, isolated_environment: Path) -> None:
    patch = weakening_case(repo, block("test_calc.py", "    expected = 5\n", "    expected = -1\n"))
    with sqlite3.connect(isolated_environment / "healer.db") as db:
        row = db.execute("SELECT status, verified, flags FROM patches WHERE patch_id = ?", (patch["id"],)).fetchone()
        [(status,)] = db.execute("SELECT status FROM verifications WHERE patch_id = ?", (patch["id"],)).fetchall()
    assert row[0] == status == "changes-checks" and row[1] == 0 and "changes-expected-value" in row[2]


def test_the_model_is_told_why_and_asked_again(repo: Repo) -> None:
    skip = block("test_calc.py", "def test_add() -> None:\n", "@pytest.mark.xfail\ndef test_add() -> None:\n")
    with fake_model(reply(skip), reply(FIX_CODE)) as model:
        project(repo, model)
        repo.config(f"{STAGE}\n[llm]\n{llm_table(model).replace('max_attempts = 1', 'max_attempts = 2')}\n")
        repo.commit("two attempts")
        document = fix(repo, "all")
    statuses = {p["status"] for p in model_patches(document)}
    assert statuses == {"changes-checks", "verified"}
    told = model.requests[1]["messages"][-1]["content"]
    assert "adds an xfail marker to test_calc.py::test_add" in told
    assert (repo.path / "calc.py").read_text() == CALC.replace("a - b", "a + b")
    assert (repo.path / "test_calc.py").read_text() == TEST


def test_apply_all_leaves_it_and_apply_weakening_applies_it(repo: Repo, healer: RunHealer) -> None:
    assertion = block("test_calc.py", "    assert add(2, 3) == expected\n", "    assert add(2, 3) == -1\n")
    with fake_model(reply(assertion)) as model:
        project(repo, model)
        text = healer("fix", "--apply", "all", env={"OPENAI_API_KEY": "x"}, timeout=240)
        assert (repo.path / "test_calc.py").read_text() == TEST
        refused = healer("fix", "--apply-weakening", env={"OPENAI_API_KEY": "x"})
        document = fix_cli(healer, "--apply", "all", "--apply-weakening")
    assert text.code == 1, text.err
    assert "⚠ passes by changing the checks" in text.out
    assert "! changes the assertion in test_calc.py::test_add" in text.out
    assert "1 fix passes only by changing the checks" in text.out and "--apply-weakening" in text.out
    assert refused.code == 2 and "--apply-weakening goes with --apply all" in refused.err
    assert document["applied"] == [the_patch(document)["id"]]
    assert "assert add(2, 3) == -1" in (repo.path / "test_calc.py").read_text()


def test_the_hook_lists_it_apart_and_never_applies_it(repo: Repo, healer: RunHealer) -> None:
    from tests.hooks.helpers import run_git
    from tests.llm.test_model_fix import TEST as ONE_TEST
    from tests.llm.test_model_fix import config

    loosen = block("test_calc.py", "    assert add(2, 3) == 5\n", "    assert add(2, 3) == -1\n")
    with fake_model(reply(loosen)) as model:
        repo.config(config(model, hooks=True, max_attempts=1) + '\n[fix]\nhook_apply = "safe"\n')
        repo.write("calc.py", CALC.replace("a - b", "a + b"))
        repo.write("test_calc.py", ONE_TEST)
        repo.commit("start")
        assert healer("install", "--hook", "pre-commit").code == 0
        repo.write("calc.py", CALC)
        repo.git("add", "calc.py")
        done = run_git(repo.path, "commit", "-q", "-m", "bad", env={"OPENAI_API_KEY": "x"})
    assert done.returncode == 1 and len(model.requests) == 1
    err = done.stderr
    assert "healer: 1 fix passes by changing the checks (never applied by the hook):" in err
    assert "! changes the assertion in test_calc.py::test_add" in err
    assert "no verified fix available" in err
    assert (repo.path / "test_calc.py").read_text() == ONE_TEST
