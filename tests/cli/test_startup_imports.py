"""What a plain `healer run` loads: the start-up budget depends on keeping heavy modules off this path.

Timing belongs in bench/; this checks the structure that makes the timing possible.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from ..conftest import Repo

PROBE = """
import sys
from healer.main import main
code = main(sys.argv[1:])
modules = sorted(sys.modules)  # before this probe imports anything itself
import json
print(json.dumps({"code": code, "modules": modules}), file=sys.stderr)
"""
NEVER = {
    "textual", "litellm", "git", "rich", "sqlite_utils", "tomlkit", "yaml", "unidiff", "watchfiles",
    "mcp", "pydantic",  # the MCP SDK and what it brings: `healer mcp` only
}  # fmt: skip


def loaded(repo: Repo, *args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=repo.path, capture_output=True, text=True, timeout=60,
        env={**os.environ, "TERM": "dumb"},
    )  # fmt: skip
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, done.stdout
    return set(report["modules"])


def aged_config(repo: Repo) -> None:
    path = repo.config('[stages.ok]\nrun = "true"\n')
    past = time.time() - 3600
    os.utime(path, (past, past))


def test_no_cache_run_loads_no_parser_store_or_heavy_library(repo: Repo) -> None:
    aged_config(repo)
    # --no-cache alone still records the run; without history as well, nothing needs the knowledge base.
    loaded(repo, "run", "--no-cache", "--no-history")  # the first run writes the configuration memo
    modules = loaded(repo, "run", "--no-cache", "--no-history")
    top = {name.split(".")[0] for name in modules}
    assert not top & NEVER
    for name in ("argparse", "tomllib", "dataclasses", "sqlite3", "hashlib", "json", "healer.diagnostics.diagnose"):
        assert name not in modules, name


def test_cached_run_skips_argparse_toml_json_and_parsers(repo: Repo) -> None:
    aged_config(repo)
    loaded(repo, "run")
    modules = loaded(repo, "run")
    top = {name.split(".")[0] for name in modules}
    assert not top & NEVER
    for name in ("argparse", "tomllib", "dataclasses", "json", "shutil", "queue", "healer.diagnostics.diagnose"):
        assert name not in modules, name
    assert "sqlite3" in modules  # the cache lookup itself


def test_pre_commit_hook_with_nothing_staged_stays_light(repo: Repo) -> None:
    aged_config(repo)
    repo.write("a.txt", "x\n")
    subprocess.run(["git", "add", "-A"], cwd=repo.path, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "one"], cwd=repo.path, check=True)
    loaded(repo, "hook", "pre-commit")
    modules = loaded(repo, "hook", "pre-commit")
    top = {name.split(".")[0] for name in modules}
    assert not top & NEVER
    for name in (
        "argparse", "tomllib", "dataclasses", "json", "shutil", "queue", "healer.diagnostics.diagnose",
        "sqlite3", "healer.kb.store", "healer.kb.memory", "healer.fixing.propose",
    ):  # fmt: skip
        assert name not in modules, name
