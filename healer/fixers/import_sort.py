"""Sort a candidate's imports the way the project's ruff sorts them, so an added import does not fail lint.

A rule that adds `from markupsafe import Markup` merges it into the import
line that is there, or puts it where the block begins; a project whose ruff
selects the isort rules with its own settings (one name per line, sections,
known first-party packages) then reports I001 for a fix that is otherwise
right. When a lint stage runs `ruff check`, its import-sorting fix runs on the
candidate's Python files in an isolated copy, with the stage's own selection
and configuration and only I001/I002 fixable: a project that does not select
those rules gets its files back unchanged. Files the stage already reported
for import order are left as the rule made them (sorting them would mix an
unrelated change into the fix).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from healer.config.settings import Config, SandboxSettings, Stage
from healer.fixers.tool_pass import tool_pass
from healer.globs import matcher
from healer.patch.patch import Patch
from healer.pipeline.result import RunResult

SORT_SECONDS = 30.0
SORT_CODES = ("I001", "I002")

# The options of `ruff check` that decide which rules apply and how: everything else (paths, output
# format, --fix/--no-fix, --exit-zero) is the stage's business, not the sorter's.
_VALUED = frozenset(
    {
        "--select",
        "--extend-select",
        "--ignore",
        "--extend-ignore",
        "--per-file-ignores",
        "--extend-per-file-ignores",
        "--config",
        "--target-version",
        "--line-length",
    }
)
_FLAGS = frozenset({"--preview", "--no-preview", "--isolated"})


def ruff_check_prefix(argv: Sequence[str]) -> list[str] | None:
    """The words that start `ruff check` in a stage's argv (`ruff check`, `python -m ruff check`), or None."""
    words = list(argv)
    for index, word in enumerate(words):
        if os.path.basename(word) == "ruff":
            rest = words[index + 1 :]
            return words[: index + 2] if rest[:1] == ["check"] else None
    return None


def sorting_options(argv: Sequence[str]) -> list[str]:
    """The rule-selecting options of a `ruff check` argv, to run its import sorter with the same settings."""
    kept: list[str] = []
    words = list(argv)
    index = 0
    while index < len(words):
        word = words[index]
        name = word.split("=", 1)[0]
        if name in _VALUED and "=" in word:
            kept.append(word)
        elif name in _VALUED and index + 1 < len(words):
            kept += [word, words[index + 1]]
            index += 1
        elif word in _FLAGS:
            kept.append(word)
        index += 1
    return kept


def sorters(config: Config) -> list[Stage]:
    """The lint stages that run `ruff check` directly (not through a shell line)."""
    return [
        stage
        for stage in config.stages
        if stage.kind == "lint" and not stage.shell and ruff_check_prefix(stage.argv()) is not None
    ]


def sort_imports(
    patch: Patch,
    config: Config,
    run: RunResult,
    scratch: Callable[[], AbstractContextManager[Path]] | None,
    prepend_path: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Patch:
    """`patch` with its Python files' imports sorted by each ruff lint stage, or `patch` itself."""
    if scratch is None:
        return patch
    for stage in sorters(config):
        patch = _sorted_by(stage, patch, run, scratch, prepend_path, env, config.sandbox)
    return patch


def _sorted_by(
    stage: Stage,
    patch: Patch,
    run: RunResult,
    scratch: Callable[[], AbstractContextManager[Path]],
    prepend_path: Sequence[str],
    env: Mapping[str, str] | None,
    sandbox: SandboxSettings,
) -> Patch:
    results = [result for result in run.stages if result.name == stage.name]
    if any(result.status == "error" for result in results):
        return patch
    reported = {d.file for result in results for d in result.diagnostics if d.code in SORT_CODES and d.file is not None}
    inputs = matcher(stage.inputs)
    chosen = [
        edit
        for edit in patch.edits
        if edit.after is not None
        and edit.path.endswith((".py", ".pyi"))
        and edit.path not in reported
        and inputs(edit.path)
    ]
    prefix = ruff_check_prefix(stage.argv())
    if not chosen or prefix is None:
        return patch
    options = sorting_options(stage.argv()[len(prefix) :])

    def command(folder: Path, cwd: Path) -> list[str]:
        files = [os.path.relpath(folder / edit.path, cwd) for edit in chosen]
        return [
            *prefix,
            *options,
            "--fix-only",
            "--fixable",
            ",".join(SORT_CODES),
            "--no-cache",
            "--quiet",
            "--",
            *files,
        ]

    # A file ruff cannot parse, or a configuration it rejects, leaves the candidate as it is: verification tells.
    return tool_pass(
        patch, chosen, stage, command, scratch, timeout=SORT_SECONDS, prepend_path=prepend_path, env=env,
        sandbox=sandbox,
    )  # fmt: skip
