"""The model fixer end to end: the real `healer fix` talking to a scripted OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Repo, RunHealer
from tests.llm.server import FakeModel, error, fake_model, hang, reply

CALC = "def add(a: int, b: int) -> int:\n    return a - b\n"
TEST = "from calc import add\n\n\ndef test_add() -> None:\n    assert add(2, 3) == 5\n"
GOOD = "Add instead of subtracting.\n\ncalc.py\n<<<<<<< SEARCH\n    return a - b\n=======\n    return a + b\n>>>>>>> REPLACE\n"
WRONG = "Multiply.\n\ncalc.py\n<<<<<<< SEARCH\n    return a - b\n=======\n    return a * b\n>>>>>>> REPLACE\n"


def config(model: FakeModel, **llm: Any) -> str:
    settings = {"model": "openai/gpt-4o-mini", "api_base": model.api_base, "timeout": 20, **llm}
    lines = "\n".join(f"{key} = {json.dumps(value)}" for key, value in settings.items())
    return (
        '[stages.test]\nrun = "python -m pytest -q -p no:cacheprovider"\nkind = "test"\nparser = "pytest"\n\n'
        f"[llm]\n{lines}\n"
    )


def project(repo: Repo, model: FakeModel, **llm: Any) -> None:
    repo.config(config(model, **llm))
    repo.write("calc.py", CALC)
    repo.write("test_calc.py", TEST)
    repo.commit("start")


def fix(repo: Repo, apply: str | None = None, offline: str | None = None) -> dict[str, Any]:
    """`healer fix --json` in this process (litellm is imported once per test worker, not once per test)."""
    from healer.fixing.report import FixOptions
    from healer.render.fix_json import fix_document
    from healer.service import Healer
    from healer.workspace import open_workspace

    core = Healer(open_workspace(repo.path), via="cli")
    reason = offline or core.offline_reason()
    options = FixOptions(apply=apply, offline=reason)  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
        report = core.fix(options)
    return json.loads(json.dumps(fix_document(report)))


def fix_cli(healer: RunHealer, *args: str) -> dict[str, Any]:
    done = healer("fix", "--json", *args, env={"OPENAI_API_KEY": "sk-test-not-a-real-key"}, timeout=240)
    assert done.code in (0, 1), done.err
    return dict(json.loads(done.out))


def model_patches(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for one in document["rounds"] for p in one["patches"] if p["source"] == "model"]


def attempts(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for one in document["rounds"] if one["model"] for a in one["model"]["attempts"]]


def test_a_verified_model_fix_is_applied_and_recorded(
    repo: Repo, healer: RunHealer, isolated_environment: Path
) -> None:
    with fake_model(reply(GOOD)) as model:
        project(repo, model)
        document = fix_cli(healer, "--apply", "all")
    assert document["outcome"] == "passed" and document["offline"] is None
    [patch] = model_patches(document)
    assert patch["status"] == "verified" and patch["origin"] == "openai/gpt-4o-mini" and patch["safety"] == "review"
    assert (repo.path / "calc.py").read_text() == CALC.replace("a - b", "a + b")
    assert len(model.requests) == 1
    sent = model.requests[0]
    prompt = "\n".join(message["content"] for message in sent["messages"])
    # The prompt holds the failure, the code it is about and the failing test's source.
    assert "test_calc.py::test_add" in prompt and "return a - b" in prompt and "assert add(2, 3) == 5" in prompt
    assert sent["max_tokens"] == 2048 and sent["temperature"] == 0
    usage = document["model_usage"]
    assert usage["calls"] == 1 and usage["prompt_tokens"] == 120 and usage["cost"] > 0
    with sqlite3.connect(isolated_environment / "healer.db") as db:
        calls = db.execute("SELECT model, ok, cached, cost FROM model_calls").fetchall()
    assert calls == [("openai/gpt-4o-mini", 1, 0, pytest.approx(usage["cost"]))]


def test_a_malformed_reply_gets_one_repair_request(repo: Repo, healer: RunHealer) -> None:
    broken = "calc.py\n<<<<<<< SEARCH\n    return a - b\n>>>>>>> REPLACE\n"
    with fake_model(reply(broken), reply(GOOD)) as model:
        project(repo, model)
        document = fix(repo)
    [attempt] = attempts(document)
    assert attempt["outcome"] == "verified" and attempt["repaired"] and attempt["number"] == 1
    assert len(model.requests) == 2
    repair = model.requests[1]["messages"]
    assert repair[-2] == {"role": "assistant", "content": broken}
    assert "could not be used" in repair[-1]["content"]


def test_a_failed_attempt_sends_its_verdict_into_the_next(repo: Repo, healer: RunHealer) -> None:
    with fake_model(reply(WRONG), reply(GOOD)) as model:
        project(repo, model)
        document = fix(repo)
    outcomes = [(a["number"], a["outcome"]) for a in attempts(document)]
    assert outcomes == [(1, "failed"), (2, "verified")]
    second = model.requests[1]["messages"][-1]["content"]
    assert "Attempt 1 did not work" in second and "return a * b" in second and "assert 6 == 5" in second


def test_attempts_stop_at_max_attempts(repo: Repo, healer: RunHealer) -> None:
    with fake_model(reply(WRONG)) as model:
        project(repo, model, max_attempts=2)
        document = fix(repo)
    assert [a["outcome"] for a in attempts(document)] == ["failed", "failed"]
    assert len(model.requests) == 2 and document["outcome"] == "failed"
    assert (repo.path / "calc.py").read_text() == CALC


@pytest.mark.parametrize(
    "path", ["../outside.py", "/tmp/healer-escape.py", ".git/hooks/pre-commit", "sub/../../outside.py"]
)
def test_edits_escaping_the_repository_are_refused(repo: Repo, healer: RunHealer, path: str) -> None:
    escape = f"{path}\n<<<<<<< SEARCH\n=======\nprint('owned')\n>>>>>>> REPLACE\n"
    with fake_model(reply(escape)) as model:
        project(repo, model, max_attempts=1)
        document = fix(repo, "all")
    [attempt] = attempts(document)
    assert attempt["outcome"] in ("malformed", "refused"), attempt
    assert not (repo.path.parent / "outside.py").exists() and not Path("/tmp/healer-escape.py").exists()
    assert not (repo.path / ".git/hooks/pre-commit").exists()
    assert document["applied"] == []


def test_an_edit_to_a_test_is_flagged_and_not_applied_as_safe(repo: Repo, healer: RunHealer) -> None:
    loosen = "test_calc.py\n<<<<<<< SEARCH\n    assert add(2, 3) == 5\n=======\n    assert add(2, 3) == -1\n>>>>>>> REPLACE\n"
    with fake_model(reply(loosen)) as model:
        project(repo, model, max_attempts=1)
        document = fix(repo, "safe")
    [patch] = model_patches(document)
    # It passes only as it changes the assertion: not "verified" (tests/llm/test_weakening_replies.py).
    assert patch["status"] == "changes-checks" and {"edits-tests", "weakens-assertion"} <= set(patch["flags"])
    assert document["applied"] == [] and (repo.path / "test_calc.py").read_text() == TEST


def test_rate_limits_are_retried_after_the_servers_delay(repo: Repo, healer: RunHealer) -> None:
    with fake_model(error(429, retry_after=0), reply(GOOD)) as model:
        project(repo, model)
        document = fix(repo)
    assert [a["outcome"] for a in attempts(document)] == ["verified"]
    assert len(model.requests) == 2 and document["model_usage"]["failed"] == 1


def test_a_model_that_never_answers_leaves_the_rule_fixes(repo: Repo, healer: RunHealer) -> None:
    with fake_model(hang(30)) as model:
        project(repo, model, timeout=1, retries=1)
        repo.write("extra.py", "import os\n")  # ruff F401: a rule fixes it
        repo.config(config(model, timeout=1, retries=1) + '\n[stages.lint]\nrun = "ruff check --no-cache ."\n'
                    'parser = "ruff"\n')  # fmt: skip
        repo.commit("lint")
        document = fix(repo)
    rule = [p for one in document["rounds"] for p in one["patches"] if p["source"] == "rule"]
    assert any(p["status"] == "verified" for p in rule)
    [attempt] = attempts(document)
    assert attempt["outcome"] == "error" and "no answer within llm.timeout" in attempt["detail"]
    assert "(2 tries)" in attempt["detail"] and len(model.requests) == 2
    assert document["rounds"][0]["model"]["stopped"] is None or "timeout" in document["rounds"][0]["model"]["stopped"]


def test_a_server_error_then_garbage_then_a_huge_reply_never_breaks_the_run(repo: Repo, healer: RunHealer) -> None:
    huge = "calc.py\n<<<<<<< SEARCH\n" + "x = 1\n" * 60_000 + "=======\n>>>>>>> REPLACE\n"
    with fake_model(error(500), error(500), error(500), reply("I cannot help with that."), reply(huge)) as model:
        project(repo, model, retries=2, max_attempts=2)
        done = healer("fix", env={"OPENAI_API_KEY": "x"}, timeout=240)
    assert done.code == 1, done.err
    assert "Traceback" not in done.out + done.err
    assert "the provider failed" in done.out or "provider" in done.out
    assert (repo.path / "calc.py").read_text() == CALC


def test_the_budget_stops_a_call_before_it_is_made(repo: Repo, healer: RunHealer) -> None:
    with fake_model(reply(GOOD)) as model:
        project(repo, model, budget_per_run=0.000001)
        document = fix(repo)
    assert model.requests == []
    [attempt] = attempts(document)
    assert attempt["outcome"] == "error" and "budget" in attempt["detail"]
    assert "budget" in document["rounds"][0]["model"]["stopped"]


def test_a_failure_seen_again_is_answered_from_the_cache(repo: Repo, healer: RunHealer) -> None:
    with fake_model(reply(GOOD)) as model:
        project(repo, model)
        first = fix(repo)
        second = fix(repo)
        stats = healer("stats", "--json")
    assert len(model.requests) == 1
    assert first["model_usage"]["calls"] == 1 and second["model_usage"]["calls"] == 0
    assert second["model_usage"]["cached"] == 1 and model_patches(second)[0]["status"] == "verified"
    recorded = json.loads(stats.out)["model"]
    assert recorded["calls"] == 1 and recorded["cached"] == 1


@pytest.mark.parametrize("how", ["--offline", "HEALER_OFFLINE"])
def test_offline_never_contacts_the_model(repo: Repo, healer: RunHealer, how: str) -> None:
    with fake_model(reply(GOOD)) as model:
        project(repo, model)
        args = ("--offline",) if how == "--offline" else ()
        done = healer("fix", "--json", *args, env={"HEALER_OFFLINE": "1"} if how != "--offline" else {})
    assert model.requests == []
    document = json.loads(done.out)
    assert document["offline"] and document["model_usage"] is None


def test_a_missing_key_variable_is_one_clear_line(repo: Repo, healer: RunHealer) -> None:
    with fake_model(reply(GOOD)) as model:
        project(repo, model, api_key_env="HEALER_TEST_KEY_NOT_SET")
        done = healer("fix", timeout=240)
    assert model.requests == []
    assert "HEALER_TEST_KEY_NOT_SET, which is not set" in done.out


def test_asking_about_one_failure_verifies_a_fix_and_changes_nothing(repo: Repo) -> None:
    from healer.pipeline.runner import run_pipeline
    from healer.service import Healer
    from healer.workspace import open_workspace

    with fake_model(reply(GOOD)) as model:
        project(repo, model)
        repo.write("test_other.py", "def test_other() -> None:\n    assert 1 + 1 == 3\n")
        repo.commit("another failure")
        workspace = open_workspace(repo.path)
        run = run_pipeline(workspace.config, workspace.root)
        chosen = next(d for d in run.diagnostics if d.node_id == "test_calc.py::test_add")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("OPENAI_API_KEY", "x")
            core = Healer(workspace, via="tui")
            found = core.propose(run, fixers=core.fixers(("model",), offline=None), only=[chosen.fingerprint])
    assert len(model.requests) == 1 and "test_other" not in model.requests[0]["messages"][1]["content"]
    assert found.model is not None and [c.status for c in found.candidates] == ["verified"]
    assert (repo.path / "calc.py").read_text() == CALC and repo.git("status", "--porcelain") == ""


def test_a_reply_with_a_lone_surrogate_is_a_malformed_reply_not_a_crash(repo: Repo) -> None:
    from tests.llm.server import Step

    body = b'{"id": "x", "object": "chat.completion", "created": 1, "model": "m", "choices": [{"index": 0,' \
        b' "message": {"role": "assistant", "content": "garbage \\udc80 here"}, "finish_reason": "stop"}],' \
        b' "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}'  # fmt: skip
    with fake_model(Step(raw=body)) as model:
        project(repo, model, max_attempts=1)
        document = fix(repo)
    [attempt] = attempts(document)
    assert attempt["outcome"] == "malformed" and (repo.path / "calc.py").read_text() == CALC


def test_a_symlinked_folder_does_not_lead_around_a_deny_glob(repo: Repo) -> None:
    secret = "customer: alice-in-wonderland\n"
    near_miss = "cfg/credentials.yml\n<<<<<<< SEARCH\ncustomer: alice\n=======\nx\n>>>>>>> REPLACE\n"
    git_probe = ".git/config\n<<<<<<< SEARCH\n[core\n=======\nx\n>>>>>>> REPLACE\n"
    with fake_model(reply(near_miss), reply(git_probe)) as model:
        project(repo, model, max_attempts=1, deny=["config/credentials.*"])
        repo.write("config/credentials.yml", secret)
        (repo.path / "cfg").symlink_to("config")
        repo.commit("with credentials")
        fix(repo)
    sent = model.everything_sent()
    assert "alice-in-wonderland" not in sent and "repositoryformatversion" not in sent
    assert len(model.requests) == 2  # the reply, then its repair request: the refusal names no content
    assert "llm.deny" in model.requests[1]["messages"][-1]["content"]


def test_another_servers_never_receive_the_users_openai_key(repo: Repo) -> None:
    with fake_model(reply(GOOD)) as model:
        project(repo, model)
        fix(repo)  # OPENAI_API_KEY is set to a test value while it runs
    assert b"sk-test-not-a-real-key" not in b"\n".join(model.raw_requests)
    assert b"Bearer no-key" in model.raw_requests[0]


def test_the_same_broken_fix_twice_is_not_verified_again(repo: Repo) -> None:
    with fake_model(reply(WRONG)) as model:
        project(repo, model, max_attempts=3)
        document = fix(repo)
    outcomes = [(a["outcome"], a["detail"].split(",")[0]) for a in attempts(document)]
    assert outcomes[0][0] == "failed" and all("the same edits as attempt 1" in d for _, d in outcomes[1:])
    assert len(model_patches(document)) == 1
    assert "repeats attempt 1" in model.requests[2]["messages"][-1]["content"]


def test_ctrl_c_during_a_model_request_ends_the_run_at_once(repo: Repo) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    with fake_model(hang(120)) as model:
        project(repo, model, timeout=60, retries=2)
        env = {**os.environ, "OPENAI_API_KEY": "x"}
        child = subprocess.Popen([sys.executable, "-m", "healer", "fix"], cwd=repo.path, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        deadline = time.monotonic() + 120
        while not model.requests and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.1)
        assert model.requests, child.communicate()
        began = time.monotonic()
        child.send_signal(signal.SIGINT)
        _out, err = child.communicate(timeout=60)
        took = time.monotonic() - began
    assert child.returncode == 130 and "Traceback" not in err and err.strip().endswith("healer: interrupted")
    assert took < 10, took  # not the request's 60 s timeout, let alone its retries
    assert len(model.requests) == 1
    assert repo.git("status", "--porcelain") == ""


def test_the_text_report_shows_cost_repairs_and_the_right_apply_hint(repo: Repo, healer: RunHealer) -> None:
    broken = "calc.py\n<<<<<<< SEARCH\n    return a - b\n>>>>>>> REPLACE\n"
    with fake_model(reply(broken), reply(GOOD)) as model:
        project(repo, model)
        done = healer("fix", env={"OPENAI_API_KEY": "x"}, timeout=240)
    out = done.out
    assert "model openai/gpt-4o-mini: 1 attempt (1 verified, 1 with a repair request)" in out
    assert "· model openai/gpt-4o-mini · review · confidence 0.5 · $0.0" in out
    assert "model: 2 calls, 0 answered from the cache, 0 failed;" in out
    assert "Apply them with `healer fix --apply all` (they are classed review: read them first)." in out
