"""What a model would be shown for some failures, and what redaction takes out of it before anything is sent.

The same context the model fixer builds (healer.llm.prompt: the failures, the code
around them, the failing tests, the frames of tracebacks, the stages' output, past
fixes), every part of it, before parts are dropped to fit the token cap; each part
goes through the same redaction as a request (healer.llm.redaction). For each secret:
where it is (a file and its line, or a stage's output and the line of that output),
its kind and a masked preview. Nothing here contacts a model: a user runs it before
enabling a hosted one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from healer.diagnostics.ansi import strip_ansi
from healer.llm.cluster import Cluster, clusters
from healer.llm.prompt import LINE_CHARS, sections
from healer.llm.redaction import findings
from healer.pipeline.result import RunResult

PREVIEW_CHARS = 4


@dataclass(frozen=True)
class Exposure:
    """One secret in the context: never the secret itself, only where it is, its kind and a masked preview."""

    where: str
    """A file of the repository, or "output of stage NAME", or "the failures" (the diagnostics' messages)."""
    line: int | None
    """The line in that file or that stage's output, when known."""
    kind: str
    preview: str
    """At most the first four characters (fewer for a short secret), then `…`."""
    length: int
    part: str
    """The prompt part it is in, as the prompt names it ("code:calc.py", "output:test")."""


@dataclass(frozen=True)
class GroupExposures:
    """One request's worth of context: a group of failures (healer.llm.cluster) and the secrets in what it shows."""

    key: str
    stage: str
    failures: int
    characters: int
    """The size of the context before redaction."""
    exposures: tuple[Exposure, ...]


@dataclass(frozen=True)
class ExposureReport:
    run: RunResult
    """The check whose failures these are."""
    groups: tuple[GroupExposures, ...]
    left_out: int
    """Groups beyond the number the model fixer asks about in one round."""

    @property
    def count(self) -> int:
        return sum(len(group.exposures) for group in self.groups)


PastDiffs = Callable[[Sequence[str]], list[str]]


def exposure_report(
    run: RunResult,
    root: Path,
    *,
    deny: Sequence[str],
    past: PastDiffs,
    limit: int,
    stages: Sequence[str] = (),
    failure: str | None = None,
) -> ExposureReport:
    """The groups of `run`'s failures the model fixer would ask about (at most `limit`, as it does), only those of
    `stages` or of one `failure` (a fingerprint or its start, a file, or `file:line`) when given."""
    groups = [group for group in clusters(run, limit=10_000) if _wanted(group, stages, failure)]
    shown = tuple(group_exposures(group, root, deny=deny, past=past) for group in groups[:limit])
    return ExposureReport(run, shown, max(0, len(groups) - limit))


def _wanted(group: Cluster, stages: Sequence[str], failure: str | None) -> bool:
    if stages and group.stage not in stages and not any(result.name in stages for result in group.results):
        return False
    if failure is None:
        return True
    if group.key == failure or group.key == f"stage:{failure}":
        return True
    return any(
        d.fingerprint.startswith(failure) or d.location() == failure or d.node_id == failure for d in group.diagnostics
    )


def mask(secret: str) -> str:
    shown = min(PREVIEW_CHARS, len(secret) // 3)
    return secret[:shown] + "\u2026"


def group_exposures(
    group: Cluster, root: Path, *, deny: Sequence[str], past: Callable[[Sequence[str]], list[str]]
) -> GroupExposures:
    """The secrets in every part of the context the model fixer would build for `group` from the code in `root`."""
    found: list[Exposure] = []
    size = 0
    for name, text in sections(group, root, deny=deny, past=past(group.fingerprints)):
        size += len(text)
        for finding in findings(text):
            secret = text[finding.start : finding.end]
            where, line = _locate(name, text, finding.start, group)
            found.append(Exposure(where, line, finding.kind, mask(secret), len(secret), name))
    diagnostics = len(group.diagnostics)
    return GroupExposures(group.key, group.stage, diagnostics, size, tuple(found))


# A code part's first line: its label ("Code: ", "The failing test: "), then the excerpt's header.
_EXCERPT = re.compile(
    r"\A[A-Za-z ]{1,40}: (?P<path>[^\n]+?) \((?:lines (?P<first>[0-9]+)-[0-9]+|whole file) of [0-9]+\)\n"
)


def _locate(name: str, text: str, position: int, group: Cluster) -> tuple[str, int | None]:
    """Where the character at `position` of a prompt part comes from: a file and line, or a stage's output."""
    kind, _, rest = name.partition(":")
    row = text.count("\n", 0, position)
    if kind in ("code", "test", "frame"):
        header = _EXCERPT.match(text)
        if header is None:
            return rest.split(":", 1)[0], None
        first = int(header.group("first") or 1)
        opening = text.count("\n", 0, header.end()) + 1  # the fence's line
        return header.group("path"), first + row - opening if row >= opening else None
    if kind == "output":
        shown = text.split("\n")[row]
        return f"output of stage {rest}", _output_line(group, rest, shown)
    if kind == "failures":
        return "the failures", None
    return kind, None


def _output_line(group: Cluster, stage: str, shown: str) -> int | None:
    """The line of the stage's output that the prompt shows as `shown` (ANSI stripped, cut to LINE_CHARS)."""
    for result in group.results:
        if result.name != stage:
            continue
        for number, row in enumerate(strip_ansi(result.output).splitlines(), 1):
            if row[:LINE_CHARS] == shown:
                return number
    return None
