"""`healer stages` says which stages' tools are not installed, and how to install them, before a run fails."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

GIT = shutil.which("git")


def _stages(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Only git's folder on PATH: the tools found are the ones beside healer (its scripts folder ends every
    # stage's PATH) and in the project's own virtualenv.
    assert GIT is not None
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env |= {"PATH": os.path.dirname(GIT), "HOME": str(root.parent), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "healer", "stages", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.ruff]\n[tool.pyright]\n')
    (project / "mkdocs.yml").write_text("site_name: x\n")  # mkdocs is beside healer (the test extra): runnable
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    return project


def test_stages_says_what_is_not_installed(root: Path) -> None:
    done = _stages(root)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    install = f"{sys.executable} -m pip install"  # where this healer's tools go (tool_command)
    assert f"cannot run here: pyright not installed ({install} pyright)" in [line.strip() for line in lines]
    assert not any("ruff not installed" in line or "mkdocs not installed" in line for line in lines)  # beside healer
    assert "1 stage cannot run until its tool is installed" in lines


def test_the_json_document_carries_it(root: Path) -> None:
    document = json.loads(_stages(root, "--json").stdout)
    missing = {stage["name"]: stage["missing"] for stage in document["stages"]}
    assert missing["ruff"] is None
    assert missing["pyright"] == f"pyright not installed ({sys.executable} -m pip install pyright)"
    assert missing["docs-mkdocs"] is None


def test_a_module_the_projects_python_cannot_import(root: Path) -> None:
    (root / "tests").mkdir()
    (root / "tests" / "test_x.py").write_text("def test_x():\n    pass\n")
    (root / ".gitignore").write_text(".venv/\n")
    venv.create(root / ".venv", with_pip=False)
    python = root / ".venv" / "bin" / "python"
    done = _stages(root)
    assert f"cannot run here: pytest not installed for {python} ({python} -m pip install pytest)" in [
        line.strip() for line in done.stdout.splitlines()
    ]
