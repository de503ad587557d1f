"""What installing healer pulls in: only what every run needs. The model fixer's client (litellm), the demo's
tools and the framework are extras or the user's own; healer in an environment of its own (pipx, `uv tool`)
finds the project's tools through the project's virtualenv or PATH."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from healer.installation import EXTRAS, Installation, add_command

from .conftest import Repo
from .installs import ROOT, build_wheel, isolated_install, site_packages, wheel_requirements

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
HEAVY = {"litellm", "pytest", "pre-commit", "ruff", "mypy", "black", "isort", "flake8"}
"""Distributions a run of healer never imports: the model client and tools a project brings itself."""


def names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(line).name) for line in requirements}


def test_runtime_dependencies_leave_out_the_model_client_the_tools_and_the_framework() -> None:
    runtime = names(PYPROJECT["dependencies"])
    assert not runtime & HEAVY, runtime & HEAVY
    extras = PYPROJECT["optional-dependencies"]
    assert "litellm" in names(extras["llm"])
    assert {"pytest", "ruff", "mypy"} <= names(extras["demo"])
    assert "pre-commit" in names(extras["test"])


def test_the_extras_doctor_names_are_pyprojects() -> None:
    extras = PYPROJECT["optional-dependencies"]
    for extra, packages in EXTRAS.items():
        assert names(extras[extra]) == {canonicalize_name(p) for p in packages}, extra


@pytest.mark.parametrize(
    ("where", "command"),
    [
        (Installation("virtualenv", "/p/.venv", "/p/.venv/bin/python", active=True), "pip install litellm"),
        (
            Installation("virtualenv", "/p/.venv", "/p/.venv/bin/python"),
            "/p/.venv/bin/python -m pip install litellm",
        ),
        (
            Installation("virtualenv", "/p/.venv", "/p/.venv/bin/python", active=True, made_by_uv=True),
            "uv pip install litellm",
        ),
        (Installation("pipx", "/h/pipx/venvs/git-healer", "/x/python"), "pipx inject git-healer litellm"),
        (
            Installation("uv tool", "/h/uv/tools/healer", "/x/python"),
            "uv tool install <the path or URL you installed healer from> --with litellm",
        ),
        (
            Installation("virtualenv", "/p/.venv", "/p/.venv/bin/python", active=True, source="/src/healer"),
            "pip install -e '/src/healer[llm]'",
        ),
    ],
)
def test_the_command_that_adds_the_model_fixer_fits_the_installation(where: Installation, command: str) -> None:
    assert add_command("llm", where) == command


def test_the_wheel_requires_only_the_runtime_dependencies(tmp_path: Path) -> None:
    required = {canonicalize_name(r.name) for r in wheel_requirements(build_wheel(tmp_path))}
    assert required == names(PYPROJECT["dependencies"])


@pytest.fixture
def project(repo: Repo) -> Repo:
    """A project whose tools (ruff, pytest) are in its own virtualenv only, which nobody activated."""
    venv = repo.path / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    # The project's packages: pytest and ruff as the test environment has them.
    ours = Path(sys.executable).parent
    (site_packages(venv) / "project_packages.pth").write_text(f"{site_packages(ours.parent)}\n")
    (venv / "bin" / "ruff").symlink_to(ours / "ruff")
    repo.write(".gitignore", ".venv/\n")
    repo.config(
        """
        [stages.lint]
        kind = "lint"
        run = ["ruff", "check", "--no-cache", "."]
        inputs = ["**/*.py"]

        [stages.tests]
        kind = "test"
        run = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        inputs = ["**/*.py"]
        needs = ["lint"]

        [llm]
        model = "openai/gpt-4o-mini"
        api_base = "http://127.0.0.1:9"
        """
    )
    repo.write("app.py", "def double(x):\n    return 2 * x\n")
    repo.write("test_app.py", "from app import double\n\n\ndef test_double():\n    assert double(2) == 4\n")
    repo.commit("start")
    return repo


def plain_environment() -> dict[str, str]:
    """A user's environment with no virtualenv active and none of the tests' tools on PATH."""
    env = {**os.environ, "PATH": os.pathsep.join(["/usr/bin", "/bin"])}
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "HEALER_OFFLINE"):
        env.pop(name, None)
    return env


@pytest.mark.timeout(600)
def test_healer_in_an_environment_of_its_own(project: Repo, tmp_path: Path) -> None:
    healer = isolated_install(tmp_path / "install", build_wheel(tmp_path / "wheel"))
    env = plain_environment()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(healer), *args], cwd=project.path, env=env, capture_output=True, text=True, timeout=300,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip

    # Neither ruff nor pytest is beside this healer: the stages find the project's.
    done = run("run", "--no-cache")
    assert done.returncode == 0, done.stdout + done.stderr

    # A model is configured but its client is not installed: said once, with the command that adds it, and the
    # fix goes on with the rules (ruff's own fixer, the project's ruff, run in a copy).
    project.write("app.py", "import os\n\n\ndef double(x):\n    return 2 * x\n")
    done = run("fix")
    said = done.stdout + done.stderr
    about = [line for line in said.splitlines() if "litellm" in line]
    assert len(about) == 1, said
    assert "model fixer unavailable: litellm is not installed" in about[0]
    # Never `healer[llm]`: PyPI's "healer" is another project, which that would install over this one.
    assert f"{healer.parent / 'python'} -m pip install litellm" in about[0] and "healer[" not in about[0]
    assert "-import os" in said and "verified" in said, said

    # The hook says so too when hooks may ask the model.
    config = (project.path / "healer.toml").read_text()
    project.config(config.replace('api_base = "http://127.0.0.1:9"', 'api_base = "http://127.0.0.1:9"\nhooks = true'))
    project.git("add", "-A")
    done = run("hook", "pre-commit")
    assert done.returncode == 1
    line = next(line for line in done.stderr.splitlines() if "looking for fixes" in line)
    assert "the model fixer is unavailable: litellm is not installed" in line and "install litellm" in line, done.stderr

    # doctor names each missing part and the command for this installation (here: made by pipx).
    install = healer.parents[1]
    (install / "pipx_metadata.json").write_text("{}")
    project.write(".pre-commit-config.yaml", "repos:\n  - repo: local\n    hooks:\n      - id: healer\n")
    done = run("doctor", "--json", "--offline")
    checks = {check["name"]: check for check in json.loads(done.stdout)["checks"]}
    assert checks["installation"]["detail"].startswith("an environment of its own (pipx)")
    assert "add it: pipx inject git-healer litellm" in checks["model fixer"]["detail"]
    assert checks["model fixer"]["optional"]
    assert "pipx inject git-healer ruff mypy pytest" in checks["demo tools"]["detail"]
    assert "ruff" not in checks["demo tools"]["detail"].split(" not found")[0]  # the project's ruff is found
    assert not checks["model"]["ok"] and "pipx inject git-healer litellm" in checks["model"]["detail"]
    assert str(project.path / ".venv" / "bin" / "python") in checks["python"]["detail"]
    framework = checks["pre-commit framework"]
    assert framework["optional"] and framework["detail"].endswith("add it: pipx install pre-commit")
    # Without a virtualenv of the project's, `python` is the user's, never the one of healer's environment.
    bare = tmp_path / "bare"
    subprocess.run(["git", "init", "-q", str(bare)], check=True)
    check = f"! command -v python || python -c \"import sys; sys.exit(sys.prefix == '{install}')\""
    (bare / "healer.toml").write_text(f"[stages.where]\nrun = {json.dumps(['sh', '-c', check])}\n")
    done = subprocess.run(
        [str(healer), "doctor", "--json", "--offline"], cwd=bare, env=env, capture_output=True, text=True, timeout=120
    )
    python = {check["name"]: check for check in json.loads(done.stdout)["checks"]}["python"]["detail"]
    assert str(install) not in python and "(the first on PATH)" in python, python
    done = subprocess.run([str(healer), "run", "where"], cwd=bare, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    shown = run("doctor", "--offline").stdout
    assert "--   model fixer" in shown and "--   demo tools" in shown and "BAD  model" in shown, shown
