"""`healer stages`: the pipeline healer resolved, and where it came from.

Detection's notes (what it found, where, what it left out) are said once by `healer init`; here they would
repeat on every call, so they are behind --verbose, with one line saying how many there are.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from healer.config.settings import Config
from healer.render.json_document import dumps, stages_document
from healer.workspace import open_workspace

if TYPE_CHECKING:
    import argparse


def describe(config: Config, *, verbose: bool = False) -> list[str]:
    source = (
        "detected from the project (no configuration yet; `healer init` writes it)"
        if (config.source == "detected")
        else config.source
    )
    lines = [f"pipeline: {len(config.stages)} stage{'s' if len(config.stages) != 1 else ''}, {source}"]
    width = max((len(stage.name) for stage in config.stages), default=0)
    kinds = max((len(stage.kind) for stage in config.stages), default=0)
    for stage in config.stages:
        lines.append(f"  {stage.name:<{width}}  {stage.kind:<{kinds}}  {stage.command_line()}")
        extras = []
        if stage.needs:
            extras.append(f"needs {', '.join(stage.needs)}")
        if stage.inputs:
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
        for extra in extras:
            lines.append(f"  {'':<{width}}  {'':<{kinds}}  {extra}")
    if verbose:
        lines.extend(f"note: {note}" for note in config.notes)
    elif config.notes:
        count = len(config.notes)
        lines.append(f"({count} detection note{'s' * (count != 1)}: `healer stages --verbose` shows them)")
    return lines


def execute(args: argparse.Namespace) -> int:
    workspace = open_workspace(require_stages=False)
    if args.json:
        print(dumps(stages_document(workspace.config)))
    else:
        print("\n".join(describe(workspace.config, verbose=args.verbose)))
    sys.stdout.flush()
    return 0
