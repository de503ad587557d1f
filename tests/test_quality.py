"""ruff and mypy --strict over the whole distribution, as installed: one `healer` namespace.

mypy cannot see setuptools' package-dir mapping (tui/ -> healer.tui) from the
source tree, so it checks a link farm laid out like the installed package,
the same view a strict editable install gives.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAPPING = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]


def installed_view(where: Path) -> Path:
    package = where / "healer"
    package.mkdir(parents=True)
    mapped = {name.split(".", 1)[1]: folder for name, folder in MAPPING.items() if "." in name}
    for entry in (ROOT / "healer").iterdir():
        if entry.name not in mapped and entry.name != "sample":
            (package / entry.name).symlink_to(entry)
    for name, folder in mapped.items():
        (package / name).symlink_to(ROOT / folder)
    return where


def test_mypy_strict_sees_one_namespace(tmp_path: Path) -> None:
    view = installed_view(tmp_path / "view")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(tmp_path / "cache"), "-p", "healer"],
        cwd=tmp_path, env={**os.environ, "MYPYPATH": str(view)}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_is_clean() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
