"""[tool.healer.llm] / healer.toml [llm]: defaults, every key, one-line errors naming file, line and key; memoised."""

from __future__ import annotations

import pytest

from healer.config.errors import ConfigError
from healer.config.load import load_config
from healer.config.memo import recall, remember
from healer.config.settings import LLMSettings

from ..conftest import Repo
from .test_memo import age

STAGE = '[stages.lint]\nrun = "true"\n'
EVERY = """[llm]
model = "ollama/qwen2.5-coder:7b"
api_base = "http://127.0.0.1:11434"
api_key_env = "MY_KEY"
timeout = 12.5
max_attempts = 4
retries = 1
budget_per_run = 0.5
budget_per_day = 3
temperature = 0.2
fallbacks = ["openai/gpt-4o-mini"]
max_prompt_tokens = 3000
max_reply_tokens = 800
deny = ["secrets/**"]
hooks = true
"""


def test_no_table_means_no_model(repo: Repo) -> None:
    repo.config(STAGE)
    settings = load_config(repo.path).llm
    assert settings == LLMSettings() and settings.model is None and settings.timeout == 30.0


def test_every_key(repo: Repo) -> None:
    repo.config(STAGE + EVERY)
    assert load_config(repo.path).llm == LLMSettings(
        model="ollama/qwen2.5-coder:7b", api_base="http://127.0.0.1:11434", api_key_env="MY_KEY", timeout=12.5,
        max_attempts=4, retries=1, budget_per_run=0.5, budget_per_day=3.0, temperature=0.2,
        fallbacks=("openai/gpt-4o-mini",), max_prompt_tokens=3000, max_reply_tokens=800, deny=("secrets/**",),
        hooks=True,
    )  # fmt: skip


def test_the_memo_keeps_the_model(repo: Repo) -> None:
    age(repo.config(STAGE + EVERY))
    state = repo.path / ".git" / "healer"
    config = load_config(repo.path)
    remember(repo.path, state, config)
    recalled = recall(repo.path, state)
    assert recalled == config and recalled is not None
    assert recalled.llm.fallbacks == ("openai/gpt-4o-mini",) and recalled.llm.model == "ollama/qwen2.5-coder:7b"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('model = ""', "llm.model: expected a litellm model name"),
        ("model = 3", "llm.model: expected a litellm model name"),
        ('api_base = "localhost:11434"', "llm.api_base: expected a URL"),
        ('api_key_env = "sk-abc def"', "llm.api_key_env: expected the name of an environment variable"),
        ("timeout = 0", "llm.timeout: expected a number of seconds (0 to 3600), got number 0"),
        ("max_attempts = 0", "llm.max_attempts: expected a whole number from 1 to 20"),
        ("max_attempts = 100", "llm.max_attempts: expected a whole number from 1 to 20"),
        ("retries = -1", "llm.retries: expected a whole number from 0 to 10"),
        ("budget_per_run = -1", "llm.budget_per_run: expected a number of dollars (0 or more)"),
        ('budget_per_day = "5"', "llm.budget_per_day: expected a number of dollars (0 or more), got string '5'"),
        ("temperature = 3", "llm.temperature: expected a number from 0 to 2"),
        ('fallbacks = "gpt-4o"', "llm.fallbacks: expected an array of model names"),
        ("max_prompt_tokens = 10", "llm.max_prompt_tokens: expected a whole number of at least 500"),
        ("max_reply_tokens = 1.5", "llm.max_reply_tokens: expected a whole number of at least 100"),
        ('deny = [" "]', "llm.deny: an empty pattern matches nothing"),
        ('hooks = "yes"', "llm.hooks: expected true or false"),
        ('modle = "x"', "healer.toml:4: llm.modle: unknown key (did you mean 'model'?)"),
    ],
)
def test_errors_name_file_line_and_key(repo: Repo, line: str, message: str) -> None:
    repo.config(STAGE + "[llm]\n" + line + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(repo.path)
    text = str(caught.value)
    assert message in text and "\n" not in text and text.startswith(str(repo.path / "healer.toml"))


def test_pyproject_table(repo: Repo) -> None:
    repo.write("pyproject.toml", '[tool.healer.stages.lint]\nrun = "true"\n[tool.healer.llm]\ntimeout = "fast"\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml:4: tool.healer.llm.timeout: expected a number"):
        load_config(repo.path)
