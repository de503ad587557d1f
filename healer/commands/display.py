"""How the CLI shows what the core reports: a run live on a terminal, plain lines otherwise, progress and notices."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from healer.pipeline.events import Event, Notice
from healer.pipeline.runner import Sink
from healer.render.text import clean_line
from healer.reporter import Reporter


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


class CliReporter(Reporter):
    """Events to a display (none for --json), progress as `PREFIX: message` lines, notices where they are seen.

    With a display, a notice is shown as the run's own notices are (a `healer: ...` line among the stages);
    without one (--json), it goes to standard error, so the JSON document on standard output stays whole.
    """

    def __init__(
        self, display: Sink | None, *, progress: str | None = None, progress_stream: TextIO | None = None
    ) -> None:
        self.display = display
        self.prefix = progress
        """`healer fix`: progress lines start with it; None: progress is not shown."""
        self.progress_stream = progress_stream

    def event(self, event: Event) -> None:
        if self.display is not None:
            self.display(event)

    def progress(self, message: str) -> None:
        if self.prefix is not None:
            stream = self.progress_stream or sys.stdout
            stream.write(f"{self.prefix}: {clean_line(message)}\n")
            stream.flush()

    def notice(self, message: str) -> None:
        if self.display is not None:
            self.display(Notice(message))
        else:
            sys.stderr.write(f"healer: {clean_line(message)}\n")
            sys.stderr.flush()
