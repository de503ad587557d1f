"""The environment a stage runs with."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from healer.config.settings import Stage
from healer.pipeline.interpreter import own_scripts, without_framework

# Git sets these for hooks (GIT_INDEX_FILE can be `.git/index.lock` during `git commit -a`). A tool or
# test that runs git, even in a repository of its own, would otherwise read and write the user's
# index and objects through them.
GIT_LOCATION = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_QUARANTINE_PATH",
)  # fmt: skip


COPY_SITE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "copy_site")
"""The folder whose `sitecustomize` points a copy's Python at the copy, not the work tree (see there)."""


class InCopy(NamedTuple):
    """A stage that runs in one of healer's copies rather than in the user's work tree."""

    copy: str
    """The copy's root folder."""
    work_tree: str | None = None
    """The user's work tree it stands for: Python's paths into it are turned into the copy (editable installs)."""


def copy_env(env: Mapping[str, str], copy: InCopy) -> dict[str, str]:
    """`env` for a process run in a copy: git's search stops there, and Python imports the copy's code."""
    env = dict(env)
    env["GIT_CEILING_DIRECTORIES"] = os.path.dirname(copy.copy.rstrip(os.sep))
    if copy.work_tree is not None:
        env["HEALER_WORK_TREE"], env["HEALER_COPY"] = copy.work_tree, copy.copy
        inherited = [part for part in env.get("PYTHONPATH", "").split(os.pathsep) if part and part != COPY_SITE]
        env["PYTHONPATH"] = os.pathsep.join([COPY_SITE, *inherited])
    return env


def stage_env(
    stage: Stage,
    base: Mapping[str, str] | None = None,
    prepend_path: Sequence[str] = (),
    copy: InCopy | None = None,
) -> dict[str, str]:
    """The caller's environment, the stage's own `env`, and a PATH that can find healer's tools.

    `base` is the process's environment when None; the core gives the one its
    project interpreter chose (healer.pipeline.interpreter). Either way nothing
    of the pre-commit framework's environment, where healer may run from, is
    left in it. healer's own scripts folder goes at the END of PATH: a healer
    installed in a virtualenv that is not activated can still find tools
    installed beside it, but never shadows the project's own versions of them
    (nor at all from an environment of its own: pipx, uv tool, the framework). `copy`: for a stage
    run in a copy (shadow, sandbox), git must not search above it, or `git` run
    there would find the user's repository (or another one above the cache
    folder); and Python started there imports the copy's code, never the work
    tree's, even where an editable install points at the work tree.
    """
    env = without_framework(os.environ if base is None else base)
    for name in GIT_LOCATION:
        env.pop(name, None)
    if copy is not None:
        env = copy_env(env, copy)
    env.update(stage.env)
    parts = [*prepend_path, *env.get("PATH", os.defpath).split(os.pathsep)]
    own = own_scripts()
    if own is not None and own not in parts:
        parts.append(own)
    env["PATH"] = os.pathsep.join(part for part in parts if part)
    return env
