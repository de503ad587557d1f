"""Writing stages as TOML for people to edit: into healer.toml, or pyproject.toml's [tool.healer].

An existing pyproject.toml keeps every byte it had: the stages are appended as a new section,
and the result is parsed back before anything is written.
"""

from __future__ import annotations

import os
import secrets
import stat
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import tomlkit
from tomlkit.exceptions import InvalidStringError, TOMLKitError
from tomlkit.items import Array, Item, Table

from healer.config.settings import Gate, Stage

HEADER = (
    "Stages detected by `healer init` from the project's own configuration.",
    "Edit, add or remove them; healer reads this section as written.",
)
_DEFAULTS: dict[str, object] = dict(Stage._field_defaults)
_INLINE_WIDTH = 80
"""Arrays longer than this once rendered go one element per line."""


class StagesExistError(FileExistsError):
    """The target file already configures healer; writing would discard the user's stages."""


class TargetFileError(ValueError):
    """The target file exists but is not something stages can be added to (not TOML, ...)."""


def render_stages(stages: Sequence[Stage], *, prefix: str) -> str:
    """TOML for `stages` under `<prefix>.stages` ("tool.healer" for pyproject.toml, "" for
    healer.toml), headed by a comment; keys equal to the dataclass defaults are left out."""
    document = tomlkit.document()
    for line in HEADER:
        document.add(tomlkit.comment(line))
    parent: tomlkit.TOMLDocument | Table = document
    for part in prefix.split(".") if prefix else []:
        table = tomlkit.table(is_super_table=True)
        parent.add(part, table)
        parent = table
    container = tomlkit.table(is_super_table=bool(stages))
    for stage in stages:
        if stage.name in container:
            raise ValueError(f"two stages are named {stage.name!r}")
        container.add(stage.name, _stage_table(stage))
    parent.add("stages", container)
    return document.as_string()


def render_config(stages: Sequence[Stage], *, prefix: str, workspaces: Sequence[str] = ()) -> str:
    """`render_stages`, with a monorepo's project folders as `workspaces` in the same table."""
    text = render_stages(stages, prefix=prefix)
    if not workspaces:
        return text
    document = tomlkit.parse(text)
    table: Any = document
    for part in prefix.split(".") if prefix else []:
        table = table[part]
    table["workspaces"] = list(workspaces)
    return document.as_string()


def write_config(
    root: Path,
    stages: Sequence[Stage],
    *,
    target: Literal["pyproject", "healer.toml"],
    force: bool = False,
    workspaces: Sequence[str] = (),
) -> Path:
    """Write `stages` for the project at `root` and return the file written.

    Refuses (`StagesExistError`) when the file already configures healer, unless `force`, which
    replaces the existing stages and keeps the rest of the file.
    """
    if target == "pyproject":
        path, prefix, section = root / "pyproject.toml", "tool.healer", "[tool.healer]"
    elif target == "healer.toml":
        path, prefix, section = root / "healer.toml", "", "[stages]"
    else:
        raise ValueError(f"unknown target {target!r}: expected 'pyproject' or 'healer.toml'")
    rendered = render_config(stages, prefix=prefix, workspaces=workspaces)
    text = _existing_text(path, prefix, section, force)
    if text:
        newline = "\r\n" if "\r\n" in text else "\n"
        if not text.endswith("\n"):
            text += newline
        if text.strip():
            text += newline
        text += rendered.replace("\n", newline)
    else:
        text = rendered
    _check(path, text, rendered, prefix)
    _write_atomic(path, text.encode("utf-8"))
    return path


def _existing_text(path: Path, prefix: str, section: str, force: bool) -> str:
    """The target's current text, without its stages when `force` replaces them."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ""
    except OSError as error:
        raise TargetFileError(f"{path}: cannot be read ({error.strerror or error})") from error
    try:
        text = data.decode("utf-8")
        document = tomlkit.parse(text)
    except UnicodeDecodeError as error:
        raise TargetFileError(f"{path}: not UTF-8 (byte {error.start})") from error
    except TOMLKitError as error:
        raise TargetFileError(f"{path}: not valid TOML ({error})") from error
    healer: object = document
    for part in prefix.split(".") if prefix else []:
        healer = healer.get(part) if isinstance(healer, dict) else None
    configured = healer is not None if prefix else "stages" in document
    if not configured:
        return text
    if not force:
        raise StagesExistError(f"{path} already has a {section} section; edit it, or overwrite its stages with force")
    if isinstance(healer, dict) and "stages" in healer:
        del healer["stages"]
        return document.as_string()
    return text


def _check(path: Path, text: str, rendered: str, prefix: str) -> None:
    """Refuse to write a file that is not valid TOML or that would not read back our stages."""
    try:
        written = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problem = f"{path}: adding the stages would make it invalid TOML ({error})"
        raise TargetFileError(problem) from error
    expected = tomllib.loads(rendered)
    for part in prefix.split(".") if prefix else []:
        written, expected = written.get(part, {}), expected[part]
    if written.get("stages") != expected["stages"]:
        raise TargetFileError(f"{path}: its existing content conflicts with the new stages")


def _stage_table(stage: Stage) -> Table:
    table = tomlkit.table()
    table.add("run", _command(stage.run))
    values: list[tuple[str, object]] = [
        ("kind", stage.kind),
        ("shell", stage.shell),
        ("inputs", stage.inputs),
        ("needs", stage.needs),
        ("env", stage.env),
        ("env_inputs", stage.env_inputs),
        ("versions", stage.versions),
        ("timeout", stage.timeout),
        ("fix", stage.fix),
        ("parser", stage.parser),
        ("cwd", stage.cwd),
        ("cache", stage.cache),
        ("isolate", stage.isolate),
        ("hooks", stage.hooks),
        ("files", stage.files),
    ]
    for key, value in values:
        if value == _DEFAULTS[key]:
            continue
        if key == "env":
            env = tomlkit.inline_table()
            env.update({name: _string(text) for name, text in stage.env})
            table.add(key, env)
        elif key == "fix" and stage.fix is not None:
            table.add(key, _command(stage.fix))
        elif key == "timeout" and isinstance(value, float):
            table.add(key, int(value) if value.is_integer() else value)
        elif isinstance(value, tuple):
            table.add(key, _array(value))
        elif isinstance(value, str):
            table.add(key, _string(value))
        elif isinstance(value, bool | int | float):
            table.add(key, value)
    if stage.gate is not None:
        table.add("gate", _gate_table(stage.gate))
    return table


def _gate_table(gate: Gate) -> Table:
    table = tomlkit.table()
    table.add("metric", _string(gate.metric))
    try:
        # A regular expression reads best without TOML's own backslash escapes.
        table.add("pattern", tomlkit.string(gate.pattern, literal=True))
    except InvalidStringError:
        table.add("pattern", _string(gate.pattern))
    if gate.minimum is not None:
        table.add("min", gate.minimum)
    if gate.maximum is not None:
        table.add("max", gate.maximum)
    if gate.file is not None:
        table.add("file", _string(gate.file))
    return table


def _command(value: tuple[str, ...] | str) -> Item:
    return _string(value) if isinstance(value, str) else _array(value)


def _string(value: str) -> Item:
    return tomlkit.string(value, multiline="\n" in value)


def _array(values: tuple[object, ...]) -> Array:
    array = tomlkit.array()
    array.extend(_string(v) if isinstance(v, str) else v for v in values)
    if len(array.as_string()) > _INLINE_WIDTH:
        array.multiline(True)
    return array


def _write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` in one step, keeping its mode; a symbolic link keeps pointing at its file."""
    real = path.resolve() if path.is_symlink() else path
    try:
        mode: int | None = stat.S_IMODE(real.stat().st_mode)
    except FileNotFoundError:
        mode = None
    while True:
        temporary = real.with_name(f".{real.name}.{secrets.token_hex(6)}.tmp")
        try:
            # 0o666 lets the umask decide a new file's mode, as for any file the user creates.
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        break
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, real)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
