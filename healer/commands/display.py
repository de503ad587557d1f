"""Choosing how a run is shown: live on a terminal, plain lines otherwise."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from healer.pipeline.runner import Sink


def is_terminal(stream: TextIO) -> bool:
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def display_for(stream: TextIO = sys.stdout, *, verbose: bool = False) -> Sink:
    if is_terminal(stream):
        from rich.console import Console

        from healer.render.live import LiveDisplay

        return LiveDisplay(Console(file=stream, highlight=False))
    from healer.render.plain import PlainDisplay

    return PlainDisplay(stream, verbose=verbose)


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"
