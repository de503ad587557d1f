"""[tool.healer.fix] / healer.toml [fix]: defaults, every key, errors that name file, line and key; the memo keeps it."""

from __future__ import annotations

import pytest

from healer.config.errors import ConfigError
from healer.config.load import load_config
from healer.config.memo import recall, remember
from healer.config.settings import FixSettings

from ..conftest import Repo
from .test_memo import age

STAGE = '[stages.lint]\nrun = "true"\n'


def test_defaults_without_a_fix_table(repo: Repo) -> None:
    repo.config(STAGE)
    assert load_config(repo.path).fix == FixSettings((), 1048576, 5, "off")


def test_every_key_in_healer_toml(repo: Repo) -> None:
    repo.config(
        STAGE
        + '[fix]\nprotected = ["migrations/**", "*.lock"]\nmax_file_bytes = 4096\nrounds = 2\nhook_apply = "safe"\n'
    )
    assert load_config(repo.path).fix == FixSettings(("migrations/**", "*.lock"), 4096, 2, "safe")


def test_every_key_in_pyproject(repo: Repo) -> None:
    repo.write(
        "pyproject.toml",
        '[tool.healer.stages.lint]\nrun = "true"\n\n[tool.healer.fix]\nrounds = 1\nhook_apply = "off"\n',
    )
    assert load_config(repo.path).fix == FixSettings(rounds=1)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("rounds = 0", "healer.toml:4: fix.rounds: expected a whole number of at least 1, got number 0"),
        ("rounds = true", "fix.rounds: expected a whole number of at least 1, got boolean true"),
        (
            "max_file_bytes = -1",
            "healer.toml:4: fix.max_file_bytes: expected a positive whole number of bytes, got number -1",
        ),
        ("max_file_bytes = 1.5", "fix.max_file_bytes: expected a positive whole number of bytes, got number 1.5"),
        (
            'hook_apply = "saf"',
            "healer.toml:4: fix.hook_apply: unknown value 'saf' (did you mean 'safe'?); one of off, safe",
        ),
        ('hook_apply = "all"', "fix.hook_apply: unknown value 'all'; one of off, safe"),
        ('protected = "x"', "fix.protected: expected an array of globs, got string 'x'"),
        ('protected = [" "]', "fix.protected: an empty pattern matches nothing"),
        ("protect = []", "healer.toml:4: fix.protect: unknown key (did you mean 'protected'?)"),
    ],
)
def test_errors_name_file_line_and_key(repo: Repo, table: str, message: str) -> None:
    repo.config(STAGE + "[fix]\n" + table + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(repo.path)
    assert str(caught.value).endswith(message)


def test_pyproject_errors_use_the_full_key(repo: Repo) -> None:
    repo.write("pyproject.toml", '[tool.healer.stages.lint]\nrun = "true"\n[tool.healer.fix]\nrounds = "5"\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml:4: tool.healer.fix.rounds: expected a whole number"):
        load_config(repo.path)


def test_fix_is_not_a_table(repo: Repo) -> None:
    repo.config("fix = 3\n" + STAGE)
    with pytest.raises(ConfigError, match=r"healer\.toml:1: fix: expected a table, got number 3"):
        load_config(repo.path)


def test_the_memo_round_trips_fix_settings(repo: Repo) -> None:
    age(repo.config(STAGE + '[fix]\nprotected = ["a/**"]\nmax_file_bytes = 10\nrounds = 3\nhook_apply = "safe"\n'))
    state = repo.path / ".git" / "healer"
    config = load_config(repo.path)
    remember(repo.path, state, config)
    recalled = recall(repo.path, state)
    assert recalled == config
    assert recalled is not None and recalled.fix == FixSettings(("a/**",), 10, 3, "safe")
    assert isinstance(recalled.fix.protected, tuple)


def test_history_opt_out_is_validated_and_memoised(repo: Repo) -> None:
    age(repo.config('history = false\n[stages.ok]\nrun = "true"\n'))
    config = load_config(repo.path)
    assert config.history is False
    state = repo.path / ".git" / "healer"
    remember(repo.path, state, config)
    recalled = recall(repo.path, state)
    assert recalled is not None and recalled.history is False
    repo.config('history = "no"\n[stages.ok]\nrun = "true"\n')
    with pytest.raises(ConfigError, match=r"healer.toml:1: history: expected true or false"):
        load_config(repo.path)
