"""Which Python (and PATH) the stages run with: the project's, never the environment healer was installed into.

Under the pre-commit framework healer runs from the environment the framework
made for its hook (`language: python`): the framework puts that environment's
scripts first on PATH and sets VIRTUAL_ENV to it, so `python -m pytest` in a
stage would start a Python that has healer's dependencies and none of the
project's. The project's interpreter is, in this order: the virtualenv the user
has active (VIRTUAL_ENV; under the framework, which replaces it, the virtualenv
whose scripts come first on PATH once the framework's are taken off), a
virtualenv the configuration links into healer's copies (`link = [".venv"]`),
the repository's `.venv` or `venv`; else PATH as it is, without the
framework's environment.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from healer.environments import environment_kind
from healer.process import resolve

PROJECT_FOLDERS = (".venv", "venv")
"""Where a project keeps its virtualenv when nothing says otherwise (uv, poetry's in-project, `python -m venv`)."""
SCRIPTS = "Scripts" if os.name == "nt" else "bin"


_kind = functools.cache(environment_kind)


def framework_environment() -> str | None:
    """The pre-commit framework's environment healer runs from, or None when healer runs from any other."""
    return sys.prefix if _kind(sys.prefix, sys.base_prefix) == "pre-commit" else None


def _same(a: str, b: str) -> bool:
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def is_virtualenv(folder: str | Path) -> bool:
    return (Path(folder) / "pyvenv.cfg").is_file() and (Path(folder) / SCRIPTS).is_dir()


def without_framework(env: Mapping[str, str]) -> dict[str, str]:
    """`env` with none of the framework's environment in it: its scripts off PATH, VIRTUAL_ENV not naming it."""
    found = dict(env)
    framework = framework_environment()
    if framework is None:
        return found
    scripts = os.path.join(framework, SCRIPTS)
    if "PATH" in found:
        found["PATH"] = os.pathsep.join(
            part for part in found["PATH"].split(os.pathsep) if part and not _same(part, scripts)
        )
    if found.get("VIRTUAL_ENV") and _same(found["VIRTUAL_ENV"], framework):
        del found["VIRTUAL_ENV"]
    return found


def own_scripts() -> str | None:
    """healer's own scripts folder, appended to a stage's PATH (tools installed beside healer), or None when
    healer has an environment of its own (the framework's, pipx's, uv's): what is there, `python` first, is
    healer's, never the project's."""
    isolated = _kind(sys.prefix, sys.base_prefix) in ("pre-commit", "pipx", "uv tool")
    return None if isolated else os.path.dirname(sys.executable)


class Interpreter(NamedTuple):
    """The project's Python as stages see it, and the environment stages start from."""

    environ: dict[str, str]
    """The process's environment with the project's virtualenv on PATH and in VIRTUAL_ENV."""
    python: str | None
    """What `python` (else `python3`) is on that PATH."""
    why: str
    """How it was chosen, for people: "the active virtualenv", "the project's .venv", ..."""
    virtualenv: str | None = None
    default: str | None = None
    """What `python` would have been without this choice (the environment as healer was started)."""

    @property
    def differs(self) -> bool:
        """Stages get another Python than the one the environment healer was started with gives."""
        return self.python != self.default

    def describe(self) -> str:
        if self.python is None:
            return f"stages find no python on PATH ({self.why})"
        return f"stages run python from {self.python} ({self.why})"


def python_on(path: str | None) -> str | None:
    """What a stage's `python` (else `python3`) is with this PATH."""
    for name in ("python", "python3"):
        found = resolve(name, path)
        if found is not None:
            return found
    return None


def _with_own_scripts(path: str) -> str:
    own = own_scripts()
    parts = [part for part in path.split(os.pathsep) if part]
    return os.pathsep.join([*parts, own] if own is not None and own not in parts else parts)


def _first_virtualenv(path: Iterable[str]) -> str | None:
    first = next((part for part in path if part), None)
    if first is None or os.path.basename(first.rstrip(os.sep)) != SCRIPTS:
        return None
    folder = os.path.dirname(first.rstrip(os.sep))
    return folder if is_virtualenv(folder) else None


def _choose(root: Path, links: Sequence[str], env: Mapping[str, str], framework: str | None) -> tuple[str | None, str]:
    active = env.get("VIRTUAL_ENV")
    if active and os.path.isdir(os.path.join(active, SCRIPTS)):
        return active, "the active virtualenv (VIRTUAL_ENV)"
    if framework is not None:
        # The framework set VIRTUAL_ENV to its own; a virtualenv the user activated is still first on PATH.
        first = _first_virtualenv(env.get("PATH", "").split(os.pathsep))
        if first is not None:
            return first, "the active virtualenv (first on PATH)"
    for link in links:
        if is_virtualenv(root / link):
            return str(root / link), f"the virtualenv the configuration links ({link})"
    for name in PROJECT_FOLDERS:
        if is_virtualenv(root / name):
            return str(root / name), f"the project's {name}"
    return None, "the first on PATH"


def project_interpreter(root: Path, links: Sequence[str] = (), environ: Mapping[str, str] | None = None) -> Interpreter:
    """The project's interpreter for the repository at `root` and the environment its stages start from."""
    given = dict(os.environ if environ is None else environ)
    framework = framework_environment()
    env = without_framework(given)
    virtualenv, why = _choose(root, links, env, framework)
    if framework is not None:
        why += "; not the pre-commit framework's environment healer runs from"
    if virtualenv is not None:
        scripts = os.path.join(virtualenv, SCRIPTS)
        parts = [part for part in env.get("PATH", os.defpath).split(os.pathsep) if part]
        # Where the user's PATH already has it (an activated virtualenv), its place is theirs to choose.
        if not any(_same(part, scripts) for part in parts):
            env["PATH"] = os.pathsep.join([scripts, *parts])
        env["VIRTUAL_ENV"] = virtualenv
    default = python_on(_with_own_scripts(given.get("PATH", os.defpath)))
    python = python_on(_with_own_scripts(env.get("PATH", os.defpath)))
    return Interpreter(env, python, why, virtualenv, default)
