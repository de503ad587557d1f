"""`healer hook agent-stop`: run as each agent runs it (the command from the file `install --agent` wrote, the
agent's JSON on standard input), it answers in the agent's documented protocol and never loops forever."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from healer.diagnostics.diagnostic import Diagnostic
from healer.hooks import agent_stop
from healer.hooks.agents import AGENTS
from healer.pipeline.result import RunResult, StageResult

from ..conftest import Repo, RunHealer
from .agent_schemas import SCHEMAS, blocks, check_answer, check_settings, reason

LINT = """\
[stages.lint]
run = "ruff check --no-fix --no-cache ."
inputs = ["*.py"]
parser = "ruff"
"""

TESTS = """\
[stages.test]
run = "python -m pytest -q -p no:cacheprovider"
inputs = ["*.py"]
parser = "pytest"
"""


def _payload(agent: str, session: str = "session-1", *, again: bool = False, **extra: object) -> dict[str, object]:
    """What each agent documents on standard input for its stop event."""
    if agent == "cursor":
        return {
            "conversation_id": session, "generation_id": "g-1", "hook_event_name": "stop", "status": "completed",
            "loop_count": 1 if again else 0, "workspace_roots": [], **extra,
        }  # fmt: skip
    event = {"claude": "Stop", "codex": "Stop", "gemini": "AfterAgent"}[agent]
    payload: dict[str, object] = {
        "session_id": session, "transcript_path": "/tmp/transcript.jsonl", "cwd": "", "hook_event_name": event,
        "stop_hook_active": again,
    }  # fmt: skip
    if agent == "codex":
        payload |= {"turn_id": "t-1", "model": "gpt-5", "permission_mode": "default", "last_assistant_message": "ok"}
    if agent == "gemini":
        payload |= {"timestamp": "2025-12-01T10:30:00Z", "prompt": "fix it", "prompt_response": "done"}
    return payload | extra


def _command(repo: Repo, agent: str) -> str:
    """The command the agent would run: the one healer's entry in the agent's file names."""
    document = json.loads((repo.path / SCHEMAS[agent]["file"]).read_text())
    [handler] = [h for h in check_settings(agent, document) if "healer" in str(h["command"])]
    return str(handler["command"])


def _run_as_agent(repo: Repo, agent: str, payload: dict[str, object], cwd: Path | None = None) -> tuple[int, str, str]:
    """Run healer's entry as the agent does: through a shell, its project directory in the agent's variable."""
    env = {**os.environ, "CLAUDE_PROJECT_DIR": str(repo.path), "GEMINI_PROJECT_DIR": str(repo.path)}
    payload = {**payload, "cwd": str(cwd or repo.path)} if "cwd" in payload else payload
    done = subprocess.run(
        ["sh", "-c", _command(repo, agent)], cwd=cwd or repo.path, input=json.dumps(payload), env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return done.returncode, done.stdout, done.stderr


def _tree(repo: Repo) -> dict[str, bytes]:
    return {
        str(path.relative_to(repo.path)): path.read_bytes()
        for path in repo.path.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(repo.path).parts
    }


def test_claude_is_held_back_with_ruffs_diagnostics_and_let_go_once_they_are_fixed(
    repo: Repo, healer: RunHealer
) -> None:
    repo.config(LINT)
    repo.write("app.py", "import os\n\n\ndef main() -> int:\n    return 1\n")
    repo.commit("start")
    assert healer("install", "--agent", "claude").code == 0
    tree = _tree(repo)
    status = repo.git("status", "--porcelain")
    code, out, err = _run_as_agent(repo, "claude", _payload("claude"), cwd=repo.path / ".claude")
    assert code == 0, err
    answer = check_answer("claude", out)
    assert blocks("claude", answer)
    text = reason("claude", answer)
    assert text.startswith("healer: the project's checks fail (lint).")
    assert "app.py:1:8: F401 `os` imported but unused  [lint: ruff]" in text
    assert _tree(repo) == tree and repo.git("status", "--porcelain") == status  # nothing touched
    repo.write("app.py", "def main() -> int:\n    return 1\n")
    code, out, err = _run_as_agent(repo, "claude", _payload("claude", again=True))
    assert (code, out) == (0, ""), err  # passing: a silent exit 0 lets Claude stop


def test_a_failing_pytest_stage_holds_codex_back_with_the_failing_test(repo: Repo, healer: RunHealer) -> None:
    repo.config(TESTS)
    repo.write("test_shop.py", "def test_total() -> None:\n    assert 1 + 1 == 3\n")
    repo.commit("start")
    assert healer("install", "--agent", "codex").code == 0
    code, out, err = _run_as_agent(repo, "codex", _payload("codex"))
    assert code == 0, err
    answer = check_answer("codex", out)
    assert blocks("codex", answer)
    assert "test_shop.py:2: AssertionError assert (1 + 1) == 3  [test: pytest test_shop.py::test_total]" in reason(
        "codex", answer
    )
    repo.write("test_shop.py", "def test_total() -> None:\n    assert 1 + 1 == 2\n")
    assert _run_as_agent(repo, "codex", _payload("codex", again=True))[:2] == (0, "")


@pytest.mark.parametrize("agent", sorted(AGENTS))
def test_each_agent_gets_its_documented_answer(repo: Repo, healer: RunHealer, agent: str) -> None:
    repo.config(LINT)
    repo.write("app.py", "import os\n")
    repo.commit("start")
    assert healer("install", "--agent", agent).code == 0
    code, out, err = _run_as_agent(repo, agent, _payload(agent))
    assert code == 0, err
    held = check_answer(agent, out)
    assert blocks(agent, held) and "F401" in reason(agent, held)
    repo.write("app.py", "print('fine')\n")
    code, out, err = _run_as_agent(repo, agent, _payload(agent, again=True))
    assert code == 0, err
    assert check_answer(agent, out) == {}  # Claude and Codex: no output at all; Gemini and Cursor: {}
    assert out == ("" if agent in ("claude", "codex") else "{}\n")


def test_a_continuing_agent_is_held_back_again_only_while_the_failures_change(repo: Repo, healer: RunHealer) -> None:
    repo.config(LINT)
    repo.write("app.py", "import os\nimport sys\n")
    repo.commit("start")
    healer("install", "--agent", "claude")
    first = check_answer("claude", _run_as_agent(repo, "claude", _payload("claude"))[1])
    assert blocks("claude", first) and "F401 `sys`" in first["reason"]
    # The agent worked (one failure fixed) and stops again: healer asks once more about what is left.
    repo.write("app.py", "import os\n")
    second = check_answer("claude", _run_as_agent(repo, "claude", _payload("claude", again=True))[1])
    assert blocks("claude", second) and "F401 `sys`" not in second["reason"]
    # No progress: the same failures as last time. The agent may stop; the person is told why.
    third = check_answer("claude", _run_as_agent(repo, "claude", _payload("claude", again=True))[1])
    assert third == {"systemMessage": "healer: the checks still fail (lint) as they did last time; `healer run` "
                                      "shows them"}  # fmt: skip
    # A new stop (not a continuation) is asked about again; another session keeps its own count.
    assert blocks("claude", check_answer("claude", _run_as_agent(repo, "claude", _payload("claude"))[1]))
    other = _payload("claude", "session-2", again=True)
    assert blocks("claude", check_answer("claude", _run_as_agent(repo, "claude", other)[1]))


def test_an_agent_that_keeps_changing_the_failures_is_asked_at_most_three_times(repo: Repo, healer: RunHealer) -> None:
    repo.config(LINT)
    repo.commit("start")
    healer("install", "--agent", "gemini")
    answers = []
    for round_ in range(agent_stop.MAX_BLOCKS + 1):
        repo.write("app.py", f"import mod{round_}\n")
        answers.append(check_answer("gemini", _run_as_agent(repo, "gemini", _payload("gemini", again=round_ > 0))[1]))
    assert [blocks("gemini", one) for one in answers] == [True] * agent_stop.MAX_BLOCKS + [False]
    assert answers[-1] == {
        "systemMessage": "healer: the checks still fail (lint) after 3 rounds; `healer run` shows them"
    }
    assert not list((repo.path / ".git" / "healer" / "agent-stop").glob("gemini-*"))  # the count is forgotten


def test_cursor_lets_an_aborted_turn_end_without_checking(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.slow]\nrun = ["sh", "-c", "echo ran >> ../ran.txt; exit 1"]\n')
    repo.commit("start")
    healer("install", "--agent", "cursor")
    for status in ("aborted", "error"):
        code, out, _ = _run_as_agent(repo, "cursor", _payload("cursor", status=status))
        assert (code, json.loads(out)) == (0, {})
    assert not (repo.path.parent / "ran.txt").exists()


def test_a_second_stop_with_nothing_changed_is_answered_from_the_cache(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.count]\nrun = ["sh", "-c", "echo ran >> ../ran.txt; exit 1"]\ninputs = ["*.txt"]\n')
    repo.write("notes.txt", "one\n")
    repo.commit("start")
    healer("install", "--agent", "claude")
    for session in ("a", "b"):
        assert blocks("claude", check_answer("claude", _run_as_agent(repo, "claude", _payload("claude", session))[1]))
    assert (repo.path.parent / "ran.txt").read_text() == "ran\n"  # the second answer came from the cache


def test_trouble_on_healers_side_never_holds_the_agent_back(repo: Repo, healer: RunHealer) -> None:
    healer("install", "--agent", "claude")
    repo.config("[stages.lint\nrun = 1\n")  # not TOML
    code, out, err = _run_as_agent(repo, "claude", _payload("claude"))
    assert (code, out) == (1, "")  # exit 1: Claude shows the error to the person and stops
    assert err.startswith("healer: ") and "healer.toml" in err
    (repo.path / "healer.toml").unlink()  # nothing configured, nothing detected
    code, out, _ = _run_as_agent(repo, "claude", _payload("claude"))
    assert code == 0 and check_answer("claude", out)["systemMessage"].startswith("healer: no stages to run")


def test_healer_skip_and_a_missing_agent_name(repo: Repo) -> None:
    repo.config(LINT)
    repo.write("app.py", "import os\n")
    skipped = subprocess.run(
        [sys.executable, "-m", "healer", "hook", "agent-stop", "--agent", "claude"], cwd=repo.path, input="{}",
        capture_output=True, text=True, env={**os.environ, "HEALER_SKIP": "1"}, timeout=60,
    )  # fmt: skip
    assert skipped.returncode == 0
    assert json.loads(skipped.stdout) == {"systemMessage": "healer: checks skipped (HEALER_SKIP=1)"}
    missing = subprocess.run(
        [sys.executable, "-m", "healer", "hook", "agent-stop"], cwd=repo.path, input="{}", capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert missing.returncode == 2 and "needs --agent" in missing.stderr


# -- the answer itself --------------------------------------------------------------------------


def _diagnostic(index: int) -> Diagnostic:
    return Diagnostic("lint", "ruff", f"src/m{index}.py", index + 1, 1, "F401", f"unused {index}\nsecond line",
                      "error", f"fp{index}")  # fmt: skip


def test_the_reason_is_bounded_and_says_how_many_it_leaves_out() -> None:
    many = tuple(_diagnostic(index) for index in range(100))
    silent = StageResult(
        "build", "command", "failed", "make", exit_code=2, output="\n".join(f"l{i}" for i in range(50))
    )
    missing = StageResult("types", "command", "error", "mypy .", reason="mypy: command not found")
    run = RunResult(
        (StageResult("lint", "lint", "failed", "ruff check .", diagnostics=many), silent, missing), 1.0, "/repo"
    )
    text = agent_stop.report(run)
    assert text.splitlines()[0].startswith("healer: the project's checks fail (lint, build, types).")
    assert "src/m0.py:1:1: F401 unused 0\n    second line  [lint: ruff]" in text
    assert "src/m39.py" in text and "src/m40.py" not in text
    assert text.endswith("... and 62 more (`healer run` shows them)")
    alone = agent_stop.report(run._replace(stages=(silent, missing)))
    assert "stage build (make) failed (exit code 2); the last lines of its output:\n    l30\n" in alone
    assert "    l49\nstage types could not run: mypy: command not found" in alone and "l29" not in alone
    long = (_diagnostic(0)._replace(message="x" * 5000),) * 40
    huge = agent_stop.report(run._replace(stages=(StageResult("t", "test", "failed", "x", diagnostics=long),)))
    assert len(huge) <= agent_stop.MAX_REASON + 200


def test_unreadable_input_counts_as_a_first_stop() -> None:
    assert agent_stop.read_payload("claude", "not json") == agent_stop.Payload("", False)
    assert agent_stop.read_payload("claude", '{"stop_hook_active": true, "session_id": "s"}').continuing
    assert agent_stop.read_payload("cursor", '{"loop_count": 2, "status": "completed"}').continuing
    assert agent_stop.read_payload("cursor", '{"status": "aborted"}').ended == "aborted"
    assert agent_stop.read_payload("claude", '{"status": "aborted"}').ended is None
