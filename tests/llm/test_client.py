"""One request to a model: cached, budgeted, retried, recorded; litellm imported only when a request is made."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from healer.config.settings import LLMSettings
from healer.kb.database import KnowledgeBase
from healer.kb.history import local_midnight
from healer.kb.store import Store
from healer.llm.budget import Budget
from healer.llm.client import ModelClient, ModelError
from tests.llm.server import error, fake_model, reply

ROOT = Path(__file__).resolve().parents[2]
ASK = [{"role": "system", "content": "fix it"}, {"role": "user", "content": "calc.py fails"}]


def client(tmp_path: Path, *, extra: dict[str, Any] | None = None, **settings: Any) -> ModelClient:
    llm = LLMSettings(model="openai/gpt-4o-mini", **settings)
    db = tmp_path / "kb.db"
    return ModelClient(
        llm, Budget(llm.budget_per_run, llm.budget_per_day), kb=KnowledgeBase(db), repo="r", extra=extra or {}
    )


def rows(tmp_path: Path) -> list[tuple[Any, ...]]:
    with Store(tmp_path / "kb.db") as store:
        query = "SELECT model, ok, cached, cost > 0, prompt_tokens, error IS NULL FROM model_calls ORDER BY id"
        return store.conn.execute(query).fetchall()


def test_a_reply_is_priced_recorded_and_cached(tmp_path: Path) -> None:
    first = client(tmp_path, extra={"mock_response": "the fix"})
    answer = first.complete(ASK)
    assert answer.text == "the fix" and not answer.cached and answer.cost and answer.cost > 0
    # The same prompt again: the knowledge base answers, whatever the model would say now.
    again = client(tmp_path, extra={"mock_response": "something else"}).complete(ASK)
    assert again.text == "the fix" and again.cached
    assert rows(tmp_path) == [("openai/gpt-4o-mini", 1, 0, 1, answer.prompt_tokens, 1), ("openai/gpt-4o-mini", 1, 1, 0,
                              answer.prompt_tokens, 1)]  # fmt: skip
    # Another prompt, another request.
    other = client(tmp_path, extra={"mock_response": "other"}).complete([*ASK, {"role": "user", "content": "more"}])
    assert other.text == "other" and not other.cached


def test_without_history_replies_are_not_kept(tmp_path: Path) -> None:
    one = client(tmp_path, extra={"mock_response": "first"})
    one.keep_replies = False
    one.complete(ASK)
    two = client(tmp_path, extra={"mock_response": "second"})
    two.keep_replies = False
    assert two.complete(ASK).text == "second"


def test_the_run_budget_refuses_before_any_request(tmp_path: Path) -> None:
    poor = client(tmp_path, extra={"mock_response": "x"}, budget_per_run=0.0000001)
    with pytest.raises(ModelError, match="run's model budget") as caught:
        poor.complete(ASK)
    assert caught.value.kind == "budget" and rows(tmp_path) == []


def test_the_day_budget_counts_what_other_commands_spent(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        store.record_model_call("elsewhere", model="m", prompt_tokens=1, completion_tokens=1, cost=1.9995, latency=1,
                                prompt_hash="h", ok=True)  # fmt: skip
        spent = store.model_spending(local_midnight())
    assert spent == pytest.approx(1.9995)
    llm = LLMSettings(model="openai/gpt-4o-mini", budget_per_day=2.0)
    today = ModelClient(llm, Budget(1.0, 2.0, spent_before_today=spent), extra={"mock_response": "x"})
    with pytest.raises(ModelError, match="today's model budget"):
        today.complete(ASK * 200)  # a long prompt: its worst case would pass the day's limit


def test_many_calls_in_parallel_never_overspend(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tests.llm.server import Step

    prompts = [[{"role": "user", "content": f"prompt {n} " + "word " * 2000}] for n in range(40)]
    with fake_model(Step(text="x", usage=(2000, 2000))) as model:
        shared = client(tmp_path, api_base=model.api_base, budget_per_run=0.01)
        with ThreadPoolExecutor(8) as pool:
            answered = sum(pool.map(lambda messages: ask(shared, messages), prompts))
    # Each call costs about $0.0015: a handful fit, the others are refused before they are sent.
    assert 0 < answered < 40 and len(model.requests) == answered
    assert shared.budget.spent <= 0.01 and shared.budget.reserved == pytest.approx(0.0)


def ask(shared: ModelClient, messages: list[dict[str, str]]) -> bool:
    try:
        shared.complete(messages)
        return True
    except ModelError:
        return False


def test_fallbacks_answer_when_the_first_model_cannot(tmp_path: Path) -> None:
    def by_model(body: dict[str, Any]) -> Any:
        return error(401) if body["model"] == "gpt-4o-mini" else reply("from the fallback")

    with fake_model(by_model) as model:
        both = client(tmp_path, api_base=model.api_base, fallbacks=("openai/gpt-4o",), retries=3)
        answer = both.complete(ASK)
    assert answer.text == "from the fallback" and answer.model == "openai/gpt-4o"
    # An authentication failure is not retried: one request to each model.
    assert [body["model"] for body in model.requests] == ["gpt-4o-mini", "gpt-4o"]
    assert both.usage.failed == 1 and "authentication failed" in both.usage.errors[0]


def test_retries_back_off_and_give_up_with_one_line(tmp_path: Path) -> None:
    waits: list[float] = []
    with fake_model(error(503)) as model:
        failing = client(tmp_path, api_base=model.api_base, retries=2)
        failing.sleep = waits.append
        with pytest.raises(ModelError) as caught:
            failing.complete(ASK)
    assert len(model.requests) == 3 and waits == [0.5, 1.0]
    message = str(caught.value)
    assert "\n" not in message and "(3 tries)" in message and message.startswith("openai/gpt-4o-mini: ")


def test_a_timeout_is_reported_within_the_configured_time(tmp_path: Path) -> None:
    from tests.llm.server import hang

    with fake_model(hang(20)) as model:
        slow = client(tmp_path, api_base=model.api_base, retries=0, timeout=1.0)
        began = time.monotonic()
        with pytest.raises(ModelError, match=r"no answer within llm\.timeout") as caught:
            slow.complete(ASK)
    assert time.monotonic() - began < 10 and caught.value.kind == "timeout"


def test_api_keys_come_from_the_named_variable_only(tmp_path: Path) -> None:
    with fake_model(reply("ok")) as model:
        keyed = client(tmp_path, api_base=model.api_base, api_key_env="MY_MODEL_KEY")
        keyed.environ = {"MY_MODEL_KEY": "sk-from-the-environment"}
        keyed.complete(ASK)
        missing = client(tmp_path, api_base=model.api_base, api_key_env="MY_MODEL_KEY")
        missing.environ = {}
        with pytest.raises(ModelError, match="MY_MODEL_KEY, which is not set"):
            missing.complete([{"role": "user", "content": "other"}])
    assert len(model.requests) == 1
    assert b"Bearer sk-from-the-environment" in model.raw_requests[0]


def test_importing_the_fix_paths_does_not_import_litellm() -> None:
    code = (
        "import sys\n"
        "import healer.commands.fix, healer.commands.hook, healer.commands.doctor, healer.fixing.loop\n"
        "import healer.llm.setup, healer.fixers.llm, healer.llm.client, healer.llm.prompt, healer.llm.cluster\n"
        "print('litellm' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_loading_litellm_opens_no_connection() -> None:
    code = (
        "import sys\n"
        "events = []\n"
        "sys.addaudithook(lambda e, a: events.append((e, a)) if e in ('socket.connect', 'socket.getaddrinfo') else None)\n"
        "from healer.llm.runtime import load_litellm\n"
        "litellm = load_litellm()\n"
        "litellm.completion(model='openai/gpt-4o-mini', messages=[{'role': 'user', 'content': 'x'}],"
        " mock_response='y')\n"
        "print(events)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_a_broken_litellm_is_one_model_error_naming_it(tmp_path: Path) -> None:
    # A half-removed install: found, but its import fails. The request fails as any other would, in one line.
    (tmp_path / "broken" / "litellm").mkdir(parents=True)
    (tmp_path / "broken" / "litellm" / "__init__.py").write_text("raise ImportError('half removed')\n")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tests.llm.test_client import ASK, client\n"
        "from healer.llm.client import ModelError\n"
        "try:\n"
        f"    client(Path({str(tmp_path)!r})).complete(ASK)\n"
        "except ModelError as error:\n"
        "    print(error.kind, error)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "broken"), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.strip() == (
        "request the model fixer is unavailable: litellm cannot be imported (half removed)"
    ), done.stdout + done.stderr


def test_a_closed_port_is_a_connection_error_in_plain_words(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the socket closes
    closed = client(tmp_path, api_base=f"http://127.0.0.1:{port}/v1", retries=1)
    closed.sleep = lambda _s: None
    with pytest.raises(ModelError) as caught:
        closed.complete(ASK)
    assert caught.value.kind == "connection" and "cannot connect" in str(caught.value)
    assert "litellm." not in str(caught.value) and "(2 tries)" in str(caught.value)


def test_dollars_show_the_millionths_a_small_call_costs() -> None:
    from healer.llm.budget import dollars

    assert [dollars(x) for x in (0.0, 0.000042, 0.25, 1.5)] == ["$0.0000", "$0.000042", "$0.2500", "$1.5000"]
