"""The one door every candidate passes before it is verified: sound paths, the deny globs, the project's format.

Every fixer's candidates go through `admit`: validation refuses patches that
would write outside the repository, into `.git`, through a symlink, a binary
or oversized result or a protected file, and flags what a reviewer should
know (it edits tests, adds a suppression...); a patch from an untrusted source
(a model) must also keep off the files no model may see or edit; then the
patch is formatted the way the project formats (polish), and its result
validated again. A refused candidate is never written anywhere, not even
into an isolated copy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path

from healer.config.settings import Config
from healer.fixers.candidate import Candidate
from healer.fixers.polish import polish
from healer.llm.redact import DEFAULT_DENY, denied
from healer.patch.validate import validate
from healer.pipeline.result import RunResult

UNTRUSTED_SOURCES = frozenset({"model", "agent"})
"""Sources whose patches were written by no rule and no person: the deny globs apply to them."""


def admit(
    candidate: Candidate,
    *,
    config: Config,
    root: Path,
    run: RunResult,
    scratch: Callable[[], AbstractContextManager[Path]] | None,
    prepend_path: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Candidate:
    """`candidate` refused with the reasons, or admitted: flagged, and formatted as the project formats."""
    patch = candidate.patch
    checked = validate(patch.edits, root, config.fix)
    problems = list(checked.problems)
    if patch.source in UNTRUSTED_SOURCES:
        deny = (*DEFAULT_DENY, *config.llm.deny)
        problems += [f"{path}: matches llm.deny" for path in patch.paths if denied(path, deny)]
    if problems:
        return replace(candidate, patch=replace(patch, flags=checked.flags)).refused(problems)
    polished = polish(patch, config, run, scratch, prepend_path, env)
    if polished is not patch:
        checked = validate(polished.edits, root, config.fix)
        if checked.problems:
            return replace(candidate, patch=replace(polished, flags=checked.flags)).refused(checked.problems)
    return replace(candidate, patch=replace(polished, flags=checked.flags), weakening=checked.weakening)
