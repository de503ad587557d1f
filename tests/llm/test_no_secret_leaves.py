"""No secret reaches a model: every format of the corpus, planted several times in code and logs, sent through
the real client and the real fix loop to a server that records every byte it receives."""

from __future__ import annotations

import json
import random
from pathlib import Path

from healer.config.settings import LLMSettings
from healer.llm.budget import Budget
from healer.llm.client import ModelClient
from tests.conftest import Repo
from tests.llm.secrets_corpus import corpus, plant
from tests.llm.server import FakeModel, fake_model, reply
from tests.llm.test_model_fix import CALC, GOOD, config, fix


def leaked(model: FakeModel, secrets: list[tuple[str, str]]) -> list[str]:
    raw = model.everything_sent()
    contents = "\n".join(m["content"] for body in model.requests for m in body["messages"])
    found = []
    for kind, secret in secrets:
        escaped = json.dumps(secret)[1:-1]
        if secret in raw or escaped in raw or secret in contents:
            found.append(kind)
    return found


def test_the_corpus_never_reaches_the_server(tmp_path: Path) -> None:
    secrets = corpus(seed=7)
    assert len({kind for kind, _ in secrets}) >= 30
    rng = random.Random(7)
    planted = "\n".join(context for _, secret in secrets for context in plant(secret, rng))
    messages = [
        {"role": "system", "content": "fix it"},
        {"role": "user", "content": planted},
        {"role": "assistant", "content": planted[: len(planted) // 2]},
        {"role": "user", "content": "again:\n" + planted},
    ]
    with fake_model(reply("ok")) as model:
        llm = LLMSettings(model="openai/gpt-4o-mini", api_base=model.api_base)
        client = ModelClient(llm, Budget(1.0, 1.0), environ={"OPENAI_API_KEY": "test"})
        client.complete(messages)
    assert len(model.requests) == 1
    assert leaked(model, secrets) == []
    assert client.usage.redactions >= 3 * len(secrets)
    # What is not a secret still arrives: the model needs the code around it.
    assert "billing-service" in model.requests[0]["messages"][1]["content"]


def test_secrets_in_code_output_and_denied_files_stay_home_during_a_fix(repo: Repo) -> None:
    secrets = corpus(seed=3)[:12]
    rng = random.Random(3)
    lines = [f"KEY_{n} = {json.dumps(secret)}" for n, (_, secret) in enumerate(secrets)]
    printed = "".join(
        f"    print({json.dumps(context)})\n" for _, secret in secrets[:6] for context in plant(secret, rng)[3:5]
    )
    with fake_model(reply(GOOD)) as model:
        repo.config(config(model))
        repo.write("calc.py", CALC + "\n" + "\n".join(lines) + "\n")
        repo.write("test_calc.py", "from calc import add\n\n\ndef test_add() -> None:\n" + printed
                   + "    assert add(2, 3) == 5\n")  # fmt: skip
        repo.write(".env", f"DATABASE_URL=postgres://app:{secrets[0][1]}@db/app\n")
        repo.write("keys/deploy.pem", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n")
        repo.commit("start")
        document = fix(repo)
    assert len(model.requests) == 1 and document["model_usage"]["redactions"] > 0
    assert leaked(model, secrets) == []
    assert "MIIEvQIBADANBg" not in model.everything_sent()
    sent = model.requests[0]["messages"][1]["content"]
    assert "def add(a: int, b: int) -> int:" in sent and "KEY_0 = " in sent
