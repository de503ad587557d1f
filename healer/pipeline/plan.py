"""Which stages a run includes: the ones asked for and everything they need."""

from __future__ import annotations

from collections.abc import Sequence

from healer.config.settings import Config, Stage
from healer.errors import HealerError


class UnknownStage(HealerError):
    pass


def select_stages(config: Config, names: Sequence[str] | None) -> list[Stage]:
    """The asked-for stages plus their transitive `needs`, in configuration order."""
    if not names:
        return list(config.stages)
    by_name = {stage.name: stage for stage in config.stages}
    wanted: set[str] = set()
    todo = _projects_expanded(config, names)
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        if name not in by_name:
            import difflib  # the error path only

            projects = [f"{project.name}:" for project in config.projects]
            close = difflib.get_close_matches(name, [*by_name, *projects], n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            names = list(by_name)
            known = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "") or "none"
            whole = f" (a project's stages: {', '.join(projects)})" if projects else ""
            raise UnknownStage(f"no stage named '{name}'{hint}; the stages are: {known}{whole}")
        wanted.add(name)
        todo.extend(by_name[name].needs)
    return [stage for stage in config.stages if stage.name in wanted]


def affected_stages(config: Config, selected: Sequence[str], paths: Sequence[str]) -> list[str]:
    """The selected stages whose inputs include one of `paths` (every stage without declared inputs)."""
    from healer.globs import matcher  # watch mode and verification only, never a plain run

    names = []
    for stage in config.stages:
        if stage.name not in selected:
            continue
        matches = matcher(stage.inputs)
        if not stage.inputs or any(matches(path) for path in paths):
            names.append(stage.name)
    return names


def _projects_expanded(config: Config, names: Sequence[str]) -> list[str]:
    """`names` with each `project:` (a monorepo's project, healer.config.workspaces) replaced by its stages."""
    if not config.projects:
        return list(names)
    out: list[str] = []
    for name in names:
        project = next((p for p in config.projects if name == f"{p.name}:"), None)
        out.extend(project.stages if project is not None else (name,))
    return out
