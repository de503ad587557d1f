"""Who proposes fixes: the rules, past fixes, a model; one protocol and one admission step for all.

Each fixer is one module here with a `fixer_for(setup)` that makes it (or None
when it cannot run in that setup: no model configured, offline); `KINDS` names
them in the order they are tried.
"""

KINDS: dict[str, str] = {"rules": "healer.fixers.rules", "replay": "healer.fixers.replay", "model": "healer.fixers.llm"}
"""A fixer's name (as front ends ask for it) to the module whose `fixer_for` makes it."""
