"""`healer secrets` as a user runs it: a real repository whose failing test prints a secret, the real CLI.

The secrets are generated here from a seed (tests/llm/redaction/formats.py), never stored. A model is
configured and listening, and must receive nothing: the command only shows what would be sent.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_startup_imports import loaded
from tests.llm.redaction.formats import FORMATS
from tests.llm.server import fake_model, reply
from tests.llm.test_model_fix import config

from ..conftest import Repo, RunHealer

BY_NAME = {spec.name: spec for spec in FORMATS}
TOKEN, _ = BY_NAME["github-classic-pat"].value("cli")
PRINTED, _ = BY_NAME["stripe-live-secret"].value("cli")
CALC = "def add(a: int, b: int) -> int:\n    return a - b\n"
TEST = f'''from calc import add

DEPLOY_TOKEN = "{TOKEN}"


def test_add() -> None:
    print("connecting with {PRINTED}")
    assert add(2, 3) == 5
'''


def planted(repo: Repo, model_config: str) -> None:
    repo.config(model_config)
    repo.write("calc.py", CALC)
    repo.write("test_calc.py", TEST)
    repo.commit("start")


def test_shows_each_secret_where_it_is_masked_and_sends_nothing(repo: Repo, healer: RunHealer) -> None:
    with fake_model(reply("never asked")) as model:
        planted(repo, config(model))
        text = healer("secrets")
        as_json = healer("secrets", "--json")
    assert model.requests == []
    assert text.code == 0, text.err
    assert TOKEN not in text.out + text.err and PRINTED not in text.out + text.err
    assert "test_calc.py:3" in text.out and "github-token" in text.out and TOKEN[:4] + "\u2026" in text.out
    assert "output of stage test:" in text.out and "stripe-key" in text.out
    assert as_json.code == 0 and TOKEN not in as_json.out and PRINTED not in as_json.out
    document = json.loads(as_json.out)
    assert document["schema"] == "healer.secrets/1" and document["secrets"] >= 3
    found = [secret for group in document["groups"] for secret in group["secrets"]]
    assert {"where": "test_calc.py", "line": 3, "kind": "github-token"}.items() <= found[0].items()
    assert any(secret["where"] == "output of stage test" and isinstance(secret["line"], int) for secret in found)
    assert all(len(secret["preview"]) <= 5 and secret["length"] >= 40 for secret in found)
    documented = (
        (Path(__file__).resolve().parents[2] / "docs" / "json.md").read_text().split("## `healer.secrets/1`")[1]
    )
    fields = {
        *document,
        *(f"groups[].{key}" for key in document["groups"][0]),
        *(f"groups[].secrets[].{key}" for key in found[0]),
    }
    assert [field for field in fields if f"`{field}`" not in documented] == []


def test_one_failure_or_none(repo: Repo, healer: RunHealer) -> None:
    planted(repo, '[stages.test]\nrun = "python -m pytest -q -p no:cacheprovider"\nkind = "test"\nparser = "pytest"\n')
    narrowed = healer("secrets", "--failure", "test_calc.py::test_add", "--json")
    assert narrowed.code == 0 and json.loads(narrowed.out)["secrets"] >= 3
    other = healer("secrets", "--failure", "no/such.py")
    assert other.code == 0 and "No failure here" in other.out
    repo.write("calc.py", CALC.replace("a - b", "a + b"))
    passing = healer("secrets")
    assert passing.code == 0 and "Nothing failed" in passing.out


def test_loads_no_model_library(repo: Repo) -> None:
    planted(repo, '[stages.test]\nrun = "python -m pytest -q -p no:cacheprovider"\nkind = "test"\nparser = "pytest"\n')
    modules = loaded(repo, "secrets")
    assert "litellm" not in {name.split(".")[0] for name in modules}
