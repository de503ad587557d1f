"""What workers tell the UI. Workers only ever post these; the handlers on the UI thread do the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from healer.fixing.report import FixReport
    from healer.pipeline.events import Event
    from healer.tui.review.decide import Done


class PipelineEvent(Message):
    """A run's event (stage started or finished, notice...), except output."""

    def __init__(self, generation: int, event: Event) -> None:
        super().__init__()
        self.generation = generation
        self.event = event


class PipelineOutput(Message):
    """A batch of a stage's output lines, already cleaned of escape sequences."""

    def __init__(self, generation: int, stage: str, lines: list[str]) -> None:
        super().__init__()
        self.generation = generation
        self.stage = stage
        self.lines = lines


class FixProgress(Message):
    def __init__(self, generation: int, text: str) -> None:
        super().__init__()
        self.generation = generation
        self.text = text


class FixesReady(Message):
    """The run is over and its failures have candidate fixes, verified (the report of the core's fix loop)."""

    def __init__(self, generation: int, report: FixReport) -> None:
        super().__init__()
        self.generation = generation
        self.report = report


class Told(Message):
    """Something the core wants the user to hear (a knowledge base it cannot use, a record it lost)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class Decided(Message):
    """An apply, reject or undo finished (or was refused)."""

    def __init__(self, action: str, review_key: int | None, done: Done) -> None:
        super().__init__()
        self.action = action
        self.review_key = review_key
        self.done = done


class StaleChecked(Message):
    def __init__(self, reasons: dict[int, str | None]) -> None:
        super().__init__()
        self.reasons = reasons


class Loaded(Message):
    """Data a screen asked a worker for (a failure's history, a diff's highlighting, the statistics)."""

    def __init__(self, topic: str, key: object, data: Any) -> None:
        super().__init__()
        self.topic = topic
        self.key = key
        self.data = data
