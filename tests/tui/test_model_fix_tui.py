"""Key m on a failure asks the configured model (a scripted server on 127.0.0.1); its verified fix joins the review
list and is applied with the review keys. Without a model, the key does not exist."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot

from healer.tui.screens.failures import FailuresScreen
from healer.tui.screens.review import ReviewScreen
from tests.llm.server import fake_model, reply
from tests.llm.test_model_fix import CALC, GOOD, project

from ..conftest import Repo
from .conftest import drive, make_app, settle


def test_asking_the_model_from_the_failures_screen(
    repo: Repo, isolated_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with fake_model(reply(GOOD)) as model:
        project(repo, model)
        app = make_app(repo)
        seen: list[str] = []

        async def scenario(pilot: Pilot[int]) -> None:
            await settle(pilot)
            assert [r.original.patch.source for r in app.session.reviews] == []  # the check alone asks nothing
            await pilot.press("f")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, FailuresScreen) and screen.selected is not None
            seen.append(str(screen.query_one("#fixes-for").render()))
            await pilot.press("m")
            await settle(pilot)
            [review] = app.session.reviews
            assert review.original.patch.source == "model" and review.original.status == "verified"
            assert any("1 verified" in message for message in app.messages)
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("p")
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)
            await pilot.press("y")
            await settle(pilot)
            assert app.session.reviews[0].outcome == "applied"

        drive(app, scenario)
    assert "m: ask openai/gpt-4o-mini for a fix" in seen[0]
    assert len(model.requests) == 1
    assert (repo.path / "calc.py").read_text() == CALC.replace("a - b", "a + b")
    with sqlite3.connect(isolated_environment / "healer.db") as db:
        assert db.execute("SELECT count(*) FROM model_calls WHERE ok = 1").fetchone()[0] == 1
        assert db.execute("SELECT decision, via FROM decisions").fetchall() == [("accepted", "tui")]
