"""Which GitHub repository a clone belongs to: GITHUB_REPOSITORY in Actions, else the remote's URL."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from healer.errors import HealerError

_USER = r"(?:[^@/]+@)?"
"""A user (and maybe a password) before the host; kept apart so no line reads like a URL with a password."""
_REMOTE = re.compile(
    rf"^(?:https?://{_USER}|ssh://{_USER}|[^@/]+@)(?P<host>[^/:]+)(?::\d+)?[/:](?P<owner>[^/]+)/(?P<name>[^/]+?)(?:\.git)?/?$"
)


@dataclass(frozen=True)
class Repo:
    owner: str
    name: str

    @property
    def slug(self) -> str:
        return f"{self.owner}/{self.name}"

    def path(self, rest: str = "") -> str:
        """An API path under /repos/OWNER/NAME."""
        return f"repos/{self.owner}/{self.name}" + (f"/{rest.lstrip('/')}" if rest else "")


def parse_slug(text: str) -> Repo | None:
    owner, _, name = text.strip().partition("/")
    if owner and name and "/" not in name:
        return Repo(owner, name.removesuffix(".git"))
    return None


def parse_remote(url: str) -> Repo | None:
    """OWNER/NAME from a remote URL (https, ssh, scp-like), whatever the host (Enterprise servers too)."""
    match = _REMOTE.match(url.strip())
    return Repo(match["owner"], match["name"]) if match else None


def find_repo(environ: Mapping[str, str], remote_url: str | None) -> Repo:
    """GITHUB_REPOSITORY, else the remote's URL; a one-line error when neither names a repository."""
    from_env = parse_slug(environ.get("GITHUB_REPOSITORY", ""))
    if from_env is not None:
        return from_env
    if remote_url:
        found = parse_remote(remote_url)
        if found is not None:
            return found
        raise HealerError(f"the remote {remote_url!r} does not name a GitHub repository (OWNER/NAME)")
    raise HealerError("no GitHub repository: this clone has no remote (set GITHUB_REPOSITORY=OWNER/NAME)")
