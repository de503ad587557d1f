""".pre-commit-config.yaml as healer's pipeline, for real: the framework runs each hook, and healer's verdict per
hook is the one `pre-commit run --all-files` gives for the same config, side by side.

The hooks are `repo: local` ones (language system: no environment to build) and hooks of a hook repository made
here as a local git repository (pre-commit accepts a path as `repo:`; one `language: python` hook whose package
the framework builds offline from virtualenv's bundled setuptools wheel, one `language: script` hook).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from healer.config.settings import Stage
from healer.detect.detection import detect
from healer.pipeline.hook_framework import framework_error
from tests.conftest import Repo, RunHealer

SCRIPTS = Path(sys.executable).parent
PRE_COMMIT = shutil.which("pre-commit", path=str(SCRIPTS))
pytestmark = pytest.mark.skipif(PRE_COMMIT is None, reason="the test extra installs pre-commit")

# A checker a local hook runs: prints every file it was given and fails when one says "bad", or, with
# --no-names, fails when it was given any file at all (pass_filenames: false must give none).
CHECK = """\
import sys

args = sys.argv[1:]
if args[:1] == ["--no-names"]:
    print("given:", args[1:])
    sys.exit(1 if args[1:] else 0)
bad = [name for name in args if "bad" in open(name).read()]
for name in args:
    print(f"saw {name}")
for name in bad:
    print(f"{name}:1: says bad")
sys.exit(1 if bad else 0)
"""


@pytest.fixture
def framework_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The framework's environments in tmp_path, built with no package index."""
    import virtualenv  # type: ignore[import-untyped, unused-ignore]

    wheels = Path(virtualenv.__file__).parent / "seed" / "wheels" / "embed"
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def _local(hook_id: str, *, args: str = "", **keys: object) -> str:
    entry = f"{sys.executable} check.py {args}".strip()
    extra = "".join(f"\n        {key}: {json.dumps(value)}" for key, value in keys.items())
    return f"""
      - id: {hook_id}
        name: {hook_id}
        entry: {entry}
        language: system{extra}"""


def _config(hook_repo: tuple[Path, str], *, top: str = "", local: str = "", remote: bool = True) -> str:
    path, rev = hook_repo
    text = f"{top}repos:\n  - repo: local\n    hooks:{local}\n"
    if remote:
        text += f"  - repo: {path}\n    rev: {rev}\n    hooks:\n      - id: no-hello\n      - id: no-tabs\n"
        text += "        exclude: ^vendor/\n"
    return text


KEYS = (
    _local("src-only", files="^src/")
    + _local("py-only", types=["python"])
    + _local("py-or-md", types_or=["python", "markdown"], exclude_types=["markdown"])
    + _local("not-tests", exclude="^tests/")
    + _local("no-names", args="--no-names", pass_filenames=False, files="^src/")
    + _local("always", args="--no-names", pass_filenames=False, always_run=True, files="^nothing/")
    + _local("never-matches", files="^nothing/")
    + _local("push-only", stages=["pre-push"])
    + _local("manual-only", stages=["manual"])
)


def _verdicts_of_pre_commit(root: Path, *args: str) -> dict[str, str]:
    """Hook name → Passed / Failed / Skipped, from `pre-commit run --all-files`'s own report."""
    assert PRE_COMMIT is not None
    done = subprocess.run([PRE_COMMIT, "run", "--all-files", *args], cwd=root, capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip
    found = re.findall(r"^(\S[^\n]*?)\.{2,}(?:\([^)]*\))?(Passed|Failed|Skipped)$", done.stdout, re.M)
    return {name.strip(): verdict for name, verdict in found}


def _tail(stage: dict[str, Any]) -> str:
    return "\n".join(stage["output_tail"])


def _healer_stages(healer: RunHealer, *args: str) -> dict[str, dict[str, Any]]:
    done = healer("run", "--json", "--no-cache", *args, timeout=300)
    report = json.loads(done.out)
    return {stage["name"]: stage for stage in report["stages"]}


def _project(repo: Repo, config: str, files: dict[str, str]) -> None:
    repo.write(".pre-commit-config.yaml", config)
    repo.write("check.py", CHECK)
    for rel, text in files.items():
        repo.write(rel, text)
    repo.commit()


FILES = {
    "src/app.py": "ok\n",
    "src/notes.md": "bad\n",
    "tests/test_app.py": "bad\n",
    "docs/guide.md": "bad\n",
    "hello.py": "print('hi')\n",
    "vendor/tabbed.txt": "a\ttab\n",
}


def test_each_key_is_honoured_and_the_verdicts_are_the_frameworks(
    repo: Repo, healer: RunHealer, hook_repo: tuple[Path, str], framework_env: dict[str, str]
) -> None:
    _project(repo, _config(hook_repo, local=KEYS), FILES)
    stages = {s.name: s for s in detect(repo.path).stages}
    assert "manual-only" not in stages  # stages: [manual] never runs where files are checked
    assert stages["push-only"].run == "pre-commit run push-only --all-files --hook-stage=pre-push"
    assert stages["always"].run == f"{sys.executable} check.py --no-names"  # the same check as a plain command
    assert stages["no-names"].run == "pre-commit run no-names --all-files"  # filtered: the framework may skip it

    ours = _healer_stages(healer)
    theirs = _verdicts_of_pre_commit(repo.path)
    # Every hook pre-commit runs at pre-commit is a stage (healer adds the project's tests, detected apart).
    assert {name.replace(" ", "-") for name in theirs} == set(ours) - {"push-only", "pytest"}
    for name, verdict in theirs.items():
        stage = ours[name.replace(" ", "-")]
        # The framework's "Skipped" (no file of the hook's) passes, in healer too.
        assert stage["status"] == ("failed" if verdict == "Failed" else "passed"), (name, verdict, stage)

    def output(name: str) -> str:
        return _tail(ours[name])

    assert "saw src/app.py" in output("src-only") and "tests/" not in output("src-only")  # files: ^src/
    assert "src/notes.md:1: says bad" in output("src-only")
    assert "saw hello.py" in output("py-only") and ".md" not in output("py-only")  # types: [python]
    assert "tests/test_app.py:1: says bad" in output("py-only")
    assert ".md" not in output("py-or-md")  # types_or, narrowed by exclude_types
    assert "tests/" not in output("not-tests") and "docs/guide.md:1: says bad" in output("not-tests")
    assert ours["no-names"]["status"] == "passed"  # pass_filenames: false (given src/ files, it would fail)
    assert "given: []" in output("always")  # always_run: runs though no file matches
    assert ours["never-matches"]["status"] == "passed" and "no files to check" in output("never-matches")
    assert ours["no-tabs"]["status"] == "passed"  # the remote hook's exclude: ^vendor/
    assert ours["no-hello"]["status"] == "passed"  # its environment built by the framework

    # stages: [pre-push] runs as the framework runs it at pre-push.
    push = _verdicts_of_pre_commit(repo.path, "--hook-stage=pre-push")
    assert push["push-only"] == "Failed" and ours["push-only"]["status"] == "failed"

    # A change the remote hooks see: both say so.
    repo.write("hello.py", "print('hello')\n")
    repo.write("docs/tabbed.txt", "a\ttab\n")
    repo.commit()
    ours = _healer_stages(healer)
    theirs = _verdicts_of_pre_commit(repo.path)
    assert theirs["no hello"] == "Failed" and ours["no-hello"]["status"] == "failed"
    assert theirs["no tabs"] == "Failed" and ours["no-tabs"]["status"] == "failed"
    tabs = _tail(ours["no-tabs"])
    assert "docs/tabbed.txt: tab" in tabs and "vendor" not in tabs


def test_top_level_files_exclude_and_default_stages(
    repo: Repo, healer: RunHealer, hook_repo: tuple[Path, str], framework_env: dict[str, str]
) -> None:
    top = "files: ^(src|docs)/\nexclude: ^docs/\ndefault_stages: [pre-commit, pre-push]\n"
    local = _local("everything") + _local("push", stages=["pre-push"])
    _project(repo, _config(hook_repo, top=top, local=local, remote=False), FILES)
    ours = _healer_stages(healer)
    theirs = _verdicts_of_pre_commit(repo.path)
    assert theirs == {"everything": "Failed"} and ours["everything"]["status"] == "failed"
    output = _tail(ours["everything"])
    assert "saw src/app.py" in output and "docs/" not in output and "tests/" not in output
    assert ours["push"]["status"] == "failed"  # at pre-push, with the same top-level filters
    assert "docs/" not in _tail(ours["push"])


@pytest.mark.parametrize("where", ["top", "hook"])
def test_fail_fast(
    where: str, repo: Repo, healer: RunHealer, hook_repo: tuple[Path, str], framework_env: dict[str, str]
) -> None:
    top = "fail_fast: true\n" if where == "top" else ""
    first = _local("first", fail_fast=True) if where == "hook" else _local("first")
    local = first + _local("second", types=["python"]) + _local("third", files="^docs/")
    _project(repo, _config(hook_repo, top=top, local=local, remote=False), FILES)
    stages = {s.name: s for s in detect(repo.path).stages}
    assert stages["second"].needs == ("first",)
    assert stages["third"].needs == (("second",) if where == "top" else ("first",))

    theirs = _verdicts_of_pre_commit(repo.path)
    ours = _healer_stages(healer)
    assert theirs == {"first": "Failed"}  # the framework stopped there
    assert ours["first"]["status"] == "failed"
    assert ours["second"]["status"] == ours["third"]["status"] == "skipped"
    assert "needs" in str(ours["second"]["reason"])


def test_a_hook_missing_from_its_repository_is_one_line(
    repo: Repo, healer: RunHealer, hook_repo: tuple[Path, str], framework_env: dict[str, str]
) -> None:
    path, rev = hook_repo
    config = f"repos:\n  - repo: {path}\n    rev: {rev}\n    hooks:\n      - id: no-such-hook\n"
    _project(repo, config, {"a.py": "x = 1\n"})
    (stage,) = detect(repo.path, confirm=lambda _c: True).stages
    done = healer("run", "--json", "--no-cache", stage.name, timeout=300)
    (result,) = json.loads(done.out)["stages"]
    assert result["status"] == "error", result
    assert result["reason"] == (
        f".pre-commit-config.yaml: hook 'no-such-hook' is not present in repository {path} at its rev"
    )


def test_broken_configs_are_one_line_naming_the_file_and_the_hook(repo: Repo, healer: RunHealer) -> None:
    # An unknown key: pre-commit warns and goes on; healer says which hook has it.
    _project(repo, "repos:\n  - repo: local\n    hooks:\n" + _local("x", fles="^src/"), {"a.py": "bad\n"})
    shown = healer("stages", "-v")
    lines = [line for line in (shown.out + shown.err).splitlines() if "unknown key" in line]
    assert len(lines) == 1 and ".pre-commit-config.yaml: hook 'x': unknown key 'fles'" in lines[0], shown
    # Invalid YAML: no stage, and one line naming the file and where.
    repo.write(".pre-commit-config.yaml", "repos:\n- repo: local\n  hooks: [{id: x\n")
    repo.commit()
    shown = healer("stages", "-v")
    lines = [line for line in (shown.out + shown.err).splitlines() if ".pre-commit-config.yaml" in line]
    assert len(lines) == 1 and "invalid YAML" in lines[0] and "line 4" in lines[0], shown


def test_the_frameworks_own_refusals_are_one_line() -> None:
    stage = Stage("x", "pre-commit run x --all-files")
    invalid = (
        "An error has occurred: InvalidConfigError: \n==> File .pre-commit-config.yaml\n==> At Config()\n"
        "==> At key: repos\n==> At Repository(repo='local')\n==> At key: hooks\n==> At Hook(id='x')\n"
        "=====> Expected bool got str\nCheck the log at /tmp/pre-commit.log\n"
    )
    assert framework_error(stage, 1, invalid) == (
        ".pre-commit-config.yaml is invalid (hook 'x'): At Config() At key: repos At Repository(repo='local') "
        "At key: hooks At Hook(id='x') Expected bool got str"
    )
    assert framework_error(stage, 1, "x.....Failed\n- hook id: x\n") is None  # the hook's own failure
    assert framework_error(Stage("x", "pytest"), 1, invalid) is None


def test_healers_own_hook_is_not_a_stage(tmp_path: Path) -> None:
    (tmp_path / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        "  - repo: https://github.com/example/git-healer\n    rev: v1\n    hooks:\n      - id: healer\n"
        "  - repo: local\n    hooks:\n      - {id: h, entry: healer hook pre-commit, language: system}\n"
    )
    found = detect(tmp_path, confirm=lambda _c: True)
    assert found.stages == ()
    assert sum("runs healer itself; skipped" in note for note in found.notes) == 2


def test_the_framework_environment_is_the_one_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    only_prek = tmp_path / "bin"
    only_prek.mkdir()
    (only_prek / "prek").write_text("#!/bin/sh\n")
    (only_prek / "prek").chmod(0o755)
    monkeypatch.setenv("PATH", f"{only_prek}{os.pathsep}/usr/bin:/bin")
    (tmp_path / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: local\n    hooks:\n      - {id: l, entry: flake8, language: system}\n"
    )
    (stage,) = detect(tmp_path).stages
    assert stage.run == "prek run l --all-files" and stage.versions == ("prek --version",)
