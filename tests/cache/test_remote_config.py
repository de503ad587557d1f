"""`[tool.healer.remote_cache]`: validated with the rest, remembered in the memo, and never loaded when unused."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from healer.cache.remote_results import shared_results
from healer.cache.tools import portable_identity
from healer.config.errors import ConfigError
from healer.config.load import load_config
from healer.config.settings import RemoteCacheSettings

from ..cli.test_startup_imports import loaded
from ..conftest import Repo

STAGE = '\n[stages.ok]\nrun = "true"\n'


def test_the_table_is_read_with_its_defaults(repo: Repo) -> None:
    repo.config('[remote_cache]\nurl = "http://cache.example:8080/healer"\n' + STAGE)
    settings = load_config(repo.path).remote_cache
    assert settings == RemoteCacheSettings(url="http://cache.example:8080/healer")
    assert settings.mode == "read" and settings.connect_timeout == 0.08


@pytest.mark.parametrize(
    ("table", "complaint"),
    [
        ('url = "http://cache"\nmode = "write"', "remote_cache.mode"),
        ('url = "ftp://cache"', "remote_cache.url"),
        ('url = "http://user:' + "pw" + '@cache"', "credentials are never written"),  # built: no literal secret
        ('url_env = "CACHE"\nurl = "http://cache"', "one of them"),
        ('token = "abc"', "remote_cache.token"),
        ('url = "http://cache"\ntoken_env = "not a name"', "remote_cache.token_env"),
        ('url = "http://cache"\nheader = "bad header"', "remote_cache.header"),
        ('url = "http://cache"\nconnect_timeout = 0', "remote_cache.connect_timeout"),
        ('url = "http://cache"\nwrite = true', "remote_cache.write"),
    ],
)
def test_bad_settings_are_named(repo: Repo, table: str, complaint: str) -> None:
    repo.config(f"[remote_cache]\n{table}\n" + STAGE)
    with pytest.raises(ConfigError) as caught:
        load_config(repo.path)
    assert complaint in str(caught.value)
    assert "healer.toml:" in str(caught.value)


def test_the_memo_keeps_it(repo: Repo) -> None:
    path = repo.config(
        '[remote_cache]\nurl_env = "CACHE_URL"\nmode = "read-write"\ntoken_env = "CACHE_TOKEN"\n' + STAGE
    )
    past = time.time() - 3600
    os.utime(path, (past, past))
    first = load_config(repo.path)
    from healer.workspace import open_workspace

    open_workspace(repo.path)  # writes the memo
    assert open_workspace(repo.path).config.remote_cache == first.remote_cache
    assert first.remote_cache is not None and first.remote_cache.url_env == "CACHE_URL"


def test_the_environment_decides_what_is_asked() -> None:
    said: list[str] = []
    settings = RemoteCacheSettings(url_env="CACHE_URL", token_env="CACHE_TOKEN", header="x-buildbuddy-api-key")
    assert shared_results(settings, {}, said.append) is None  # the URL's variable unset: no remote cache
    url = {"CACHE_URL": "http://cache.example:9090/base"}
    token = "t-" + "1" * 8
    found = shared_results(settings, {**url, "CACHE_TOKEN": token}, said.append)
    assert found is not None and not found.write
    assert found.client.headers == {"x-buildbuddy-api-key": token} and found.client.base == "/base"
    writing = shared_results(settings, {**url, "HEALER_REMOTE_CACHE": "read-write"}, said.append)
    assert writing is not None and writing.write
    assert shared_results(settings, {**url, "HEALER_REMOTE_CACHE": "off"}, said.append) is None
    assert shared_results(settings, {**url, "HEALER_OFFLINE": "1"}, said.append) is None
    assert not said
    login = shared_results(settings, {"CACHE_URL": "http://ci:" + "p" * 6 + "@cache.example"}, said.append)
    assert login is not None and login.client.headers["Authorization"].startswith("Basic ")
    assert "p" * 6 not in login.client.url  # messages never show the password


def test_a_cached_run_with_a_remote_cache_loads_no_http_client(repo: Repo) -> None:
    path = repo.config('[remote_cache]\nurl = "http://127.0.0.1:9"\n' + STAGE)
    past = time.time() - 3600
    os.utime(path, (past, past))
    loaded(repo, "run")  # the first run misses here and asks the (absent) server
    modules = loaded(repo, "run")  # every result is in the local cache now
    for name in ("healer.cache.remote", "healer.cache.remote_results", "http.client", "json"):
        assert name not in modules, name


def test_portable_identity_is_content_not_place(tmp_path: Path) -> None:
    def script(where: Path, shebang: str, body: str) -> Path:
        where.mkdir(parents=True, exist_ok=True)
        (where / "tool").write_text(f"#!{shebang}\n{body}")
        (where / "tool").chmod(0o755)
        return where

    one = script(tmp_path / "a" / "bin", "/a/python", "print(1)\n")
    two = script(tmp_path / "b" / "bin", "/somewhere/else/python", "print(1)\n")
    other = script(tmp_path / "c" / "bin", "/a/python", "print(2)\n")
    ids = [portable_identity("tool", {"PATH": str(where)}, tmp_path, None) for where in (one, two, other)]
    assert ids[0] == ids[1] != ids[2] and str(tmp_path) not in ids[0]
    venv = tmp_path / "venv"
    script(venv / "bin", "/venv/bin/python", "print(1)\n")
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.11.7\n")
    site = venv / "lib" / "python3.11" / "site-packages"
    (site / "ruff-0.6.9.dist-info").mkdir(parents=True)
    before = portable_identity("tool", {"PATH": str(venv / "bin")}, tmp_path, None)
    assert "venv-python=3.11" in before
    (site / "ruff-0.6.9.dist-info").rename(site / "ruff-0.7.0.dist-info")
    assert portable_identity("tool", {"PATH": str(venv / "bin")}, tmp_path, None) != before
