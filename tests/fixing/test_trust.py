"""Which patches count as untrusted code (verified only inside the OS sandbox) and which run as the stages run.

Each test puts a `bwrap` that cannot make a sandbox first on PATH: an
untrusted patch then stays unverified (its code never runs), a trusted one is
verified as before. So the tests tell the two apart without needing the jail.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from healer.rules.load import load_rules
from tests.conftest import RunHealer, git
from tests.fixing.words import ALLOW_RULE, words_project
from tests.verify.jails import linux_only

STAGE = """
[stages.words]
run = ["sh", "-c", "grep -n forbidden app.txt | sed 's/:/: /; s/^/app.txt:/' ; ! grep -q forbidden app.txt"]
parser = "generic"
"""


def no_sandbox(tmp_path: Path) -> dict[str, str]:
    fake = tmp_path / "fake-bin" / "bwrap"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    return {"PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}


def patches(healer: RunHealer, cwd: Path, env: dict[str, str]) -> list[dict[str, Any]]:
    done = healer("fix", "--apply", "all", "--json", cwd=cwd, env=env)
    assert done.code in (0, 1), done.err
    return [patch for one in json.loads(done.out)["rounds"] for patch in one["patches"]]


@linux_only
def test_a_user_rule_that_runs_a_command_makes_untrusted_patches(tmp_path: Path, healer: RunHealer) -> None:
    repo = words_project(tmp_path / "p", STAGE, {"app.txt": "fine\n"}, {"app.txt": "this is forbidden\n"}, rule=True)
    [patch] = patches(healer, repo.path, no_sandbox(tmp_path))
    assert patch["source"] == "rule" and patch["status"] == "unverified"
    assert "No permissions to create new namespace" in patch["detail"]
    assert (repo.path / "app.txt").read_text() == "this is forbidden\n"


def test_rules_healer_ships_are_trusted_and_user_commands_are_not(tmp_path: Path) -> None:
    (tmp_path / ".healer" / "rules").mkdir(parents=True)
    (tmp_path / ".healer" / "rules" / "local.toml").write_text(
        ALLOW_RULE + '\n[[rules]]\nid = "local.words"\ndescription = "d"\naction = "whitespace"\nsafety = "safe"\n'
        'confidence = 0.5\nparams = { fix = ["trailing"], scope = "line" }\n[rules.match]\ntool = "ruff"\n'
    )
    rules = load_rules(tmp_path)
    shipped = [rule for rule in rules if rule.origin.startswith("builtin:")]
    assert shipped and all(rule.written_by_healer for rule in shipped)
    local = rules.get("local.allow")
    assert local is not None and not local.written_by_healer  # a command the repository's rule file names
    words = rules.get("local.words")
    assert words is not None and words.written_by_healer  # healer's own action, only parameters from the user
    builtin_tool = next(rule for rule in shipped if rule.action == "tool-fix" and "command" in rule.params)
    (tmp_path / ".healer" / "rules" / "override.toml").write_text(
        f'[[rules]]\nid = "{builtin_tool.id}"\nparams = {{ command = ["sh", "-c", "anything"] }}\n'
    )
    overridden = load_rules(tmp_path).get(builtin_tool.id)
    assert overridden is not None and not overridden.written_by_healer


@linux_only
def test_a_fix_replayed_from_another_repository_is_untrusted_and_one_from_this_one_is_not(
    tmp_path: Path, healer: RunHealer
) -> None:
    first = words_project(
        tmp_path / "first", STAGE, {"app.txt": "fine\n"}, {"app.txt": "this is forbidden\n"}, rule=True
    )
    done = healer("fix", "--apply", "all", "--json", cwd=first.path)  # jailed where bwrap works, else unjailed
    if json.loads(done.out)["applied"] == []:
        # No working sandbox here: accept the rule's fix as a person would, with the sandbox off.
        first.write("healer.toml", STAGE + '\n[sandbox]\nmode = "off"\n')
        assert healer("fix", "--apply", "all", cwd=first.path).code == 0
        first.write("healer.toml", STAGE)
    assert (first.path / "app.txt").read_text() == "this is allowed\n"
    second = words_project(
        tmp_path / "second", STAGE, {"app.txt": "fine\n"}, {"app.txt": "this is forbidden\n"}, rule=False
    )
    [elsewhere] = patches(healer, second.path, no_sandbox(tmp_path))
    assert elsewhere["source"] == "replay" and elsewhere["status"] == "unverified"
    # In the repository where a person accepted it, the same fix runs as the stages run.
    (first.path / ".healer" / "rules" / "local.toml").unlink()
    first.commit("accepted")
    first.write("app.txt", "this is forbidden\n")
    git(first.path, "commit", "-qam", "broken again")
    [here] = patches(healer, first.path, no_sandbox(tmp_path))
    assert here["source"] == "replay" and here["status"] == "verified"
    assert (first.path / "app.txt").read_text() == "this is allowed\n"
