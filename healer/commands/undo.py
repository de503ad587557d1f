"""`healer undo [ID]`: take an applied fix back, byte for byte."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from healer.commands.display import CliReporter
from healer.service import Healer
from healer.workspace import locate

if TYPE_CHECKING:
    import argparse

UNDO_SCHEMA = "healer.undo/1"


def execute(args: argparse.Namespace) -> int:
    # The configuration is not read before the files are restored: the fix may be what broke it.
    healer = Healer(locate(), via="cli", reporter=CliReporter(None))
    record = healer.undo(args.id, force=args.force)
    if args.json:
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
