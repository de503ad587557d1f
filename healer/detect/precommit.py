"""Checks declared as pre-commit hooks in .pre-commit-config.yaml."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from healer.config.settings import Stage
from healer.detect.candidate import EXPLICIT, MIRRORED, Candidate, Found
from healer.detect.check_only import replace
from healer.detect.commands import guess_kind, parser_for, tools_in
from healer.detect.effects import rewrite
from healer.detect.files import Unreadable, read_yaml, strings
from healer.detect.hook_files import hook_inputs
from healer.detect.names import slug
from healer.detect.python_tools import TOOL_KEYS, python_stage
from healer.detect.remote_hooks import framework, remote_hook

CONFIG = ".pre-commit-config.yaml"
# Languages whose entry is an ordinary command healer can run from the project's environment.
# (pre-commit 4.4 renamed system/script to unsupported/unsupported_script.)
RUNNABLE = {"system", "unsupported", "script", "unsupported_script", "python", "python_venv"}
_SCRIPTS = {"script", "unsupported_script"}
_CHECK_STAGES = {"pre-commit", "commit", "pre-push", "push", "pre-merge-commit", "merge-commit"}

# Remote hooks that are a thin wrapper around a tool: hook id → healer's stage for that tool.
_RUFF = {"ruff": "ruff", "ruff-check": "ruff", "ruff-format": "ruff-format"}
_BLACK = {"black": "black", "black-jupyter": "black"}
WELL_KNOWN: dict[str, dict[str, str]] = {
    "github.com/astral-sh/ruff-pre-commit": _RUFF,
    "github.com/charliermarsh/ruff-pre-commit": _RUFF,
    "github.com/pre-commit/mirrors-mypy": {"mypy": "mypy"},
    "github.com/psf/black": _BLACK,
    "github.com/psf/black-pre-commit-mirror": _BLACK,
    "github.com/pycqa/flake8": {"flake8": "flake8"},
    "gitlab.com/pycqa/flake8": {"flake8": "flake8"},
    "github.com/pycqa/isort": {"isort": "isort"},
    "github.com/timothycrosley/isort": {"isort": "isort"},
    "github.com/robertcraigie/pyright-python": {"pyright": "pyright"},
}
# Flags of the wrapped tools that make them rewrite files: dropped, healer's stages only check.
_FIX_FLAGS = {"--fix", "--unsafe-fixes", "--exit-non-zero-on-fix", "--fix-only", "--show-fixes"}


def detect(root: Path) -> Found:
    if not (root / CONFIG).is_file():
        return Found()
    try:
        data = read_yaml(root, CONFIG)
    except Unreadable as error:
        return Found(notes=(error.note,))
    repos = data.get("repos") if isinstance(data, dict) else None
    if not isinstance(repos, list):
        return Found(notes=(f"skipped {CONFIG}: no list of repos",))
    default_stages = strings(data.get("default_stages")) if isinstance(data, dict) else []
    candidates: list[Candidate] = []
    notes: list[str] = []
    for repo in repos:
        url = repo.get("repo") if isinstance(repo, dict) else None
        listed = repo.get("hooks") if isinstance(repo, dict) else None
        listed = listed if isinstance(listed, list) else []
        hooks = [hook for hook in listed if isinstance(hook, dict)]
        if not isinstance(url, str):
            notes.append(f"{CONFIG}: an entry of repos has no repo; skipped")
        elif url == "meta":
            ids = ", ".join(str(hook.get("id")) for hook in hooks)
            notes.append(f"{CONFIG}: meta hooks ({ids}) check pre-commit's own config; skipped")
        elif url == "local":
            for hook in hooks:
                candidate, note = _local(hook, default_stages)
                candidates += [candidate] if candidate else []
                notes.append(note)
        else:
            found, more = _remote(url, hooks, default_stages)
            candidates += found
            notes += more
    return Found(tuple(candidates), tuple(notes))


def repo_key(url: str) -> str:
    """A repository URL without scheme, user, `.git` or case ("github.com/psf/black")."""
    key = url.strip().lower().removesuffix("/").removesuffix(".git")
    key = re.sub(r"^[a-z+]+://", "", key)
    key = re.sub(r"^[^@/]+@", "", key)
    return key.replace(":", "/", 1) if ":" in key.split("/", 1)[0] else key


def _local(hook: dict[str, object], default_stages: list[str]) -> tuple[Candidate | None, str]:
    hook_id = hook.get("id")
    entry = hook.get("entry")
    language = hook.get("language")
    if not isinstance(hook_id, str) or not isinstance(entry, str) or not entry.strip():
        return None, f"{CONFIG}: local hook {hook_id!r} has no id or entry; skipped"
    where = f"local hook {hook_id!r} in {CONFIG}"
    if language not in RUNNABLE:
        why = {
            "fail": "it only rejects file names",
            "pygrep": "its entry is a regular expression, not a command",
        }.get(str(language), "it needs pre-commit's own environment")
        return None, f"{where}: language {language} skipped, {why}"
    stages = strings(hook.get("stages")) or default_stages
    if stages and not _CHECK_STAGES & set(stages):
        return None, f"{where}: runs only at {', '.join(stages)}; skipped"
    argv = shlex.split(entry) + strings(hook.get("args"))
    if language in _SCRIPTS and "/" not in argv[0]:
        argv[0] = f"./{argv[0]}"  # pre-commit runs scripts from the repository root, not PATH
    command = shlex.join(argv)
    keys = tools_in(command)
    rewrites = rewrite(command)
    if rewrites is not None:
        return _replace_fixer(rewrites, keys, where)
    inputs, inputs_note = hook_inputs(hook)
    name = slug(hook_id) or "hook"
    stage = Stage(
        name=name,
        run=command,
        kind=guess_kind(keys, hook_id, str(hook.get("name", ""))),
        inputs=inputs,
        parser=parser_for(keys),
    )
    note = f"{name}: {where}"
    if hook.get("pass_filenames", True) is not False:
        note += "; pre-commit passes it the changed files, healer runs it once on the project"
    if inputs_note:
        note += f"; {inputs_note}"
    return Candidate(stage, EXPLICIT, where, keys, "pre-commit"), note


def _replace_fixer(why: str, keys: frozenset[str], where: str) -> tuple[Candidate | None, str]:
    """A local hook that rewrites files becomes healer's check-only stage for the same tool."""
    candidates, note = replace(where, why, keys, rank=MIRRORED, prefix="pre-commit")
    # A hook is one command; one that runs several fixers is a script, not a tool to mirror.
    if len(candidates) != 1:
        return None, f"{where}: {why}; skipped (healer stages only check)"
    return candidates[0], note


def _remote(url: str, hooks: list[dict[str, object]], default_stages: list[str]) -> tuple[list[Candidate], list[str]]:
    """A well-known hook becomes healer's stage for its tool; any other runs through the framework."""
    key = repo_key(url)
    known = WELL_KNOWN.get(key, {})
    candidates: list[Candidate] = []
    notes: list[str] = []
    program: str | None = None
    for hook in hooks:
        hook_id = str(hook.get("id"))
        tool = known.get(hook_id)
        if tool is None:
            program = program or framework()
            candidate, note = remote_hook(url, key, hook, default_stages, program)
            candidates += [candidate] if candidate else []
            notes.append(note)
            continue
        args = [arg for arg in strings(hook.get("args")) if arg.split("=")[0] not in _FIX_FLAGS]
        stage = python_stage(tool, args)
        where = f"hook {hook_id} of {url} in {CONFIG}"
        covers = frozenset({TOOL_KEYS[tool]})
        candidates.append(Candidate(stage, MIRRORED, where, covers, "pre-commit"))
        note = f"{stage.name}: {where}, run with the locally installed {tool.split('-')[0]}"
        extra = strings(hook.get("additional_dependencies"))
        if extra:
            note += f" (additional_dependencies not installed by healer: {', '.join(extra)})"
        notes.append(note)
    return candidates, notes
