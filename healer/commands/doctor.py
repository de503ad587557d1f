"""`healer doctor`: whether healer can work here (healer.doctor), one line per check; `--` marks an optional
part that is not installed."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import healer
from healer.doctor import checks

if TYPE_CHECKING:
    import argparse


def execute(args: argparse.Namespace) -> int:
    results = checks(Path.cwd(), offline=args.offline)
    if args.json:
        print(json.dumps({"healer_version": healer.__version__, "checks": [asdict(c) for c in results]}, indent=2))
    else:
        print(f"healer {healer.__version__} (Python {sys.version.split()[0]})")
        width = max(len(check.name) for check in results)
        for check in results:
            # An optional part that is missing is neither fine nor a fault.
            mark = "BAD" if not check.ok else "-- " if check.optional else "ok "
            print(f"{mark}  {check.name:<{width}}  {check.detail}")
    return 0 if all(check.ok for check in results) else 1
