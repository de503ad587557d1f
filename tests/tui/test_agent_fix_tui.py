"""Key a on a failure runs the configured agent workflow (fake agent CLIs first on PATH, jailed in copies): its
candidates join the review list, the review screen names the agent and the workflow and shows its steps, and t
opens the whole transcript. Without an agent configured the key does not exist."""

from __future__ import annotations

import io
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from healer.tui.screens.failures import FailuresScreen
from healer.tui.screens.help import HelpScreen
from healer.tui.screens.review import ReviewScreen
from healer.tui.screens.transcript import TranscriptScreen
from tests.agents.conftest import CALC, project
from tests.agents.fakes import install
from tests.verify.jails import needs_jail

from ..conftest import Repo
from .conftest import drive, make_app, settle
from .screen import screen_text

CLAUDE = '[agents.claude]\npreset = "claude"\ntimeout = 60\nmax_attempts = 1\n'
AGENTS = (
    CLAUDE + '\n[agents.codex]\npreset = "codex"\ntimeout = 60\n\n[agents.gemini]\npreset = "gemini"\ntimeout = 60\n'
)
CAREFUL = (
    '[workflows.careful]\nkind = "sequential"\nsteps = [{agent = "claude"}, {agent = "codex", role = "review"},'
    ' {agent = "gemini", role = "refine"}]\n'
)
PROMPT_START = "You are fixing failing checks in a software project."

Fakes = Callable[[str, str], Path]


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fakes:
    """`fakes(tool, scenario)` puts a fake agent CLI first on PATH (tests/agents/fakes.py)."""
    folder = tmp_path / "agent-bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return lambda tool, scenario: install(folder, tool, scenario)


def text(screen: object, selector: str) -> str:
    return str(screen.query_one(selector).render())  # type: ignore[attr-defined]


def transcript(app: App[int]) -> str:
    """The whole transcript the modal holds (the screen shows a part of it), rendered as plain text."""
    screen = app.screen
    assert isinstance(screen, TranscriptScreen), screen
    console = Console(width=100, file=io.StringIO(), record=True, color_system=None)
    console.print(screen.query_one("#transcript-text", Static).content)
    return console.export_text(styles=False)


async def to_failures(pilot: Pilot[int]) -> FailuresScreen:
    await settle(pilot)
    await pilot.press("f")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, FailuresScreen) and screen.selected is not None
    return screen


async def to_review(pilot: Pilot[int]) -> ReviewScreen:
    await pilot.press("p")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen), screen
    return screen


@needs_jail
def test_an_agent_asked_from_the_failures_screen_shows_its_transcript_in_review(repo: Repo, fakes: Fakes) -> None:
    fakes("claude", "fix")
    project(repo, CLAUDE)
    app = make_app(repo)
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot[int]) -> None:
        failures = await to_failures(pilot)
        assert app.session.reviews == []  # the check alone asks no agent
        seen["offer"] = text(failures, "#fixes-for")
        seen["footer"] = screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        [review] = app.session.reviews
        assert review.original.patch.source == "agent" and review.original.patch.origin == "claude"
        assert review.original.status == "verified" and review.agents is not None
        seen["told"] = app.messages[-1]
        review_screen = await to_review(pilot)
        seen["info"] = text(review_screen, "#info")
        seen["steps"] = text(review_screen, "#transcript")
        seen["review"] = screen_text(app)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptScreen)
        seen["transcript"] = transcript(app)
        seen["modal"] = screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        seen["modal end"] = screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.session.reviews[0].outcome == "applied"

    drive(app, scenario)
    assert "a: ask agent claude (claude) for a fix (up to $" in seen["offer"], seen["offer"]
    assert "a ask agent" in seen["footer"]
    assert seen["told"] == "agent claude alone (iterative): 1 candidate(s), 1 verified, $0.0123", seen["told"]
    assert "agent claude · review · confidence 0.5 · ✔ verified" in seen["info"], seen["info"]
    assert "agent claude alone (iterative): 1 step, $0.0123 · this fix: step 1 (claude implement)" in seen["info"]
    first = seen["steps"].splitlines()[0]
    assert first.startswith("✔ 1. claude implement: verified (") and "s, $0.0123) (it says: Changed add" in first
    assert "t: the whole transcript" in seen["steps"]
    # As a person sees it: the step line beside the diff, and t offered in the footer.
    assert "1. claude implement: verified" in seen["review"] and "t transcript" in seen["review"]
    assert PROMPT_START in seen["transcript"] and "test_add" in seen["transcript"]
    assert "told:" in seen["transcript"] and "it says:" in seen["transcript"]
    assert "Changed add to add its arguments instead of subtracting." in seen["transcript"]
    assert "sandboxed" in seen["transcript"] and "(this fix)" in seen["transcript"]
    # As a person sees it: the prompt at the top, what the agent said at the end, wrapped lines indented.
    assert "transcript · agent claude alone (iterative)" in seen["modal"] and PROMPT_START in seen["modal"]
    assert "    Changed add to add its arguments instead of subtracting." in seen["modal end"]
    assert (repo.path / "calc.py").read_text() == CALC.replace("a - b", "a + b")


@needs_jail
def test_key_a_runs_the_first_configured_workflow_and_review_shows_every_step(repo: Repo, fakes: Fakes) -> None:
    fakes("claude", "fix")
    fakes("codex", "reviewer-rejects")
    fakes("gemini", "refiner")
    project(repo, AGENTS, CAREFUL)
    app = make_app(repo)
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot[int]) -> None:
        failures = await to_failures(pilot)
        seen["offer"] = text(failures, "#fixes-for")
        await pilot.press("a")
        await settle(pilot)
        origins = sorted(review.original.patch.origin for review in app.session.reviews)
        assert origins == ["claude", "gemini"], origins
        seen["told"] = app.messages[-1]
        review_screen = await to_review(pilot)
        refined = next(r for r in app.session.reviews if r.original.patch.origin == "gemini")
        listing = review_screen.query_one("#fixes")
        listing.highlighted = review_screen._shown.index(refined)  # type: ignore[attr-defined]
        await pilot.pause()
        seen["info"] = text(review_screen, "#info")
        seen["steps"] = text(review_screen, "#transcript")
        await pilot.press("t")
        await pilot.pause()
        seen["transcript"] = transcript(app)

    drive(app, scenario)
    assert "a: run sequential workflow careful (claude, codex review, gemini refine) on this failure" in seen["offer"]
    # Only the fake claude says what it spent: the workflow's cost is its.
    assert seen["told"] == "sequential workflow careful: 2 candidate(s), 2 verified, $0.0123", seen["told"]
    assert "agent gemini · review" in seen["info"]
    assert "sequential workflow careful: 3 steps, $0.0123 · this fix: step 3 (gemini refine)" in seen["info"]
    steps = [line for line in seen["steps"].splitlines() if not line.startswith("    ! ")]  # less the notes
    assert steps[0].startswith("✔ 1. claude implement: verified ("), steps
    assert steps[1].startswith("· 2. codex review: changes-requested (") and "(it says: CHANGES)" in steps[1]
    assert steps[2].startswith("✔ 3. gemini refine: verified (") and "Added the docstring" in steps[2]
    assert steps[3] == "t: the whole transcript (prompts and replies)"
    # The reviewer's comments, and the refiner told them: the prompts are the ones the agents got.
    assert "add a docstring to add saying it adds" in seen["transcript"]
    assert seen["transcript"].count(PROMPT_START) == 1  # the implementer's; the reviewer and refiner get their own
    assert "You are reviewing a change another agent made" in seen["transcript"]


@needs_jail
def test_quitting_ends_an_agent_still_at_work(repo: Repo, fakes: Fakes, tmp_path: Path) -> None:
    fakes("claude", "hang")
    project(repo, CLAUDE.replace("timeout = 60", "timeout = 300"))
    app = make_app(repo)
    quit_at: list[float] = []

    async def scenario(pilot: Pilot[int]) -> None:
        await to_failures(pilot)
        await pilot.press("a")
        deadline = time.monotonic() + 60
        while not agents_running(tmp_path / "agent-bin"):
            assert time.monotonic() < deadline, "the agent never started"
            await pilot.pause(0.2)
        await pilot.press("q")  # back to the stages
        quit_at.append(time.monotonic())
        await pilot.press("q")  # quit

    drive(app, scenario)
    # Its 300 s were not waited for: quitting ended it, with everything it started.
    assert time.monotonic() - quit_at[0] < 30
    assert not agents_running(tmp_path / "agent-bin")


def agents_running(folder: Path) -> bool:
    """Whether a process of the fake agents in `folder` (this test's own) runs, in its jail or not."""
    ps = subprocess.run(["ps", "-eww", "-o", "args"], capture_output=True, text=True, check=True).stdout
    return any(f"{folder}/claude" in line for line in ps.splitlines())


def test_an_offline_terminal_says_in_one_line_that_no_agent_runs(
    repo: Repo, fakes: Fakes, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log = tmp_path / "agent.log"
    install(tmp_path / "agent-bin", "claude", "fix", log=str(log))
    project(repo, CLAUDE)
    monkeypatch.setenv("HEALER_OFFLINE", "1")
    app = make_app(repo)
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot[int]) -> None:
        failures = await to_failures(pilot)
        seen["offer"] = text(failures, "#fixes-for")
        await pilot.press("a")
        await settle(pilot)
        assert app.session.reviews == []
        assert app.last_error

    drive(app, scenario)
    assert "not while HEALER_OFFLINE is set" in seen["offer"]
    assert app.messages[-1] == (
        "agents reach the network, and this command is offline (HEALER_OFFLINE is set): claude not run"
    )
    assert not log.exists()  # the agent never started


def test_without_an_agent_there_is_no_key_for_it(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        failures = await to_failures(pilot)
        assert "ask agent" not in screen_text(app)
        assert "a: " not in text(failures, "#fixes-for")
        told = len(app.messages)
        await pilot.press("a")
        await settle(pilot)
        assert len(app.messages) == told and not any(w.group == "agent" for w in app.workers)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        assert "Run the configured agent workflow" not in shown and "agents' transcript" not in shown

    drive(app, scenario)


def test_the_transcript_screen_is_packaged_with_its_stylesheet() -> None:
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parents[2]
    package_data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    sheet = str(TranscriptScreen.CSS_PATH)
    assert (root / "tui" / "screens" / sheet).is_file()
    assert any(fnmatch.fnmatch(sheet, glob) for glob in package_data["healer.tui.screens"])
