"""[notify]: defaults, every key, one-line errors naming file:line:key, and the memo keeps it."""

from __future__ import annotations

import pytest

from healer.config.errors import ConfigError
from healer.config.load import load_config
from healer.config.memo import recall, remember
from healer.config.settings import EmailSettings, NotifySettings, WebhookSettings

from ..config.test_memo import age
from ..conftest import Repo

STAGE = '[stages.lint]\nrun = "true"\n'
FULL = (
    STAGE
    + """
[notify]
desktop = true
rate_limit = 600

[notify.webhook]
url_env = "HEALER_WEBHOOK_URL"
format = "json"
timeout = 5

[notify.email]
host = "smtp.example.com"
port = 2525
starttls = false
user = "ci@example.com"
password_env = "SMTP_PASSWORD"
from = "healer@example.com"
to = ["a@example.com", "b@example.com"]
timeout = 20
"""
)
EXPECTED = NotifySettings(
    desktop=True,
    rate_limit=600.0,
    webhook=WebhookSettings(None, "HEALER_WEBHOOK_URL", "json", 5.0),
    email=EmailSettings(
        "smtp.example.com",
        "healer@example.com",
        ("a@example.com", "b@example.com"),
        2525,
        False,
        "ci@example.com",
        "SMTP_PASSWORD",
        20.0,
    ),
)


def test_the_default_tells_nobody(repo: Repo) -> None:
    repo.config(STAGE)
    assert load_config(repo.path).notify == NotifySettings(False, 3600.0, None, None)


def test_every_key(repo: Repo) -> None:
    repo.config(FULL)
    assert load_config(repo.path).notify == EXPECTED


def test_in_pyproject_with_defaults(repo: Repo) -> None:
    repo.write(
        "pyproject.toml",
        '[tool.healer.stages.lint]\nrun = "true"\n\n[tool.healer.notify.webhook]\nurl = "https://hooks.example.com/x"\n'
        '\n[tool.healer.notify.email]\nhost = "smtp.example.com"\nfrom = "h@example.com"\nto = "t@example.com"\n',
    )
    notify = load_config(repo.path).notify
    assert notify.webhook == WebhookSettings("https://hooks.example.com/x", None, "slack", 10.0)
    assert notify.email == EmailSettings("smtp.example.com", "h@example.com", ("t@example.com",))
    assert notify.email.port == 587 and notify.email.starttls


def test_the_memo_keeps_it(repo: Repo) -> None:
    age(repo.config(FULL))
    state = repo.path / ".git" / "healer"
    config = load_config(repo.path)
    remember(repo.path, state, config)
    assert recall(repo.path, state) == config
    assert config.notify == EXPECTED


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[notify]\ndesktp = true", "healer.toml:5: notify.desktp: unknown key (did you mean 'desktop'?)"),
        ("[notify]\ndesktop = 1", "healer.toml:5: notify.desktop: expected true or false, got number 1"),
        (
            "[notify]\nrate_limit = -1",
            "healer.toml:5: notify.rate_limit: expected a number of seconds (0: no limit), got number -1",
        ),
        (
            '[notify.email]\nhost = "h"\nport = 70000\nfrom = "a@b.c"\nto = "d@e.f"',
            "healer.toml:6: notify.email.port: expected a port number from 1 to 65535, got number 70000",
        ),
        (
            '[notify.email]\nhost = "h"\nport = "25"\nfrom = "a@b.c"\nto = "d@e.f"',
            "healer.toml:6: notify.email.port: expected a port number from 1 to 65535, got string '25'",
        ),
        (
            '[notify.email]\nhost = "h"\nuser = "me"\nfrom = "a@b.c"\nto = "d@e.f"',
            "healer.toml:6: notify.email.password_env: missing: `user` is set, so name the environment variable "
            "holding its password",
        ),
        (
            '[notify.email]\nhost = "h"\nuser = "me"\npassword = 7\nfrom = "a@b.c"\nto = "d@e.f"',
            "healer.toml:7: notify.email.password: a password is never written in configuration; name the "
            "environment variable holding it in `password_env`",
        ),
        (
            '[notify.email]\nhost = "h"\nuser = "me"\npassword_env = "$PW"\nfrom = "a@b.c"\nto = "d@e.f"',
            "healer.toml:7: notify.email.password_env: expected the name of the environment variable holding the "
            "password (never the password itself), got string '$PW'",
        ),
        (
            '[notify.email]\nhost = "h"\nfrom = "a@b.c"',
            "healer.toml:4: notify.email.to: missing: an email needs host, from and to",
        ),
        (
            '[notify.email]\nhost = "h"\nfrom = "a@b.c"\nto = ["nobody"]',
            "healer.toml:7: notify.email.to: expected an address or an array of addresses, such as "
            '["team@example.com"], got an array',
        ),
        (
            '[notify.email]\nhost = "h"\nfrom = "a@b.c"\nto = "d@e.f"\ntls = true',
            "healer.toml:8: notify.email.tls: unknown key; known keys: host, port, starttls, user, password_env, "
            "from, to, timeout",
        ),
        (
            '[notify.webhook]\nurl = "https://x"\nurl_env = "U"',
            "healer.toml:4: notify.webhook: give `url_env` (the environment variable holding the URL) or `url`, "
            "one of them",
        ),
        (
            '[notify.webhook]\nurl = "hooks.slack.com/x"',
            "healer.toml:5: notify.webhook.url: expected an http(s) URL, such as "
            "\"https://hooks.slack.com/services/...\", got string 'hooks.slack.com/x'",
        ),
        (
            '[notify.webhook]\nurl_env = "U"\nformat = "slak"',
            "healer.toml:6: notify.webhook.format: unknown value 'slak' (did you mean 'slack'?); one of slack, json",
        ),
    ],
)
def test_one_line_errors(repo: Repo, table: str, message: str) -> None:
    repo.config(STAGE + "\n" + table + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(repo.path)
    assert str(caught.value).split("/repo/", 1)[1] == message
    assert "\n" not in str(caught.value)


def test_errors_in_pyproject_name_the_full_key(repo: Repo) -> None:
    repo.write(
        "pyproject.toml",
        '[tool.healer.stages.lint]\nrun = "true"\n\n[tool.healer.notify.email]\nhost = "h"\nport = 0\n'
        'from = "a@b.c"\nto = "d@e.f"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_config(repo.path)
    assert str(caught.value).split("/repo/", 1)[1] == (
        "pyproject.toml:6: tool.healer.notify.email.port: expected a port number from 1 to 65535, got number 0"
    )
