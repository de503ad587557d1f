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

from healer.config.settings import Stage
from healer.patch.patch import FileEdit, Patch
from healer.pipeline.environment import InCopy, stage_env
from healer.process import run_briefly
from healer.verify.sandbox import OutsideCopy, write_in_copy

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
) -> Patch:
    """`patch` with `chosen` files as `command` left them in a copy holding the patch's result, or `patch`."""
    with scratch() as folder:
        try:
            for edit in patch.edits:
                write_in_copy(folder, edit.path, edit.after)
        except OutsideCopy:
            return patch
        cwd = folder / stage.cwd if stage.cwd else folder
        try:
            environment = stage_env(stage, env, prepend_path, InCopy(str(folder)))
            code, _out, _err = run_briefly(command(folder, cwd), cwd, environment, timeout=timeout)
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
