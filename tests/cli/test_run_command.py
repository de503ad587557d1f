"""`healer run` as a user runs it: a real subprocess, real git, real exit codes and output."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import jsonschema

from ..conftest import Repo, RunHealer

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "run.schema.json").read_text())
FAILING = '[stages.lint]\nrun = ["sh", "-c", "echo \'src/a.py:3:5: E225 missing whitespace\'; exit 1"]\nkind = "lint"\n'


def test_exit_codes(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.ok]\nrun = "true"\n')
    assert healer("run").code == 0
    repo.config(FAILING)
    assert healer("run").code == 1
    repo.config('[stages.ok]\nrun = "true"\nkidn = "lint"\n')
    assert healer("run").code == 2


def test_json_output_matches_the_documented_schema(repo: Repo, healer: RunHealer) -> None:
    repo.config(
        FAILING
        + '[stages.ok]\nrun = "true"\n[stages.after]\nrun = "true"\nneeds = ["lint"]\n'
        + '[stages.missing]\nrun = "no-such-command-xyz"\n'
        + '[stages.cov]\nrun = ["echo", "TOTAL 10 1 90%"]\n[stages.cov.gate]\nmetric = "coverage"\nmin = 80\n'
    )
    result = healer("run", "--json")
    document = json.loads(result.out)
    jsonschema.validate(document, SCHEMA)
    assert document["outcome"] == "failed" and document["exit_code"] == 1 == result.code
    stages = {stage["name"]: stage for stage in document["stages"]}
    assert stages["lint"]["diagnostics"][0] | {"fingerprint": "x"} == {
        "stage": "lint", "tool": stages["lint"]["diagnostics"][0]["tool"], "file": "src/a.py", "line": 3,
        "column": 5, "code": "E225", "message": "missing whitespace", "severity": "error", "fingerprint": "x",
        "suggestion": None, "node_id": None,
    }  # fmt: skip
    assert stages["after"]["status"] == "skipped"
    assert stages["missing"]["status"] == "error"
    assert stages["cov"]["gate"]["value"] == 90.0
    cached = json.loads(healer("run", "--json").out)
    jsonschema.validate(cached, SCHEMA)
    assert {s["name"]: s["cached"] for s in cached["stages"]} == {
        "lint": True, "ok": True, "after": False, "missing": False, "cov": True,
    }  # fmt: skip


def test_plain_output_without_a_terminal_has_no_escape_codes(repo: Repo, healer: RunHealer) -> None:
    repo.config(FAILING + '[stages.ok]\nrun = "true"\n')
    result = healer("run")
    assert "\x1b" not in result.out
    lines = result.out.splitlines()
    assert any(line.startswith("lint FAILED in ") for line in lines)
    assert any(line.startswith("ok passed in ") for line in lines)
    assert "  src/a.py:3:5: missing whitespace [E225]" in lines
    assert lines[-1].startswith("Pipeline failed: 1 passed, 1 failed, 1 diagnostic (")


def run_in_terminal(repo: Repo, *args: str, env: dict[str, str] | None = None) -> str:
    """Run healer attached to a pseudo-terminal, as a person at a shell would."""
    main, secondary = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "healer", *args],
        cwd=repo.path,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", **(env or {})},
        close_fds=True,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    child.wait(timeout=60)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


def test_live_display_on_a_terminal(repo: Repo) -> None:
    repo.config(FAILING + '[stages.ok]\nrun = "true"\n')
    screen = run_in_terminal(repo, "run")
    assert "\x1b[" in screen  # colours and cursor movement
    assert "✔" in screen and "✘" in screen
    assert "Pipeline failed" in screen


def test_no_color_is_honoured_on_a_terminal(repo: Repo) -> None:
    repo.config(FAILING)
    screen = run_in_terminal(repo, "run", env={"NO_COLOR": "1"})
    assert "Pipeline failed" in screen
    # rich still moves the cursor to redraw, but never sets a colour (SGR 3x/9x).
    for code in ("\x1b[31m", "\x1b[32m", "\x1b[1;31m", "\x1b[1;32m", "\x1b[36m"):
        assert code not in screen


def test_github_actions_annotations(repo: Repo, healer: RunHealer) -> None:
    repo.config(FAILING)
    result = healer("run", env={"GITHUB_ACTIONS": "true"})
    assert "::error file=src/a.py,line=3,col=5,title=lint " in result.out
    assert result.out.rstrip().endswith("::missing whitespace")
    as_json = healer("run", "--json", env={"GITHUB_ACTIONS": "true"})
    json.loads(as_json.out)  # stdout stays pure JSON
    assert "::error file=src/a.py" in as_json.err


def test_not_a_git_repository(tmp_path: Path, healer: RunHealer) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    result = healer("run", cwd=outside)
    assert result.code == 2
    assert (
        result.err.strip()
        == f"healer: {outside} is not inside a git repository (healer checks a git repository; run `git init` first)"
    )


def test_repository_with_no_commits_runs(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.ok]\nrun = ["sh", "-c", "test -f healer.toml"]\n')
    result = healer("run")
    assert result.code == 0, result.err


def test_unknown_stage_is_a_usage_error(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.lint]\nrun = "true"\n')
    result = healer("run", "lnt")
    assert result.code == 2
    assert result.err.strip() == "healer: no stage named 'lnt' (did you mean 'lint'?); the stages are: lint"


def test_bad_config_is_one_line_without_traceback(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.lint]\nrun = "true"\nkidn = "lint"\n')
    result = healer("run")
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"healer: {repo.path / 'healer.toml'}:3: stages.lint.kidn: unknown key (did you mean 'kind'?)"
    ]


def test_no_stages_anywhere(repo: Repo, healer: RunHealer) -> None:
    repo.write("README.md", "nothing to check\n")
    result = healer("run")
    assert result.code == 2
    assert "no stages to run" in result.err and "Traceback" not in result.err


def test_jobs_must_be_positive(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.ok]\nrun = "true"\n')
    result = healer("run", "--jobs", "0")
    assert result.code == 2 and "must be at least 1" in result.err


def test_a_stage_named_on_the_command_line_runs_with_its_needs(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.a]\nrun = "true"\n[stages.b]\nrun = "true"\nneeds = ["a"]\n[stages.c]\nrun = "false"\n')
    result = healer("run", "b", "--json")
    assert [s["name"] for s in json.loads(result.out)["stages"]] == ["a", "b"]
    assert result.code == 0


def test_corrupt_knowledge_base_is_moved_aside(repo: Repo, healer: RunHealer, tmp_path: Path) -> None:
    db = tmp_path / "broken.db"
    db.write_bytes(b"this is not sqlite" * 100)
    repo.config('[stages.ok]\nrun = "true"\n')
    result = healer("run", env={"HEALER_DB": str(db)})
    assert result.code == 0
    assert "was unreadable" in result.out and "moved it to" in result.out
    assert list(tmp_path.glob("broken.db.corrupt-*"))
    again = healer("run", env={"HEALER_DB": str(db)})
    assert "unreadable" not in again.out and "(cached)" in again.out


def test_help_on_every_command(healer: RunHealer) -> None:
    for command in ("run", "stages", "init", "doctor", "demo"):
        result = healer(command, "--help")
        assert result.code == 0 and "usage: healer " + command in result.out
    top = healer("--help")
    assert "exit codes" in top.out
    version = healer("--version")
    assert version.out.startswith("healer ")


def test_an_unusable_knowledge_base_is_left_alone_and_the_run_goes_on(
    repo: Repo, healer: RunHealer, tmp_path: Path
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    repo.config('[stages.ok]\nrun = "true"\n')
    result = healer("run", "--json", env={"HEALER_DB": str(folder)})
    assert result.code == 0
    document = json.loads(result.out)
    assert "is a folder, not a file" in document["notices"][0] and "running without the cache" in document["notices"][0]
    assert (folder / "keep.txt").read_text() == "mine"
    assert not list(tmp_path.glob("a-folder.corrupt-*"))


def test_a_foreign_or_newer_database_is_not_touched(repo: Repo, healer: RunHealer, tmp_path: Path) -> None:
    import sqlite3

    foreign = tmp_path / "someone-elses.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    newer = tmp_path / "newer.db"
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    repo.config('[stages.ok]\nrun = "true"\n')
    before = foreign.read_bytes()
    first = healer("run", env={"HEALER_DB": str(foreign)})
    assert first.code == 0 and "healer did not create" in first.out
    assert foreign.read_bytes() == before
    second = healer("run", env={"HEALER_DB": str(newer)})
    assert second.code == 0 and "written by a newer healer (schema 99" in second.out
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_a_corrupt_database_is_moved_aside_intact(repo: Repo, healer: RunHealer, tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    damaged = b"garbage" * 200
    db.write_bytes(damaged)
    repo.config('[stages.ok]\nrun = "true"\n')
    assert healer("run", env={"HEALER_DB": str(db)}).code == 0
    (moved,) = tmp_path.glob("kb.db.corrupt-*")
    assert moved.read_bytes() == damaged


NASTY = (
    '[stages."markup"]\nrun = ["sh", "-c", "echo \'closing [/bold] tag in [/usr/lib]\'; exit 1"]\n'
    '[stages.escapes]\nrun = ["printf", "\\\\033[2J\\\\033]0;title\\\\007cleared\\\\a\\\\n"]\n'
    '[stages.wide]\nrun = ["sh", "-c", "head -c 100000 /dev/zero | tr \'\\\\\\\\0\' x; exit 1"]\n'
)


def test_stage_output_cannot_drive_the_terminal(repo: Repo) -> None:
    repo.config(NASTY)
    screen = run_in_terminal(repo, "run")
    assert "closing [/bold] tag in [/usr/lib]" in screen  # shown literally, not as markup
    assert "\x1b[2J" not in screen and "\x1b]0;title" not in screen and "\x07" not in screen
    assert "Pipeline failed" in screen
    assert "more characters]" in screen  # the 100,000-character line is cut


def test_plain_output_is_clean_and_bounded(repo: Repo, healer: RunHealer) -> None:
    repo.config(NASTY)
    result = healer("run")
    assert "\x1b" not in result.out and "\x07" not in result.out
    assert max(len(line) for line in result.out.splitlines()) < 1200
    document = json.loads(healer("run", "--json").out)
    wide = next(stage for stage in document["stages"] if stage["name"] == "wide")
    assert len(wide["output_tail"][-1]) <= 4001


def test_a_command_that_looks_like_markup(repo: Repo) -> None:
    repo.config('[stages.odd]\nrun = ["sh", "-c", "exit 1", "[/x]"]\n')
    screen = run_in_terminal(repo, "run")
    assert "Pipeline failed" in screen and "MarkupError" not in screen


def test_no_cache_still_records_the_run_and_no_history_records_nothing(repo: Repo, healer: RunHealer) -> None:
    import sqlite3

    repo.config('[stages.ok]\nrun = "true"\n')
    assert healer("run").code == 0  # cached from now on
    assert healer("run", "--no-cache").code == 0
    assert healer("run", "--no-cache", "--no-history").code == 0
    assert healer("run", "--no-history").code == 0
    conn = sqlite3.connect(os.environ["HEALER_DB"])
    try:
        runs = conn.execute("SELECT count(*) FROM runs").fetchone()[0]
        cached = conn.execute("SELECT cached FROM run_stages ORDER BY run_id").fetchall()
    finally:
        conn.close()
    # Recorded: the first run and the --no-cache one, which ran the stage rather than reading the cache.
    assert runs == 2 and cached == [(0,), (0,)]
    history = json.loads(healer("history", "--json").out)
    assert [run["trigger"] for run in history["runs"]] == ["run", "run"]
