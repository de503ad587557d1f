"""`healer undo [ID]`: take an applied fix back, byte for byte."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from healer.patch.undo import undo
from healer.patch.where import locate

if TYPE_CHECKING:
    import argparse

UNDO_SCHEMA = "healer.undo/1"


def execute(args: argparse.Namespace) -> int:
    root, state_dir = locate()
    record = undo(root, state_dir, args.id)
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
