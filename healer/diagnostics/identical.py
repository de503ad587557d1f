"""Identical findings as one: a NameError that 30 tests run into is one mistake, said once with its count."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from healer.diagnostics.diagnostic import Diagnostic


class Identical(NamedTuple):
    """Findings that say the same thing at the same place, in the order first seen."""

    members: tuple[Diagnostic, ...]

    @property
    def first(self) -> Diagnostic:
        return self.members[0]

    def times(self) -> str:
        """ " (30 tests)" when each is another test's, " (3 times)" otherwise; "" for one."""
        if len(self.members) == 1:
            return ""
        tests = {d.node_id for d in self.members if d.node_id}
        return f" ({len(tests)} tests)" if len(tests) == len(self.members) else f" ({len(self.members)} times)"


def identical(diagnostics: Iterable[Diagnostic]) -> list[Identical]:
    """`diagnostics` grouped by stage, place, code, message and suggestion, each group where it first appears."""
    groups: dict[tuple[object, ...], list[Diagnostic]] = {}
    for d in diagnostics:
        groups.setdefault((d.stage, d.location(), d.code, d.message, d.suggestion), []).append(d)
    return [Identical(tuple(members)) for members in groups.values()]
