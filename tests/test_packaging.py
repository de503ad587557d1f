"""The distribution: one `healer` namespace with tui/hooks/rules mapped in, the sample shipped, README in sync."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.installs import build_wheel

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
MAPPING = PYPROJECT["tool"]["setuptools"]["package-dir"]


def packages_on_disk() -> set[str]:
    found = set()
    for package, folder in MAPPING.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            if "sample" in relative.parts:
                continue
            found.add(".".join([package, *relative.parts]))
    return found


def test_every_package_folder_is_listed() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    missing = packages_on_disk() - listed
    assert not missing, f"add these to [tool.setuptools] packages: {sorted(missing)}"


def test_subpackages_import_under_one_namespace() -> None:
    import healer.hooks
    import healer.rules
    import healer.tui

    assert Path(healer.tui.__file__).parent == ROOT / "tui"
    assert Path(healer.hooks.__file__).parent == ROOT / "hooks"
    assert Path(healer.rules.__file__).parent == ROOT / "rules"


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the source checkout")
def test_wheel_contains_the_sample_and_mapped_packages(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "healer/main.py",
        "healer/tui/__init__.py",
        "healer/hooks/__init__.py",
        "healer/rules/__init__.py",
        "healer/sample/pyproject.toml",
        "healer/sample/gitignore",
        "healer/sample/inventory/stock.py",
        "healer/sample/tests/test_pricing.py",
        "healer/py.typed",
    ):
        assert expected in names
    assert not any(name.startswith(("tui/", "hooks/", "rules/")) for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "healer = healer.start:run" in zipfile.ZipFile(wheel).read(entry_points).decode()


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", text, re.S)
    assert block, "README.md must open with a code block of set-up commands"
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_readme_opens_with_exactly_two_setup_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert "healer demo" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    test_command = readme_commands()[1]
    assert test_command in ci.splitlines(), f"{test_command!r} is not a line of .ci/run"


def test_the_distribution_is_git_healer_and_git_runs_it(tmp_path: Path) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # PyPI's "healer" is an unrelated project: this one must never be published, or asked for, under that name.
    assert project["name"] == "git-healer"
    assert project["scripts"] == {"healer": "healer.start:run", "git-healer": "healer.start:run"}
    assert all(
        not extra.startswith("healer[") for extras in project["optional-dependencies"].values() for extra in extras
    )
    bindir = Path(sys.executable).parent
    if not (bindir / "git-healer").exists():
        pytest.skip("this environment was installed before git-healer's script existed")
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(["git", "healer", "--version"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("healer "), done.stderr
