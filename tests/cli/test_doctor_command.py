"""`healer doctor`: cheap local checks with clear verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import Repo, RunHealer


def test_doctor_reports_tools_with_versions(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.lint]\nrun = "ruff check ."\n[stages.gone]\nrun = "no-such-tool-xyz"\n')
    result = healer("doctor", "--json")
    assert result.code == 1  # one stage's tool is missing
    checks = {check["name"]: check for check in json.loads(result.out)["checks"]}
    assert checks["repository"]["ok"] and checks["configuration"]["ok"]
    assert checks["stage lint"]["ok"] and checks["stage lint"]["detail"].startswith("ruff: ruff ")
    assert not checks["stage gone"]["ok"]
    assert checks["stage gone"]["detail"] == "command not found: no-such-tool-xyz"
    assert "none configured" in checks["model"]["detail"]


def test_doctor_sees_installed_hooks(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.ok]\nrun = "true"\n')
    assert (
        "not installed"
        in {c["name"]: c for c in json.loads(healer("doctor", "--json").out)["checks"]}["git hooks"]["detail"]
    )
    assert healer("install", "--hook", "pre-push").code == 0
    checks = {c["name"]: c for c in json.loads(healer("doctor", "--json").out)["checks"]}
    assert checks["git hooks"]["detail"].startswith("healer runs on pre-push (")
    # From a linked worktree the hooks are the main repository's.
    repo.commit("first")
    worktree = repo.path.parent / "linked"
    repo.git("worktree", "add", "-q", str(worktree))
    checks = {c["name"]: c for c in json.loads(healer("doctor", "--json", cwd=worktree).out)["checks"]}
    assert checks["git hooks"]["detail"].startswith("healer runs on pre-push (")


def test_doctor_outside_a_repository(tmp_path: Path, healer: RunHealer) -> None:
    result = healer("doctor", cwd=tmp_path)
    assert result.code == 1
    assert "BAD  repository" in result.out and "not inside a git repository" in result.out


def test_doctor_names_a_broken_configuration(repo: Repo, healer: RunHealer) -> None:
    repo.config("[stages.a]\nrun = 1\n")
    result = healer("doctor")
    assert result.code == 1
    assert "BAD  configuration" in result.out and "stages.a.run" in result.out


def test_doctor_never_runs_the_projects_own_scripts(repo: Repo, healer: RunHealer, tmp_path: Path) -> None:
    witness = tmp_path / "ran.txt"
    script = repo.write("deploy.sh", f'#!/bin/sh\necho "ran: $*" >> {witness}\n')
    script.chmod(0o755)
    repo.config('[stages.deploy]\nrun = "./deploy.sh --prod"\n')
    result = healer("doctor", "--json")
    checks = {c["name"]: c for c in json.loads(result.out)["checks"]}
    assert checks["stage deploy"]["ok"] and "a program of the repository" in checks["stage deploy"]["detail"]
    assert not witness.exists()


def test_doctor_checks_executable_bit_folders_and_cwd(repo: Repo, healer: RunHealer) -> None:
    repo.write("noexec.sh", "#!/bin/sh\n")
    (repo.path / "adir").mkdir()
    repo.write("afile", "x")
    repo.config(
        '[stages.noexec]\nrun = "./noexec.sh"\n[stages.dir]\nrun = "./adir"\n[stages.cwd]\nrun = "true"\ncwd = "afile"\n'
    )
    checks = {c["name"]: c for c in json.loads(healer("doctor", "--json").out)["checks"]}
    assert not checks["stage noexec"]["ok"] and "not executable" in checks["stage noexec"]["detail"]
    assert not checks["stage dir"]["ok"] and "is a folder" in checks["stage dir"]["detail"]
    assert not checks["stage cwd"]["ok"] and "not a folder" in checks["stage cwd"]["detail"]


def test_doctor_names_the_optional_parts_and_the_command_for_each(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.ok]\nrun = "true"\n')
    repo.write(".pre-commit-config.yaml", "repos:\n  - repo: local\n    hooks:\n      - id: healer\n")
    checks = {c["name"]: c for c in json.loads(healer("doctor", "--json", "--offline").out)["checks"]}
    # The test environment has every optional part.
    assert checks["model fixer"]["ok"] and checks["model fixer"]["detail"].startswith("litellm ")
    assert checks["demo tools"]["detail"] == "ruff, mypy, pytest found (`healer demo`)"
    assert checks["pre-commit framework"]["detail"].startswith("pre-commit ")
    assert checks["installation"]["detail"].startswith("a virtualenv")
    assert "imported from the checkout" in checks["installation"]["detail"]  # the suite runs an editable install
    # Without the framework: tests/test_install_weight.py (a healer with no extras installed).


def test_doctor_without_the_frameworks_config_says_nothing_of_it(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.ok]\nrun = "true"\n')
    repo.write(".pre-commit-config.yaml", "repos:\n  - repo: local\n    hooks:\n      - id: black\n")
    checks = {c["name"]: c for c in json.loads(healer("doctor", "--json", "--offline").out)["checks"]}
    assert "pre-commit framework" not in checks


def test_doctor_names_a_missing_fixer_of_a_configured_stage(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """flake8's findings are fixed with ruff's fixer: without it they get no fix, and doctor says so."""
    from healer import doctor

    repo.config('[stages.lint]\nrun = "flake8 ."\n')
    repo.commit("start")
    missing = ("flake8", "no-such-fixer-here", "flake8's unused imports")
    monkeypatch.setattr(doctor, "FIXER_TOOLS", (*doctor.FIXER_TOOLS, missing))

    found = {check.name: check for check in doctor.checks(repo.path, offline=True)}

    fixes = found["flake8 fixes"]
    assert fixes.optional and "no-such-fixer-here not found: flake8's unused imports are fixed with it" in fixes.detail
    assert "install no-such-fixer-here" in fixes.detail
    assert "ruff not found" not in fixes.detail  # healer's test environment has ruff beside it


def test_a_version_under_a_banner_is_found(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.sort]\nrun = "isort --check-only ."\n')
    repo.commit("start")
    checks = {c["name"]: c for c in json.loads(healer("doctor", "--json", "--offline").out)["checks"]}
    assert "VERSION" in checks["stage sort"]["detail"], checks["stage sort"]
