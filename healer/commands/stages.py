"""`healer stages`: the pipeline healer resolved, and where it came from.

Detection's notes (what it found, where, what it left out) are said once by `healer init`; here they would
repeat on every call, so they are behind --verbose, with one line saying how many there are. A stage whose
tool is not installed says so, with the command that installs it (healer.doctor.missing_tools), before
`healer run` fails it with "command not found".
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from healer.config.settings import Config, Project
from healer.config.workspaces import ROOT_FILES
from healer.doctor import missing_tools
from healer.render.json_document import dumps, stages_document
from healer.workspace import open_workspace

if TYPE_CHECKING:
    import argparse


def describe(config: Config, *, verbose: bool = False, missing: Mapping[str, str] | None = None) -> list[str]:
    """The pipeline for people; `missing`: stage name → why its tool cannot start here."""
    missing = missing or {}
    source = (
        "detected from the project (no configuration yet; `healer init` writes it)"
        if (config.source == "detected")
        else config.source
    )
    lines = [f"pipeline: {len(config.stages)} stage{'s' if len(config.stages) != 1 else ''}, {source}"]
    if config.projects:
        count = len(config.projects)
        lines[0] += f"; {count} project{'s' * (count != 1)}"
    width = max((len(stage.name) for stage in config.stages), default=0)
    kinds = max((len(stage.kind) for stage in config.stages), default=0)
    headers = {project.stages[0]: project for project in config.projects if project.stages}
    lines.extend(_project_line(project) for project in config.projects if not project.stages)
    for stage in config.stages:
        project = headers.get(stage.name)
        if project is not None:
            lines.append(_project_line(project))
        lines.append(f"  {stage.name:<{width}}  {stage.kind:<{kinds}}  {stage.command_line()}")
        extras = []
        if stage.needs:
            extras.append(f"needs {', '.join(stage.needs)}")
        if stage.inputs and not _project_default(stage.inputs):
            extras.append(f"inputs {' '.join(stage.inputs)}")
        if stage.timeout:
            extras.append(f"timeout {stage.timeout:g}s")
        if stage.gate:
            bound = f">= {stage.gate.minimum:g}" if stage.gate.minimum is not None else f"<= {stage.gate.maximum:g}"
            extras.append(f"gate {stage.gate.metric} {bound}")
        if stage.fix:
            extras.append("fix: " + (stage.fix if isinstance(stage.fix, str) else " ".join(stage.fix)))
        if not stage.cache:
            extras.append("not cached")
        if stage.name in missing:
            extras.append(f"cannot run here: {missing[stage.name]}")
        for extra in extras:
            lines.append(f"  {'':<{width}}  {'':<{kinds}}  {extra}")
    if missing:
        count = len(missing)
        tools = "their tools are" if count != 1 else "its tool is"
        lines.append(f"{count} stage{'s' * (count != 1)} cannot run until {tools} installed")
    if verbose:
        lines.extend(f"note: {note}" for note in config.notes)
    elif config.notes:
        count = len(config.notes)
        lines.append(f"({count} detection note{'s' * (count != 1)}: `healer stages --verbose` shows them)")
    return lines


def _project_line(project: Project) -> str:
    count = len(project.stages)
    stages = f"{count} stage{'s' * (count != 1)}" if count else "no stages"
    return f"project {project.name} ({project.folder}, {project.source}): {stages}"


def _project_default(inputs: tuple[str, ...]) -> bool:
    """The inputs a project's stage gets without declaring any (its folder and the root's files): not shown."""
    return len(inputs) == 2 and inputs[0].endswith("/**") and inputs[1] == ROOT_FILES


def execute(args: argparse.Namespace) -> int:
    workspace = open_workspace(require_stages=False)
    missing = missing_tools(workspace.root, workspace.config)
    if args.json:
        document = stages_document(workspace.config)
        for entry in document["stages"]:
            entry["missing"] = missing.get(entry["name"])
        document["projects"] = [
            {"name": p.name, "folder": p.folder, "source": p.source, "stages": list(p.stages)}
            for p in workspace.config.projects
        ]
        print(dumps(document))
    else:
        print("\n".join(describe(workspace.config, verbose=args.verbose, missing=missing)))
    sys.stdout.flush()
    return 0
