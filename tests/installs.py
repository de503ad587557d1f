"""healer installed as a user would have it, without the package index: a wheel of this checkout, and only its
runtime dependencies (none of the extras) beside it.

The dependencies are not downloaded: each one the wheel requires, and each one those require, is linked from
the test environment's site-packages into a folder of its own. A dependency missing from pyproject.toml's
runtime list then fails the tests that run healer from there, and an extra (litellm, pytest) is not there.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def build_wheel(folder: Path) -> Path:
    """A wheel of this checkout as it is now, built with the test environment's own setuptools.

    Builds share the checkout's build/ and egg-info folders, so two xdist workers building at once break each
    other's: one at a time, by a lock on a file in build/.
    """
    (ROOT / "build").mkdir(exist_ok=True)  # git ignores build/
    with open(ROOT / "build" / "wheel.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(folder),
             str(ROOT)],
            check=True,
            capture_output=True,
            timeout=300,
        )  # fmt: skip
    return next(folder.glob("git_healer-*.whl"))


def _requirements(requires: list[str] | None) -> list[Requirement]:
    found = []
    for line in requires or []:
        requirement = Requirement(line)
        # No extra is asked for: a requirement only an extra brings is left out.
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            found.append(requirement)
    return found


def wheel_requirements(wheel: Path) -> list[Requirement]:
    """The runtime requirements the wheel declares (Requires-Dist without an extra)."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(archive.read(name).decode())
    return _requirements(message.get_all("Requires-Dist"))


def pyproject_requirements() -> list[Requirement]:
    """The runtime requirements pyproject.toml declares."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(line) for line in project["dependencies"]]


def runtime_closure(requirements: list[Requirement]) -> list[metadata.Distribution]:
    """The installed distributions these requirements need at run time, their requirements' too."""
    seen: dict[str, metadata.Distribution] = {}
    pending = list(requirements)
    while pending:
        requirement = pending.pop()
        key = canonicalize_name(requirement.name)
        if key in seen or key == "git-healer":
            continue
        distribution = metadata.distribution(requirement.name)
        seen[key] = distribution
        pending += _requirements(distribution.requires)
    return list(seen.values())


def link_runtime(requirements: list[Requirement], folder: Path) -> Path:
    """A folder holding (as links) what `requirements` need at run time and nothing else, to put on sys.path."""
    folder.mkdir(parents=True, exist_ok=True)
    for distribution in runtime_closure(requirements):
        base = Path(str(distribution.locate_file("")))
        tops = {Path(str(file)).parts[0] for file in distribution.files or ()}
        for top in tops:
            if top == ".." or top.endswith(".pth") or top == "__pycache__":
                continue  # scripts (bin/), and path hooks that are not packages
            target = folder / top
            if (base / top).exists() and not target.exists():
                target.symlink_to(base / top)
    return folder


def site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python*/site-packages"))
    assert found, f"no site-packages in {venv}"
    return found[0]


def isolated_install(folder: Path, wheel: Path) -> Path:
    """An environment of healer's own, as `pipx install healer` or `uv tool install healer` makes it: healer
    and its runtime dependencies, none of the extras, none of the project's tools. Returns its `healer`."""
    venv = folder / "tool"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    runtime = link_runtime(wheel_requirements(wheel), folder / "runtime")
    (site_packages(venv) / "healer_runtime.pth").write_text(f"{runtime}\n")
    return venv / "bin" / "healer"


def offline_pip(folder: Path) -> dict[str, str]:
    """The environment that lets the pre-commit framework install healer without the package index: healer
    itself from its clone, built with the setuptools wheel virtualenv carries; its runtime dependencies not
    installed (--no-deps) but on PYTHONPATH, linked from the test environment."""
    import virtualenv.seed.wheels.embed as embedded

    runtime = link_runtime(pyproject_requirements(), folder / "runtime")
    return {
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(Path(embedded.__file__).parent),
        "PIP_NO_DEPS": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
        "PYTHONPATH": str(runtime),
    }
