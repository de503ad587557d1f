"""tool-fix: let a tool's own fixer (ruff --fix, the configured formatter) repair the content, in a scratch copy.

The fixer runs in `ctx.scratch()`, never in `ctx.root`; what it rewrote there
becomes the proposal's edits. Params:

- `command`: an argv; `{file}` and `{code}` are filled from the diagnostic.
- `use = "stage-fix"`: the failing stage's configured `fix` command instead.
- `unsafe_fixes`: add `--unsafe-fixes` (ruff applies only the fixes it deems safe without it).
- `same_ast`: the tool may change only layout and comments: verification fails its changes unless
  every file it changed is Python whose syntax tree they leave as it was (Patch.same_ast). What
  makes a fixer still in preview, or one that reindents, safe to apply unreviewed.
- `timeout`: seconds, 60 by default.

An unused import is not removed while an undefined name in its file is one slip from it (see
healer.diagnostics.symbols): the rename is the fix.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from healer.config.settings import Stage
from healer.diagnostics.symbols import typo_targets, unused_import
from healer.patch.patch import FileEdit
from healer.pipeline.environment import InCopy, stage_env
from healer.pipeline.hook_framework import needs_repository
from healer.pipeline.scratch_git import scratch_repository
from healer.process import run_briefly
from healer.rules.context import ActionContext
from healer.rules.outcome import Proposal

DEFAULT_TIMEOUT = 60.0
STAGE_FIX = "stage-fix"

# Tools' caches and interpreters' bytecode change on every run and are nobody's edit.
_SKIP_DIRS = frozenset(
    {
        ".git",
        "__pycache__",
        ".ruff_cache",
        ".mypy_cache",
        ".pytest_cache",
        ".hypothesis",
        ".tox",
        ".nox",
        "node_modules",
    }
)


class _Seen(NamedTuple):
    stat: tuple[int, int, int, int]
    digest: bytes


def run(ctx: ActionContext) -> Proposal | None:
    if ctx.scratch is None:
        return None
    if unused_import(ctx.diagnostic.message) is not None and typo_targets(ctx.diagnostics, ctx.diagnostic.file):
        # `slugify` unused because a call reads `sulgify`: removing imports (a fixer removes every unused one
        # in the file) would make the rename impossible; once the name is fixed, the import is used again.
        return None
    command = _command(ctx)
    if command is None:
        return None
    timeout = float(ctx.params.get("timeout", DEFAULT_TIMEOUT))
    with ctx.scratch() as scratch:
        cwd = scratch / ctx.stage.cwd if ctx.stage is not None and ctx.stage.cwd else scratch
        argv = _fill(command, ctx, scratch, cwd)
        if argv is None or not cwd.is_dir():
            return None
        before = _snapshot(scratch)
        try:
            code = _run(ctx, argv, cwd, scratch, timeout)
        except (OSError, subprocess.SubprocessError):
            return None  # not installed, not executable: nothing to propose
        if code is None:
            return None  # a fixer stopped halfway may have left files half-written
        edits = tuple(_edits(ctx, scratch, before))
    if not edits:
        return None
    title = f"run `{shlex.join(_shown(argv, scratch))}`"
    return Proposal(title=title, edits=edits, same_ast=bool(ctx.params.get("same_ast")))


def _run(ctx: ActionContext, argv: list[str], cwd: Path, scratch: Path, timeout: float) -> int | None:
    env = _env(ctx, scratch)
    if ctx.stage is None or not (
        ctx.stage.isolate or needs_repository(ctx.stage._replace(run=tuple(argv), shell=False))
    ):
        return run_briefly(argv, cwd, env, timeout=timeout)[0]
    # A hook framework's fixer (a pre-commit hook run as the stage's fix), or an isolated stage's, lists the files
    # to rewrite with git: the scratch copy becomes a repository of its own.
    with scratch_repository(scratch, env) as variables:
        return run_briefly(argv, cwd, {**env, **variables}, timeout=timeout)[0]


def _command(ctx: ActionContext) -> list[str] | None:
    params: Mapping[str, Any] = ctx.params
    if params.get("use") == STAGE_FIX:
        return None if ctx.stage is None else ctx.stage.fix_argv()
    raw = params.get("command")
    if isinstance(raw, str):
        raw = shlex.split(raw)
    if not isinstance(raw, Sequence) or not raw or not all(isinstance(word, str) for word in raw):
        return None
    command = list(raw)
    if params.get("unsafe_fixes"):
        # Before `--`, or the flag would be read as a file name.
        position = command.index("--") if "--" in command else len(command)
        command.insert(position, "--unsafe-fixes")
    return command


def _fill(command: Sequence[str], ctx: ActionContext, scratch: Path, cwd: Path) -> list[str] | None:
    diagnostic = ctx.diagnostic
    argv: list[str] = []
    for word in command:
        if "{file}" in word:
            if diagnostic.file is None or not _inside(diagnostic.file):
                return None  # a tool pointed outside the repository: the fixer must not write there
            # The diagnostic's path is repository-relative; the tool runs in the stage's folder.
            word = word.replace("{file}", os.path.relpath(scratch / diagnostic.file, cwd))
        if "{code}" in word:
            if diagnostic.code is None:
                return None
            word = word.replace("{code}", diagnostic.code)
        argv.append(word)
    return argv


def _inside(path: str) -> bool:
    return not os.path.isabs(path) and ".." not in path.replace("\\", "/").split("/")


def _env(ctx: ActionContext, scratch: Path) -> dict[str, str]:
    # A fixer that runs git in the copy must not find the user's repository.
    stage = ctx.stage if ctx.stage is not None else Stage(name="tool-fix", run=())
    return stage_env(stage, ctx.env, copy=InCopy(str(scratch)))


def _walk(scratch: Path) -> Iterator[Path]:
    # Symlinks are the links to the user's virtualenv and the like: never follow them.
    for folder, dirs, files in os.walk(scratch):
        dirs[:] = [name for name in dirs if name not in _SKIP_DIRS and not os.path.islink(os.path.join(folder, name))]
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                yield path


def _stat(path: Path) -> tuple[int, int, int, int]:
    info = path.stat()
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _snapshot(scratch: Path) -> dict[str, _Seen]:
    # Digests, not contents: the copy may be large, and only the few files the tool rewrites are read again.
    seen: dict[str, _Seen] = {}
    for path in _walk(scratch):
        try:
            seen[path.relative_to(scratch).as_posix()] = _Seen(_stat(path), _digest(path.read_bytes()))
        except OSError:
            continue
    return seen


def _edits(ctx: ActionContext, scratch: Path, before: dict[str, _Seen]) -> Iterator[FileEdit]:
    for path in sorted(_walk(scratch)):
        relative = path.relative_to(scratch).as_posix()
        old = before.get(relative)
        try:
            if old is None or _stat(path) == old.stat:
                continue  # Files the tool created are its by-products (reports, caches), not fixes.
            after = path.read_bytes()
        except OSError:
            continue
        if _digest(after) == old.digest:
            continue
        original = ctx.read(relative)
        # Only files the copy held exactly as ctx.root does: an ignored file left over
        # in the copy is not the user's content.
        if original is not None and _digest(original) == old.digest:
            yield FileEdit(path=relative, before=original, after=after)


def _shown(argv: Sequence[str], scratch: Path) -> list[str]:
    # The title names the repository's paths, not the scratch copy's.
    prefix = str(scratch) + os.sep
    return [word.replace(prefix, "") for word in argv]
