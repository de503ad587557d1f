"""`healer undo [ID]`: take an applied fix back, byte for byte."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from healer.patch.undo import undo
from healer.patch.where import locate

if TYPE_CHECKING:
    import argparse

UNDO_SCHEMA = "healer.undo/1"


def execute(args: argparse.Namespace) -> int:
    root, state_dir = locate()
    record = undo(root, state_dir, args.id)
    _remember(root, record.id)
    if args.json:
        import json

        document = {
            "schema": UNDO_SCHEMA,
            "id": record.id,
            "title": record.title,
            "restored": list(record.restored),
            "unchanged": list(record.unchanged),
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print(f"undid {record.id}: {record.title}")
        for path in record.restored:
            print(f"  restored {path}")
        for path in record.unchanged:
            print(f"  {path} was already as before")
    sys.stdout.flush()
    return 0


def _remember(root: Path, patch_id: str) -> None:
    """An undone fix counts against its rule (the false-fix rate) and is never replayed again."""
    from healer.commands.run import open_store
    from healer.errors import HealerError
    from healer.recording import record_decisions
    from healer.workspace import open_workspace

    try:
        # After the files are restored: a configuration the fix broke must not stand in the way of undo.
        workspace = open_workspace(root, require_stages=False)
    except HealerError:
        return
    store = open_store([])
    if store is not None:
        with store:
            record_decisions(store, workspace, [patch_id], "undone", "cli")
