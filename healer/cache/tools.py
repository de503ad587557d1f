"""Identifying the tool a stage runs, cheaply enough to do on every run.

Running `tool --version` costs a process start per stage per run, which would
eat the whole budget of a cached re-check. Instead the executable is
identified by its file's size and modification time, its folder's, and, for
tools inside a virtualenv, the site-packages folder's (which changes whenever
a package is installed or removed). Declared `versions` commands do run, but
only when that identity changes; their output is memoised in the store.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from healer.config.settings import Stage
from healer.digest import new_digest
from healer.process import resolve, run_briefly

if TYPE_CHECKING:
    from healer.kb.results import ResultCache

VERSION_TIMEOUT = 30.0


def _stat_id(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return f"{path}:missing"
    return f"{path}:{info.st_size}:{info.st_mtime_ns}"


def _located(command: str, env: Mapping[str, str], cwd: Path) -> str | None:
    if os.sep in command:
        candidate = command if os.path.isabs(command) else str(cwd / command)
        return candidate if os.path.exists(candidate) else None
    return resolve(command, env.get("PATH"))


def executable_identity(command: str, env: Mapping[str, str], cwd: Path) -> str:
    """A string that changes when the executable `command` resolves to is replaced or upgraded."""
    found = _located(command, env, cwd)
    if found is None:
        return f"{command}:not-found"
    where = Path(found)
    parts = [_stat_id(where), _stat_id(where.resolve()), _stat_id(where.parent)]
    venv = where.parent.parent
    if (venv / "pyvenv.cfg").exists():
        parts.extend(_stat_id(site) for site in sorted(venv.glob("lib/python*/site-packages")))
    return "|".join(parts)


def main_command(stage: Stage) -> str:
    """The program a stage starts (for a shell line, its first word)."""
    if stage.shell:
        line = stage.run if isinstance(stage.run, str) else shlex.join(stage.run)
        try:
            words = shlex.split(line)
        except ValueError:
            words = []
        return words[0] if words else "/bin/sh"
    return stage.argv()[0]


def tool_identities(stage: Stage, env: Mapping[str, str], cwd: Path, store: ResultCache | None) -> list[str]:
    """The identity of the stage's program and the output of each declared `versions` command."""
    ids = [executable_identity(main_command(stage), env, cwd)]
    for command in stage.versions:
        ids.append(f"{command}={declared_version(command, env, cwd, store)}")
    return ids


def declared_version(command: str, env: Mapping[str, str], cwd: Path, store: ResultCache | None) -> str:
    try:
        argv = shlex.split(command)
    except ValueError:
        return "unparsable"
    if not argv:
        return "empty"
    identity = executable_identity(argv[0], env, cwd)
    if store is not None:
        known = store.tool_version(command, identity)
        if known is not None:
            return known
    try:
        code, out, err = run_briefly(argv, cwd, env, timeout=VERSION_TIMEOUT)
        text = (out + err).decode("utf-8", "replace").strip()
        output = f"{text} (exit {code})" if code is not None else f"unavailable: no answer in {VERSION_TIMEOUT:g}s"
    except OSError as error:
        output = f"unavailable: {error}"
    if store is not None:
        store.store_tool_version(command, identity, output)
    return output


PORTABLE = "portable:"
"""How portable identities are memoised beside the declared versions (by the executable's local identity)."""


def portable_identity(command: str, env: Mapping[str, str], cwd: Path, store: ResultCache | None) -> str:
    """What the executable `command` is, wherever it is installed: for the shared result cache, which other
    machines read, where the local identity (paths, sizes, times) never matches.

    The executable's content (a script's without its `#!` line, which names this machine's interpreter), its
    name, and for one in a virtualenv that venv's Python version and every distribution installed there with
    its version. Hashing a tool's binary costs milliseconds, so it is memoised by the local identity.
    """
    found = _located(command, env, cwd)
    name = os.path.basename(command)
    if found is None:
        return f"{name}:not-found"
    local = executable_identity(command, env, cwd)
    if store is not None:
        known = store.tool_version(PORTABLE + found, local)
        if known is not None:
            return known
    digest = new_digest()
    try:
        with open(os.path.realpath(found), "rb") as stream:
            first = stream.readline()
            if not first.startswith(b"#!"):
                digest.update(first)
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return f"{name}:unreadable"
    parts = [name, digest.hexdigest()[:32]]
    venv = Path(found).parent.parent
    config = venv / "pyvenv.cfg"
    if config.exists():
        parts.append(f"venv-python={_venv_version(config)}")
        installed = sorted(
            entry.name for site in venv.glob("lib/python*/site-packages") for entry in site.glob("*.dist-info")
        )
        listing = new_digest()
        listing.update("\n".join(installed).encode())
        parts.append(f"installed={listing.hexdigest()[:32]}")
    identity = ":".join(parts)
    if store is not None:
        store.store_tool_version(PORTABLE + found, local, identity)
    return identity


def _venv_version(config: Path) -> str:
    try:
        for line in config.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition("=")
            if key.strip() in ("version", "version_info"):
                return ".".join(value.strip().split(".")[:2])  # a patch release does not change a result
    except OSError:
        pass
    return "unknown"


def portable_identities(stage: Stage, env: Mapping[str, str], cwd: Path, store: ResultCache | None) -> list[str]:
    """`tool_identities` as another machine can match them: the program by `portable_identity`, and the output
    of each declared `versions` command (already what the tool says of itself)."""
    ids = [portable_identity(main_command(stage), env, cwd, store)]
    for command in stage.versions:
        ids.append(f"{command}={declared_version(command, env, cwd, store)}")
    return ids
