"""Who proposes fixes: the rules, past fixes, a model; one protocol and one admission step for all.

Each fixer is one module with a `fixer_for(setup)` that makes it (or None when
it cannot work in that setup); `KINDS` names them in the order they are tried.
"""

from typing import NamedTuple


class Kind(NamedTuple):
    module: str
    """Where its `fixer_for` is."""
    asks_model: bool = False
    """It sends code to a model: not made at all (not even imported) when the command is offline."""


KINDS: dict[str, Kind] = {
    "rules": Kind("healer.fixers.rules"),
    "replay": Kind("healer.fixers.replay"),
    "model": Kind("healer.fixers.llm", asks_model=True),
    "agent": Kind("healer.fixers.agent", asks_model=True),
}
"""A fixer's name, as front ends ask for it, to what makes it."""
