"""The Python actions behind the rules, by name; each module is imported only when its action runs."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from healer.rules.context import Action

ACTIONS: dict[str, str] = {
    "tool-fix": "tool_fix",
    "add-import": "add_import",
    "remove-import": "remove_import",
    "did-you-mean": "did_you_mean",
    "add-dependency": "add_dependency",
    "add-init": "add_init",
    "whitespace": "whitespace",
    "syntax-repair": "syntax_repair",
    "fixture-typo": "fixture_typo",
    "conflict-markers": "conflict_markers",
    "rerun": "rerun",
    "widen-return": "optional_return",
}
"""Action name (as rule files write it) to the module under healer.rules.actions that defines `run`."""


def resolve(name: str) -> Action:
    """The action called `name`; KeyError if there is none."""
    module = importlib.import_module(f"healer.rules.actions.{ACTIONS[name]}")
    action: Action = module.run
    return action
