"""[sandbox]: the OS sandbox for untrusted patches' checks; defaults, every key, one-line errors, the memo keeps it."""

from __future__ import annotations

import pytest

from healer.config.errors import ConfigError
from healer.config.load import load_config
from healer.config.memo import recall, remember
from healer.config.settings import SandboxSettings

from ..conftest import Repo
from .test_memo import age

STAGE = '[stages.lint]\nrun = "true"\n'


def test_the_default_jails_untrusted_code_where_the_os_can(repo: Repo) -> None:
    repo.config(STAGE)
    assert load_config(repo.path).sandbox == SandboxSettings("auto", (), (), False)


def test_every_key_in_pyproject(repo: Repo) -> None:
    repo.write(
        "pyproject.toml",
        '[tool.healer.stages.lint]\nrun = "true"\n\n[tool.healer.sandbox]\nmode = "required"\n'
        'read = ["~/.cache/pre-commit", "/opt/tools"]\nwrite = ["~/.cache/mypy"]\nnetwork = true\n',
    )
    expected = SandboxSettings("required", ("~/.cache/pre-commit", "/opt/tools"), ("~/.cache/mypy",), True)
    assert load_config(repo.path).sandbox == expected


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            'mode = "of"',
            "healer.toml:4: sandbox.mode: unknown value 'of' (did you mean 'off'?); one of auto, required, off",
        ),
        (
            'read = "~/.cache"',
            "sandbox.read: expected an array of paths, such as [\"~/.cache/pre-commit\"], got string '~/.cache'",
        ),
        (
            'write = ["cache"]',
            "healer.toml:4: sandbox.write: 'cache' is not an absolute path or one starting with '~/'",
        ),
        ('read = ["/opt/../etc"]', "sandbox.read: '/opt/../etc' is not an absolute path or one starting with '~/'"),
        ('network = "yes"', "sandbox.network: expected true or false, got string 'yes'"),
        ("netwrok = true", "healer.toml:4: sandbox.netwrok: unknown key (did you mean 'network'?)"),
    ],
)
def test_errors_name_file_line_and_key(repo: Repo, table: str, message: str) -> None:
    repo.config(STAGE + "[sandbox]\n" + table + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(repo.path)
    assert str(caught.value).endswith(message)
    assert "\n" not in str(caught.value)


def test_the_memo_round_trips_sandbox_settings(repo: Repo) -> None:
    age(repo.config(STAGE + '[sandbox]\nmode = "off"\nread = ["/opt/x"]\nwrite = ["~/y"]\nnetwork = true\n'))
    state = repo.path / ".git" / "healer"
    config = load_config(repo.path)
    remember(repo.path, state, config)
    recalled = recall(repo.path, state)
    assert recalled == config
    assert recalled is not None and recalled.sandbox == SandboxSettings("off", ("/opt/x",), ("~/y",), True)
    assert isinstance(recalled.sandbox.read, tuple)
