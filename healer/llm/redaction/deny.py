"""Files whose whole content is secret or close to it: never shown to a model, never edited by one."""

from __future__ import annotations

from collections.abc import Sequence

from healer.globs import matcher

DEFAULT_DENY: tuple[str, ...] = (
    ".env",
    ".env.*",
    "*.env",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.kdbx",
    "*.tfstate",
    "*.tfstate.*",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    ".netrc",
    "_netrc",
    ".pgpass",
    ".pypirc",
    ".npmrc",
    ".git-credentials",
    ".htpasswd",
    "**/.aws/credentials",
    "**/.docker/config.json",
    "**/.streamlit/secrets.toml",
)
"""`.env.*` also hides templates such as `.env.example`: they hold no secret, but a real value
pasted into one is a common mistake, and the model rarely needs them."""


def denied(path: str, globs: Sequence[str]) -> bool:
    """Whether `path` (repository-relative) matches one of `globs`.

    Globs follow .gitignore, as everywhere in healer: a glob without a slash matches the
    file's name at any depth (`*.pem`, `.env`), one with a slash is anchored at the root.
    """
    if not globs:
        return False
    normal = path.replace("\\", "/")
    while normal.startswith("./"):
        normal = normal[2:]
    return matcher(tuple(globs))(normal.lstrip("/"))
