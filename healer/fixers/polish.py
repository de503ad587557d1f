"""Format a candidate's files the way the project formats them, so a good fix does not fail the format check.

Imports are sorted first, the way the project's ruff sorts them
(healer.fixers.import_sort), then the formatter runs.

A rule that removes an import or inserts one leaves the blank lines around it
as they fall; the project's formatter would then report the file. When the
pipeline has a format stage with a `fix` command and the file was formatted
before the candidate touched it, the formatter runs on the candidate's result
in an isolated copy and the formatted content becomes the candidate. Files
the format stage already reported are left as the rule made them: formatting
them would mix an unrelated change into the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from healer.config.settings import Config, Stage
from healer.fixers.import_sort import sort_imports
from healer.fixers.tool_pass import tool_pass
from healer.globs import matcher
from healer.patch.patch import Patch
from healer.pipeline.result import RunResult

FORMAT_SECONDS = 60.0


def formatter(config: Config) -> Stage | None:
    """The pipeline's format stage that can also rewrite files, if there is one."""
    return next((stage for stage in config.stages if stage.kind == "format" and stage.fix is not None), None)


def polish(
    patch: Patch,
    config: Config,
    run: RunResult,
    scratch: Callable[[], AbstractContextManager[Path]] | None,
    prepend_path: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Patch:
    """`env`: what the project's stages start from (the formatter is the project's, as the stage's is)."""
    patch = sort_imports(patch, config, run, scratch, prepend_path, env)
    return _formatted(patch, config, run, scratch, prepend_path, env)


def _formatted(
    patch: Patch,
    config: Config,
    run: RunResult,
    scratch: Callable[[], AbstractContextManager[Path]] | None,
    prepend_path: Sequence[str],
    env: Mapping[str, str] | None,
) -> Patch:
    stage = formatter(config)
    if stage is None or scratch is None or patch.stage == stage.name:
        return patch
    argv = stage.fix_argv()
    reported = {d.file for result in run.stages if result.name == stage.name for d in result.diagnostics}
    if argv is None or any(result.name == stage.name and result.status == "error" for result in run.stages):
        return patch
    inputs = matcher(stage.inputs)
    chosen = [e for e in patch.edits if e.after is not None and e.path not in reported and inputs(e.path)]
    if not chosen:
        return patch
    return tool_pass(
        patch,
        chosen,
        stage,
        lambda _folder, _cwd: argv,
        scratch,
        timeout=FORMAT_SECONDS,
        prepend_path=prepend_path,
        env=env,
        sandbox=config.sandbox,
    )
