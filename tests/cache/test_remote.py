"""The shared result cache against a real nginx WebDAV server: one clone's results served to another, checked.

Each "machine" is a clone with its own knowledge base (HEALER_DB): the second has nothing in its local cache,
so whatever it does not run came from the server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from healer.cache.remote import forget_down
from healer.cache.remote_entry import platform_of, remote_key
from healer.config.load import load_config
from healer.kb.store import Store
from healer.pipeline.events import Event, Notice
from healer.pipeline.result import RunResult
from healer.pipeline.runner import RunOptions, run_pipeline

from ..conftest import Repo, git
from .webdav import WebDav, webdav_server  # noqa: F401  (the fixture)


@pytest.fixture(autouse=True)
def fresh_process_memo() -> Iterator[None]:
    # Each test is a new "process" for the down memo of healer.cache.remote.
    forget_down()
    yield
    forget_down()


def config(tmp_path: Path, url: str, mode: str = "read", extra: str = "") -> str:
    counter = tmp_path / "runs.log"
    return f"""
[remote_cache]
url = "{url}"
mode = "{mode}"
{extra}

[stages.lint]
run = ["sh", "-c", "echo lint >> {counter}; echo 'a.py:1:1: E501 line too long'; exit 1"]
inputs = ["*.py"]

[stages.test]
run = ["sh", "-c", "echo test >> {counter}; cat a.py; echo '3 passed'"]
inputs = ["*.py"]
"""


def runs(tmp_path: Path) -> list[str]:
    counter = tmp_path / "runs.log"
    return counter.read_text().split() if counter.exists() else []


def origin(repo: Repo, tmp_path: Path, url: str, mode: str = "read", extra: str = "") -> Repo:
    repo.config(config(tmp_path, url, mode, extra))
    repo.write("a.py", "x = 1\n")
    repo.commit("one")
    return repo


def clone(repo: Repo, tmp_path: Path, name: str) -> Repo:
    target = tmp_path / name
    git(tmp_path, "clone", "-q", str(repo.path), str(target))
    return Repo(target)


def go(
    repo: Repo, db: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str] | None = None
) -> tuple[RunResult, list[str]]:
    """One run on `repo` as a machine whose knowledge base is `db`: the result and the notices it said."""
    monkeypatch.setenv("HEALER_DB", str(db))
    said: list[str] = []

    def sink(event: Event) -> None:
        if isinstance(event, Notice):
            said.append(event.message)

    with Store() as store:
        options = RunOptions(env={**os.environ, **(env or {})})
        result = run_pipeline(load_config(repo.path), repo.path, options=options, store=store, sink=sink)
    return result, said


WRITE = {"HEALER_REMOTE_CACHE": "read-write"}


def test_a_result_computed_in_one_clone_is_served_to_another(repo: Repo, tmp_path: Path, webdav: WebDav) -> None:
    origin(repo, tmp_path, webdav.url)
    first, second = clone(repo, tmp_path, "first"), clone(repo, tmp_path, "second")
    cli = [sys.executable, "-m", "healer", "run", "--json"]
    # CI: read-write through the environment, over a configuration that says "read" for everyone else.
    env = {**os.environ, "HEALER_DB": str(tmp_path / "ci.db"), **WRITE}
    done = subprocess.run(cli, cwd=first.path, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    assert sorted(runs(tmp_path)) == ["lint", "test"]
    made = json.loads(done.stdout)
    assert len(webdav.files("ac")) == 2 and len(webdav.files("cas")) == 2  # the two entries and their logs

    env = {**os.environ, "HEALER_DB": str(tmp_path / "laptop.db")}
    done = subprocess.run(cli, cwd=second.path, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    assert sorted(runs(tmp_path)) == ["lint", "test"]  # no stage process ran in the second clone
    served = json.loads(done.stdout)
    by_name = {stage["name"]: stage for stage in served["stages"]}
    assert by_name["test"]["cached"] and by_name["lint"]["cached"]
    assert by_name["test"]["status"] == "passed" and by_name["lint"]["status"] == "failed"  # failures are shared
    before = {stage["name"]: stage for stage in made["stages"]}
    for name in ("lint", "test"):
        assert by_name[name]["diagnostics"] == before[name]["diagnostics"]
    assert not any(r.startswith("PUT") for r in webdav.requests()[-4:])  # the reader wrote nothing

    # Stored locally on the way: the next run of the second clone asks the server nothing.
    asked = len(webdav.requests())
    done = subprocess.run(cli, cwd=second.path, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1 and len(webdav.requests()) == asked


def test_the_log_comes_back_byte_for_byte_and_redacted(
    repo: Repo, tmp_path: Path, webdav: WebDav, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "ghp_" + "Zx9" * 12  # built at run time: no secret-looking literal in the repository
    repo.config(f"""
[remote_cache]
url = "{webdav.url}"

[stages.show]
run = ["sh", "-c", "echo token=$0; echo done", "{secret}"]
inputs = ["*.py"]
""")
    repo.write("a.py", "x = 1\n")
    repo.commit()
    made, _ = go(clone(repo, tmp_path, "one"), tmp_path / "one.db", monkeypatch, WRITE)
    assert secret in made.stages[0].output  # the stage's own run shows everything here
    for blob in webdav.files("cas") + webdav.files("ac"):
        assert secret not in blob.read_text()
    served, said = go(clone(repo, tmp_path, "two"), tmp_path / "two.db", monkeypatch)
    assert served.stages[0].cached and not said
    assert "[REDACTED" in served.stages[0].output and secret not in served.stages[0].output
    assert served.stages[0].output.endswith("done\n")


@pytest.mark.parametrize("damage", ["corrupt", "truncated", "log"])
def test_a_damaged_entry_is_ignored_with_one_notice(
    repo: Repo, tmp_path: Path, webdav: WebDav, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    origin(repo, tmp_path, webdav.url)
    go(clone(repo, tmp_path, "ci"), tmp_path / "ci.db", monkeypatch, WRITE)
    kind = "cas" if damage == "log" else "ac"
    for entry in webdav.files(kind):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if damage != "corrupt" else b"\x00garbage" + data[8:])
    result, said = go(clone(repo, tmp_path, "laptop"), tmp_path / "laptop.db", monkeypatch)
    assert sorted(runs(tmp_path)) == ["lint", "lint", "test", "test"]  # both ran again
    assert not any(stage.cached for stage in result.stages)
    assert len(said) == 2 and all("is ignored" in text and "the stage runs" in text for text in said)
    assert {text.split("stage '")[1].split("'")[0] for text in said} == {"lint", "test"}  # one per entry


def test_read_only_mode_never_puts(repo: Repo, tmp_path: Path, webdav: WebDav, monkeypatch: pytest.MonkeyPatch) -> None:
    origin(repo, tmp_path, webdav.url, mode="read")
    _, said = go(clone(repo, tmp_path, "laptop"), tmp_path / "laptop.db", monkeypatch)
    assert sorted(runs(tmp_path)) == ["lint", "test"] and not said
    methods = [request.split()[0] for request in webdav.requests()]
    assert methods == ["GET", "GET"]  # each stage's miss, nothing put
    assert webdav.files("ac") == [] and webdav.files("cas") == []


def test_the_server_down_is_said_once_and_the_run_goes_on(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .webdav import free_port

    origin(repo, tmp_path, f"http://127.0.0.1:{free_port()}", mode="read-write")
    result, said = go(clone(repo, tmp_path, "laptop"), tmp_path / "laptop.db", monkeypatch)
    assert sorted(runs(tmp_path)) == ["lint", "test"]
    assert [stage.status for stage in result.stages] == ["failed", "passed"]  # the stages' own results
    assert len(said) == 1 and "cannot be used" in said[0] and "connection refused" in said[0]


def test_the_offline_flag_asks_no_server(
    repo: Repo, tmp_path: Path, webdav: WebDav, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`healer fix --offline` and `healer ci --offline` make their core with offline=True: no shared cache."""
    from healer.service import Healer
    from healer.workspace import open_workspace

    origin(repo, tmp_path, webdav.url)
    go(clone(repo, tmp_path, "ci"), tmp_path / "ci.db", monkeypatch, WRITE)
    asked = len(webdav.requests())
    laptop = clone(repo, tmp_path, "laptop")
    monkeypatch.setenv("HEALER_DB", str(tmp_path / "laptop.db"))
    Healer(open_workspace(laptop.path), via="cli", offline=True).check()
    assert len(webdav.requests()) == asked
    monkeypatch.setenv("HEALER_DB", str(tmp_path / "online.db"))  # the offline run filled the laptop's cache
    online = Healer(open_workspace(laptop.path), via="cli").check(cache="use")
    assert len(webdav.requests()) > asked and online.outcome == "failed"


def test_offline_asks_no_server(repo: Repo, tmp_path: Path, webdav: WebDav, monkeypatch: pytest.MonkeyPatch) -> None:
    origin(repo, tmp_path, webdav.url)
    go(clone(repo, tmp_path, "ci"), tmp_path / "ci.db", monkeypatch, WRITE)
    asked = len(webdav.requests())
    laptop = clone(repo, tmp_path, "laptop")
    go(laptop, tmp_path / "laptop.db", monkeypatch, {"HEALER_OFFLINE": "1"})
    go(laptop, tmp_path / "other.db", monkeypatch, {"HEALER_REMOTE_CACHE": "off"})
    assert len(webdav.requests()) == asked
    assert sorted(runs(tmp_path)).count("lint") == 3


def test_other_tools_are_not_served(
    repo: Repo, tmp_path: Path, webdav: WebDav, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin(repo, tmp_path, webdav.url)
    go(clone(repo, tmp_path, "ci"), tmp_path / "ci.db", monkeypatch, WRITE)
    # Another `sh` (here: a wrapper first on PATH, other bytes) is another tool identity, so another key: a miss.
    bindir = tmp_path / "otherbin"
    bindir.mkdir()
    sh = subprocess.run(["sh", "-c", "command -v sh"], capture_output=True, text=True, check=True).stdout.strip()
    (bindir / "sh").write_text(f'#!{sh}\n# a different build of sh\nexec {sh} "$@"\n')
    (bindir / "sh").chmod(0o755)
    path = f"{bindir}{os.pathsep}{os.environ['PATH']}"
    result, said = go(clone(repo, tmp_path, "laptop"), tmp_path / "laptop.db", monkeypatch, {"PATH": path})
    assert not any(stage.cached for stage in result.stages) and not said
    assert sorted(runs(tmp_path)) == ["lint", "lint", "test", "test"]


def test_the_same_tool_installed_elsewhere_is_served(
    repo: Repo, tmp_path: Path, webdav: WebDav, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another machine has its tools at other paths, with other file times: the shared key is by content."""
    origin(repo, tmp_path, webdav.url)
    go(clone(repo, tmp_path, "ci"), tmp_path / "ci.db", monkeypatch, WRITE)
    bindir = tmp_path / "elsewhere" / "bin"
    bindir.mkdir(parents=True)
    sh = subprocess.run(["sh", "-c", "command -v sh"], capture_output=True, text=True, check=True).stdout.strip()
    (bindir / "sh").write_bytes(Path(os.path.realpath(sh)).read_bytes())  # the same bytes, a new path and time
    (bindir / "sh").chmod(0o755)
    path = f"{bindir}{os.pathsep}{os.environ['PATH']}"
    result, _ = go(clone(repo, tmp_path, "laptop"), tmp_path / "laptop.db", monkeypatch, {"PATH": path})
    assert all(stage.cached for stage in result.stages)
    assert sorted(runs(tmp_path)) == ["lint", "test"]


def test_an_entry_made_elsewhere_is_not_trusted_under_this_key(
    repo: Repo, tmp_path: Path, webdav: WebDav, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin(repo, tmp_path, webdav.url)
    go(clone(repo, tmp_path, "ci"), tmp_path / "ci.db", monkeypatch, WRITE)
    # Someone copies each entry under the key another platform would look for: its content says where it
    # was made, so the other platform does not take it.
    for entry in webdav.files("ac"):
        document = json.loads(entry.read_text())
        elsewhere = {**document["platform"], "machine": "riscv64"}
        assert remote_key(document["key"], elsewhere) != entry.name
        document["platform"] = elsewhere
        entry.write_text(json.dumps(document))
    result, said = go(clone(repo, tmp_path, "laptop"), tmp_path / "laptop.db", monkeypatch)
    assert not any(stage.cached for stage in result.stages)
    assert len(said) == 2 and all("made on another platform" in text for text in said)


def test_the_platform_names_the_tools_python() -> None:
    venv_tool = "pytest:0123abcd:venv-python=3.12:installed=4567ef"
    assert platform_of([venv_tool])["python"] == "3.12"
    assert "python" not in platform_of(["sh:89abcdef"])
    assert remote_key("k" * 64, platform_of([venv_tool])) != remote_key("k" * 64, platform_of(["sh:89abcdef"]))
