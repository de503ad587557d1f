"""Run one of the project's tools over a candidate's files in an isolated copy, and take what it rewrote.

Shared by the polish passes (import sorting, formatting): the candidate is
written into a scratch copy, the tool runs there as its stage would, and the
chosen files' new content replaces theirs in the candidate. Any failure
(the tool is missing, exits non-zero, a path would leave the copy) leaves
the candidate as it was: verification and validation say why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path

from healer.agents.changes import scan
from healer.config.settings import SandboxSettings, Stage
from healer.patch.patch import FileEdit, Patch
from healer.pipeline.environment import InCopy, stage_env
from healer.pipeline.jail import Jail, choose
from healer.process import run_briefly
from healer.verify.sandbox import OutsideCopy, scrub, write_in_copy

Command = Callable[[Path, Path], list[str]]
"""The argv to run, given the copy's root and the folder it runs in."""


def tool_pass(
    patch: Patch,
    chosen: Sequence[FileEdit],
    stage: Stage,
    command: Command,
    scratch: Callable[[], AbstractContextManager[Path]],
    *,
    timeout: float,
    prepend_path: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    sandbox: SandboxSettings | None = None,
) -> Patch:
    """`patch` with `chosen` files as `command` left them in a copy holding the patch's result, or `patch`.

    The tool runs the patch's code as much as a check does (`python -m black` imports a `black.py` of the copy,
    prettier runs its config file): an untrusted patch's pass runs in the OS sandbox (`sandbox`), or not at all
    where none works, and what it left in the copy is removed after it."""
    jail = None
    if not patch.trusted:
        choice = choose(sandbox or SandboxSettings(), env)
        if choice.problem is not None:
            return patch  # its verification will say it cannot run it either
        jail = choice.jail
    with scratch() as folder:
        tracked, links = scan(folder)
        try:
            return _pass(patch, chosen, stage, command, folder, jail, timeout, prepend_path, env)
        finally:
            if not patch.trusted:
                scrub(folder, set(tracked), list(links))


def _pass(
    patch: Patch,
    chosen: Sequence[FileEdit],
    stage: Stage,
    command: Command,
    folder: Path,
    jail: Jail | None,
    timeout: float,
    prepend_path: Sequence[str],
    env: Mapping[str, str] | None,
) -> Patch:
    try:
        for edit in patch.edits:
            write_in_copy(folder, edit.path, edit.after)
    except OutsideCopy:
        return patch
    cwd = folder / stage.cwd if stage.cwd else folder
    try:
        environment = stage_env(stage, env, prepend_path, InCopy(str(folder)))
        argv = command(folder, cwd)
        if jail is not None:
            argv, environment = jail.wrap(argv, cwd, environment, [str(folder)])
        try:
            code, _out, _err = run_briefly(argv, cwd, environment, timeout=timeout)
        finally:
            if jail is not None:
                jail.done(environment)
    except OSError:
        return patch  # the tool is not installed: its stage itself says so
    if code != 0:
        return patch
    rewritten = {edit.path: (folder / edit.path).read_bytes() for edit in chosen}
    edits = tuple(
        FileEdit(edit.path, edit.before, rewritten[edit.path]) if edit.path in rewritten else edit
        for edit in patch.edits
    )
    return patch if edits == patch.edits else replace(patch, edits=edits)
