"""Reading the files detection looks at, turning every way they can be broken into `Unreadable`."""

from __future__ import annotations

import configparser
import json
import tomllib
from collections.abc import Iterable
from pathlib import Path

# PyYAML ships without type information; `unused-ignore` keeps this line valid once stubs exist.
import yaml  # type: ignore[import-untyped, unused-ignore]


class Unreadable(Exception):
    """A source file that exists but cannot be used; detection skips it with a note."""

    def __init__(self, rel: str, problem: str) -> None:
        super().__init__(f"{rel}: {problem}")
        self.rel = rel
        self.problem = problem

    @property
    def note(self) -> str:
        return f"skipped {self.rel}: {self.problem}"


def read_text(root: Path, rel: str) -> str:
    try:
        data = (root / rel).read_bytes()
    except OSError as error:
        raise Unreadable(rel, f"cannot be read ({error.strerror or error})") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(rel, f"not UTF-8 (byte {error.start})") from error


def read_toml(root: Path, rel: str) -> dict[str, object]:
    try:
        return tomllib.loads(read_text(root, rel))
    except tomllib.TOMLDecodeError as error:
        raise Unreadable(rel, f"invalid TOML ({error})") from error


def read_json(root: Path, rel: str) -> object:
    try:
        return json.loads(read_text(root, rel))
    except json.JSONDecodeError as error:
        raise Unreadable(rel, f"invalid JSON ({error})") from error


def read_yaml(root: Path, rel: str) -> object:
    text = read_text(root, rel)
    try:
        return yaml.safe_load(text)  # type: ignore[no-any-return, unused-ignore]
    except yaml.YAMLError as error:
        problem = " ".join(str(error).split())
        raise Unreadable(rel, f"invalid YAML ({problem})") from error


def read_ini(root: Path, rel: str) -> configparser.ConfigParser:
    # No interpolation: setup.cfg and tox.ini values are full of `%` and `{posargs}`.
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(read_text(root, rel), source=rel)
    except configparser.Error as error:
        problem = " ".join(str(error).split())
        raise Unreadable(rel, f"invalid INI ({problem})") from error
    return parser


def existing(root: Path, names: Iterable[str]) -> list[str]:
    """The names, among `names`, of regular files under `root`, in the order given."""
    return [name for name in names if (root / name).is_file()]


def table(value: object, *keys: str) -> dict[str, object]:
    """The nested table at `keys`, or an empty one when any step is missing or not a table."""
    for key in keys:
        if not isinstance(value, dict):
            return {}
        value = value.get(key)
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def strings(value: object) -> list[str]:
    """A list of strings from a value that should be one; anything else yields nothing."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []
