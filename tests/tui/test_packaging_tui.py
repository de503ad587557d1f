"""The UI's stylesheets ship with it: every screen's .tcss exists beside it and is covered by package-data."""

from __future__ import annotations

import fnmatch
import importlib
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ("main", "failures", "review", "history", "help", "too_small")


def test_every_stylesheet_exists_and_is_packaged() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    package_data = data["package-data"]
    assert {"healer.tui.review", "healer.tui.screens", "healer.tui.widgets"} <= set(data["packages"])
    sheets = [("healer.tui", "app.tcss")]
    for name in SCREENS:
        module = importlib.import_module(f"healer.tui.screens.{name}")
        screen = next(v for v in vars(module).values() if isinstance(v, type) and getattr(v, "CSS_PATH", None))
        sheets.append(("healer.tui.screens", str(screen.CSS_PATH)))
    for package, sheet in sheets:
        folder = Path(importlib.import_module(package).__file__ or "").parent
        assert (folder / sheet).is_file(), f"{package}: {sheet} is missing"
        assert any(fnmatch.fnmatch(sheet, glob) for glob in package_data.get(package, [])), (package, sheet)
