"""Where the token comes from: GITHUB_TOKEN, GH_TOKEN, or the GitHub CLI's login. Never printed or stored."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field

VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")
GH_TIMEOUT = 5.0


@dataclass(frozen=True)
class Token:
    value: str = field(repr=False)
    source: str
    """Where it was found (a variable's name or `gh auth token`), for messages."""


def find_token(environ: Mapping[str, str], *, ask_gh: bool = True) -> Token | None:
    """The first token found, or None; `gh auth token` is asked only when the GitHub CLI is on PATH."""
    for name in VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            return Token(value, name)
    if not ask_gh:
        return None
    gh = shutil.which("gh", path=environ.get("PATH"))
    if gh is None:
        return None
    try:
        done = subprocess.run(
            [gh, "auth", "token"], capture_output=True, text=True, timeout=GH_TIMEOUT, check=False,
            env=dict(environ), stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = done.stdout.strip()
    return Token(value, "gh auth token") if done.returncode == 0 and value else None


NO_TOKEN = "no GitHub token: set GITHUB_TOKEN or GH_TOKEN, or log in with `gh auth login`"
