"""Finding and reading the configuration of a repository."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from healer.config.errors import ConfigError
from healer.config.schema import validate
from healer.config.settings import Config
from healer.diagnostics.names import PARSER_NAMES

HEALER_TOML = "healer.toml"
PYPROJECT = "pyproject.toml"


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
    return validate(table, path=path, text=text, prefix=prefix, parsers=_parsers())


def _parsers() -> tuple[str, ...]:
    return PARSER_NAMES
