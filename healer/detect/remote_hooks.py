"""Remote pre-commit hooks healer has no tool of its own for: one stage per hook id, run by the framework.

`pre-commit run HOOK --all-files` (or prek's same command when only prek is installed) installs the hook's
environment the first time (from the network, unless the repo is a local path) and applies the hook's own
`files`, `exclude`, `types` and `types_or`; the stage's `inputs` are globs for them, so an unrelated change
reuses the cached result.

The working tree is checked in place, so a hook that rewrites files would rewrite the user's. A hook known to
only read (the checkers of the common hook repositories, unless their arguments ask them to write:
`codespell -w`, `--fix`) runs there. A known fixer (`trailing-whitespace`, `black`, a checker told to write)
becomes an `isolate` stage: it runs in a private copy, fails naming what it would rewrite, and its own
rewrite is proposed as a fix (the stage's `fix` is the same command). Any other hook runs the same way: the
config is the user's own pipeline, already run on their files by the framework, and in a private copy a
hook that turns out to rewrite files finds what it would rewrite instead of rewriting it.
"""

from __future__ import annotations

import os
import shlex

from healer.config.settings import Stage
from healer.detect.candidate import EXPLICIT, Candidate
from healer.detect.commands import PARSERS, name_kind
from healer.detect.effects import rewrite
from healer.detect.files import strings
from healer.detect.hook_catalog import READERS, WRITERS, listed
from healer.detect.hook_files import hook_inputs
from healer.detect.names import slug
from healer.detect.python_tools import TOOL_KEYS
from healer.process import resolve

CONFIG = ".pre-commit-config.yaml"

# What a hook's own manifest (.pre-commit-hooks.yaml in its repository, not readable offline) filters by,
# for the inputs; the config's keys override them, as they do for pre-commit.
_MANIFEST: dict[str, dict[str, object]] = {
    "check-ast": {"types": ["python"]},
    "check-builtin-literals": {"types": ["python"]},
    "check-docstring-first": {"types": ["python"]},
    "debug-statements": {"types": ["python"]},
    "check-json": {"types": ["json"]},
    "pretty-format-json": {"types": ["json"]},
    "check-toml": {"types": ["toml"]},
    "check-yaml": {"types": ["yaml"]},
    "name-tests-test": {"files": r"(^|/)tests/.+\.py$"},
    "python-check-blanket-noqa": {"types": ["python"]},
    "python-check-blanket-type-ignore": {"types": ["python"]},
    "python-check-mock-methods": {"types": ["python"]},
    "python-no-eval": {"types": ["python"]},
    "python-no-log-warn": {"types": ["python"]},
    "python-use-type-annotations": {"types": ["python"]},
    "rst-backticks": {"types": ["rst"]},
    "rst-directive-colons": {"types": ["rst"]},
    "rst-inline-touching-normal": {"types": ["rst"]},
    "yamllint": {"types": ["yaml"]},
    "shellcheck": {"types": ["shell"]},
    "sphinx-lint": {"types": ["rst"]},
}

# Writers that only check when given these arguments (pre-commit-hooks' own options).
_CHECK_ARGS: dict[str, tuple[str, ...]] = {"mixed-line-ending": ("--fix=no",)}
_WRITE_ARGS: dict[str, tuple[str, ...]] = {
    "pretty-format-json": ("--autofix",),
    "ruff": ("--fix", "--unsafe-fixes", "--fix-only"),
    "ruff-check": ("--fix", "--unsafe-fixes", "--fix-only"),
}
# Hooks about the commit rather than the files: run on a working tree they say nothing healer can heal.
_ABOUT_COMMITS = {"no-commit-to-branch"}
_CHECK_STAGES = {"pre-commit", "commit", "pre-merge-commit", "merge-commit"}
_TOOL_KINDS = {
    "ruff-format": "format",
    "black": "format",
    "isort": "format",
    "mypy": "typecheck",
    "pyright": "typecheck",
}
_PUSH_STAGES = {"pre-push", "push"}


def framework(path: str | None = None) -> str:
    """The program that runs remote hooks: pre-commit, else prek when only prek is on PATH."""
    path = os.environ.get("PATH") if path is None else path
    if resolve("pre-commit", path) is None and resolve("prek", path) is not None:
        return "prek"
    return "pre-commit"


def remote_hook(
    url: str, repo: str, hook: dict[str, object], default_stages: list[str], program: str, tool: str | None = None
) -> tuple[Candidate | None, str]:
    """The stage for one remote hook (`repo` is `url`'s key), or None, and the note saying what became of it.

    `tool`: healer's own stage name for the tool the hook wraps (precommit.WELL_KNOWN), for its parser and so
    that the same tool found elsewhere (pyproject.toml) is not run twice.
    """
    hook_id = str(hook.get("id"))
    args = strings(hook.get("args"))
    where = f"hook {hook_id} of {url} in {CONFIG}"
    if hook_id in _ABOUT_COMMITS:
        return None, f"{where}: checks the branch a commit goes to, not files; skipped"
    at = hook_stage(strings(hook.get("stages")) or default_stages)
    if at is None:
        return None, f"{where}: runs only at {', '.join(strings(hook.get('stages')) or default_stages)}; skipped"
    writes = _writes(repo, hook_id, args)
    known = listed(READERS, repo, hook_id) or writes is not None or tool is not None
    if not known:
        # The config is the user's own pipeline, which the framework already runs on their files; what healer
        # cannot tell is whether the hook rewrites them, so it runs where a rewrite is a finding, not a change.
        writes = "healer does not know whether it rewrites files"
    inputs, inputs_note = ((), "") if hook.get("always_run") is True else _inputs(hook_id, hook)
    key = TOOL_KEYS.get(tool or "")
    stage = framework_stage(
        program,
        hook_id,
        at,
        kind=_kind(hook_id, str(hook.get("name", ""))) if key is None else _TOOL_KINDS.get(key, "lint"),
        inputs=inputs,
        writes=writes,
        parser=PARSERS.get(key or ""),
    )
    note = f"{stage.name}: {where}, run by {program} (`--all-files`: the files git tracks)"
    if writes is not None:
        note += f"; {writes}, so it runs in a private copy and its rewrites are proposed as fixes"
    if inputs_note:
        note += f"; {inputs_note}"
    covers = frozenset({f"hook:{hook_id}", *([key] if key else [])})
    candidate = Candidate(stage, EXPLICIT, where, covers, "pre-commit")
    return candidate, note


def hook_stage(stages: list[str]) -> list[str] | None:
    """The framework's `--hook-stage` argument for a hook that runs at `stages` (empty: the default), or None
    when it never runs where files are checked (commit-msg, manual, post-checkout...)."""
    if not stages or _CHECK_STAGES & set(stages):
        return []
    if _PUSH_STAGES & set(stages):
        return ["--hook-stage=pre-push"]
    return None


def framework_stage(
    program: str,
    hook_id: str,
    at: list[str],
    *,
    kind: str,
    inputs: tuple[str, ...],
    writes: str | None,
    parser: str | None = None,
    versions: tuple[str, ...] = (),
) -> Stage:
    """The stage that has the framework run one hook on every file git tracks.

    The framework prepares the hook's environment and applies what the config says of the hook (`files`,
    `exclude`, `types`, `types_or`, `exclude_types`, `pass_filenames`, `always_run`, `args`, the top-level
    `files` and `exclude`) exactly as `pre-commit run --all-files` does.
    """
    command = shlex.join([program, "run", hook_id, "--all-files", *at])
    return Stage(
        name=slug(hook_id) or "hook",
        run=command,
        kind=kind,
        inputs=inputs,
        versions=(f"{program} --version", *versions),
        # A fixer checks by rewriting: in a private copy, where what it rewrote is the finding and its fix.
        fix=command if writes is not None else None,
        isolate=writes is not None,
        parser=parser,
        # A hook the config limits to pre-push (`--hook-stage=pre-push`) runs in healer's pre-push hook only.
        hooks=("pre-push",) if at else (),
    )


def _writes(repo: str, hook_id: str, args: list[str]) -> str | None:
    if hook_id in _CHECK_ARGS and all(arg in args for arg in _CHECK_ARGS[hook_id]):
        return None
    if any(arg.split("=")[0] in _WRITE_ARGS.get(hook_id, ()) for arg in args):
        return "its arguments make it rewrite files"
    if listed(WRITERS, repo, hook_id) and hook_id not in _WRITE_ARGS:
        return "it rewrites files"
    # A checker told to write (`codespell -w`, `markdownlint --fix`): the hook id is usually its program.
    why = rewrite(shlex.join([hook_id, *args])) if args else None
    return "its arguments make it rewrite files" if why is not None else None


def _inputs(hook_id: str, hook: dict[str, object]) -> tuple[tuple[str, ...], str]:
    merged = {**_MANIFEST.get(hook_id, {}), **{k: v for k, v in hook.items() if k in ("files", "types", "types_or")}}
    globs, note = hook_inputs(merged)
    # The config sets the hook's revision and arguments: when it changes, so may the result.
    return ((*globs, CONFIG) if globs else ()), note


def _kind(hook_id: str, name: str) -> str:
    if hook_id.startswith("detect-") or name_kind(hook_id) == "security":
        return "security"
    kind = name_kind(hook_id)
    if kind == "other":
        kind = name_kind(name)
    return "lint" if kind == "other" else kind
