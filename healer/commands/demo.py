"""`healer demo`: the pipeline on the bundled sample project, offline, in a throwaway repository."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from healer.commands.display import display_for
from healer.commands.run import emit, run_workspace
from healer.errors import HealerError
from healer.pipeline.result import RunResult
from healer.sample_project import create_sample_repo
from healer.workspace import open_workspace

if TYPE_CHECKING:
    import argparse

EXPECTED_FAILURES = {"lint", "format", "typecheck", "test"}


def explain(run: RunResult, where: Path, kept: bool) -> list[str]:
    failed = [stage.name for stage in run.stages if stage.status == "failed"]
    broken = [stage for stage in run.stages if stage.status == "error"]
    lines = [""]
    if broken:
        for stage in broken:
            lines.append(f"The demo could not run stage '{stage.name}': {stage.reason}")
        lines.append("Install the sample's tools with: pip install 'healer[demo]'")
        return lines
    lines.append(
        f"The sample project has deliberate mistakes; {len(failed)} of {len(run.stages)} stages caught them "
        f"({', '.join(failed) or 'none'}), with {len(run.diagnostics)} diagnostics parsed from the tools' output."
    )
    lines.append("Each diagnostic above names the stage, file, line, tool code and message.")
    if kept:
        lines.append(f"The sample repository is kept at {where}. Try:")
        lines.append(f"  healer -C {where} run        # again: unchanged stages come from the cache")
        lines.append(f"  healer -C {where} stages     # the pipeline, from its pyproject.toml")
    else:
        lines.append("Run `healer demo --keep` to keep the sample repository and explore it.")
    return lines


def execute(args: argparse.Namespace) -> int:
    if args.dir:
        where = Path(args.dir).resolve()
        kept = True
    else:
        where = Path(tempfile.mkdtemp(prefix="healer-demo-"))
        kept = args.keep
    try:
        create_sample_repo(where)
        workspace = open_workspace(where)
        sink = (lambda _event: None) if args.json else display_for(sys.stdout)
        if not args.json:
            print(f"healer demo: running the sample project's pipeline in {where}\n", flush=True)
        # The sample's tools are installed beside healer (the `demo` extra): use those first.
        own_tools = (os.path.dirname(sys.executable),)
        run = run_workspace(
            workspace, stages=None, jobs=None, use_cache=False, record=True, sink=sink, prepend_path=own_tools
        )
        emit(run, as_json=args.json)
        if not args.json:
            print("\n".join(explain(run, where, kept)))
    finally:
        if not kept:
            shutil.rmtree(where, ignore_errors=True)
    if run.interrupted:
        return 130
    if any(stage.status == "error" for stage in run.stages):
        return 1
    unexpected = {stage.name for stage in run.stages if stage.status != "failed"} & EXPECTED_FAILURES
    if unexpected:
        raise HealerError(f"the sample project unexpectedly passed {', '.join(sorted(unexpected))}; is it damaged?")
    return 0
