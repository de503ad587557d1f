"""`healer fix` with a scripted model whose patch fixes the bug and, at import, writes outside the repository.

Unjailed (sandbox.mode = "off") the file appears, as it did before the jail;
jailed it does not; with no sandbox the patch is shown unverified, its code
never runs and `--apply all` leaves it; with `mode = "required"` the model is
not even asked.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Repo, RunHealer
from tests.llm.server import fake_model, reply
from tests.llm.test_model_fix import CALC, fix, model_patches, project
from tests.verify.jails import linux_only, needs_jail


def attack(target: Path) -> str:
    return (
        "Add instead of subtracting.\n\ncalc.py\n<<<<<<< SEARCH\ndef add(a: int, b: int) -> int:\n    return a - b\n"
        f"=======\nopen({str(target)!r}, 'w').write('escaped')\n\n\n"
        "def add(a: int, b: int) -> int:\n    return a + b\n>>>>>>> REPLACE\n"
    )


def with_sandbox(repo: Repo, mode: str) -> None:
    path = repo.path / "healer.toml"
    path.write_text(path.read_text() + f'\n[sandbox]\nmode = "{mode}"\n')
    repo.commit("sandbox")


def only_patch(document: dict[str, Any]) -> dict[str, Any]:
    [patch] = model_patches(document)
    return patch


@needs_jail
def test_the_models_patch_is_verified_in_the_jail_and_its_write_outside_fails(repo: Repo, tmp_path: Path) -> None:
    target = tmp_path / "escaped.txt"
    with fake_model(reply(attack(target))) as model:
        project(repo, model, max_attempts=1)
        document = fix(repo)
    patch = only_patch(document)
    # Its write failed at import, so the tests it rode on could not run: the patch is not verified.
    assert patch["status"] == "failed" and not target.exists()
    assert (repo.path / "calc.py").read_text() == CALC


def test_unjailed_the_same_patch_writes_outside(repo: Repo, tmp_path: Path) -> None:
    """What the jail prevents, shown: with the sandbox off the model's code runs as the stages run."""
    target = tmp_path / "escaped.txt"
    with fake_model(reply(attack(target))) as model:
        project(repo, model, max_attempts=1)
        with_sandbox(repo, "off")
        document = fix(repo)
    patch = only_patch(document)
    assert patch["status"] == "verified" and patch["verification"]["sandboxed"] is False
    assert target.read_text() == "escaped"


@linux_only
def test_with_no_sandbox_the_patch_is_unverified_and_apply_all_leaves_it(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "escaped.txt"
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("git", "python"):
        os.symlink(shutil.which(tool) or tool, bare / tool)
    monkeypatch.setenv("PATH", str(bare))
    with fake_model(reply(attack(target))) as model:
        project(repo, model, max_attempts=1)
        document = fix(repo, "all")
    patch = only_patch(document)
    assert patch["status"] == "unverified"
    assert "runs only in an OS sandbox" in patch["detail"] and "bubblewrap (bwrap) is not installed" in patch["detail"]
    assert document["applied"] == [] and not target.exists()
    assert (repo.path / "calc.py").read_text() == CALC


@linux_only
def test_mode_required_with_no_sandbox_asks_no_model_and_says_why_in_one_line(
    repo: Repo, healer: RunHealer, tmp_path: Path
) -> None:
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("git", "python"):
        os.symlink(shutil.which(tool) or tool, bare / tool)
    target = tmp_path / "escaped.txt"
    with fake_model(reply(attack(target))) as model:
        project(repo, model, max_attempts=1)
        with_sandbox(repo, "required")
        done = healer("fix", env={"PATH": str(bare), "OPENAI_API_KEY": "sk-test-not-a-real-key"})
    assert done.code == 2, (done.out, done.err)
    [line] = done.err.strip().splitlines()
    assert 'sandbox.mode = "required"' in line and "bubblewrap (bwrap) is not installed" in line
    assert model.requests == [] and not target.exists()


def _doctor_sandbox(healer: RunHealer, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    import json

    done = healer("doctor", "--json", env=env)
    checks = {check["name"]: check for check in json.loads(done.out)["checks"]}
    return done.code, checks["sandbox"]


@needs_jail
def test_doctor_proves_the_sandbox_with_a_probe(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.ok]\nrun = "true"\n')
    _, check = _doctor_sandbox(healer)
    assert check["ok"] and "writes outside the copy fail, no network, home hidden" in check["detail"]


@linux_only
def test_doctor_says_what_happens_without_a_sandbox(repo: Repo, healer: RunHealer, tmp_path: Path) -> None:
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("git", "python"):
        os.symlink(shutil.which(tool) or tool, bare / tool)
    repo.config('[stages.ok]\nrun = "true"\n')
    _, auto = _doctor_sandbox(healer, {"PATH": str(bare)})
    assert not auto["ok"] and auto["optional"]
    assert "bwrap" in auto["detail"] and "a model's patches are shown unverified" in auto["detail"]
    repo.config('[stages.ok]\nrun = "true"\n[sandbox]\nmode = "required"\n')
    code, required = _doctor_sandbox(healer, {"PATH": str(bare)})
    assert code == 1 and not required["ok"] and not required["optional"]
    repo.config('[stages.ok]\nrun = "true"\n[sandbox]\nmode = "off"\n')
    _, off = _doctor_sandbox(healer, {"PATH": str(bare)})
    assert off["ok"] and "verified unjailed" in off["detail"]


@needs_jail
def test_a_jailed_verification_says_so_in_json_and_text(repo: Repo, healer: RunHealer) -> None:
    fixed = "Add.\n\ncalc.py\n<<<<<<< SEARCH\n    return a - b\n=======\n    return a + b\n>>>>>>> REPLACE\n"
    with fake_model(reply(fixed), reply(fixed)) as model:
        project(repo, model, max_attempts=1)
        patch = only_patch(fix(repo))
        done = healer("fix", env={"OPENAI_API_KEY": "sk-test-not-a-real-key"})
    assert patch["status"] == "verified" and patch["verification"]["sandboxed"] is True
    assert "✔ verified in the sandbox" in done.out


@needs_jail
def test_what_an_untrusted_patchs_code_leaves_in_its_copy_is_gone_after_verification(repo: Repo) -> None:
    """Security review F3: a rewritten ignored cache in a copy would sway every later check there."""
    from healer.snapshot.copies import copies_of

    plant = (
        "Add instead of subtracting.\n\ncalc.py\n<<<<<<< SEARCH\ndef add(a: int, b: int) -> int:\n    return a - b\n"
        "=======\nimport os as _os\n_os.makedirs('cache', exist_ok=True)\nopen('cache/poison.pyc', 'w').write('x')\n"
        "open('sub.git', 'w').write('x')\n\n\n"
        "def add(a: int, b: int) -> int:\n    return a + b\n>>>>>>> REPLACE\n"
    )
    with fake_model(reply(plant)) as model:
        project(repo, model, max_attempts=1)
        repo.write(".gitignore", "cache/\n")
        repo.commit("ignore the cache")
        document = fix(repo)
    patch = only_patch(document)
    assert patch["verification"]["sandboxed"] is True and patch["verification"]["reruns"], patch
    copies = copies_of(repo.path, repo.path / ".git" / "healer")
    planted = [p for p in copies.rglob("*") if p.name in ("poison.pyc", "sub.git")]
    assert planted == []


def _formatter_attack(target: Path) -> str:
    # The patch fixes add() and adds a black.py: `python -m black` in the copy imports it instead of black.
    return (
        "Add instead of subtracting.\n\ncalc.py\n<<<<<<< SEARCH\n    return a - b\n=======\n    return a + b\n"
        ">>>>>>> REPLACE\n\nblack.py\n<<<<<<< SEARCH\n=======\n"
        f"open({str(target)!r}, 'w').write('escaped while formatting')\n>>>>>>> REPLACE\n"
    )


FORMAT = (
    '\n[stages.format]\nrun = "python -m black --check -q calc.py"\nkind = "format"\nfix = "python -m black -q ."\n'
)


@needs_jail
def test_formatting_an_untrusted_patch_runs_its_code_only_in_the_jail(repo: Repo, tmp_path: Path) -> None:
    """Security review F5: the format stage's fixer ran a model's black.py with the user's rights."""
    target = tmp_path / "escaped.txt"
    with fake_model(reply(_formatter_attack(target))) as model:
        project(repo, model, max_attempts=1)
        path = repo.path / "healer.toml"
        path.write_text(path.read_text() + FORMAT)
        repo.commit("a format stage")
        fix(repo)
    assert not target.exists()


def test_unjailed_the_formatter_runs_the_patchs_code(repo: Repo, tmp_path: Path) -> None:
    """The attack above, shown to work with the sandbox off (so the test can fail)."""
    target = tmp_path / "escaped.txt"
    with fake_model(reply(_formatter_attack(target))) as model:
        project(repo, model, max_attempts=1)
        path = repo.path / "healer.toml"
        path.write_text(path.read_text() + FORMAT)
        with_sandbox(repo, "off")
        fix(repo)
    assert target.read_text() == "escaped while formatting"
