"""The real `healer tui` in a real terminal (tmux): keys in with send-keys, the screen read with capture-pane.

On a copy of the bundled sample project, as `healer demo` makes it: a failure
and a verified fix must be visible, accepting it must change the file, and
quitting must end the program.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from healer.sample_project import create_sample_repo

from .kb import decisions

# Outside CI a developer without tmux gets a skip that says why; in CI (which installs tmux) a missing tmux is a
# failure, so the terminal test can never silently not run.
pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and os.environ.get("CI") != "true",
    reason="tmux is not installed (the CI script .ci/run installs it)",
)


class Tmux:
    """A tmux server of the test's own (its socket in the test's folder): nothing shared with anyone's tmux."""

    def __init__(self, socket: Path) -> None:
        self.socket = str(socket)

    def __call__(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-S", self.socket, "-f", "/dev/null", *args], capture_output=True, text=True)
        return done.stdout if done.returncode == 0 else ""

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "healer")

    def alive(self) -> bool:
        # -S, as every other call: `-L` names a socket in tmux's own folder, whose server never has our session.
        done = subprocess.run(["tmux", "-S", self.socket, "has-session", "-t", "healer"], capture_output=True)
        return done.returncode == 0

    def wait(self, check: Callable[[str], bool], what: str, timeout: float = 120.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if check(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{text}")


@pytest.fixture
def tmux(tmp_path: Path) -> Tmux:
    session = Tmux(tmp_path / "tmux.sock")
    yield session  # type: ignore[misc]
    session("kill-server")


EDITOR = """\
import pathlib, sys
path = pathlib.Path(sys.argv[1])
path.write_text(path.read_text() + "# reviewed in healer tui\\n")
"""


def test_healer_tui_in_a_real_terminal(tmp_path: Path, tmux: Tmux) -> None:
    sample = create_sample_repo(tmp_path / "sample")
    editor = tmp_path / "editor.py"
    editor.write_text(EDITOR)
    variables = {name: os.environ[name] for name in ("HOME", "HEALER_DB", "PATH")}
    variables["EDITOR"] = f"{sys.executable} {editor}"
    command = " ".join(
        # COLUMNS and LINES (set by test tooling) would override the terminal's real size.
        ["env", "-u", "COLUMNS", "-u", "LINES", *(f"{name}={shlex.quote(value)}" for name, value in variables.items()), "TERM=xterm-256color",
         shlex.quote(sys.executable), "-m", "healer", "-C", shlex.quote(str(sample)), "tui"]
    )  # fmt: skip
    tmux("new-session", "-d", "-s", "healer", "-x", "120", "-y", "36", command)
    tmux.wait(lambda s: "healer · sample" in s, "the first frame", timeout=30)
    main = tmux.wait(lambda s: "verified fixes to review (p)" in s, "the check and its fixes")
    assert "failures in 2 files (f)" in main
    tmux("send-keys", "-t", "healer", "f")
    failures = tmux.wait(lambda s: "failures ·" in s and "history:" in s, "the failures screen")
    assert "inventory/pricing.py" in failures and "F821" in failures
    tmux("send-keys", "-t", "healer", "q", "p")
    review = tmux.wait(lambda s: "review ·" in s and "@@ -" in s, "the review screen")
    assert "✔ verified" in review and "▶ [ ]" in review, review
    before = {path: (sample / path).read_bytes() for path in ("inventory/pricing.py", "inventory/stock.py")}
    # e hands the terminal to $EDITOR (suspending the UI) and takes it back.
    tmux("send-keys", "-t", "healer", "e")
    tmux.wait(lambda s: "edited by you: no longer verified" in s and "# reviewed in healer tui" in s, "the edit")
    tmux("send-keys", "-t", "healer", "A")
    tmux.wait(lambda s: "applied" in s and "u undoes it" in s, "the fix applied")
    tmux("send-keys", "-t", "healer", "q", "q")
    deadline = time.monotonic() + 30
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not tmux.alive(), "healer tui did not quit"
    changed = [path for path, data in before.items() if (sample / path).read_bytes() != data]
    assert len(changed) == 1
    assert (sample / changed[0]).read_text().endswith("# reviewed in healer tui\n")
    assert [decision for decision, _via, _id in decisions()] == ["accepted", "edited"]
    status = subprocess.run(["git", "status", "--porcelain"], cwd=sample, capture_output=True, text=True).stdout
    assert status.strip() == f"M {changed[0]}"
