"""Where the core says what is happening: a run's events, progress of long work, and notices.

A front end gives the core one `Reporter` (the CLI prints, the TUI posts
messages, a test collects). The core never prints. `event` receives the
pipeline's events in order, from the thread that runs the pipeline;
`progress` says what long work is doing ("round 1: verifying 3 candidates");
`notice` is something the user must hear whatever else they see (the
knowledge base cannot be used, a record was lost): it may come from any
thread (the knowledge base says each distinct one once).
"""

from __future__ import annotations

from healer.pipeline.events import Event, Notice


class Reporter:
    """Says nothing; front ends override what they show."""

    def event(self, event: Event) -> None:
        pass

    def progress(self, message: str) -> None:
        pass

    def notice(self, message: str) -> None:
        """By default, as a run's own notices are shown: an event."""
        self.event(Notice(message))
