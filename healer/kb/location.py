"""Where the knowledge base lives."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def user_data_dir() -> Path:
    """The platform's per-user data folder for healer (no platformdirs: it costs import time)."""
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "healer"
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "healer"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "healer"


def database_path() -> Path:
    """`HEALER_DB` if set, else `healer.db` in the user data folder."""
    override = os.environ.get("HEALER_DB")
    return Path(override).expanduser() if override else user_data_dir() / "healer.db"
