"""The environment a stage runs with."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from healer.config.model import Stage


def stage_env(stage: Stage, base: Mapping[str, str] | None = None, prepend_path: Sequence[str] = ()) -> dict[str, str]:
    """The caller's environment, the stage's own `env`, and a PATH that can find healer's tools.

    healer's own scripts folder goes at the END of PATH: a healer installed in
    a virtualenv that is not activated can still find tools installed beside it,
    but never shadows the project's own versions of them.
    """
    env = dict(os.environ if base is None else base)
    env.update(stage.env)
    parts = [*prepend_path, *env.get("PATH", os.defpath).split(os.pathsep)]
    own = os.path.dirname(sys.executable)
    if own not in parts:
        parts.append(own)
    env["PATH"] = os.pathsep.join(part for part in parts if part)
    return env
