"""Workflows of fake agent CLIs: iterative (told the verdict until it passes), sequential (implement, review,
refine) and parallel (several agents on the same failures, best verified first)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.agents.conftest import CALC, agent_patches, fix, project, steps
from tests.conftest import Repo
from tests.verify.jails import needs_jail

AGENTS = """
[agents.claude]
preset = "claude"
timeout = 60
max_attempts = 3

[agents.codex]
preset = "codex"
timeout = 60

[agents.gemini]
preset = "gemini"
timeout = 60
"""


@needs_jail
def test_iterative_tells_the_agent_why_its_fix_failed_until_it_passes(repo: Repo, fakes: Callable[..., Path]) -> None:
    fakes("claude", "retry")
    project(repo, AGENTS)
    document = fix(repo, "claude")
    done = steps(document)
    assert [s["outcome"] for s in done] == ["failed", "verified"], done
    assert "previous change is already in the files" in done[1]["prompt"]
    assert "still reports" in done[1]["prompt"] or "test_add" in done[1]["prompt"]
    verified = [p for p in agent_patches(document) if p["status"] == "verified"]
    # The second run continued from the first fix: its patch is the whole change from the original.
    assert len(verified) == 1 and "-    return a - b\n+    return a + b" in verified[0]["diff"]


@needs_jail
def test_sequential_review_comments_reach_the_refiner(repo: Repo, fakes: Callable[..., Path]) -> None:
    fakes("claude", "fix")
    fakes("codex", "reviewer-rejects")
    fakes("gemini", "refiner")
    flow = (
        '[workflows.careful]\nkind = "sequential"\nsteps = [{agent = "claude"}, {agent = "codex", role = "review"},'
        ' {agent = "gemini", role = "refine"}]\n'
    )
    project(repo, AGENTS, flow)
    document = fix(repo, "careful")
    done = steps(document)
    assert [(s["agent"], s["role"], s["outcome"]) for s in done] == [
        ("claude", "implement", "verified"),
        ("codex", "review", "changes-requested"),
        ("gemini", "refine", "verified"),
    ], done
    assert "+    return a + b" in done[1]["prompt"] and "every check passes" in done[1]["prompt"]
    assert "add a docstring" in done[2]["prompt"]
    assert done[1]["notes"] == []  # the reviewer's copy held the fix; it changed nothing of its own
    refined = next(p for p in agent_patches(document) if p["origin"] == "gemini")
    assert "Return the sum of a and b." in refined["diff"] and "+    return a + b" in refined["diff"]
    assert document["rounds"][0]["agents"]["workflow"] == "careful"


@needs_jail
def test_sequential_skips_the_refiner_when_the_reviewer_approves(repo: Repo, fakes: Callable[..., Path]) -> None:
    fakes("claude", "fix")
    fakes("codex", "reviewer-approves")
    fakes("gemini", "refiner")
    flow = (
        '[workflows.careful]\nkind = "sequential"\nsteps = [{agent = "claude"}, {agent = "codex", role = "review"},'
        ' {agent = "gemini", role = "refine"}]\n'
    )
    project(repo, AGENTS, flow)
    done = steps(fix(repo, "careful"))
    assert [(s["agent"], s["outcome"]) for s in done] == [("claude", "verified"), ("codex", "approved")]


@needs_jail
def test_parallel_runs_every_agent_and_puts_the_verified_fix_first(repo: Repo, fakes: Callable[..., Path]) -> None:
    fakes("claude", "wrong")
    fakes("codex", "fix")
    project(repo, AGENTS, '[workflows.race]\nkind = "parallel"\nagents = ["claude", "codex"]\n')
    document = fix(repo, "race", apply="all")
    patches = agent_patches(document)
    assert [(p["origin"], p["status"]) for p in patches] == [("codex", "verified"), ("claude", "failed")]
    assert {s["agent"] for s in steps(document)} == {"claude", "codex"}
    # --apply all applied the verified one: the tree now passes.
    assert (repo.path / "calc.py").read_text() == CALC.replace("a - b", "a + b")
    assert document["outcome"] == "passed"


@needs_jail
def test_codex_and_gemini_outputs_are_read(repo: Repo, fakes: Callable[..., Path]) -> None:
    fakes("codex", "fix")
    fakes("gemini", "fix")
    project(repo, AGENTS, '[workflows.race]\nkind = "parallel"\nagents = ["codex", "gemini"]\n')
    by_agent = {s["agent"]: s for s in steps(fix(repo, "race"))}
    assert by_agent["codex"]["tokens_in"] == 900 and by_agent["codex"]["tokens_out"] == 120
    assert by_agent["gemini"]["tokens_in"] == 800 and by_agent["gemini"]["cost"] is None
    assert "Changed add" in by_agent["codex"]["summary"] and "Changed add" in by_agent["gemini"]["summary"]


@needs_jail
def test_the_budget_ends_a_workflow_of_agents_that_report_their_cost(repo: Repo, fakes: Callable[..., Path]) -> None:
    fakes("claude", "wrong")
    project(repo, AGENTS, "[llm]\nbudget_per_run = 0.02\n")
    document = fix(repo, "claude")
    # Each run reports $0.0123: the second brings the spend past $0.02, so no third starts.
    assert len(steps(document)) == 2
    assert "budget is spent" in str(document["rounds"][0]["agents"]["stopped"])


@needs_jail
def test_parallel_with_the_model_asks_both_and_ranks_their_candidates_together(
    repo: Repo, fakes: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.llm.server import fake_model, reply
    from tests.llm.test_model_fix import GOOD

    fakes("claude", "wrong")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    with fake_model(reply(GOOD)) as model:
        llm = f'[llm]\nmodel = "openai/gpt-4o-mini"\napi_base = "{model.api_base}"\nmax_attempts = 1\n'
        project(repo, AGENTS, llm + '\n[workflows.race]\nkind = "parallel"\nagents = ["claude", "model"]\n')
        document = fix(repo, "race")
        asked = len(model.requests)
    patches = [p for one in document["rounds"] for p in one["patches"] if p["source"] in ("agent", "model")]
    assert [(p["source"], p["status"]) for p in patches] == [("model", "verified"), ("agent", "failed")], patches
    assert asked == 1 and document["rounds"][0]["model"]["attempts"][0]["outcome"] == "verified"
