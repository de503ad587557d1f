"""Finding and reading the configuration of a repository."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from healer.config import workspaces
from healer.config.errors import ConfigError
from healer.config.schema import validate
from healer.config.settings import Config, Project
from healer.diagnostics.names import PARSER_NAMES

HEALER_TOML = "healer.toml"
PYPROJECT = "pyproject.toml"
PENDING = "pending"
"""A project's `source` until its stages are detected (healer.detect.workspaces): it has no configuration."""


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file, turning every way it can be broken into a `ConfigError`."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(path, "", f"cannot read: {error.strerror}") from None
    # Some editors on Windows start UTF-8 files with a byte order mark, which TOML does not allow.
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        bad_line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(path, "", f"not valid UTF-8 (byte 0x{raw[error.start]:02x})", bad_line) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(found.group(1)) if found else None
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise ConfigError(path, "", f"invalid TOML: {problem}", line) from None


def config_file(root: Path) -> tuple[Path, str] | None:
    """The file holding healer's configuration and the table prefix inside it, if any."""
    dedicated = root / HEALER_TOML
    if dedicated.is_file():
        return dedicated, ""
    if dedicated.exists():
        raise ConfigError(dedicated, "", "is not a file")
    pyproject = root / PYPROJECT
    if pyproject.is_file():
        data, _ = read_toml(pyproject)
        tool = data.get("tool")
        if isinstance(tool, dict) and "healer" in tool:
            return pyproject, "tool.healer"
    return None


def load_config(root: Path) -> Config:
    """The repository's configuration, validated; without one, no stages (source "none").

    `healer.detect.detection.pipeline_of` is what a run uses: this, or what detection finds.
    """
    found = config_file(root)
    if found is None:
        return Config(stages=(), source="none")
    path, prefix = found
    data, text = read_toml(path)
    table: Any = data
    for part in filter(None, prefix.split(".")):
        table = table[part]
    config = validate(table, path=path, text=text, prefix=prefix, parsers=_parsers())
    if isinstance(table, dict) and workspaces.KEY in table:
        where = workspaces.Located(path, text, prefix)
        config = with_projects(root, config, workspaces.members(table[workspaces.KEY], root, where))
    return config


def with_projects(root: Path, config: Config, members: list[workspaces.Member], notes: tuple[str, ...] = ()) -> Config:
    """`config` with the projects `members` name: each one's own configuration, read here; a project without
    one is left with source "pending", for healer.detect.workspaces to detect its stages."""
    named, renamed = workspaces.project_names(members)
    config = config._replace(notes=(*config.notes, *notes, *renamed))
    for member, name in named:
        own = _project_config(root, member.folder)
        if own.source == "none":
            config = config._replace(projects=(*config.projects, Project(name, member.folder, PENDING)))
            continue
        stages = workspaces.project_stages(name, member.folder, own.stages)
        config = workspaces.with_project(config, Project(name, member.folder, own.source), stages, own.notes)
    return config


def _project_config(root: Path, folder: str) -> Config:
    found = config_file(root / folder)
    if found is None:
        return Config(stages=(), source="none")
    path, prefix = found
    data, text = read_toml(path)
    table: Any = data
    for part in filter(None, prefix.split(".")):
        table = table[part]
    if isinstance(table, dict) and workspaces.KEY in table:
        raise workspaces.Located(path, text, prefix).fail("a project cannot have projects of its own (no nesting)")
    config = validate(table, path=path, text=text, prefix=prefix, parsers=_parsers())
    ignored = [key for key in table if key != "stages"] if isinstance(table, dict) else []
    if ignored:
        # A project's stages are its own; everything else (fix, llm, sandbox...) is the repository's.
        note = f"{path.relative_to(root).as_posix()}: only its stages are read ({', '.join(ignored)}: the root's)"
        config = config._replace(notes=(*config.notes, note))
    return config._replace(source=path.relative_to(root).as_posix())


def _parsers() -> tuple[str, ...]:
    return PARSER_NAMES
