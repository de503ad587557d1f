"""Checks declared as pre-commit hooks in .pre-commit-config.yaml.

Two readings of the same file. `detect` is the pipeline a repository that uses pre-commit gets without
configuring healer: every hook is a stage the framework (pre-commit, or prek when only prek is installed)
runs, so the framework prepares its environment and applies `files`, `exclude`, `types`, `types_or`,
`exclude_types`, `pass_filenames` and `always_run` (and the top-level `files` and `exclude`) exactly as
`pre-commit run --all-files` does; only a local hook whose plain command is the same check (it has no
environment of its own, takes no file names and is not filtered) runs without the framework. `convert` is
what `healer init --from-pre-commit` writes for a project that moves off the framework: local hooks and the
well-known tool hooks become plain commands, and only hooks that need an environment of their own keep it.
Both honour `stages`/`default_stages` (hooks of other git hooks are left out, pre-push ones run at that
stage) and `fail_fast` (top-level, or a hook's own: the hooks after it need it, so they wait and are skipped
when it fails).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import Path

from healer.config.settings import Stage
from healer.detect.candidate import EXPLICIT, MIRRORED, Candidate, Found
from healer.detect.check_only import replace
from healer.detect.commands import guess_kind, parser_for, simple_commands, tools_in
from healer.detect.effects import rewrite
from healer.detect.files import Unreadable, read_yaml, strings
from healer.detect.hook_files import hook_inputs
from healer.detect.names import slug
from healer.detect.python_tools import TOOL_KEYS, python_stage
from healer.detect.remote_hooks import framework, framework_stage, hook_stage, remote_hook

CONFIG = ".pre-commit-config.yaml"
# Languages whose entry is an ordinary command healer can run from the project's environment.
# (pre-commit 4.4 renamed system/script to unsupported/unsupported_script.)
RUNNABLE = {"system", "unsupported", "script", "unsupported_script", "python", "python_venv"}
_SCRIPTS = {"script", "unsupported_script"}
# Languages that make no environment: the entry runs with the PATH healer gives its stages.
_NO_ENVIRONMENT = {"system", "unsupported", *_SCRIPTS}
_CHECK_STAGES = {"pre-commit", "commit", "pre-push", "push", "pre-merge-commit", "merge-commit"}
# The keys pre-commit knows (clientlib.py); any other is a typo it only warns about.
_HOOK_KEYS = {
    "id", "alias", "name", "entry", "language", "language_version", "files", "exclude", "types", "types_or",
    "exclude_types", "additional_dependencies", "args", "always_run", "fail_fast", "pass_filenames",
    "description", "log_file", "require_serial", "stages", "verbose", "minimum_pre_commit_version",
}  # fmt: skip
_REPO_KEYS = {"repo", "rev", "hooks"}
_TOP_KEYS = {
    "repos", "default_install_hook_types", "default_language_version", "default_stages", "files", "exclude",
    "fail_fast", "minimum_pre_commit_version", "ci",
}  # fmt: skip
_FILTERS = ("files", "exclude", "types", "types_or", "exclude_types")
# healer's own hooks (its .pre-commit-hooks.yaml): as a stage of healer's pipeline they would run it again.
_HEALER = re.compile(r"(^|/)(git-)?healer$")

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
    """The hooks as healer's pipeline: each run by the framework unless a plain command is the same check."""
    return _read(root, move=False)


def convert(root: Path) -> Found:
    """The hooks as stages for a project that moves off the framework (`healer init --from-pre-commit`)."""
    return _read(root, move=True)


def load(root: Path) -> dict[str, object]:
    """The config as data; Unreadable (naming the file and the problem) when it is not a pre-commit config."""
    data = read_yaml(root, CONFIG)
    if not isinstance(data, dict) or not isinstance(data.get("repos"), list):
        raise Unreadable(CONFIG, "no list of repos")
    return data


def framework_stages(stages: Sequence[Stage]) -> list[str]:
    """The names of `stages` that run a hook framework (what still needs pre-commit or prek installed)."""
    return [stage.name for stage in stages if _runs_framework(stage)]


def _read(root: Path, *, move: bool) -> Found:
    if not (root / CONFIG).is_file():
        return Found()
    try:
        data = load(root)
    except Unreadable as error:
        return Found(notes=(error.note,))
    repos = data["repos"]
    assert isinstance(repos, list)
    default_stages = strings(data.get("default_stages"))
    filtered = any(data.get(key) not in (None, "", "^$") for key in ("files", "exclude"))
    candidates: list[Candidate] = []
    notes = [f"{CONFIG}: unknown top-level key {key!r} (pre-commit ignores it)" for key in data if key not in _TOP_KEYS]
    hooks_in_order: list[tuple[dict[str, object], Candidate | None]] = []
    program: str | None = None
    for repo in repos:
        url = repo.get("repo") if isinstance(repo, dict) else None
        listed = repo.get("hooks") if isinstance(repo, dict) else None
        listed = listed if isinstance(listed, list) else []
        hooks = [hook for hook in listed if isinstance(hook, dict)]
        if not isinstance(url, str):
            notes.append(f"{CONFIG}: an entry of repos has no repo; skipped")
            continue
        assert isinstance(repo, dict)
        notes += [
            f"{CONFIG}: repo {url}: unknown key {key!r} (pre-commit ignores it)"
            for key in repo
            if key not in _REPO_KEYS
        ]
        for hook in hooks:
            notes += _unknown_keys(hook)
            candidate, note = None, ""
            if _runs_healer(url, hook):
                note = f"{CONFIG}: hook {hook.get('id')!r} runs healer itself; skipped"
            elif url == "meta" and move:
                note = f"{CONFIG}: meta hook {hook.get('id')} checks pre-commit's own config; skipped"
            elif url in ("local", "meta"):
                program = program or framework()
                candidate, note = _local(root, hook, default_stages, program, move=move, filtered=filtered)
            else:
                program = program or framework()
                candidate, note = _remote(url, hook, default_stages, program, move=move)
            if candidate is not None:
                candidates.append(candidate)
            hooks_in_order.append((hook, candidate))
            notes.append(note)
    return Found(tuple(_fail_fast(data.get("fail_fast") is True, hooks_in_order, candidates)), tuple(notes))


def repo_key(url: str) -> str:
    """A repository URL without scheme, user, `.git` or case ("github.com/psf/black")."""
    key = url.strip().lower().removesuffix("/").removesuffix(".git")
    key = re.sub(r"^[a-z+]+://", "", key)
    key = re.sub(r"^[^@/]+@", "", key)
    return key.replace(":", "/", 1) if ":" in key.split("/", 1)[0] else key


def _unknown_keys(hook: dict[str, object]) -> list[str]:
    return [
        f"{CONFIG}: hook {hook.get('id')!r}: unknown key {key!r} (pre-commit ignores it)"
        for key in hook
        if key not in _HOOK_KEYS
    ]


def _runs_healer(url: str, hook: dict[str, object]) -> bool:
    entry = hook.get("entry")
    if url == "local" and isinstance(entry, str):
        return any(_HEALER.search(program) for program, _ in simple_commands(entry))
    return url != "meta" and bool(_HEALER.search(repo_key(url))) and str(hook.get("id")).startswith("healer")


def _local(
    root: Path, hook: dict[str, object], default_stages: list[str], program: str, *, move: bool, filtered: bool
) -> tuple[Candidate | None, str]:
    hook_id = hook.get("id")
    entry = hook.get("entry")
    language = hook.get("language")
    meta = hook_id in ("check-hooks-apply", "check-useless-excludes", "identity") and entry is None
    if not isinstance(hook_id, str) or (not meta and (not isinstance(entry, str) or not entry.strip())):
        return None, f"{CONFIG}: local hook {hook_id!r} has no id or entry; skipped"
    where = f"{'meta' if meta else 'local'} hook {hook_id!r} in {CONFIG}"
    stages = strings(hook.get("stages")) or default_stages
    at = hook_stage(stages)
    if at is None:
        return None, f"{where}: runs only at {', '.join(stages)}; skipped"
    argv = shlex.split(entry) + strings(hook.get("args")) if isinstance(entry, str) else []
    if language in _SCRIPTS and argv and "/" not in argv[0]:
        argv[0] = f"./{argv[0]}"  # pre-commit runs scripts from the repository root, not PATH
    command = shlex.join(argv)
    keys = tools_in(command) if argv else frozenset()
    if move:
        # Moving off the framework: any runnable entry becomes the command; file names become the project.
        plain = language in RUNNABLE and (hook.get("pass_filenames") is False or bool(keys))
    else:
        # The same check without the framework: no environment of its own, no file names, nothing filtered out.
        unfiltered = hook.get("always_run") is True or not (filtered or any(hook.get(k) for k in _FILTERS))
        plain = _no_environment(language, hook, argv) and hook.get("pass_filenames") is False and unfiltered
    rewrites = rewrite(command) if argv else None
    if plain and rewrites is not None:
        # A plain command that rewrites becomes healer's check-only stage for its tool, if it has one (moving off
        # the framework); else, as every other hook, the framework runs it in a private copy.
        replaced = _replace_fixer(rewrites, keys, where) if move else (None, "")
        if replaced[0] is not None:
            return replaced
        plain = False
    inputs, inputs_note = ((), "") if hook.get("always_run") is True else hook_inputs(hook)
    # The hook's own script is an input too: editing it changes the verdict.
    scripts = tuple(word.removeprefix("./") for word in argv if "/" in word or word.endswith((".py", ".sh")))
    scripts = tuple(word for word in scripts if not word.startswith("/") and (root / word).is_file())
    inputs = (*inputs, *scripts, CONFIG) if inputs else ()
    name = slug(hook_id) or "hook"
    covers = frozenset({*keys, f"hook:{hook_id}"})
    kind = guess_kind(keys, hook_id, str(hook.get("name", "")))
    if plain:
        stage = Stage(name=name, run=command, kind=kind, inputs=inputs, parser=parser_for(keys),
                      hooks=("pre-push",) if at else ())  # fmt: skip
        note = f"{name}: {where}, a plain command"
        if hook.get("pass_filenames", True) is not False:
            note += "; pre-commit passes it the changed files, healer runs it once on the project"
        if at:
            note += "; pre-commit runs it at pre-push"
        return Candidate(stage, EXPLICIT, where, covers, "pre-commit"), note + (
            f"; {inputs_note}" if inputs_note else ""
        )
    writes = "it rewrites files" if rewrites is not None else None
    stage = framework_stage(
        program, hook_id, at, kind=kind, inputs=inputs, writes=writes, parser=parser_for(keys)
    )._replace(name=name)
    why = "its language is pre-commit's" if language not in RUNNABLE else "on the files it selects"
    note = f"{name}: {where}, run by {program} ({why})"
    if writes is not None:
        note += f"; {rewrites}, so it runs in a private copy and its rewrites are proposed as fixes"
    if inputs_note:
        note += f"; {inputs_note}"
    return Candidate(stage, EXPLICIT, where, covers, "pre-commit"), note


def _no_environment(language: object, hook: dict[str, object], argv: list[str]) -> bool:
    """Whether the hook's entry runs as it would from healer's PATH: the framework makes no environment for it,
    or (a `python` hook with no additional_dependencies) an empty one that only puts its own `python` first."""
    if language in _NO_ENVIRONMENT:
        return True
    empty = language in ("python", "python_venv") and not strings(hook.get("additional_dependencies"))
    return empty and bool(argv) and not re.match(r"(python|pip)[0-9.]*$", argv[0].rsplit("/", 1)[-1])


def _replace_fixer(why: str, keys: frozenset[str], where: str) -> tuple[Candidate | None, str]:
    """A local hook that rewrites files becomes healer's check-only stage for the same tool."""
    candidates, note = replace(where, why, keys, rank=MIRRORED, prefix="pre-commit")
    # A hook is one command; one that runs several fixers is a script, not a tool to mirror.
    if len(candidates) != 1:
        return None, f"{where}: {why}; skipped (healer stages only check)"
    return candidates[0], note


def _remote(
    url: str, hook: dict[str, object], default_stages: list[str], program: str, *, move: bool
) -> tuple[Candidate | None, str]:
    """A hook of another repository: run by the framework, or (moving off it) healer's stage for its tool."""
    key = repo_key(url)
    hook_id = str(hook.get("id"))
    tool = WELL_KNOWN.get(key, {}).get(hook_id)
    if tool is None or not move:
        return remote_hook(url, key, hook, default_stages, program, tool)
    where = f"hook {hook_id} of {url} in {CONFIG}"
    at = hook_stage(strings(hook.get("stages")) or default_stages)
    if at is None:
        return None, f"{where}: runs only at {', '.join(strings(hook.get('stages')) or default_stages)}; skipped"
    args = [arg for arg in strings(hook.get("args")) if arg.split("=")[0] not in _FIX_FLAGS]
    stage = python_stage(tool, args)._replace(hooks=("pre-push",) if at else ())
    covers = frozenset({TOOL_KEYS[tool]})
    note = f"{stage.name}: {where}, a plain command with the locally installed {tool.split('-')[0]}"
    extra = strings(hook.get("additional_dependencies"))
    if extra:
        note += f" (additional_dependencies not installed by healer: {', '.join(extra)})"
    return Candidate(stage, MIRRORED, where, covers, "pre-commit"), note


def _fail_fast(
    everywhere: bool, hooks: list[tuple[dict[str, object], Candidate | None]], candidates: list[Candidate]
) -> list[Candidate]:
    """`fail_fast`: the framework stops at the first failing hook (every hook, or one that says so itself).

    healer runs stages in parallel; a hook after a fail-fast one `needs` it, so it waits for it and is
    skipped when it fails, as the framework would not have run it.
    """
    if not everywhere and not any(hook.get("fail_fast") is True for hook, _ in hooks):
        return candidates
    names: dict[str, str] = {}  # command → the first stage that runs it (`pre-commit run ID` runs every ID)
    kept: list[Candidate] = []
    gates: list[str] = []
    previous: str | None = None
    for hook, candidate in hooks:
        if candidate is None:
            continue
        stage = candidate.stage
        line = stage.command_line()
        if line in names:  # the same stage twice: detection keeps the first
            continue
        names[line] = stage.name
        needs = [*gates, *([previous] if everywhere and previous else [])]
        kept.append(candidate if not needs else _with_needs(candidate, needs))
        # A stage left out later (of unknown effect, not confirmed) must not be needed by the others.
        if candidate.unsure is None and hook.get("fail_fast") is True:
            gates.append(stage.name)
        previous = stage.name if candidate.unsure is None else previous
    return kept


def _with_needs(candidate: Candidate, needs: list[str]) -> Candidate:
    stage = candidate.stage._replace(needs=tuple(dict.fromkeys(needs)))
    return Candidate(stage, candidate.rank, candidate.origin, candidate.covers, candidate.prefix, candidate.key,
                     candidate.unsure)  # fmt: skip


def _runs_framework(stage: Stage) -> bool:
    argv = stage.argv()
    return bool(argv) and argv[0].rsplit("/", 1)[-1] in ("pre-commit", "prek")
