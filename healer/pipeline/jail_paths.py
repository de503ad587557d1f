"""What a jailed command must still see: the places the OS sandbox hides, and what of them its programs need.

The jail (healer.pipeline.jail) hides the home folder and the shared
temporary and runtime folders; a stage's tools often live there (a
virtualenv, pipx's and pyenv's installs, the hook framework's environments).
They are found from the command itself: each program's environment through
its links and `#!` line, every folder on PATH and where its links lead,
PYTHONPATH, the variables tools' installers set, healer's own package.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

if sys.platform != "win32":
    import pwd

HIDDEN_SYSTEM = ("/tmp", "/var/tmp", "/run", "/dev/shm")
"""Shared places other processes leave sockets and files in: private and empty inside."""
TOOL_HOMES = (
    "VIRTUAL_ENV", "CONDA_PREFIX", "PYENV_ROOT", "ASDF_DIR", "ASDF_DATA_DIR", "CARGO_HOME", "RUSTUP_HOME",
    "NVM_DIR", "VOLTA_HOME", "JAVA_HOME", "GOROOT", "PIPX_HOME", "UV_PYTHON_INSTALL_DIR",
)  # fmt: skip
"""Variables naming where a stage's tools live, which may be inside the hidden home folder."""
HOOK_CACHES = ("PRE_COMMIT_HOME", "PREK_HOME")
HOOK_CACHE_FOLDERS = ("~/.cache/pre-commit", "~/.cache/prek")
"""Where the pre-commit framework and prek keep the hook environments a stage of theirs runs (code, no secrets)."""
MAX_LINKS_PER_FOLDER = 500


def needed(argv: Sequence[str], cwd: Path, env: Mapping[str, str], hidden: Sequence[str]) -> list[str]:
    """The folders the programs a stage runs come from, found by their names on its PATH (the links of a PATH
    folder are followed only where the jail hides it: /usr/bin's thousand entries need no look)."""
    path = env.get("PATH", os.defpath)
    found: list[str] = []
    names = [argv[0], "python", "python3"] if argv else ["python", "python3"]
    for name in names:
        program = name if os.sep in name else shutil.which(name, path=path)
        if program:
            found += _origins(str(cwd / program) if not os.path.isabs(program) else program)
    for folder in path.split(os.pathsep):
        if folder and os.path.isdir(folder):
            found.append(folder)
            if under_any(os.path.realpath(folder), hidden):
                found += _link_origins(folder)
    found += [part for part in env.get("PYTHONPATH", "").split(os.pathsep) if part]
    found += [env[name] for name in (*TOOL_HOMES, *HOOK_CACHES) if env.get(name)]
    found += [expand(folder, home_of(env)) for folder in HOOK_CACHE_FOLDERS]
    # The copy's sitecustomize (healer.pipeline.copy_site) lives in healer's package.
    found.append(str(Path(__file__).resolve().parents[2]))
    return [narrowed for path in found for narrowed in _narrowed(path, hidden)]


def _narrowed(path: str, hidden: Sequence[str]) -> list[str]:
    """What to show of a folder a program comes from, inside a hidden one: a virtualenv whole; the home folder
    itself never (`~/bin/claude` must not show `~/.ssh`); an installation prefix (`~/.local` of a `pip --user`
    script) only its `bin` and `lib` (not `~/.local/share`, where keyrings and tokens live)."""
    real = os.path.realpath(path)
    if not under_any(real, hidden):
        return [path]
    if real in {os.path.realpath(folder) for folder in hidden}:
        return []
    if os.path.isfile(os.path.join(real, "pyvenv.cfg")) or not os.path.isdir(os.path.join(real, "bin")):
        return [path]
    return [os.path.join(real, part) for part in ("bin", "lib", "lib64") if os.path.isdir(os.path.join(real, part))]


def _origins(program: str) -> list[str]:
    """The program's folder, and the environment it really lives in (through links, and the interpreter a
    script's `#!` line names)."""
    found = [os.path.dirname(program)]
    real = os.path.realpath(program)
    found.append(_environment_root(real))
    try:
        with open(real, "rb") as handle:
            first = handle.readline(256)
    except OSError:
        return found
    if first.startswith(b"#!"):
        words = first[2:].decode(errors="replace").split()
        if words and os.path.isabs(words[0]) and os.path.basename(words[0]) != "env":
            found.append(_environment_root(os.path.realpath(words[0])))
    return found


def _link_origins(folder: str) -> list[str]:
    """Where the links in a PATH folder lead (pipx's `~/.local/bin/ruff` into its own virtualenv)."""
    found: list[str] = []
    try:
        entries = list(os.scandir(folder))[:MAX_LINKS_PER_FOLDER]
    except OSError:
        return found
    for entry in entries:
        if entry.is_symlink():
            found.append(_environment_root(os.path.realpath(entry.path)))
    return found


def _environment_root(path: str) -> str:
    """The virtualenv (or installation prefix) holding `path`: the folder with `pyvenv.cfg`, else above `bin`."""
    folder = os.path.dirname(path)
    here = folder
    while here != os.path.dirname(here):
        if os.path.isfile(os.path.join(here, "pyvenv.cfg")):
            return here
        here = os.path.dirname(here)
    return os.path.dirname(folder) if os.path.basename(folder) == "bin" else folder


def hidden(env: Mapping[str, str], system: Sequence[str] = HIDDEN_SYSTEM) -> list[str]:
    """The folders the jail hides: the home folder (by HOME, the process's, the account's) and `system`."""
    homes = {home_of(env), os.path.expanduser("~")}
    if sys.platform != "win32":
        with contextlib.suppress(KeyError):  # a uid with no passwd entry (a container's)
            homes.add(pwd.getpwuid(os.getuid()).pw_dir)
    folders = [*system, *(os.path.realpath(home) for home in homes if home and home != "/")]
    return sorted(set(folders), key=depth)


def home_of(env: Mapping[str, str]) -> str:
    return env.get("HOME") or os.path.expanduser("~")


def expand(path: str, home: str) -> str:
    return os.path.join(home, path[2:]) if path.startswith("~/") else path


def absolute(path: str) -> str | None:
    return os.path.realpath(path) if path and os.path.isabs(path) else None


def under_any(path: str, folders: Sequence[str]) -> bool:
    return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in folders)


def depth(path: str) -> tuple[int, str]:
    return path.count("/"), path


def outermost(paths: set[str]) -> list[str]:
    """`paths` without those inside another of them (one mount shows a folder and all below it), outer first."""
    kept: list[str] = []
    for path in sorted(paths, key=depth):
        if not under_any(path, kept):
            kept.append(path)
    return kept
