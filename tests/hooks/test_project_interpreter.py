"""Stages run with the project's Python, not the one of the environment healer runs from (pre-commit's).

The framework's `language: python` installs healer into an environment of its
own and runs the hook with that environment's scripts first on PATH and
VIRTUAL_ENV naming it. Most tests here build that environment as the framework
does (a virtualenv under PRE_COMMIT_HOME with the framework's install-state
file, healer importable in it, its `healer` script on PATH first) without the
package index; the last one runs the real framework, which pip-installs healer
from a local clone, offline (tests/installs.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from healer.pipeline.interpreter import project_interpreter

from ..conftest import Repo
from ..installs import offline_pip
from .helpers import executable

ROOT = Path(__file__).resolve().parents[2]
MARKER = "healer_project_marker"
"""A module only the project's virtualenv has."""
CHECK = f"import {MARKER}"
"""Passes only with the project's virtualenv's Python (a passing stage's output is not shown)."""
PRE_COMMIT = shutil.which("pre-commit", path=os.path.dirname(sys.executable))


def make_venv(folder: Path, *, marker: bool) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    if marker:
        (site_packages(folder) / f"{MARKER}.py").write_text("WHERE = 'project'\n")
    return folder


def site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python*/site-packages"))
    assert found, f"no site-packages in {venv}"
    return found[0]


@pytest.fixture
def framework(tmp_path: Path) -> Path:
    """The environment pre-commit makes for healer's hook: healer importable, its state file written."""
    env = make_venv(tmp_path / "pre-commit-home" / "repoabc123" / "py_env-python3", marker=False)
    (env / ".install_state_v1").write_text("{}")
    # healer and its dependencies as the test interpreter has them (the framework would pip-install them).
    ours = sysconfig.get_paths()["purelib"]
    (site_packages(env) / "healer_under_test.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    script = f"#!{env / 'bin' / 'python'}\nimport sys\nfrom healer.start import run\nsys.exit(run())\n"
    executable(env / "bin" / "healer", script)
    return env


def user_path() -> str:
    """The PATH of a user who activated nothing: the tests' own virtualenv (conftest puts it first) left out."""
    ours = os.path.dirname(sys.executable)
    return os.pathsep.join(part for part in os.environ["PATH"].split(os.pathsep) if part != ours)


def under_framework(framework: Path, path: str) -> dict[str, str]:
    """The environment pre-commit runs a `language: python` hook with (its python language's env patch)."""
    env = {**os.environ, "PATH": f"{framework / 'bin'}{os.pathsep}{path}", "VIRTUAL_ENV": str(framework)}
    env.pop("PYTHONHOME", None)
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PRE_COMMIT="1", PRE_COMMIT_HOME=str(framework.parents[1]))
    return env


def hook(repo: Repo, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The framework finds `healer` on the PATH it built: the framework environment's script.
    return subprocess.run(
        ["healer", "hook", "pre-commit"], cwd=repo.path, env=env, capture_output=True, text=True, timeout=180,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def staged_project(repo: Repo, run: str = f'["python", "-c", "{CHECK}"]') -> None:
    repo.config(f"[stages.imports]\nrun = {run}\ncache = false\n")
    repo.write(".gitignore", ".venv/\nvenv/\nenvs/\n")
    repo.write("app.py", "x = 1\n")
    repo.commit("start")
    repo.write("app.py", "x = 2\n")
    repo.git("add", "app.py")


def test_a_stage_under_the_framework_runs_the_projects_venv(repo: Repo, framework: Path) -> None:
    project = make_venv(repo.path / ".venv", marker=True)
    staged_project(repo)
    done = hook(repo, under_framework(framework, user_path()))
    assert done.returncode == 0, done.stdout + done.stderr
    # One line says which Python, because it is not the one the framework's PATH gives.
    said = [line for line in (done.stdout + done.stderr).splitlines() if "stages run python from" in line]
    assert len(said) == 1, done.stdout + done.stderr
    assert str(project / "bin" / "python") in said[0] and "the project's .venv" in said[0]
    assert "not the pre-commit framework's environment" in said[0]


def test_the_virtualenv_the_user_activated_comes_before_the_repositorys(
    repo: Repo, framework: Path, tmp_path: Path
) -> None:
    make_venv(repo.path / ".venv", marker=False)  # not this one: the user activated another
    active = make_venv(tmp_path / "elsewhere", marker=True)
    staged_project(repo)
    # Activation put its scripts first on PATH; the framework then put its own before them and replaced
    # VIRTUAL_ENV.
    done = hook(repo, under_framework(framework, f"{active / 'bin'}{os.pathsep}{user_path()}"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the active virtualenv" in done.stdout + done.stderr


def test_without_a_project_venv_the_framework_environment_is_left_off(repo: Repo, framework: Path) -> None:
    # Neither `python` nor VIRTUAL_ENV may be the framework's; `healer` (its script) is not on the stage's PATH.
    check = f"import os, sys; sys.exit(sys.prefix == {str(framework)!r} or os.environ.get('VIRTUAL_ENV') == {str(framework)!r})"
    script = f'["sh", "-c", "python -c \\"{check}\\" && ! command -v healer"]'
    staged_project(repo, run=script)
    done = hook(repo, under_framework(framework, user_path()))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the first on PATH; not the pre-commit framework's environment" in done.stdout + done.stderr


def test_a_virtualenv_the_configuration_links_is_the_projects(repo: Repo, framework: Path) -> None:
    make_venv(repo.path / "envs" / "dev", marker=True)
    staged_project(repo)
    repo.config(f'link = ["envs/dev"]\n[stages.imports]\nrun = ["python", "-c", "{CHECK}"]\ncache = false\n')
    repo.git("add", "healer.toml")
    done = hook(repo, under_framework(framework, user_path()))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the configuration links (envs/dev)" in done.stdout + done.stderr


def test_no_line_when_the_python_is_the_one_the_environment_gives(repo: Repo, tmp_path: Path) -> None:
    active = make_venv(tmp_path / "active", marker=True)
    staged_project(repo)
    env = {**os.environ, "PATH": f"{active / 'bin'}{os.pathsep}{user_path()}", "VIRTUAL_ENV": str(active)}
    done = subprocess.run(
        [sys.executable, "-m", "healer", "hook", "pre-commit"], cwd=repo.path, env=env, capture_output=True,
        text=True, timeout=180, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "stages run python" not in done.stdout + done.stderr


def test_doctor_under_the_framework_names_the_projects_python(repo: Repo, framework: Path) -> None:
    project = make_venv(repo.path / ".venv", marker=True)
    repo.config('[stages.t]\nrun = "python -c pass"\n')
    env = under_framework(framework, user_path())
    done = subprocess.run(
        ["healer", "doctor", "--json", "--offline"], cwd=repo.path, env=env, capture_output=True, text=True, timeout=120
    )
    checks = {check["name"]: check for check in json.loads(done.stdout)["checks"]}
    assert checks["python"]["ok"] and str(project / "bin" / "python") in checks["python"]["detail"]
    assert str(project / "bin" / "python") in checks["stage t"]["detail"]
    assert checks["installation"]["detail"].startswith("the pre-commit framework's environment for its hook")


def test_choice_order_in_process(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    linked = make_venv(root / "envs" / "dev", marker=False)
    dot = make_venv(root / ".venv", marker=False)
    active = make_venv(tmp_path / "active", marker=False)
    base = {"PATH": os.defpath}
    assert project_interpreter(root, ("envs/dev",), {**base, "VIRTUAL_ENV": str(active)}).virtualenv == str(active)
    assert project_interpreter(root, ("envs/dev",), base).virtualenv == str(linked)
    chosen = project_interpreter(root, (), base)
    assert chosen.virtualenv == str(dot) and chosen.environ["VIRTUAL_ENV"] == str(dot)
    assert chosen.environ["PATH"].split(os.pathsep)[0] == str(dot / "bin")
    assert chosen.python == str(dot / "bin" / "python") and chosen.differs
    shutil.rmtree(dot)
    assert project_interpreter(root, (), base).virtualenv is None


def _committed_checkout(tmp_path: Path) -> tuple[Path, str]:
    """This checkout as it is now, committed in a scratch repository (the framework clones at a commit)."""
    source = tmp_path / "healer-src"
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        if (ROOT / os.fsdecode(name)).is_file():
            target = source / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / os.fsdecode(name), target)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *args], cwd=source, check=True, capture_output=True)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, capture_output=True, text=True).stdout.strip()
    return source, rev


# In CI the test extra installs pre-commit: there a missing one is a failure, not a skip.
@pytest.mark.skipif(
    PRE_COMMIT is None and not os.environ.get("CI"), reason="pre-commit is not installed beside the test interpreter"
)
@pytest.mark.timeout(900)
def test_the_real_framework_runs_stages_with_the_projects_venv(repo: Repo, tmp_path: Path) -> None:
    assert PRE_COMMIT is not None, "pre-commit is not installed beside the test interpreter (the test extra has it)"
    source, rev = _committed_checkout(tmp_path)
    project = make_venv(repo.path / ".venv", marker=True)
    staged_project(repo)
    config = f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: healer\n"
    repo.write(".pre-commit-config.yaml", config)
    env = {**os.environ, "PATH": user_path(), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.update(offline_pip(tmp_path))
    env.pop("VIRTUAL_ENV", None)
    started = time.monotonic()
    done = subprocess.run(
        [PRE_COMMIT, "run", "healer", "--verbose"], cwd=repo.path, env=env, capture_output=True, text=True,
        timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    print(f"pre-commit run took {time.monotonic() - started:.1f} s")
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    # healer ran from the framework's environment (the install state file is its own), and said so.
    installed = sorted((tmp_path / "pre-commit-home").glob("repo*/py_env-*/.install_state_v*"))
    assert installed, said
    line = next((line for line in said.splitlines() if "stages run python from" in line), None)
    assert line is not None, said
    assert str(project / "bin" / "python") in line and "the project's .venv" in line
    assert "not the pre-commit framework's environment" in line

    # In CI nothing is staged and `pre-commit run --all-files` is how it runs: every stage checks, none is skipped
    # as unchanged (a committed breakage used to pass: "Nothing checked", then the framework's "Passed").
    repo.config(
        f'[stages.imports]\nrun = ["python", "-c", "{CHECK}"]\ncache = false\n'
        '[stages.content]\nrun = ["python", "-c", "import sys; sys.exit(\'BAD\' in open(\'app.py\').read())"]\n'
    )
    repo.write("app.py", "x = 'BAD'\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-verify", "-m", "broken, hook skipped")
    quiet = subprocess.run(
        [PRE_COMMIT, "run", "healer", "--verbose"], cwd=repo.path, env=env, capture_output=True, text=True,
        timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr  # nothing staged, nothing asked: nothing to check
    everything = subprocess.run(
        [PRE_COMMIT, "run", "healer", "--all-files", "--verbose"], cwd=repo.path, env=env, capture_output=True,
        text=True, timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    said = everything.stdout + everything.stderr
    assert everything.returncode == 1, said
    assert "content FAILED" in said and "Nothing checked" not in said
