"""What a change reruns: the stages whose inputs it touched, the stages that need them, and for a pytest
stage, a preview that runs the affected test files first.

Which stages a set of paths affects is the verifier's question too (a fix touches paths); both
answer it with `affected_stages`, so watch, hooks and verification agree on what `inputs` mean.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from pathlib import Path

from healer.config.settings import Config, Stage
from healer.pipeline.plan import affected_stages
from healer.pipeline.pytest_selection import narrowed, tests_to_run

PREVIEW_SUFFIX = " (affected tests)"
"""Appended to a pytest stage's name for its preview, so both results can be told apart everywhere."""


def stages_to_rerun(config: Config, selected: Sequence[str], changed: Collection[str]) -> list[str]:
    """The selected stages whose inputs include a changed path, and every selected stage that needs one of them
    (a need that now passes, or now fails, changes whether its dependents run), in configuration order."""
    return with_dependents(config, selected, affected_stages(config, selected, sorted(changed)))


def with_dependents(config: Config, selected: Sequence[str], names: Collection[str]) -> list[str]:
    wanted = set(names)
    grew = True
    while grew:
        grew = False
        for stage in config.stages:
            if stage.name in selected and stage.name not in wanted and wanted.intersection(stage.needs):
                wanted.add(stage.name)
                grew = True
    return [stage.name for stage in config.stages if stage.name in wanted]


def preview_stage(
    stage: Stage, root: Path, tests: Collection[str], all_tests: Collection[str]
) -> tuple[Stage, tuple[str, ...]] | None:
    """The stage run on the affected test files only, with those files, or None when a preview would not help.

    None when the stage does not run pytest directly; when it selects tests by node id or by
    something other than paths (`--pyargs`); when none of the affected files is among the tests it
    runs; or when all of its tests are affected (the preview would be the full run). The preview
    keeps everything else of the stage (environment, timeout, parser) but not its gate, which
    judges the whole suite, nor its needs, which the full stage still honours. Its cache key is
    its own: a preview of unchanged content is a cache hit too.
    """
    chosen = tests_to_run(stage, root, tests, all_tests)
    if chosen is None:
        return None
    cwd = root / stage.cwd if stage.cwd else root
    relative = tuple(os.path.relpath(root / path, cwd) for path in chosen)
    preview = narrowed(stage, relative)
    if preview is None:
        return None
    return preview._replace(name=stage.name + PREVIEW_SUFFIX, needs=(), gate=None), tuple(chosen)
