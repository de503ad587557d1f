"""A fix rule as plain data: which diagnostics it answers, which action answers them, and how far to trust it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from healer.diagnostics.diagnostic import Diagnostic
from healer.globs import matcher
from healer.patch.patch import Safety

MATCH_KEYS: tuple[str, ...] = ("tool", "code", "message", "file", "stage_kind")
"""The conditions a rule's `match` table may give, as rule files spell them."""


@dataclass(frozen=True)
class Match:
    """Conditions on a diagnostic; each given one must hold, and within one, any of its values.

    An empty tuple (or no message) means the condition is not given.
    """

    tools: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    """Exact codes, or prefixes written with a trailing `*` ("W29*")."""
    message: re.Pattern[str] | None = None
    """Searched (`re.search`) in the diagnostic's message."""
    files: tuple[str, ...] = ()
    """Globs with .gitignore semantics (healer.globs) on the diagnostic's repository-relative file."""
    stage_kinds: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.tools or self.codes or self.message or self.files or self.stage_kinds)

    def matches(self, diagnostic: Diagnostic, stage_kind: str | None) -> bool:
        """Whether `diagnostic`, from a stage of kind `stage_kind`, meets every condition.

        `stage_kind` None means the kind is unknown (a log file tried with
        `healer rules test` comes from no stage); the stage_kind condition is
        then not applied, so a rule can still be tried on a saved log.
        """
        if self.tools and diagnostic.tool.lower() not in self.tools:
            return False
        if self.codes and not _code_matches(diagnostic.code, self.codes):
            return False
        if self.stage_kinds and stage_kind is not None and stage_kind not in self.stage_kinds:
            return False
        if self.files and (diagnostic.file is None or not matcher(self.files)(diagnostic.file)):
            return False
        return self.message is None or self.message.search(diagnostic.message) is not None

    def to_dict(self) -> dict[str, Any]:
        """The given conditions, keyed and shaped as a rule file writes them."""
        found: dict[str, Any] = {}
        for key, value in (
            ("tool", list(self.tools)),
            ("code", list(self.codes)),
            ("message", self.message.pattern if self.message else None),
            ("file", list(self.files)),
            ("stage_kind", list(self.stage_kinds)),
        ):
            if value:
                found[key] = value
        return found


def _code_matches(code: str | None, patterns: tuple[str, ...]) -> bool:
    if code is None:
        return False
    for pattern in patterns:
        if pattern.endswith("*"):
            if code.startswith(pattern[:-1]):
                return True
        elif code == pattern:
            return True
    return False


@dataclass(frozen=True)
class Rule:
    """One rule in effect, after every file that defines or overrides it was read."""

    id: str
    description: str
    action: str
    """A key of healer.rules.actions.ACTIONS."""
    safety: Safety
    confidence: float
    enabled: bool
    params: Mapping[str, Any] = field(hash=False)
    """Passed to the action as `ActionContext.params`."""
    match: Match
    origin: str
    """Where the rule was defined: "builtin:<pack>", or the user file's path relative to the repository."""
    changed_by: tuple[str, ...] = ()
    """The user files that merged keys over it after it was defined, in the order they were read."""

    @property
    def written_by_healer(self) -> bool:
        """Whether what its patches contain comes from healer's own code: not from a command a user rule names
        (a `tool-fix` whose `command` a repository's rule file set), whose output healer cannot vouch for."""
        if self.action != "tool-fix" or "command" not in self.params:
            return True
        return self.origin.startswith("builtin:") and not self.changed_by

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "description": self.description,
            "action": self.action,
            "safety": self.safety,
            "confidence": self.confidence,
            "enabled": self.enabled,
            "params": dict(self.params),
            "match": self.match.to_dict(),
            "origin": self.origin,
            "changed_by": list(self.changed_by),
        }
