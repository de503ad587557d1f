"""The environment a stage runs with."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from healer.config.settings import Stage

# Git sets these for hooks (GIT_INDEX_FILE can be `.git/index.lock` during `git commit -a`). A tool or
# test that runs git, even in a repository of its own, would otherwise read and write the user's
# index and objects through them.
GIT_LOCATION = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_QUARANTINE_PATH",
)  # fmt: skip


def stage_env(
    stage: Stage,
    base: Mapping[str, str] | None = None,
    prepend_path: Sequence[str] = (),
    ceiling: str | None = None,
) -> dict[str, str]:
    """The caller's environment, the stage's own `env`, and a PATH that can find healer's tools.

    healer's own scripts folder goes at the END of PATH: a healer installed in
    a virtualenv that is not activated can still find tools installed beside it,
    but never shadows the project's own versions of them. `ceiling`: for a copy
    under the git directory (shadow, sandbox), the folder git must not search
    above, or `git` run there would find the user's repository.
    """
    env = dict(os.environ if base is None else base)
    for name in GIT_LOCATION:
        env.pop(name, None)
    if ceiling is not None:
        env["GIT_CEILING_DIRECTORIES"] = ceiling
    env.update(stage.env)
    parts = [*prepend_path, *env.get("PATH", os.defpath).split(os.pathsep)]
    own = os.path.dirname(sys.executable)
    if own not in parts:
        parts.append(own)
    env["PATH"] = os.pathsep.join(part for part in parts if part)
    return env
