"""`healer history`, `healer stats` and `healer kb`, run as the real CLI against a real knowledge base."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from healer.kb.store import Store

from ..conftest import Repo, RunHealer
from ..kb.helpers import diagnostic, patch, run

NOW = time.time()


def fill(repo: Repo) -> str:
    """Two red lint runs then a green one here, one run elsewhere; two fixes, one undone; a flaky test; a model call."""
    here = str(repo.path.resolve())
    with Store() as store:
        first = store.record_run(run("failed", "passed", repo=here, started=NOW - 300, diagnostics=(diagnostic(1),)))
        store.record_run(run("failed", "passed", repo=here, started=NOW - 200, diagnostics=(diagnostic(1),)))
        store.record_run(run("passed", "passed", repo=here, started=NOW - 60))
        store.record_run(run("error", repo="/somewhere/else", started=NOW - 10, diagnostics=(diagnostic(5),)))
        kept = patch(1)
        taken_back = patch(2, origin="gpt-test", source="model")
        store.record_patches(here, first, [kept, taken_back, patch(3, status="failed")])
        store.record_decision(here, kept.id, "accepted", "cli")
        store.record_decision(here, taken_back.id, "accepted", "tui")
        store.record_decision(here, taken_back.id, "undone", "cli")
        store.record_flaky(here, "test", "tests/test_io.py::test_read", "passed on rerun")
        store.record_flaky(here, "test", "tests/test_io.py::test_read", "passed on rerun")
        store.record_model_call(here, model="gpt-test", prompt_tokens=1000, completion_tokens=200, cost=0.25,
                                latency=2.0, prompt_hash="abc", ok=True)  # fmt: skip
    return here


def test_history_lists_this_repositorys_runs_and_fixes(repo: Repo, healer: RunHealer) -> None:
    here = fill(repo)
    result = healer("history")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "runs:" and len([line for line in lines if "  run  " in line]) == 3
    assert "failed: lint" in lines[2] and "passed" in lines[1]
    assert "/somewhere/else" not in result.out
    assert f"applied   {patch(1).id}  remove unused import os1" in result.out
    assert f"undone    {patch(2).id}" in result.out

    document = json.loads(healer("history", "--json", "-n", "2").out)
    assert document["schema"] == "healer.history/1" and document["repo"] == here
    assert [r["outcome"] for r in document["runs"]] == ["passed", "failed"]
    assert document["runs"][1]["failed_stages"] == ["lint"] and document["runs"][1]["trigger"] == "run"
    assert [f["decision"] for f in document["fixes"]] == ["undone", "applied"]

    every = json.loads(healer("history", "--all-repos", "--json").out)
    assert every["repo"] is None and every["runs"][0]["repo"] == "/somewhere/else"
    assert every["runs"][0]["failed_stages"] == ["lint"]


def test_history_outside_a_repository(tmp_path: Path, healer: RunHealer) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    result = healer("history", cwd=outside)
    assert result.code == 2 and "not inside a git repository" in result.err and "Traceback" not in result.err
    assert healer("history", "--all-repos", cwd=outside).out.startswith("no runs recorded yet")


def test_stats_per_stage_fixes_flaky_and_cost(repo: Repo, healer: RunHealer) -> None:
    fill(repo)
    document = json.loads(healer("stats", "--json").out)
    assert document["schema"] == "healer.stats/1"
    lint, test = document["stages"]
    assert (lint["stage"], lint["runs"], lint["passed"], lint["failed"]) == ("lint", 3, 1, 2)
    assert lint["success_rate"] == 1 / 3 and lint["recoveries"] == 1
    assert abs(lint["mean_red_to_green"] - 240) < 1e-6  # from the first red run to the green one
    assert test["success_rate"] == 1.0 and test["mean_red_to_green"] is None
    fixes = document["fixes"]
    assert fixes["total"] == {"proposed": 3, "verified": 2, "accepted": 2, "undone": 1, "false_fix_rate": 0.5}
    assert [(r["origin"], r["proposed"], r["accepted"]) for r in fixes["by_rule"]] == [("ruff-fix", 2, 1)]
    assert [(m["origin"], m["undone"], m["false_fix_rate"]) for m in fixes["by_model"]] == [("gpt-test", 1, 1.0)]
    assert [(f["node_id"], f["count"]) for f in document["flaky"]] == [("tests/test_io.py::test_read", 2)]
    assert document["model"]["cost"] == 0.25 and document["model"]["calls"] == 1
    assert document["model"]["prompt_tokens"] == 1000

    text = healer("stats").out
    assert "lint" in text and "33%" in text and "4.0m" in text
    assert "rule ruff-fix" in text and "model gpt-test" in text and "100%" in text
    assert (
        "2×  tests/test_io.py::test_read" in text
        and "model: 1 calls (0 failed), 0 answered from the cache, 1200 tokens, $0.2500" in text
    )

    every = json.loads(healer("stats", "--all-repos", "--json").out)
    assert [s["runs"] for s in every["stages"]] == [4, 3]


def test_stats_on_an_empty_knowledge_base(healer: RunHealer) -> None:
    result = healer("stats")
    assert result.code == 0 and "no runs recorded yet" in result.out and "no fixes proposed yet" in result.out


def test_stats_on_a_corrupt_file_moves_it_aside_once(repo: Repo, healer: RunHealer, tmp_path: Path) -> None:
    db = tmp_path / "broken.db"
    db.write_bytes(b"not a database at all" * 100)
    env = {"HEALER_DB": str(db)}
    first = healer("stats", env=env)
    assert first.code == 0, first.err
    assert "was unreadable" in first.err and "moved it to" in first.err and "no runs recorded yet" in first.out
    assert len(list(tmp_path.glob("broken.db.corrupt-*"))) == 1
    again = healer("stats", env=env)
    assert again.code == 0 and again.err == ""
    for command in (("history",), ("kb", "search", "x")):
        db.write_bytes(b"garbage" * 300)
        result = healer(*command, env=env)
        assert result.code == 0 and "was unreadable" in result.err, command


def test_kb_search_finds_diagnostics_and_patches(repo: Repo, healer: RunHealer) -> None:
    here = fill(repo)
    result = healer("kb", "search", "os1")
    assert result.code == 0
    assert "ruff:F401  src/mod1.py:2  `os1` imported but unused" in result.out
    assert f"{patch(1).id}  accepted      remove unused import os1" in result.out
    document = json.loads(healer("kb", "search", "imported unused", "--json", "-n", "1").out)
    assert len(document["diagnostics"]) == 1 and document["diagnostics"][0]["repo"] in (here, "/somewhere/else")
    by_path = json.loads(healer("kb", "search", "src/mod5.py", "--json").out)
    assert [d["repo"] for d in by_path["diagnostics"]] == ["/somewhere/else"]
    assert "nothing matches" in healer("kb", "search", 'zzz "quoted" AND (').out


def test_kb_export_and_import(repo: Repo, healer: RunHealer, tmp_path: Path) -> None:
    fill(repo)
    stdout = healer("kb", "export")
    rows = [json.loads(line) for line in stdout.out.splitlines()]
    assert rows and all("table" in row for row in rows)
    dump = tmp_path / "kb.jsonl"
    result = healer("kb", "export", str(dump))
    assert result.code == 0 and f"exported {len(rows)} rows" in result.err
    assert dump.read_text() == stdout.out

    other = {"HEALER_DB": str(tmp_path / "other.db")}
    first = healer("kb", "import", str(dump), env=other)
    assert first.code == 0 and f"imported {len(rows)} new rows" in first.out
    second = healer("kb", "import", str(dump), "--json", env=other)
    assert second.code == 0 and not any(json.loads(second.out)["added"].values())
    assert healer("kb", "export", env=other).out.count("\n") == len(rows)

    broken = tmp_path / "broken.jsonl"
    broken.write_text(stdout.out + '{"table": "runs", "id": 1}\n')
    third = healer("kb", "import", str(broken), env={"HEALER_DB": str(tmp_path / "third.db")})
    assert (
        third.code == 2
        and third.err.strip()
        == f"healer: {broken}:{len(rows) + 1}: runs row lacks uid, repo, trigger, snapshot, tree, started, duration, outcome"
    )
    assert healer("kb", "export", env={"HEALER_DB": str(tmp_path / "third.db")}).out == ""


def test_kb_prune(repo: Repo, healer: RunHealer) -> None:
    fill(repo)
    dry = healer("kb", "prune", "--keep-days", "0", "--dry-run")
    assert dry.code == 0 and dry.out.startswith("would delete") and "4 runs" in dry.out
    assert len(json.loads(healer("history", "--all-repos", "--json").out)["runs"]) == 4
    done = json.loads(healer("kb", "prune", "--max-runs", "1", "--json").out)
    assert done["deleted"]["runs"] == 2 and not done["dry_run"]
    assert [r["outcome"] for r in json.loads(healer("history", "--json").out)["runs"]] == ["passed"]
    bad = healer("kb", "prune", "--keep-days", "-1")
    assert bad.code == 2 and "must be 0 or more" in bad.err


def test_help(healer: RunHealer) -> None:
    for command in (("history",), ("stats",), ("kb",), ("kb", "prune"), ("kb", "search")):
        result = healer(*command, "--help")
        assert result.code == 0 and "usage: healer " + " ".join(command) in result.out
    assert "healer stats" in healer("--help").out
    assert os.environ["HEALER_DB"]
