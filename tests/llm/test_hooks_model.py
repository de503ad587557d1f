"""The pre-commit hook asks a model only when the configuration says so (llm.hooks = true)."""

from __future__ import annotations

from tests.conftest import Repo, RunHealer
from tests.hooks.helpers import run_git
from tests.llm.server import fake_model, reply
from tests.llm.test_model_fix import CALC, GOOD, TEST, config


def blocked_commit(repo: Repo, healer: RunHealer, text: str) -> tuple[int, str]:
    repo.config(text)
    repo.write("calc.py", "def add(a: int, b: int) -> int:\n    return a + b\n")
    repo.write("test_calc.py", TEST)
    repo.commit("start")
    assert healer("install", "--hook", "pre-commit").code == 0
    repo.write("calc.py", CALC)
    repo.git("add", "calc.py")
    # -X importtime lists every module the hook's Python imports, on stderr.
    done = run_git(repo.path, "commit", "-q", "-m", "bad", env={"PYTHONPROFILEIMPORTTIME": "1"})
    return done.returncode, done.stderr


def test_by_default_the_hook_neither_imports_litellm_nor_asks(repo: Repo, healer: RunHealer) -> None:
    with fake_model(reply(GOOD)) as model:
        code, err = blocked_commit(repo, healer, config(model))
    assert code == 1 and model.requests == []
    assert "looking for fixes (rules," in err
    assert "import time:" in err and "litellm" not in err


def test_with_llm_hooks_the_hook_lists_the_models_verified_fix(repo: Repo, healer: RunHealer) -> None:
    with fake_model(reply(GOOD)) as model:
        code, err = blocked_commit(repo, healer, config(model, hooks=True))
    assert code == 1 and len(model.requests) == 1
    assert "looking for fixes (rules and the model," in err
    assert "1 verified fix available" in err and "calc.py" in err
    # Listed, never applied: a model's fix is classed review.
    assert (repo.path / "calc.py").read_text() == CALC
