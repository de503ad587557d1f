"""The screen as text: what a person sees, for assertions and text snapshots.

Rendered like `App.export_screenshot`, exported as plain text instead of SVG:
stable across Textual's styling changes, readable in a diff, and it shows
exactly the characters on screen (so colour never carries meaning alone).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from rich.console import Console
from textual.app import App

SNAPSHOTS = Path(__file__).parent / "snapshots"
_DURATIONS = re.compile(r"( *)(?:\b\d+(?:\.\d+)?(?:ms|s)\b|\b\d+m\d\ds\b)")
MASK = "~~~~"


def screen_text(app: App[object]) -> str:
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True, color_system=None, record=True,
        legacy_windows=False, safe_box=False,
    )  # fmt: skip
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


def stable(text: str) -> str:
    """Durations replaced by one fixed mask, trailing spaces dropped.

    The mask is right-aligned in the width of the duration and the spaces before it: the stage table's time
    column is right-aligned, so "812ms" and "1.2s" start at different places but end at the same one. In
    running text one space stays before the mask.
    """
    text = _DURATIONS.sub(lambda match: (match.group(1)[:1] + MASK).rjust(len(match.group())), text)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def assert_snapshot(app: App[object], name: str) -> None:
    """Compare the screen with tests/tui/snapshots/NAME.txt; HEALER_UPDATE_SNAPSHOTS=1 rewrites it."""
    actual = stable(screen_text(app))
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("HEALER_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(actual)
        if os.environ.get("HEALER_UPDATE_SNAPSHOTS") != "1":
            raise AssertionError(f"wrote a new snapshot {path}; check it and run again")
    expected = path.read_text()
    assert actual == expected, f"screen differs from {path} (HEALER_UPDATE_SNAPSHOTS=1 rewrites it):\n{actual}"
