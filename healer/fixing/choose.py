"""Which verified candidates to apply: by `--apply safe|all`, the most resolving first, never two on one file.

A candidate that passes only by changing the checks (status "changes-checks")
is never applied by `safe` or `all`: only when `weakening` says a person asked
for it by name (`--apply all --apply-weakening`).
"""

from __future__ import annotations

from collections.abc import Sequence

from healer.fixers.candidate import Candidate
from healer.fixing.report import ApplyMode

REVIEW_FLAGS = frozenset({"edits-tests", "adds-suppression", "loosens-config", "adds-dependency", "deletes-file"})
"""Flags that keep a candidate out of `--apply safe` whatever its rule's class: a person should see these."""


def safe_to_apply(candidate: Candidate) -> bool:
    """What `--apply safe` may apply: a rule classed safe, nothing a person should see first."""
    return candidate.patch.safety == "safe" and not REVIEW_FLAGS & set(candidate.patch.flags)


def choose(candidates: Sequence[Candidate], mode: ApplyMode, *, weakening: bool = False) -> list[Candidate]:
    """The verified candidates to apply this round: most resolving and confident first, no two touching one file.

    With `weakening` (and mode "all"), also those that pass only by changing the checks, after every plain one.
    """
    taken: set[str] = set()
    addressed: set[str] = set()
    chosen = []
    # Most diagnostics resolved first (a typo fixed where it was made beats one fixed where it is used),
    # then the origin's past success, then the rule's confidence.
    ranked = sorted(candidates, key=lambda c: (c.changes_checks, -_resolved(c), -c.score, -c.patch.confidence))
    for candidate in ranked:
        allowed = candidate.verified or (weakening and mode == "all" and candidate.changes_checks)
        if not allowed or (mode == "safe" and not safe_to_apply(candidate)):
            continue
        patch = candidate.patch
        if taken & set(patch.paths) or (patch.fingerprints and set(patch.fingerprints) <= addressed):
            continue
        chosen.append(candidate)
        taken.update(patch.paths)
        addressed.update(patch.fingerprints)
    return chosen


def _resolved(candidate: Candidate) -> int:
    return 0 if candidate.verdict is None else candidate.verdict.resolved
