"""`healer fix --agent NAME`: a fake agent CLI fixes the bug in its jailed copy; its diff is the patch."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from healer.errors import HealerError
from tests.agents.conftest import CALC, TEST, agent_patches, fix, project, steps
from tests.conftest import Repo, RunHealer
from tests.llm.redaction.formats import FORMATS
from tests.verify.jails import needs_jail

FORMATS_BY_NAME = {spec.name: spec for spec in FORMATS}
CLAUDE = '[agents.claude]\npreset = "claude"\ntimeout = 60\nmax_attempts = 1\n'


@needs_jail
def test_an_agent_fixes_the_bug_in_its_copy_and_its_diff_is_verified(repo: Repo, fakes: Callable[..., Path]) -> None:
    fakes("claude", "fix")
    project(repo, CLAUDE)
    document = fix(repo, "claude")
    [patch] = agent_patches(document)
    assert patch["status"] == "verified", patch
    assert patch["origin"] == "claude" and patch["verification"]["sandboxed"] is True
    assert "+    return a + b" in patch["diff"]
    assert (repo.path / "calc.py").read_text() == CALC  # nothing applied without --apply
    [step] = steps(document)
    assert step["agent"] == "claude" and step["outcome"] == "verified" and step["cost"] == 0.0123
    assert "Changed add" in step["summary"]


def one_step(document: dict[str, object]) -> dict[str, object]:
    found = steps(document)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


@needs_jail
def test_an_agent_that_edits_the_test_is_flagged_and_never_applied_by_apply_safe_or_all(
    repo: Repo, fakes: Callable[..., Path]
) -> None:
    fakes("claude", "edit-test")
    project(repo, CLAUDE)
    document = fix(repo, "claude", apply="all")
    [patch] = agent_patches(document)
    assert patch["status"] == "changes-checks" and "edits-tests" in patch["flags"], patch
    assert document["applied"] == []
    assert (repo.path / "test_calc.py").read_text().endswith("== 5\n")


@needs_jail
def test_an_agent_that_hangs_is_ended_at_its_timeout_with_everything_it_started(
    repo: Repo, fakes: Callable[..., Path]
) -> None:
    mine = str(fakes("claude", "hang"))
    project(repo, CLAUDE.replace("timeout = 60", "timeout = 2"))
    began = time.monotonic()
    document = fix(repo, "claude")
    assert time.monotonic() - began < 30
    step = one_step(document)
    assert step["outcome"] == "error" and "ran out of its 2 s" in str(step["detail"])
    assert agent_patches(document) == []
    assert not [line for line in _processes() if mine in line]


def _processes() -> list[str]:
    import subprocess

    return subprocess.run(["ps", "-eww", "-o", "args"], capture_output=True, text=True, check=True).stdout.splitlines()


@needs_jail
def test_an_agent_that_writes_outside_its_copy_is_stopped_by_the_sandbox(
    repo: Repo, fakes: Callable[..., Path], tmp_path: Path
) -> None:
    outside = tmp_path / "escaped.txt"
    fakes("claude", "escape", outside=str(outside))
    project(repo, CLAUDE)
    document = fix(repo, "claude")
    assert not outside.exists()
    [patch] = agent_patches(document)
    assert patch["status"] == "verified"  # its fix inside the copy still counts; the escape did not happen


def test_without_the_sandbox_the_same_agent_writes_outside(
    repo: Repo, fakes: Callable[..., Path], tmp_path: Path
) -> None:
    """What the jail prevents, shown: with the sandbox off the agent's write outside its copy lands."""
    outside = tmp_path / "escaped.txt"
    fakes("claude", "escape", outside=str(outside))
    project(repo, CLAUDE, '[sandbox]\nmode = "off"\n')
    fix(repo, "claude")
    assert outside.read_text() == "escaped"


@needs_jail
def test_garbage_output_is_kept_as_text_and_said_and_the_diff_still_counts(
    repo: Repo, fakes: Callable[..., Path]
) -> None:
    fakes("claude", "garbage")
    project(repo, CLAUDE)
    document = fix(repo, "claude")
    step = one_step(document)
    assert any("was not claude-json as expected" in note for note in step["notes"]), step  # type: ignore[union-attr]
    [patch] = agent_patches(document)
    assert patch["status"] == "verified"


@needs_jail
@pytest.mark.parametrize(
    ("scenario", "said"),
    [
        ("nothing", "claude changed nothing"),
        ("symlink", "claude: it made a symlink calc_link.py -> /etc/passwd"),
        ("many-files", "claude: it changed 501 files, more than the 50"),
    ],
)
def test_bad_runs_are_one_line_naming_the_agent_and_nothing_reaches_the_tree(
    repo: Repo, fakes: Callable[..., Path], scenario: str, said: str
) -> None:
    fakes("claude", scenario)
    project(repo, CLAUDE)
    before = {path: path.read_bytes() for path in repo.path.rglob("*") if path.is_file() and ".git" not in path.parts}
    document = fix(repo, "claude", apply="all")
    step = one_step(document)
    assert str(step["detail"]).startswith(said) and "\n" not in str(step["detail"]), step
    assert agent_patches(document) == [] and document["applied"] == []
    after = {path: path.read_bytes() for path in repo.path.rglob("*") if path.is_file() and ".git" not in path.parts}
    assert after == before


@needs_jail
def test_an_agent_that_is_not_logged_in_says_so_and_the_rules_still_run(repo: Repo, fakes: Callable[..., Path]) -> None:
    fakes("claude", "not-logged-in")
    project(repo, CLAUDE)
    repo.write("calc.py", "import os\n" + CALC)  # an unused import the rules fix
    repo.config(
        repo.path.joinpath("healer.toml").read_text()
        + '\n[stages.lint]\nrun = "ruff check calc.py"\nparser = "ruff"\nkind = "lint"\n'
    )
    repo.commit("unused import")
    document = fix(repo, "claude")
    step = one_step(document)
    assert step["outcome"] in ("no-change", "error")
    assert "exited with code 1" in " ".join(step["notes"]) and "Invalid API key" in " ".join(step["notes"])  # type: ignore[arg-type]
    rules = [p for one in document["rounds"] for p in one["patches"] if p["source"] == "rule"]
    assert any(p["status"] == "verified" for p in rules)


def test_an_agent_that_is_not_installed_is_one_line(repo: Repo) -> None:
    project(repo, '[agents.claude]\npreset = "claude"\ncommand = ["no-such-agent-cli", "{prompt}"]\n')
    document = fix(repo, "claude")
    step = one_step(document)
    assert step["outcome"] == "error" and "no-such-agent-cli" in str(step["detail"]), step
    assert "\n" not in str(step["detail"])


@needs_jail
def test_an_agent_that_deletes_files_is_flagged_and_not_applied_safe(repo: Repo, fakes: Callable[..., Path]) -> None:
    fakes("claude", "deletes")
    project(repo, CLAUDE)
    document = fix(repo, "claude", apply="safe")
    [patch] = agent_patches(document)
    assert "test_calc.py" in patch["files"] and patch["status"] != "verified"
    assert (repo.path / "test_calc.py").exists() and document["applied"] == []


@needs_jail
def test_files_the_repository_ignores_are_not_part_of_the_patch(repo: Repo, fakes: Callable[..., Path]) -> None:
    fakes("claude", "creates-cache")
    project(repo, CLAUDE)
    repo.write(".gitignore", "__pycache__/\n")
    repo.commit("ignore")
    [patch] = agent_patches(fix(repo, "claude"))
    assert patch["files"] == ["calc.py"]


@needs_jail
def test_a_flood_of_output_costs_healer_a_megabyte(repo: Repo, fakes: Callable[..., Path]) -> None:
    fakes("claude", "flood")
    project(repo, CLAUDE)
    document = fix(repo, "claude")
    step = one_step(document)
    assert any("printed" in note and "kept the first" in note for note in step["notes"]), step  # type: ignore[union-attr]
    assert [p["status"] for p in agent_patches(document)] == ["verified"]


def test_offline_runs_no_agent_and_says_why_in_one_line(repo: Repo, fakes: Callable[..., Path]) -> None:
    fakes("claude", "fix")
    project(repo, CLAUDE)
    with pytest.raises(HealerError) as caught:
        fix(repo, "claude", offline="--offline")
    assert "offline (--offline)" in str(caught.value)


def test_an_unknown_agent_is_named_before_any_check_runs(repo: Repo) -> None:
    project(repo, CLAUDE)
    with pytest.raises(HealerError) as caught:
        fix(repo, "cladue")
    assert str(caught.value) == "no agent or workflow named 'cladue'; configured: claude"


@needs_jail
def test_stats_count_each_agents_proposals_acceptances_time_and_cost(
    repo: Repo, fakes: Callable[..., Path], healer: RunHealer
) -> None:
    fakes("claude", "fix")
    project(repo, CLAUDE)
    document = fix(repo, "claude", apply="all")
    assert len(document["applied"]) == 1
    shown = healer("stats")
    assert shown.code == 0, shown.err
    row = next(line for line in shown.out.splitlines() if line.strip().startswith("agent claude"))
    assert row.split()[2:5] == ["1", "1", "1"], row  # proposed, verified, accepted
    assert "agent:claude: 1 calls" in shown.out and "$0.0123" in shown.out


def test_doctor_names_each_agent_its_version_and_the_agent_clis_not_configured(
    repo: Repo, fakes: Callable[..., Path], healer: RunHealer
) -> None:
    claude = fakes("claude", "fix")
    fakes("codex", "fix")
    project(repo, CLAUDE + '[agents.ghost]\ncommand = ["no-such-agent-cli", "{prompt}"]\n')
    said = healer("doctor", env={"PATH": os.environ["PATH"]})
    lines = said.out.splitlines()
    mine = next(line for line in lines if "agent claude" in line)
    assert "2.0.14 (Claude Code)" in mine and str(claude) in mine and "network: api.anthropic.com" in mine, mine
    ghost = next(line for line in lines if "agent ghost" in line)
    assert "no-such-agent-cli not found on PATH" in ghost
    spare = next(line for line in lines if "agent CLIs" in line)
    assert "codex codex-cli 0.46.0" in spare and "claude" not in spare


@needs_jail
def test_an_agent_reaches_only_its_hosts_and_the_refused_ones_are_said(repo: Repo, fakes: Callable[..., Path]) -> None:
    import http.server
    import threading

    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        # "localhost." (a trailing dot) is not in the proxy variables' NO_PROXY: the request goes to the proxy.
        fakes("claude", "network", allowed=f"http://localhost.:{port}/", port=str(port))
        project(repo, CLAUDE + f'hosts = ["localhost:{port}"]\n')
        step = one_step(fix(repo, "claude"))
    finally:
        server.shutdown()
    # The allowed host answered through the proxy; evil.example got 403; the machine's loopback is out of reach.
    assert step["summary"] == "network: 200 403 direct-refused", step
    assert any("tried to reach evil.example:80: refused" in note for note in step["notes"]), step  # type: ignore[union-attr]


@needs_jail
def test_the_agent_is_told_the_failures_and_the_command_with_secrets_redacted(
    repo: Repo, fakes: Callable[..., Path]
) -> None:
    token, _ = FORMATS_BY_NAME["github-classic-pat"].value("agents")  # made from a seed, never stored
    fakes("claude", "echo-prompt")
    project(repo, CLAUDE)
    repo.write("test_calc.py", TEST.replace("def test_add", f'print("using {token}")\n\n\ndef test_add'))
    repo.write(
        "test_calc.py",
        repo.path.joinpath("test_calc.py").read_text().replace("assert add", f'print("{token}")\n    assert add'),
    )
    repo.commit("a test that prints a token")
    step = one_step(fix(repo, "claude"))
    told = str(step["summary"])
    assert "test_calc.py" in told and "python -m pytest -q -p no:cacheprovider" in told, told
    assert token not in told and token not in str(step["prompt"]) and "[REDACTED:github-token]" in told


@needs_jail
def test_ctrl_c_ends_the_agent_and_everything_it_started(repo: Repo, fakes: Callable[..., Path]) -> None:
    import signal
    import subprocess
    import sys

    mine = str(fakes("claude", "hang"))
    project(repo, CLAUDE.replace("timeout = 60", "timeout = 600"))
    child = subprocess.Popen(
        [sys.executable, "-m", "healer", "fix", "--agent", "claude"], cwd=repo.path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # A test worker may ignore SIGINT, and a child inherits that: the user's terminal would not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not [line for line in _processes() if mine in line]:
        time.sleep(0.1)
    if not [line for line in _processes() if mine in line]:
        child.kill()
        raise AssertionError(f"the agent never started: {child.communicate()}")
    child.send_signal(signal.SIGINT)
    try:
        _out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 130, err
    time.sleep(0.5)
    assert not [line for line in _processes() if mine in line]
    assert (repo.path / "calc.py").read_text() == CALC


@needs_jail
def test_a_workflows_time_ends_it_between_runs(repo: Repo, fakes: Callable[..., Path]) -> None:
    fakes("claude", "wrong")
    project(
        repo,
        CLAUDE.replace("max_attempts = 1", "max_attempts = 5"),
        '[workflows.quick]\nkind = "iterative"\nagent = "claude"\ntimeout = 0.001\n',
    )
    document = fix(repo, "quick")
    assert len(steps(document)) == 1  # the first run starts; none after it
    assert "the workflow's 0.001 s are spent" in str(document["rounds"][0]["agents"]["stopped"])
