"""Candidates: every matching rule's proposal for every diagnostic of the failing stages.

Several diagnostics often call for the same edit (ruff, mypy and pytest all
report the missing `Decimal` import): identical edits are one candidate that
addresses all of them, so it is verified once and its verdict covers each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path

from healer.config.model import Config, FixSettings
from healer.fixes.model import Patch, Report
from healer.fixes.polish import polish
from healer.patch.validate import validate
from healer.pipeline.result import RunResult
from healer.rules.context import ActionContext
from healer.rules.engine import ActionFailed, RuleSet, run_rule


@dataclass(frozen=True)
class Note:
    """A finding a rule reports instead of fixing (conflict markers, a flaky test)."""

    stage: str
    rule: str
    report: Report


@dataclass
class Candidates:
    patches: list[Patch] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Rules whose action failed, one line each; the others still ran."""


def propose(
    run: RunResult,
    config: Config,
    root: Path,
    rules: RuleSet,
    *,
    settings: FixSettings,
    scratch: Callable[[], AbstractContextManager[Path]] | None,
    paths: Callable[[], Sequence[str]] | None = None,
    skip: frozenset[str] = frozenset(),
    prepend_path: Sequence[str] = (),
) -> Candidates:
    """Ask every matching rule about every diagnostic of the failed stages; `skip` lists fingerprints to leave."""
    found = Candidates()
    by_id: dict[str, Patch] = {}
    shared: dict[str, object] = {}
    for result in run.stages:
        if result.status != "failed":
            continue
        stage = config.stage(result.name)
        for diagnostic in result.diagnostics:
            if diagnostic.fingerprint in skip:
                continue
            for rule in rules.matching(diagnostic, stage.kind):
                context = ActionContext(
                    root=root,
                    diagnostic=diagnostic,
                    params=rule.params,
                    stage=stage,
                    output=result.output,
                    diagnostics=result.diagnostics,
                    list_paths=paths,
                    scratch=scratch,
                    cache=shared,
                )
                try:
                    outcome = run_rule(rule, context)
                except ActionFailed as error:
                    found.errors.append(str(error))
                    continue
                if isinstance(outcome, Report):
                    found.notes.append(Note(result.name, rule.id, outcome))
                    if outcome.kind == "flaky":
                        break  # a flaky test is recorded, not fixed
                    continue
                if outcome is None or not outcome.edits:
                    continue
                patch = Patch(
                    title=outcome.title,
                    edits=outcome.edits,
                    source="rule",
                    origin=rule.id,
                    safety=rule.safety,
                    confidence=rule.confidence,
                    stage=result.name,
                    fingerprints=(diagnostic.fingerprint,),
                )
                if not validate(patch.edits, root, settings).problems:
                    # Only a patch whose paths are sound is written anywhere, even into a copy.
                    patch = polish(patch, config, run, scratch, prepend_path)
                known = by_id.get(patch.id)
                if known is not None:
                    if diagnostic.fingerprint not in known.fingerprints:
                        by_id[patch.id] = replace(known, fingerprints=(*known.fingerprints, diagnostic.fingerprint))
                    continue
                checked = validate(patch.edits, root, settings)
                patch = replace(patch, flags=tuple(checked.flags))
                if checked.problems:
                    patch = patch.with_status("failed", "refused: " + "; ".join(checked.problems))
                by_id[patch.id] = patch
    found.patches = sorted(by_id.values(), key=lambda p: (-p.confidence, p.origin, p.id))
    return found
