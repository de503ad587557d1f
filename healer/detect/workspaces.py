"""Finding the projects of a monorepo that has no `workspaces` configured, and detecting a project's stages.

The projects are what the repository's own tools already call its workspace, first found wins:

- uv: `[tool.uv.workspace] members` (less `exclude`) in the root pyproject.toml, folders with a pyproject.toml;
- npm and yarn: `workspaces` in the root package.json (an array, or `{packages: [...]}`), folders with a
  package.json;
- pnpm: `packages` in pnpm-workspace.yaml (`!glob` leaves folders out), folders with a package.json;
- otherwise, when the root holds no project of its own (no pyproject.toml, package.json or setup.py): two or
  more folders, one or two levels down, each with a pyproject.toml or package.json.

A project without a configuration of its own gets what `detect` finds in its folder (healer.config.workspaces
qualifies the names, scopes the inputs and sets the folder).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from healer.config import workspaces
from healer.config.load import PENDING, with_projects
from healer.config.settings import Config, Stage
from healer.detect.files import Unreadable, read_json, read_toml, read_yaml, strings, table

PROJECT_FILES = ("pyproject.toml", "package.json")
ROOT_PROJECT_FILES = ("pyproject.toml", "package.json", "setup.py")
NESTED_DEPTH = 2
Detector = Callable[[Path], tuple[Sequence[Stage], Sequence[str]]]
"""What detection finds in a folder: its stages and its notes."""
IGNORED = frozenset({"node_modules", "venv", "build", "dist", "site-packages", "tests", "test", "fixtures", "docs"})


def find_members(root: Path) -> tuple[list[workspaces.Member], list[str]]:
    """The projects the repository's tools declare (or, without a declaration, its nested projects), and notes."""
    for finder in (_uv, _npm, _pnpm):
        try:
            found = finder(root)
        except Unreadable as error:
            return [], [error.note]
        if found is not None:
            members, origin = found
            if members:
                names = ", ".join(member.folder for member in members)
                return members, [f"{origin}: {len(members)} project{'s' * (len(members) != 1)} ({names})"]
            return [], [f"{origin}: names no folder with a project in it"]
    nested = _nested(root)
    if len(nested) < 2:
        return [], []
    names = ", ".join(member.folder for member in nested)
    return nested, [f"no workspace declared, but {len(nested)} projects in folders ({names})"]


def _expand(root: Path, patterns: list[str], marker: str) -> list[workspaces.Member]:
    keep = [pattern.strip().rstrip("/") for pattern in patterns if not pattern.startswith("!")]
    leave = [pattern[1:].strip() for pattern in patterns if pattern.startswith("!")]
    folders: dict[str, None] = {}
    for pattern in keep:
        while pattern.startswith("./"):
            pattern = pattern[2:]
        if not pattern or pattern == "." or pattern.startswith("/") or ".." in pattern.split("/"):
            continue
        for folder in workspaces.expand(pattern, root):
            if (root / folder / marker).is_file() and not workspaces.excluded(folder, leave):
                folders.setdefault(folder)
    return [workspaces.Member(folder) for folder in folders]


def _uv(root: Path) -> tuple[list[workspaces.Member], str] | None:
    if not (root / "pyproject.toml").is_file():
        return None
    workspace = table(read_toml(root, "pyproject.toml"), "tool", "uv", "workspace")
    if not workspace:
        return None
    members = strings(workspace.get("members"))
    excluded = [f"!{pattern}" for pattern in strings(workspace.get("exclude"))]
    return _expand(root, [*members, *excluded], "pyproject.toml"), "pyproject.toml [tool.uv.workspace]"


def _npm(root: Path) -> tuple[list[workspaces.Member], str] | None:
    if not (root / "package.json").is_file():
        return None
    data = read_json(root, "package.json")
    declared = data.get("workspaces") if isinstance(data, dict) else None
    if isinstance(declared, dict):
        declared = declared.get("packages")  # yarn's {packages: [...], nohoist: [...]}
    if not isinstance(declared, list) or not declared:
        return None
    return _expand(root, strings(declared), "package.json"), "package.json workspaces"


def _pnpm(root: Path) -> tuple[list[workspaces.Member], str] | None:
    name = "pnpm-workspace.yaml"
    if not (root / name).is_file():
        return None
    data = read_yaml(root, name)
    packages = strings(data.get("packages")) if isinstance(data, dict) else []
    if not packages:
        return None
    return _expand(root, packages, "package.json"), name


def _nested(root: Path) -> list[workspaces.Member]:
    if any((root / name).is_file() for name in ROOT_PROJECT_FILES):
        return []
    found: list[workspaces.Member] = []

    def visit(folder: Path, depth: int) -> None:
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            return
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name in IGNORED or name in workspaces.SKIPPED_FOLDERS or not entry.is_dir():
                continue
            if entry.is_symlink():
                continue
            if any((entry / marker).is_file() for marker in PROJECT_FILES):
                found.append(workspaces.Member(entry.relative_to(root).as_posix()))
            elif depth < NESTED_DEPTH:
                visit(entry, depth + 1)

    visit(root, 1)
    return found


def detected_projects(root: Path, config: Config, detect: Detector) -> Config:
    """A repository without a configuration (its root's stages already detected in `config`): its projects, each
    with its own configuration or what `detect` finds in its folder."""
    members, notes = find_members(root)
    if not members:
        return config._replace(notes=(*config.notes, *notes))
    return complete(root, with_projects(root, config, members, tuple(notes)), detect)


def complete(root: Path, config: Config, detect: Detector) -> Config:
    """`config` with the stages of every project that has no configuration of its own found by `detect` in its
    folder (healer.detect.detection.detect, passed in: that module reads this one)."""
    if not any(project.source == PENDING for project in config.projects):
        return config
    owned = {name for project in config.projects for name in project.stages}
    by_name = {stage.name: stage for stage in config.stages}
    done = config._replace(stages=tuple(s for s in config.stages if s.name not in owned), projects=())
    for project in config.projects:
        if project.source != PENDING:
            done = workspaces.with_project(done, project, (by_name[name] for name in project.stages))
            continue
        stages, notes = detect(root / project.folder)
        qualified = workspaces.project_stages(project.name, project.folder, stages)
        said = notes if qualified else (*notes, "no stages detected in its folder")
        done = workspaces.with_project(done, project._replace(source="detected"), qualified, said)
    return done
