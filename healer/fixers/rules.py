"""The rules' fixes: every matching rule's proposal for every diagnostic of the failing stages.

Several diagnostics often call for the same edit (ruff, mypy and pytest all
report the missing `Decimal` import): identical edits are one candidate that
addresses all of them, so it is verified once and its verdict covers each.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from healer.fixers.candidate import Candidate, Note
from healer.fixers.protocol import Proposed, Setup, Work
from healer.patch.patch import Patch
from healer.rules.context import ActionContext
from healer.rules.engine import ActionFailed, RuleSet, run_rule
from healer.rules.load import load_rules
from healer.rules.outcome import Report


def fixer_for(setup: Setup) -> RuleFixer:
    return RuleFixer(setup.root)


class RuleFixer:
    """The built-in packs and the repository's own rules (`.healer/rules/`), read when first needed."""

    name = "rules"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._rules: RuleSet | None = None

    @property
    def rules(self) -> RuleSet:
        if self._rules is None:
            self._rules = load_rules(self.root)
        return self._rules

    def cost_bound(self, work: Work) -> float | None:
        return 0.0

    def propose(self, work: Work) -> Proposed:
        """Ask every matching rule about every diagnostic left to fix, in the failed stages."""
        found = Proposed()
        wanted = {d.fingerprint for d in work.failures}
        by_id: dict[str, Patch] = {}
        shared: dict[str, object] = {}  # one symbol index (say) for the whole round
        for result in work.run.stages:
            if result.status != "failed":
                continue
            stage = work.config.stage(result.name)
            for diagnostic in result.diagnostics:
                if diagnostic.fingerprint not in wanted:
                    continue
                for rule in self.rules.matching(diagnostic, stage.kind):
                    context = ActionContext(
                        root=work.content,
                        diagnostic=diagnostic,
                        params=rule.params,
                        stage=stage,
                        output=result.output,
                        diagnostics=result.diagnostics,
                        list_paths=work.paths,
                        scratch=work.scratch,
                        work_tree=work.work_tree,
                        python=work.python,
                        env=work.env,
                        cache=shared,
                        progress=work.progress,
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
                        same_ast=outcome.same_ast,
                        trusted=rule.written_by_healer,
                    )
                    known = by_id.get(patch.id)
                    if known is None:
                        by_id[patch.id] = patch
                    elif diagnostic.fingerprint not in known.fingerprints:
                        by_id[patch.id] = replace(known, fingerprints=(*known.fingerprints, diagnostic.fingerprint))
        ordered = sorted(by_id.values(), key=lambda p: (-p.confidence, p.origin, p.id))
        found.candidates = [Candidate(patch) for patch in ordered]
        return found
