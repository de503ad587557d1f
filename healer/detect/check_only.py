"""What to propose instead of a command that would rewrite files: the check-only stages of the
tools it runs, when healer knows them; otherwise nothing, and a note saying why."""

from __future__ import annotations

from collections.abc import Iterable

from healer.config.settings import Stage
from healer.detect import js_tools, python_tools
from healer.detect.candidate import Candidate

_STAGES = {key: ("python", tool) for tool, key in python_tools.TOOL_KEYS.items()} | {
    key: ("js", tool) for tool, key in js_tools.TOOL_KEYS.items()
}


def check_only(key: str) -> Stage | None:
    """healer's check-only stage for a tool key, when it has one."""
    found = _STAGES.get(key)
    if found is None:
        return None
    family, tool = found
    return python_tools.python_stage(tool) if family == "python" else js_tools.js_stage(tool)


def replace(where: str, why: str, keys: Iterable[str], *, rank: int, prefix: str) -> tuple[list[Candidate], str]:
    """Candidates for the check-only stages of `keys`, and the note saying what was replaced.

    Each covers only its own tool key, not the script or target it replaces: that one rewrites,
    so nothing that runs it may count as running these checks.
    """
    stages = [(key, stage) for key in sorted(set(keys)) if (stage := check_only(key)) is not None]
    if not stages:
        return [], f"{where}: {why}; skipped (healer stages only check)"
    candidates = [Candidate(stage, rank, where, frozenset({key}), prefix) for key, stage in stages]
    names = ", ".join(stage.name for _, stage in stages)
    return candidates, f"{names}: {where} ({why}; checking instead)"
