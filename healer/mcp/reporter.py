"""Where the core's notices go while the server runs: standard error, beside the SDK's log.

Standard output carries the protocol and nothing else. A run's notices are in
its document as well (`notices`), so the client reads them with the result.
"""

from __future__ import annotations

import sys

from healer.pipeline.events import Event
from healer.reporter import Reporter


class StderrReporter(Reporter):
    """Notices as `healer: ...` lines on standard error; events and progress are not shown."""

    def event(self, event: Event) -> None:
        pass

    def notice(self, message: str) -> None:
        print(f"healer: {message}", file=sys.stderr, flush=True)
