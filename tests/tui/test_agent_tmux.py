"""The real `healer tui` in tmux with a fake `claude` first on PATH: key a on the failure, the agent's fix in the
review list with its steps beside the diff, and t showing what it was told, read back with capture-pane.

HEALER_TMUX_CAPTURES=FOLDER keeps the screens this test read there (review.txt, transcript.txt), for a person.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.agents.conftest import project
from tests.agents.fakes import install
from tests.verify.jails import needs_jail

from ..conftest import Repo
from .test_tmux import Tmux

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and os.environ.get("CI") != "true",
    reason="tmux is not installed (the CI script .ci/run installs it)",
)

CLAUDE = '[agents.claude]\npreset = "claude"\ntimeout = 60\nmax_attempts = 1\n'
PROMPT_START = "You are fixing failing checks in a software project."


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    session = Tmux(tmp_path / "tmux.sock")
    yield session
    session("kill-server")


def keep(name: str, screen: str) -> None:
    folder = os.environ.get("HEALER_TMUX_CAPTURES")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_text(screen)


@needs_jail
def test_an_agents_fix_and_its_transcript_in_a_real_terminal(repo: Repo, tmp_path: Path, tmux: Tmux) -> None:
    agents = tmp_path / "agent-bin"
    install(agents, "claude", "fix")
    project(repo, CLAUDE)
    variables = {name: os.environ[name] for name in ("HOME", "HEALER_DB")}
    variables["PATH"] = f"{agents}{os.pathsep}{os.environ['PATH']}"
    command = " ".join(
        ["env", "-u", "COLUMNS", "-u", "LINES", "-u", "HEALER_OFFLINE",
         *(f"{name}={shlex.quote(value)}" for name, value in variables.items()), "TERM=xterm-256color",
         shlex.quote(sys.executable), "-m", "healer", "-C", shlex.quote(str(repo.path)), "tui"]
    )  # fmt: skip
    tmux("new-session", "-d", "-s", "healer", "-x", "120", "-y", "36", command)
    tmux.wait(lambda s: "healer · repo · failed: test" in s and "1 failure in 1 file (f)" in s, "the check")
    tmux("send-keys", "-t", "healer", "f")
    # The footer offers the key, and the detail pane says which agent it asks.
    tmux.wait(lambda s: "a: ask agent claude (claude)" in s and "a ask agent" in s, "the failures screen")
    tmux("send-keys", "-t", "healer", "a")
    tmux.wait(lambda s: "1 candidate(s), 1 verified" in s, "the agent's fix")
    tmux("send-keys", "-t", "healer", "p")
    review = tmux.wait(lambda s: "review ·" in s and "@@ -" in s and "q back" in s, "the review screen")
    keep("review.txt", review)
    assert "agent claude · review · confidence 0.5 · ✔ verified" in review, review
    assert "agent claude alone (iterative): 1 step, $0.0123" in review, review
    assert "✔ 1. claude implement: verified (" in review and "(it says: Changed add" in review, review
    assert "t transcript" in review, review
    tmux("send-keys", "-t", "healer", "t")
    transcript = tmux.wait(lambda s: "transcript ·" in s and PROMPT_START in s, "the transcript")
    keep("transcript.txt", transcript)
    assert "told:" in transcript and "test_calc.py:5" in transcript, transcript
    tmux("send-keys", "-t", "healer", "End")  # the end of it: what the agent said
    end = tmux.wait(lambda s: "Changed add to add its arguments instead of" in s, "the end of the transcript")
    keep("transcript_end.txt", end)
    assert "it says:" in end, end
    tmux("send-keys", "-t", "healer", "q")
    tmux.wait(lambda s: "review ·" in s and "transcript ·" not in s, "the review screen again")
    tmux("send-keys", "-t", "healer", "q", "q", "q")
    deadline = time.monotonic() + 30
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not tmux.alive(), "healer tui did not quit"
