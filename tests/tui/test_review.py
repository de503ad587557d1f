"""The review flow end to end: keys in, files on disk and the knowledge base checked afterwards."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from healer.tui.app import HealerApp
from healer.tui.screens.review import ReviewScreen
from healer.tui.widgets.diff_view import DiffView

from ..conftest import Repo
from .conftest import APP_PY, FIXED_PY, drive, make_app, settle
from .kb import decisions, patch_title, rows


def review_screen(app: HealerApp) -> ReviewScreen:
    assert isinstance(app.screen, ReviewScreen), app.screen
    return app.screen


async def open_review(pilot: Pilot[int]) -> ReviewScreen:
    await settle(pilot)
    await pilot.press("p")
    await pilot.pause()
    return review_screen(pilot.app)  # type: ignore[arg-type]


def the_fix(app: HealerApp) -> str:
    (review,) = app.session.reviews
    return review.original.id


def test_accepting_every_hunk_applies_the_verified_fix(lint_repo: Repo) -> None:
    app = make_app(lint_repo)
    ids: list[str] = []

    async def scenario(pilot: Pilot[int]) -> None:
        screen = await open_review(pilot)
        ids.append(the_fix(app))
        assert "verified" in str(screen.query_one("#info").render())
        await pilot.press("y", "y")
        await settle(pilot)
        assert app.session.reviews[0].outcome == "applied"

    drive(app, scenario)
    assert (lint_repo.path / "app.py").read_text() == FIXED_PY
    assert decisions() == [("accepted", "tui", ids[0])]


def test_rejecting_every_hunk_writes_nothing_and_records_the_rejection(lint_repo: Repo) -> None:
    app = make_app(lint_repo)
    ids: list[str] = []

    async def scenario(pilot: Pilot[int]) -> None:
        await open_review(pilot)
        ids.append(the_fix(app))
        await pilot.press("n", "n")
        await settle(pilot)
        assert app.session.reviews[0].outcome == "rejected"

    drive(app, scenario)
    assert (lint_repo.path / "app.py").read_text() == APP_PY
    assert decisions() == [("rejected", "tui", ids[0])]


def test_one_hunk_of_two_applies_only_that_hunk_as_a_patch_of_its_own(lint_repo: Repo) -> None:
    app = make_app(lint_repo)
    ids: list[str] = []

    async def scenario(pilot: Pilot[int]) -> None:
        screen = await open_review(pilot)
        ids.append(the_fix(app))
        await pilot.press("y")
        assert "[y]" in "\n".join(screen.query_one(DiffView).plain_lines)
        await pilot.press("n")
        await settle(pilot)
        review = app.session.reviews[0]
        assert review.outcome == "applied" and review.applied_id not in (None, ids[0])
        ids.append(str(review.applied_id))

    drive(app, scenario)
    expected = APP_PY.replace("import os\n", "").replace("import re\n", "")
    assert (lint_repo.path / "app.py").read_text() == expected
    original, applied = ids
    assert decisions() == [("accepted", "tui", applied), ("edited", "tui", original)]
    assert patch_title(applied) == "run `ruff check --fix --select F401 -- app.py` (partly accepted)"
    # A new patch, recorded as not verified as such, saying which fix it was made from.
    [(status, detail)] = rows("SELECT status, detail FROM verifications WHERE patch_id = ?", applied)
    assert status == "unverified" and detail == f"made in review from fix {original}; not verified as applied"


def test_split_then_decide_each_change(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = await open_review(pilot)
        review = app.session.reviews[0]
        assert len(review.hunks) == 2
        await pilot.press("s")
        assert len(review.hunks) == 3
        shown = "\n".join(screen.query_one(DiffView).plain_lines)
        assert shown.count("@@ -") == 3
        await pilot.press("y", "n", "y")  # os removed, re kept, json removed
        await settle(pilot)
        assert review.outcome == "applied"

    drive(app, scenario)
    expected = APP_PY.replace("import os\n", "").replace("    import json\n", "")
    assert (lint_repo.path / "app.py").read_text() == expected


def test_a_and_d_decide_the_rest_of_the_file(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await open_review(pilot)
        await pilot.press("s", "n", "a")  # os kept; re and json removed
        await settle(pilot)

    drive(app, scenario)
    expected = APP_PY.replace("import re\n", "").replace("    import json\n", "")
    assert (lint_repo.path / "app.py").read_text() == expected


def test_j_and_k_move_between_undecided_hunks(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await open_review(pilot)
        review = app.session.reviews[0]
        await pilot.press("j")
        assert review.cursor == 1
        await pilot.press("k")
        assert review.cursor == 0
        await pilot.press("j", "y")  # the second hunk decided first, then back to the first
        assert review.cursor == 0 and review.decisions == [None, True]

    drive(app, scenario)
    assert (lint_repo.path / "app.py").read_text() == APP_PY


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scripted $EDITOR: changes the file it is given the way a person would, then exits."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import pathlib, sys\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "path.write_text(path.read_text().replace('print(sys.argv)', 'print(sys.argv[1:])'))\n"
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    return script


def test_edit_makes_the_edited_result_the_patch_and_says_it_is_not_verified(lint_repo: Repo, editor: Path) -> None:
    app = make_app(lint_repo)
    ids: list[str] = []

    async def scenario(pilot: Pilot[int]) -> None:
        screen = await open_review(pilot)
        ids.append(the_fix(app))
        await pilot.press("e")
        await pilot.pause()
        review = app.session.reviews[0]
        assert review.edited and review.outcome is None
        info = str(screen.query_one("#info").render())
        assert "no longer verified" in info
        shown = "\n".join(screen.query_one(DiffView).plain_lines)
        assert "print(sys.argv[1:])" in shown
        await pilot.press("A")
        await settle(pilot)
        assert review.outcome == "applied"
        ids.append(str(review.applied_id))

    drive(app, scenario)
    assert (lint_repo.path / "app.py").read_text() == FIXED_PY.replace("print(sys.argv)", "print(sys.argv[1:])")
    original, applied = ids
    assert decisions() == [("accepted", "tui", applied), ("edited", "tui", original)]
    assert patch_title(applied) == "run `ruff check --fix --select F401 -- app.py` (edited)"


def test_u_undoes_the_last_apply(lint_repo: Repo) -> None:
    app = make_app(lint_repo)
    ids: list[str] = []

    async def scenario(pilot: Pilot[int]) -> None:
        await open_review(pilot)
        ids.append(the_fix(app))
        await pilot.press("A")
        await settle(pilot)
        assert (lint_repo.path / "app.py").read_text() == FIXED_PY
        await pilot.press("u")
        await settle(pilot)
        review = app.session.reviews[0]
        assert review.outcome is None and review.decisions == [None, None]
        assert any(message.startswith("undid") for message in app.messages)

    drive(app, scenario)
    assert (lint_repo.path / "app.py").read_text() == APP_PY
    assert decisions() == [("accepted", "tui", ids[0]), ("undone", "tui", ids[0])]


def test_undo_with_nothing_applied_says_so(lint_repo: Repo) -> None:
    app = make_app(lint_repo, check_on_start=False)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("u")
        await settle(pilot)
        assert app.messages[-1].startswith("not undone: nothing to undo")

    drive(app, scenario)
    assert decisions() == []


def test_unverified_fixes_are_hidden_until_asked_for(repo: Repo) -> None:
    # Removing the unused import breaks another stage that relies on it: the candidate fails verification.
    repo.write("app.py", "import os\n")
    repo.write("ruff.toml", '[lint]\nselect = ["F"]\n')
    probe = "import app, sys; sys.exit(0 if hasattr(app, 'os') else 1)"
    repo.config(
        '[stages.lint]\nrun = "ruff check --no-fix --no-cache ."\nkind = "lint"\nparser = "ruff"\n'
        f'[stages.probe]\nrun = ["{sys.executable}", "-c", "{probe}"]\nkind = "test"\ninputs = ["app.py"]\n'
    )
    repo.commit()
    app = make_app(repo)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = await open_review(pilot)
        assert {review.original.status for review in app.session.reviews} == {"failed"}
        listed = screen.query_one("#fixes", OptionList)
        assert listed.option_count == 0
        assert "did not verify hidden (v)" in str(screen.query_one("#title").render())
        await pilot.press("v")
        assert listed.option_count == len(app.session.reviews)
        info = str(screen.query_one("#info").render())
        assert "failed" in info and "verification:" in info

    drive(app, scenario)


def test_split_on_a_single_change_says_why_nothing_happened(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await open_review(pilot)
        await pilot.press("s")
        assert app.messages[-1] == "split into 2 hunks"
        before = len(app.session.reviews[0].hunks)
        await pilot.press("s")  # its first piece is one change
        assert app.messages[-1] == "this hunk is one change: it cannot be split further"
        assert len(app.session.reviews[0].hunks) == before

    drive(app, scenario)
    assert (lint_repo.path / "app.py").read_text() == APP_PY
