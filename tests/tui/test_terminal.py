"""Hard terminals: too small to draw (say so, do not garble), and no colour (NO_COLOR: marks still readable)."""

from __future__ import annotations

import re

import pytest
from textual.pilot import Pilot

from healer.tui.screens.main import MainScreen
from healer.tui.screens.review import ReviewScreen
from healer.tui.screens.too_small import TooSmallScreen

from ..conftest import Repo
from .conftest import drive, make_app, settle
from .screen import screen_text


def test_a_too_small_terminal_says_so_and_the_ui_comes_back_when_enlarged(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        text = screen_text(app)
        assert "Terminal too small: 40×10." in text
        assert "healer needs 60×15 or more." in text
        assert "stages" not in text  # nothing of the real UI squeezed in
        await pilot.resize_terminal(100, 30)
        await pilot.pause(0.3)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("p")
        await pilot.resize_terminal(50, 30)
        await pilot.pause(0.3)
        assert isinstance(app.screen, TooSmallScreen)
        assert "50×30" in screen_text(app)
        await pilot.resize_terminal(100, 30)
        await pilot.pause(0.3)
        assert isinstance(app.screen, ReviewScreen)  # back where the reviewer was

    drive(app, scenario, size=(40, 10))


def test_no_color_draws_in_grey_with_every_mark_still_there(lint_repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        assert app.no_color
        assert "✘  lint" in screen_text(app)
        await pilot.press("p", "y")
        text = screen_text(app)
        assert "[y] @@ -1,6 +1,4 @@" in text and "▶ [ ] @@ -16,6 +14,5 @@" in text
        assert "-import os" in text.replace("      - ", "-") or "- import os" in text
        svg = app.export_screenshot()
        # The SVG's own frame: the window buttons and the exporter's default text colour.
        frame = {"ff5f57", "febc2e", "28c840", "c5c8c6"}
        colours = set(re.findall(r"#([0-9a-f]{6})", svg)) - frame
        assert colours, "the screenshot has no colours at all?"
        greys = {c for c in colours if c[0:2] == c[2:4] == c[4:6]}
        assert colours == greys, f"not grey: {sorted(colours - greys)[:5]}"

    drive(app, scenario)
