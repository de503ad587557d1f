"""A model's fix that passes only by changing the checks: the review says so and what it changes, and a person
may still accept it hunk by hunk."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from healer.tui.screens.review import ReviewScreen
from tests.llm.server import fake_model, reply
from tests.llm.test_model_fix import TEST, project

from ..conftest import Repo
from .conftest import drive, make_app, settle

LOOSEN = (
    "test_calc.py\n<<<<<<< SEARCH\n    assert add(2, 3) == 5\n=======\n    assert add(2, 3) == -1\n>>>>>>> REPLACE\n"
)


def test_the_review_shows_the_verdict_and_a_hunk_accepted_applies_it(
    repo: Repo, isolated_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    seen: dict[str, str] = {}
    with fake_model(reply(LOOSEN)) as model:
        project(repo, model, max_attempts=1)
        app = make_app(repo)

        async def scenario(pilot: Pilot[int]) -> None:
            await settle(pilot)
            await pilot.press("f")
            await pilot.pause()
            await pilot.press("m")
            await settle(pilot)
            [review] = app.session.reviews
            assert review.original.status == "changes-checks"
            assert any("0 verified, 1 passing by changing the checks" in message for message in app.messages)
            await pilot.press("escape")
            await pilot.pause()
            seen["summary"] = str(app.screen.query_one("#summary").render())
            await pilot.press("p")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            seen["info"] = str(screen.query_one("#info").render())
            seen["row"] = str(screen.query_one("#fixes").get_option_at_index(0).prompt)
            await pilot.press("y")
            await settle(pilot)
            assert app.session.reviews[0].outcome == "applied"

        drive(app, scenario)
    assert "1 fix passing by changing the checks (p)" in seen["summary"]
    assert "⚠ passes by changing the checks" in seen["info"]
    assert "flags: edits-tests, weakens-assertion" in seen["info"]
    assert "! changes the assertion in test_calc.py::test_add" in seen["info"]
    assert seen["row"].startswith("⚠")
    assert (repo.path / "test_calc.py").read_text() == TEST.replace("== 5", "== -1")
