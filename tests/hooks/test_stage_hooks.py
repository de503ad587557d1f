"""A stage limited to one git hook (`hooks = ["pre-push"]`, or a pre-commit config's `stages: [pre-push]`):
the other hook leaves it out and says why; `healer run` runs it."""

from __future__ import annotations

import pytest

from healer.config.errors import ConfigError
from healer.config.load import load_config
from healer.config.settings import Stage
from healer.detect.detection import detect
from healer.detect.precommit import CONFIG
from healer.pipeline.skip import left_out, read_skips, unknown_names_warning
from tests.conftest import Repo, RunHealer

SLOW = """
[stages.quick]
run = ["sh", "-c", "echo quick"]
[stages.slow]
run = ["sh", "-c", "echo slow says no; exit 1"]
hooks = ["pre-push"]
"""


def test_the_pre_commit_hook_leaves_a_pre_push_stage_out(repo: Repo, healer: RunHealer) -> None:
    repo.config(SLOW)
    repo.commit("start")
    repo.write("a.txt", "staged\n")
    repo.git("add", "a.txt")
    done = healer("hook", "pre-commit")
    assert done.code == 0, done.out + done.err
    assert "slow skipped: runs in the pre-push hook only" in done.out
    assert healer("run").code == 1  # every stage runs outside the hooks


def test_hooks_is_validated(repo: Repo) -> None:
    repo.config('[stages.x]\nrun = "true"\nhooks = ["post-checkout"]\n')
    with pytest.raises(ConfigError, match=r"stages\.x\.hooks.*pre-commit and pre-push"):
        load_config(repo.path)
    repo.config('[stages.x]\nrun = "true"\nhooks = ["pre-push", "pre-push"]\n')
    assert load_config(repo.path).stage("x").hooks == ("pre-push",)


def test_a_pre_commit_config_hook_at_pre_push_only(repo: Repo) -> None:
    repo.write(
        CONFIG,
        "repos:\n- repo: local\n  hooks:\n"
        "  - {id: quick, name: quick, entry: 'true', language: system, pass_filenames: false, always_run: true}\n"
        "  - {id: slow, name: slow, entry: 'echo slow', language: system, pass_filenames: false, always_run: true,"
        " stages: [pre-push]}\n",
    )
    stages = {stage.name: stage for stage in detect(repo.path).stages}
    assert stages["quick"].hooks == () and stages["slow"].hooks == ("pre-push",)


def test_skip_names_a_whole_monorepo_project() -> None:
    stages = [Stage("api:lint", "true"), Stage("api:test", "true"), Stage("web:lint", "true")]
    skips = read_skips({"SKIP": "api:"})
    assert left_out(skips, stages) == {"api:lint": "SKIP", "api:test": "SKIP"}
    assert unknown_names_warning(skips, stages) is None
    assert "no such stage" in (unknown_names_warning(read_skips({"SKIP": "docs:"}), stages) or "")
