"""Monorepos: `workspaces` in `[tool.healer]`, the projects they name, their stages as the root's pipeline has them.

`workspaces = ["packages/*", "services/api", {path = "tools/gen", name = "gen"}]` names folders (globs, each
matched against the repository's folders; `!glob` leaves folders out, as pnpm and yarn write it). Each
project is one folder with stages of its own: from its own `[tool.healer]` (pyproject.toml or healer.toml),
else detected in its folder (healer.detect.workspaces). Its stages join the root's pipeline qualified:

- the name is `project:stage` (`api:test`); the project's name is its folder's, or the `name` given; two
  folders of the same name: the later is named by its path (`services-api`), and a note says so;
- the stage runs in the project's folder (`cwd`; a stage's own `cwd` is inside it);
- its `inputs` are the project's: a stage that declares none reads every file of the project's folder and
  the files at the top of the repository (a root configuration or lock file, `/*`), so its cache key changes
  only with them; declared ones are read as if the project's folder were the root, and one without a slash
  (`*.py`, `pyproject.toml`) matches at the top of the repository too;
- its `needs` name stages of the same project.

What the hooks run (`unchanged_projects`): only the projects whose folder has a change; a change to a file
at the top of the repository runs every project; one in a root folder no project owns (`docs/`) runs only
the root's own stages that read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from healer.config.errors import ConfigError
from healer.config.settings import Config, Project, Stage
from healer.globs import matcher

SEPARATOR = ":"
ROOT_FILES = "/*"
"""The files at the top of the repository (a root pyproject.toml, uv.lock, package-lock.json): every project
reads them."""
PROJECT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
KEY = "workspaces"
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", ".git", ".venv", "venv"})


class Member(NamedTuple):
    """A project folder a workspace entry names, before its stages are known."""

    folder: str
    """Relative to the repository root, POSIX."""
    name: str | None = None
    """The `name` its entry gives; None: the folder's name."""


class Located(NamedTuple):
    """Where an error about `workspaces` points: the file, its text, and the table holding the key."""

    path: Path
    text: str
    prefix: str

    def fail(self, problem: str, key: str = KEY) -> ConfigError:
        full = f"{self.prefix}.{key}" if self.prefix else key
        return ConfigError(self.path, full, problem, _line_of(self.text, self.prefix, key.split(".")[0]))


_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?\s*(#.*)?$")


def _line_of(text: str, prefix: str, key: str) -> int | None:
    """The line of `key = ...` inside the `[prefix]` table (before any table when there is no prefix)."""
    lines = text.splitlines()
    inside = not prefix
    leaf = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(lines, 1):
        header = _HEADER.match(line)
        if header:
            inside = header.group(1).replace(" ", "") == prefix
        elif inside and leaf.match(line):
            return number
    return None


def members(raw: Any, root: Path, where: Located) -> list[Member]:
    """The folders `workspaces` names, validated: each glob matches a folder, none is the root or nested."""
    if not isinstance(raw, list):
        raise where.fail('expected an array of folder globs, such as ["packages/*", "services/api"]')
    found: dict[str, Member] = {}
    leaving: list[str] = []
    for entry in raw:
        name: str | None = None
        if isinstance(entry, dict):
            unknown = sorted(set(entry) - {"path", "name"})
            if unknown:
                raise where.fail(f"unknown key {unknown[0]!r} in an entry; an entry is {{path = ..., name = ...}}")
            pattern, name = entry.get("path"), entry.get("name")
            if name is not None and not (isinstance(name, str) and PROJECT_NAME.match(name)):
                raise where.fail(f"{name!r} is not a project name (letters, digits, '.', '_' and '-')")
        else:
            pattern = entry
        if not isinstance(pattern, str) or not pattern.strip():
            raise where.fail("each entry is a folder glob (a string) or a table {path = ..., name = ...}")
        if pattern.startswith("!"):
            leaving.append(_checked(pattern[1:], where))
            continue
        folders = expand(_checked(pattern, where), root)
        if not folders:
            raise where.fail(f"{pattern!r} matches no folder")
        if name is not None and len(folders) > 1:
            raise where.fail(f"{pattern!r} matches {len(folders)} folders; a `name` is for one folder")
        for folder in folders:
            found.setdefault(folder, Member(folder, name))
    kept = [member for member in found.values() if not excluded(member.folder, leaving)]
    for member in kept:
        outer = next((o.folder for o in kept if member.folder.startswith(o.folder + "/")), None)
        if outer is not None:
            raise where.fail(f"{member.folder} is inside the project {outer}; projects cannot nest")
    return kept


def _checked(pattern: str, where: Located) -> str:
    pattern = pattern.strip().rstrip("/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    parts = PurePosixPath(pattern).parts
    if pattern.startswith("/") or not parts or ".." in parts or pattern in ("", "."):
        raise where.fail(f"{pattern!r} is not a folder inside the repository (the root's own stages are `stages`)")
    return pattern


def expand(pattern: str, root: Path) -> list[str]:
    """The folders under `root` matching a glob (`*`, `?`, `[...]` within a name, `**` across folders), sorted;
    hidden folders only when the pattern names them, node_modules and virtualenvs never."""
    if not any(char in pattern for char in "*?["):
        return [pattern] if (root / pattern).is_dir() else []
    out = []
    for path in root.glob(pattern):
        relative = path.relative_to(root).as_posix()
        names = relative.split("/")
        if not path.is_dir() or any(part in SKIPPED_FOLDERS for part in names):
            continue
        if any(part.startswith(".") and not _names_hidden(pattern) for part in names):
            continue
        out.append(relative)
    return sorted(out)


def _names_hidden(pattern: str) -> bool:
    return any(part.startswith(".") for part in pattern.split("/"))


def excluded(folder: str, patterns: Iterable[str]) -> bool:
    """Whether a `!glob` (pnpm's `!**/test/**`, uv's `exclude`) leaves `folder` out."""
    patterns = tuple(patterns)
    if not patterns:
        return False  # no patterns would match everything
    leaves = matcher(patterns)
    return leaves(folder) or leaves(folder + "/")


def project_names(found: Iterable[Member]) -> tuple[list[tuple[Member, str]], list[str]]:
    """Each member with its unique project name, and a note for every name changed to keep them unique."""
    named: list[tuple[Member, str]] = []
    notes: list[str] = []
    taken: dict[str, str] = {}
    given = [member for member in found]
    explicit = {member.name for member in given if member.name}
    for member in given:
        wanted = member.name or _name_of(member.folder)
        name = wanted
        if name in taken or (member.name is None and name in explicit):
            name = _name_of(member.folder.replace("/", "-"))
            number = 2
            while name in taken:
                name = f"{_name_of(member.folder.replace('/', '-'))}-{number}"
                number += 1
            other = taken.get(wanted, "a project with a `name`")
            notes.append(f"{member.folder}: project named {name}, as {other} is {wanted}")
        taken[name] = member.folder
        named.append((member, name))
    return named, notes


def _name_of(folder: str) -> str:
    base = folder.rsplit("/", 1)[-1]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", base).strip("-.") or "project"
    return name if PROJECT_NAME.match(name) else f"p{name}"


def qualified(project: str, stage: str) -> str:
    return f"{project}{SEPARATOR}{stage}"


def scoped_inputs(pattern: str, folder: str) -> tuple[str, ...]:
    """A project's input glob as the repository root reads it (the glob semantics of healer.globs).

    An anchored one (`src/*.py`) is inside the project's folder. One without a slash (`*.py`, `pyproject.toml`)
    matches at any depth of the project's folder and at the top of the repository, where tools look for their
    configuration when the project has none (ruff, pytest and mypy read a root pyproject.toml).
    """
    anchored = "/" in pattern.rstrip("/")
    body = pattern.lstrip("/")
    return (f"{folder}/{body}",) if anchored else (f"{folder}/**/{body}", f"/{body}")


def project_stages(name: str, folder: str, stages: Iterable[Stage]) -> tuple[Stage, ...]:
    """A project's stages as the root's pipeline runs them: qualified, in its folder, reading its files."""
    out = []
    for stage in stages:
        scoped = (glob for pattern in stage.inputs for glob in scoped_inputs(pattern, folder))
        inputs = tuple(dict.fromkeys(scoped)) if stage.inputs else (f"{folder}/**", ROOT_FILES)
        out.append(
            stage._replace(
                name=qualified(name, stage.name),
                needs=tuple(qualified(name, need) for need in stage.needs),
                inputs=inputs,
                cwd=folder if not stage.cwd else f"{folder}/{stage.cwd}",
            )
        )
    return tuple(out)


def with_project(config: Config, project: Project, stages: Iterable[Stage], notes: Iterable[str] = ()) -> Config:
    """`config` with one more project: its stages (already qualified) after the others, its notes prefixed."""
    added = tuple(stages)
    return config._replace(
        stages=(*config.stages, *added),
        projects=(*config.projects, project._replace(stages=tuple(stage.name for stage in added))),
        notes=(*config.notes, *(f"{project.name}: {note}" for note in notes)),
    )


def owner(path: str, projects: Iterable[Project]) -> Project | None:
    """The project whose folder holds `path`, or None."""
    for project in projects:
        if path.startswith(project.folder + "/"):
            return project
    return None


def unchanged_projects(config: Config, touched: frozenset[str] | None) -> list[Project]:
    """The projects no path of `touched` is in, which a check of those changes leaves out.

    None when everything counts (`touched` None) or when a file at the top of the repository changed (a root
    configuration or lock file: every project reads it). Nothing changed at all is left to the runner, which
    skips every stage without a word per project.
    """
    if not config.projects or not touched:
        return []
    changed: set[str] = set()
    for path in touched:
        if "/" not in path:
            return []
        found = owner(path, config.projects)
        if found is not None:
            changed.add(found.name)
    return [project for project in config.projects if project.name not in changed]


def leave_out(config: Config, touched: frozenset[str] | None) -> tuple[dict[str, str], list[str]]:
    """The stages of the projects `touched` leaves unchanged, each with its reason, and one line per project."""
    skip: dict[str, str] = {}
    lines: list[str] = []
    for project in unchanged_projects(config, touched):
        if not project.stages:
            continue
        reason = f"nothing changed in {project.folder}"
        skip.update(dict.fromkeys(project.stages, reason))
        count = len(project.stages)
        lines.append(
            f"project {project.name} ({project.folder}): nothing changed there; its {count} "
            f"stage{'s' * (count != 1)} left out"
        )
    return skip, lines


def watched(config: Config) -> tuple[str, ...]:
    """What a memo of `config` must see unchanged besides the root's files: each project's folder and its two
    configuration files, and the folders holding projects (a new folder there may be a new project)."""
    names: dict[str, None] = {}
    for project in config.projects:
        parent = project.folder.rpartition("/")[0]
        if parent:
            names.setdefault(parent)
        names.setdefault(project.folder)
        names.setdefault(f"{project.folder}/healer.toml")
        names.setdefault(f"{project.folder}/pyproject.toml")
    return tuple(names)
