"""`healer secrets`: what redaction would take out of the context a model is shown for the current failures.

A thin front end over `Healer.secrets`: it renders where each secret is, its kind and a
masked preview (never the secret), as text or JSON. No model is asked, nothing is sent.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

from healer.commands.display import CliReporter
from healer.interrupt import terminated_as_interrupt
from healer.llm.exposure import Exposure, ExposureReport
from healer.service import Healer
from healer.workspace import open_workspace

if TYPE_CHECKING:
    import argparse

SCHEMA = "healer.secrets/1"


def execute(args: argparse.Namespace) -> int:
    workspace = open_workspace()
    healer = Healer(workspace, via="cli", reporter=CliReporter(None), environ=os.environ)
    with terminated_as_interrupt():
        report = healer.secrets(
            stages=tuple(args.stages), failure=args.failure, cache="off" if args.no_cache else "use"
        )
    if args.json:
        sys.stdout.write(json.dumps(document(report), indent=2) + "\n")
    else:
        sys.stdout.write(render(report))
    sys.stdout.flush()
    return 0


def _where(exposure: Exposure) -> str:
    return exposure.where if exposure.line is None else f"{exposure.where}:{exposure.line}"


def render(report: ExposureReport) -> str:
    if not report.groups:
        if report.run.exit_code == 0:
            return "Nothing failed: no context would be sent to a model.\n"
        return "No failure here would be sent to a model (none matched, or none has a parsed cause).\n"
    lines: list[str] = []
    for group in report.groups:
        what = f"{group.failures} failure{'s' * (group.failures != 1)}" if group.failures else "a failed stage"
        where = group.key.removeprefix("stage:")
        count = len(group.exposures)
        lines.append(f"{where} ({what}, stage {group.stage}): {count} secret{'s' * (count != 1)} in "
                     f"{group.characters} characters of context")  # fmt: skip
        width = max((len(_where(e)) for e in group.exposures), default=0)
        for exposure in group.exposures:
            lines.append(f"  {_where(exposure):<{width}}  {exposure.kind:<24} {exposure.preview} "
                         f"({exposure.length} characters)")  # fmt: skip
    if report.left_out:
        lines.append(f"({report.left_out} more group(s) of failures would wait for a later round)")
    total = report.count
    lines.append(
        f"{total} secret{'s' * (total != 1)} would be replaced by [REDACTED:kind] before a model sees this context;"
        " nothing was sent."
        if total
        else "No secret found: the context would be sent as it is."
    )
    return "\n".join(lines) + "\n"


def document(report: ExposureReport) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "secrets": report.count,
        "left_out": report.left_out,
        "groups": [
            {
                "key": group.key,
                "stage": group.stage,
                "failures": group.failures,
                "characters": group.characters,
                "secrets": [
                    {
                        "where": e.where,
                        "line": e.line,
                        "kind": e.kind,
                        "preview": e.preview,
                        "length": e.length,
                        "part": e.part,
                    }
                    for e in group.exposures
                ],
            }
            for group in report.groups
        ],
    }
