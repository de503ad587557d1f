"""A tiny project for fix-loop tests: a stage that forbids a word, and a user rule that replaces it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Repo, git

ALLOW_RULE = """
[[rules]]
id = "local.allow"
description = "replace the forbidden word"
action = "tool-fix"
safety = "safe"
confidence = 0.9
params = { command = ["sed", "-i", "s/forbidden/allowed/", "{file}"] }
[rules.match]
tool = ["generic"]
message = "forbidden"
"""


def words_project(path: Path, config: str, files: dict[str, str], broken: dict[str, str], *, rule: bool) -> Repo:
    """A repository with `files` committed, `broken` written over them, and the allow rule if `rule`."""
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    repo = Repo(path)
    repo.config(config)
    for name, text in files.items():
        repo.write(name, text)
    if rule:
        repo.write(".healer/rules/local.toml", ALLOW_RULE)
    repo.commit()
    for name, text in broken.items():
        repo.write(name, text)
    return repo
