"""How healer itself is installed, and the one command that adds an optional part (an extra) there.

healer may live in the project's virtualenv, in an isolated tool environment
(pipx, `uv tool`), or in the environment the pre-commit framework made for its
hook; each adds packages its own way, and a hint that names the wrong one
installs into an environment healer never imports from.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import NamedTuple

import healer
from healer.environments import Kind, environment_kind

DISTRIBUTION = "git-healer"
"""healer's name on the package index (`healer` there is an unrelated project); pipx names its venv so."""

EXTRAS: dict[str, tuple[str, ...]] = {"llm": ("litellm",), "demo": ("ruff", "mypy", "pytest"), "mcp": ("mcp",)}
"""What each extra in pyproject.toml adds, by distribution name (tests/test_install_weight.py keeps them equal)."""


class Installation(NamedTuple):
    kind: Kind
    prefix: str
    """The environment healer runs from (sys.prefix)."""
    python: str
    active: bool = False
    """That environment is the virtualenv activated in this shell: its `pip` is the one on PATH."""
    made_by_uv: bool = False
    """A virtualenv `uv venv` made: it has no pip."""
    source: str | None = None
    """The checkout healer is imported from (an editable install), whose extras are installed from there."""

    @property
    def isolated(self) -> bool:
        """healer has an environment of its own, apart from the project's."""
        return self.kind in ("pre-commit", "pipx", "uv tool")


def _source_checkout() -> str | None:
    # An installed healer lives in site-packages; one imported from a checkout (`pip install -e`) sits
    # beside the pyproject.toml that declares its extras.
    folder = os.path.dirname(os.path.dirname(os.path.abspath(healer.__file__)))
    return folder if os.path.isfile(os.path.join(folder, "pyproject.toml")) else None


def _made_by_uv(prefix: str) -> bool:
    try:
        with open(os.path.join(prefix, "pyvenv.cfg"), encoding="utf-8", errors="replace") as config:
            return any(line.split("=")[0].strip() == "uv" for line in config)
    except OSError:
        return False


def installation(
    prefix: str = sys.prefix, base_prefix: str = sys.base_prefix, environ: Mapping[str, str] = os.environ
) -> Installation:
    """How this healer is installed."""
    kind = environment_kind(prefix, base_prefix)
    active = os.path.realpath(environ.get("VIRTUAL_ENV") or os.devnull) == os.path.realpath(prefix)
    by_uv = kind == "virtualenv" and _made_by_uv(prefix)
    return Installation(kind, prefix, sys.executable, active, by_uv, _source_checkout())


def add_command(extra: str, where: Installation | None = None) -> str:
    """The one command that installs `extra`'s packages where this healer imports from."""
    where = where or installation()
    packages = EXTRAS[extra]
    if where.kind == "pre-commit":
        return f"add {', '.join(packages)} to the healer hook's additional_dependencies in .pre-commit-config.yaml"
    if where.kind == "pipx":
        return f"pipx inject {DISTRIBUTION} {' '.join(packages)}"
    if where.kind == "uv tool":
        # uv reinstalls the tool to add to it, from where it came: "healer" alone would be PyPI's, another project.
        origin = where.source or "<the path or URL you installed healer from>"
        return f"uv tool install {origin} " + " ".join(f"--with {package}" for package in packages)
    # An extra is its packages: naming them, not `git-healer[...]`, works the same whether or not healer came
    # from the package index, and never fetches PyPI's unrelated "healer" project.
    requirement = f"-e '{where.source}[{extra}]'" if where.source else " ".join(packages)
    if where.made_by_uv:
        return f"uv pip install {requirement}" + ("" if where.active else f" --python {where.python}")
    return f"pip install {requirement}" if where.active else f"{where.python} -m pip install {requirement}"


def tool_command(package: str, where: Installation | None = None) -> str:
    """The one command that installs a program healer runs but never imports (the pre-commit framework), where
    healer's own kind of installation keeps programs: beside healer, or as a tool of its own."""
    where = where or installation()
    if where.kind in ("pipx", "uv tool"):
        return f"{'pipx' if where.kind == 'pipx' else 'uv tool'} install {package}"
    if where.made_by_uv:
        return f"uv pip install {package}" + ("" if where.active else f" --python {where.python}")
    return f"pip install {package}" if where.active else f"{where.python} -m pip install {package}"
