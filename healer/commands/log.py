"""`healer log`: the fixes applied in this repository, newest first."""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING, Any

from healer.patch.journal import Entry, scan
from healer.workspace import locate

if TYPE_CHECKING:
    import argparse

LOG_SCHEMA = "healer.log/1"


def entry_dict(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "seq": entry.seq,
        "time": entry.time,
        "state": entry.state,
        "title": entry.title,
        "source": entry.source,
        "origin": entry.origin,
        "stage": entry.stage,
        "safety": entry.safety,
        "flags": list(entry.flags),
        "staged": entry.staged,
        "files": list(entry.paths),
    }


def describe(entries: list[Entry]) -> list[str]:
    if not entries:
        return ["no fixes applied yet"]
    lines = []
    for entry in entries:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.time))
        state = "interrupted" if entry.state == "applying" else entry.state
        lines.append(f"{entry.id}  {when}  {state:<11}  {entry.title}")
        lines.append(f"    {', '.join(entry.paths)}")
    return lines


def execute(args: argparse.Namespace) -> int:
    entries, notices = scan(locate().state_dir)
    for notice in notices:
        print(f"healer: {notice}", file=sys.stderr)
    shown = entries[: args.limit]
    if args.json:
        document = {"schema": LOG_SCHEMA, "entries": [entry_dict(entry) for entry in shown]}
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print("\n".join(describe(shown)))
    sys.stdout.flush()
    return 0
