"""`healer doctor` says which model is configured and whether it answers; `--offline` asks nothing."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Repo, RunHealer
from tests.llm.server import error, fake_model, reply
from tests.llm.test_model_fix import config


def model_check(healer: RunHealer, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = healer("doctor", "--json", *args, env=env)
    checks = {check["name"]: check for check in json.loads(done.out)["checks"]}
    return dict(checks["model"])


def test_doctor_asks_the_model_for_one_word(repo: Repo, healer: RunHealer) -> None:
    with fake_model(reply("OK")) as model:
        repo.config(config(model))
        check = model_check(healer)
        assert len(model.requests) == 1 and model.requests[0]["max_tokens"] == 5
    assert check["ok"] and "openai/gpt-4o-mini at http://127.0.0.1:" in check["detail"]
    assert "answers in" in check["detail"] and "'OK'" in check["detail"]


def test_doctor_reports_a_model_that_does_not_answer(repo: Repo, healer: RunHealer) -> None:
    with fake_model(error(401)) as model:
        repo.config(config(model))
        done = healer("doctor")
    assert done.code == 1
    line = next(row for row in done.out.splitlines() if " model " in f" {row} ")
    assert line.startswith("BAD") and "authentication failed" in line


def test_doctor_offline_and_a_missing_key_send_nothing(repo: Repo, healer: RunHealer) -> None:
    with fake_model(reply("OK")) as model:
        repo.config(config(model))
        offline = model_check(healer, "--offline")
        repo.config(config(model, api_key_env="HEALER_DOCTOR_KEY"))
        missing = model_check(healer)
        assert model.requests == []
    assert offline["ok"] and "not asked (--offline)" in offline["detail"]
    assert not missing["ok"] and "HEALER_DOCTOR_KEY, which is not set" in missing["detail"]
