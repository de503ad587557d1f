"""What kind of Python environment a folder is, by the files the tool that made it leaves there.

Kept apart from healer.installation (which reads package metadata) because
every stage's environment asks it: on the start-up path only `os` may be paid for.
"""

from __future__ import annotations

import os
from typing import Literal

Kind = Literal["pre-commit", "pipx", "uv tool", "virtualenv", "system"]

# A certain sign wherever the tool keeps its environments (PRE_COMMIT_HOME, PIPX_HOME, UV_TOOL_DIR may move them).
MARKERS: tuple[tuple[str, Kind], ...] = (
    (".install_state_v2", "pre-commit"),
    (".install_state_v1", "pre-commit"),
    ("pipx_metadata.json", "pipx"),
    ("uv-receipt.toml", "uv tool"),
)


def environment_kind(prefix: str, base_prefix: str) -> Kind:
    """The kind of the environment at `prefix` (sys.prefix), whose interpreter comes from `base_prefix`."""
    for name, kind in MARKERS:
        if os.path.exists(os.path.join(prefix, name)):
            return kind
    return "virtualenv" if os.path.realpath(prefix) != os.path.realpath(base_prefix) else "system"
