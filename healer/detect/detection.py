"""Proposing a pipeline for a project that has no healer configuration.

Each ecosystem has its own module that reports candidate stages; this module drops the
duplicates (several sources running the same tool), makes names unique and orders the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from healer.config.load import load_config
from healer.config.settings import STAGE_KINDS, Config, Stage
from healer.detect import docs, github_actions, javascript, makefile, precommit, python, workspaces
from healer.detect.candidate import Candidate, Found
from healer.detect.names import unique


@dataclass(frozen=True)
class Detection:
    stages: tuple[Stage, ...]
    notes: tuple[str, ...]
    """What was found where, and what was skipped and why, for people to read."""


def pipeline_of(root: Path) -> Config:
    """The repository's pipeline: its configuration, or what detection finds without one."""
    config = load_config(root)
    return completed_config(root, config) if config.source != "none" else detected_config(root)


def detected_config(root: Path) -> Config:
    """What detection finds, as the configuration of a repository that has none (a monorepo's projects too)."""
    detection = detect(root)
    config = Config(stages=detection.stages, source="detected", notes=detection.notes)
    return workspaces.detected_projects(root, config, _found_in)


def completed_config(root: Path, config: Config) -> Config:
    """A configuration read from a file, with the stages of its projects that have no configuration detected."""
    return workspaces.complete(root, config, _found_in)


def _found_in(folder: Path) -> tuple[tuple[Stage, ...], tuple[str, ...]]:
    detection = detect(folder)
    return detection.stages, detection.notes


def detect(root: Path, *, from_ci: bool = False, confirm: Callable[[Candidate], bool] | None = None) -> Detection:
    """The stages the project at `root` already runs somewhere, as check-only commands.

    With `from_ci`, the `run:` steps of GitHub Actions workflows are proposed as well. A step
    whose effect is unknown (`python scripts/x.py` may rewrite pyproject.toml) is added only if
    `confirm` says yes; without `confirm`, never.
    """
    found = [
        precommit.detect(root),
        javascript.detect(root),
        makefile.detect(root),
        python.detect(root),
        docs.detect(root),
    ]
    if from_ci:
        found.append(github_actions.detect(root))
    found = [_confirmed(result, confirm) for result in found]
    notes = [note for result in found for note in result.notes if note]
    if not from_ci and (root / github_actions.WORKFLOWS).is_dir():
        notes.append(f"{github_actions.WORKFLOWS}: not read (ask for CI steps with from_ci)")
    stages, merge_notes = merge(found)
    return Detection(stages=stages, notes=(*notes, *merge_notes))


def _confirmed(found: Found, confirm: Callable[[Candidate], bool] | None) -> Found:
    kept: list[Candidate] = []
    notes = list(found.notes)
    for candidate in found.candidates:
        if candidate.unsure is None:
            kept.append(candidate)
        elif confirm is not None and confirm(candidate):
            kept.append(candidate)
            notes.append(f"{candidate.stage.name}: {candidate.origin}: {candidate.unsure}; added as you confirmed")
        else:
            how = (
                "`healer init --from-ci` asks in a terminal; --with-unknown-steps adds such steps"
                if candidate.prefix == "ci"
                else "`healer init` asks in a terminal"
            )
            notes.append(f"{candidate.origin}: {candidate.unsure}, so what it changes is unknown; not added ({how})")
    return Found(tuple(kept), tuple(notes))


def merge(found: list[Found]) -> tuple[tuple[Stage, ...], list[str]]:
    """One stage per tool, with unique names, in pipeline order; and notes on what was dropped."""
    candidates = [candidate for result in found for candidate in result.candidates]
    # The most trusted source first; among equals, the narrowest stage (one tool before an
    # aggregate such as `make check`), so that aggregates are the ones found redundant.
    order = sorted(
        range(len(candidates)),
        key=lambda i: (-candidates[i].rank, len(_tools(candidates[i])), i),
    )
    runners: dict[str, set[str]] = {}  # tool key → names of the kept stages that run it
    commands: dict[str, str] = {}
    stages: list[Stage] = []
    notes: list[str] = []
    for index in order:
        candidate = candidates[index]
        tools = _tools(candidate)
        redundant = _redundant(candidate, tools, runners, commands)
        if redundant is not None:
            notes.append(f"{candidate.origin}: already run by {', '.join(sorted(redundant))}; not added")
            for key in candidate.covers:
                runners[key] = runners.get(key) or set(redundant)
            continue
        name = unique(candidate.stage.name, candidate.prefix, {stage.name for stage in stages})
        shared = sorted(key for key in tools if ":" not in key and runners.get(key))
        if shared:
            others = sorted({other for key in shared for other in runners[key]})
            notes.append(f"{name}: also runs {', '.join(shared)}, as {', '.join(others)} does")
        for key in candidate.covers:
            runners.setdefault(key, set()).add(name)
        commands.setdefault(candidate.stage.command_line(), name)
        stages.append(candidate.stage._replace(name=name))
    return tuple(sorted(stages, key=_position)), notes


def _tools(candidate: Candidate) -> frozenset[str]:
    return candidate.covers - {candidate.key} if candidate.key else candidate.covers


def _redundant(
    candidate: Candidate,
    tools: frozenset[str],
    runners: dict[str, set[str]],
    commands: dict[str, str],
) -> set[str] | None:
    """The kept stages that already run everything `candidate` runs, when it is redundant."""
    line = candidate.stage.command_line()
    if line in commands:
        return {commands[line]}
    if candidate.key and runners.get(candidate.key):
        return runners[candidate.key]
    # A named script or target is the project's own entry point: it only goes when it is an
    # alias or aggregate of others (`check: lint test`, `test: npm test`), not merely because
    # it shares a tool with a sibling (`build` also runs tsc, as `typecheck` does).
    refers = any(key.startswith(("script:", "make:")) for key in tools)
    if not tools or not all(runners.get(key) for key in tools) or (candidate.key and not refers):
        return None
    return {name for key in tools for name in runners[key]}


def _position(stage: Stage) -> tuple[int, str]:
    kinds = list(STAGE_KINDS)
    return (kinds.index(stage.kind) if stage.kind in kinds else len(kinds), stage.name)
