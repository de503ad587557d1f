"""Per-file stages (`files = "each"`): which files a stage is given, in which batches, and how results merge.

A per-file stage runs its tool on its matching files (through `{files}` in `run`, else appended), split into
batches the way pre-commit's xargs does (at least `jobs` batches of at least four files, none longer than the
system's command-line limit), and keeps one cache entry per file (healer.cache.file_key). The runner asks this
module; nothing here starts a process or touches the store.

Correctness first: a batch's result is kept per file only when every diagnostic its parser found names one of
the batch's files and every line it printed can be told to belong to one of them (or is a known summary line
such as ruff's "Found 3 errors."). Anything else, a warning about the configuration, a crash, output no
parser understood, makes the batch's files uncacheable for this run: they run again next time.
"""

from __future__ import annotations

import math
import os
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from healer.config.settings import Stage
from healer.diagnostics.diagnostic import Diagnostic
from healer.globs import matcher
from healer.pipeline.result import StageResult, Status
from healer.snapshot.manifest import Manifest

PLACEHOLDER = "{files}"
MIN_BATCH = 4
"""pre-commit's smallest batch: more processes than that cost more to start than they save."""
MAX_LENGTH = 2**17
"""pre-commit's cap on one command line (bytes), below the system's ARG_MAX."""
_WILD = re.compile(r"[*?\[]")
_SUMMARY = re.compile(
    r"^\s*(?:"
    r"Found \d+ errors?\b.*|\[\*\] \d+ fixable.*|All checks passed!|No fixes available.*|"
    r"\d+ hidden fixes can be enabled.*|\d+ files? (?:would be |already )?(?:reformatted|left unchanged|formatted)"
    r"(?:, \d+ files? (?:would be |already )?(?:reformatted|left unchanged|formatted))*\.?|"
    r"All done! .*|Oh no! .*|Skipped \d+ files|Success: no issues found.*|Found \d+ errors? in \d+ files?.*"
    r")\s*$"
)
"""Lines that sum a batch up and name no file: dropped from the per-file entries, never a reason to distrust them."""
_POSITION = re.compile(r":\d+(?::\d+)?:?$")


class PerFile(NamedTuple):
    """A per-file stage's files in one content: what is checked, and what the tool reads besides."""

    files: tuple[str, ...]
    """The checked files, relative to the repository root, in order."""
    configs: tuple[str, ...]
    """The config files among the content (in every file's key), relative to the root."""


def split_inputs(inputs: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The patterns that select the files to check (their last segment has a wildcard: `*.py`, `src/**/*.py`),
    and those that name config files the tool reads (`pyproject.toml`, `**/ruff.toml`, `setup.cfg`)."""
    selectors = tuple(p for p in inputs if _WILD.search(p.rstrip("/").rsplit("/", 1)[-1]))
    return selectors, tuple(p for p in inputs if p not in selectors)


def select(stage: Stage, tree: Manifest) -> PerFile:
    selectors, configs = split_inputs(stage.inputs)
    checked = matcher(selectors)
    reads = matcher(configs) if configs else None
    inside = "" if not stage.cwd else stage.cwd.strip("/") + "/"
    files: list[str] = []
    config_files: list[str] = []
    for path in tree.paths():
        if reads is not None and reads(path):
            config_files.append(path)
        # A deleted file is in a working tree's paths but has no content: nothing to check.
        if checked(path) and path.startswith(inside) and tree.content_id(path) is not None:
            files.append(path)
    return PerFile(tuple(files), tuple(config_files))


def argument(path: str, cwd: str | None) -> str:
    """How `path` (root-relative) is named on the command line of a stage that runs in `cwd`."""
    name = path[len(cwd.strip("/")) + 1 :] if cwd else path
    # A file named like an option would be read as one.
    return "./" + name if name.startswith("-") else name


def command(stage: Stage, names: Sequence[str]) -> Stage:
    """The stage with `names` in its command: at `{files}`, else at the end (quoted for a shell)."""
    if stage.shell:
        line = stage.run if isinstance(stage.run, str) else " ".join(stage.run)
        quoted = shlex.join(names)
        run: tuple[str, ...] | str = (
            line.replace(PLACEHOLDER, quoted) if PLACEHOLDER in line else f"{line} {quoted}".rstrip()
        )
        return stage._replace(run=run)
    argv = shlex.split(stage.run) if isinstance(stage.run, str) else list(stage.run)
    if PLACEHOLDER in argv:
        at = argv.index(PLACEHOLDER)
        argv[at : at + 1] = names
    else:
        argv.extend(names)
    return stage._replace(run=tuple(argv))


def max_length(env: Mapping[str, str]) -> int:
    """The longest command line a batch may have: ARG_MAX less the environment, as pre-commit reckons it."""
    try:
        maximum = int(os.sysconf("SC_ARG_MAX"))
    except (ValueError, OSError, AttributeError):
        maximum = 4096
    environment = 8 * len(env) + sum(len(k) + len(v) + 2 for k, v in env.items())
    return max(4096, min(maximum - 2048 - environment, MAX_LENGTH))


def partition(base: Sequence[str], names: Sequence[str], jobs: int, limit: int) -> list[list[str]]:
    """`names` in batches: at least `jobs` of them when there are enough files (pre-commit's rule: no batch
    smaller than four), each command line (`base` and the batch) within `limit` bytes."""
    if not names:
        return []
    most = max(MIN_BATCH, math.ceil(len(names) / max(1, jobs)))
    start = sum(len(os.fsencode(part)) + 1 for part in base)
    batches: list[list[str]] = []
    batch: list[str] = []
    length = start
    for name in names:
        size = len(os.fsencode(name)) + 1
        if batch and (length + size > limit or len(batch) >= most):
            batches.append(batch)
            batch, length = [], start
        # A single name longer than the limit still goes alone: the system, not healer, refuses it.
        batch.append(name)
        length += size
    batches.append(batch)
    return batches


class FileEntry(NamedTuple):
    """What one file's cache entry holds."""

    status: str
    exit_code: int
    output: str
    diagnostics: tuple[Diagnostic, ...]


def entries(result: StageResult, files: Sequence[str], names: Mapping[str, str]) -> dict[str, FileEntry] | None:
    """`result` (one batch's) split into one entry per file, or None when it cannot be told apart by file.

    `files` are the batch's root-relative paths; `names` maps every way the output may name one of them (as
    passed, root-relative, absolute) to its root-relative path.
    """
    if result.status not in ("passed", "failed") or result.timed_out or result.gate is not None:
        return None
    code = result.exit_code if result.exit_code is not None else -1
    found: dict[str, list[Diagnostic]] = {path: [] for path in files}
    for diagnostic in result.diagnostics:
        if diagnostic.file is None or diagnostic.file not in found:
            return None  # a finding about no file, or about one the batch was not given
        found[diagnostic.file].append(diagnostic)
    if result.status == "failed" and not result.diagnostics:
        return None  # it failed, but the parser cannot say which file did
    lines = _attribute(result.output, names)
    if lines is None:
        return None
    entries: dict[str, FileEntry] = {}
    for path in files:
        mine = found[path]
        said = lines.get(path, [])
        if result.status == "failed" and not mine and said:
            return None  # it printed about this file, yet no finding names it: in doubt
        status = "failed" if mine else "passed"
        entries[path] = FileEntry(status, code if mine else 0, "\n".join(said), tuple(mine))
    return entries


def _attribute(output: str, names: Mapping[str, str]) -> dict[str, list[str]] | None:
    """The output's lines by the file they belong to, or None when a line belongs to none and is no summary.

    Output comes in paragraphs (blank-line separated): one finding each (ruff's and mypy's full format, with
    its code frame), or one line per finding (concise formats). A paragraph whose every line names one file
    goes line by line; a paragraph that names exactly one file goes whole to it; anything else is in doubt.
    """
    by_file: dict[str, list[str]] = {}
    for paragraph in _paragraphs(output.splitlines()):
        kept = [line for line in paragraph if not _SUMMARY.match(line)]
        if not kept:
            continue
        named = [_names(line, names) for line in kept]
        if all(len(files) == 1 for files in named):
            for line, files in zip(kept, named, strict=True):
                by_file.setdefault(next(iter(files)), []).append(line)
            continue
        every = set().union(*named)
        if len(every) != 1:
            return None
        by_file.setdefault(every.pop(), []).extend([*kept, ""])
    return by_file


def _paragraphs(lines: Iterable[str]) -> Iterable[list[str]]:
    paragraph: list[str] = []
    for line in lines:
        if line.strip():
            paragraph.append(line)
        elif paragraph:
            yield paragraph
            paragraph = []
    if paragraph:
        yield paragraph


def _names(line: str, names: Mapping[str, str]) -> set[str]:
    """The batch files `line` names: every run of its words, with a trailing `:line:col` cut off, looked up."""
    words = line.split()[:40]
    found: set[str] = set()
    for first in range(len(words)):
        for last in range(first + 1, len(words) + 1):
            candidate = " ".join(words[first:last]).strip("\"'`()[]<>,;")
            candidate = _POSITION.sub("", candidate)
            path = names.get(candidate)
            if path is not None:
                found.add(path)
    return found


def aliases(files: Iterable[str], cwd: str | None, root: str) -> dict[str, str]:
    """Every way the tool may name each file: as passed, root-relative, absolute."""
    names: dict[str, str] = {}
    for path in files:
        passed = argument(path, cwd)
        for name in (passed, passed.removeprefix("./"), path, "./" + path, os.path.join(root, path)):
            names[name] = path
    return names


_RANK: dict[str, int] = {"passed": 0, "skipped": 0, "failed": 1, "error": 2, "cancelled": 3}


def merge(
    stage: Stage,
    cached: Sequence[tuple[str, str, int | None, str, list[Diagnostic]]],
    batches: Sequence[tuple[int, StageResult]],
    duration: float,
) -> StageResult:
    """One result for the stage: the cached files' `(path, status, exit code, output, diagnostics)` and the
    batches' results `(file count, result)`; failed if any part failed, the worst exit code, the wall time."""
    status: Status = "passed"
    code: int | None = 0
    reason: str | None = None
    outputs: list[str] = []
    diagnostics: list[Diagnostic] = []
    output_bytes = 0
    timed_out = False
    log_path: str | None = None
    for _path, file_status, file_code, output, found in cached:
        if file_status == "failed":
            status = "failed"
            code = _worse(code, file_code)
        if output:
            outputs.append(output)
        diagnostics.extend(found)
    several = len(batches) > 1 or (bool(batches) and bool(outputs))
    if outputs and batches:
        outputs.insert(0, f"── healer: {len(cached)} files from the cache ──")
    for number, (count, result) in enumerate(batches, 1):
        if _RANK[result.status] > _RANK[status]:
            status = result.status
        if result.status != "passed":
            code = _worse(code, result.exit_code)
        reason = reason or result.reason
        timed_out = timed_out or result.timed_out
        log_path = log_path or result.log_path
        output_bytes += result.output_bytes
        if several:
            outputs.append(f"── healer: batch {number} of {len(batches)}, {count} files ──")
        if result.output:
            outputs.append(result.output.rstrip("\n"))
        diagnostics.extend(result.diagnostics)
    text = "\n".join(outputs)
    return StageResult(
        stage.name, stage.kind, status, stage.command_line(), duration, code,
        cached=not batches, timed_out=timed_out, reason=reason, output=text,
        output_bytes=max(output_bytes, len(text.encode("utf-8", "surrogateescape"))),
        log_path=log_path, diagnostics=tuple(diagnostics),
    )  # fmt: skip


def _worse(code: int | None, other: int | None) -> int | None:
    if other is None or code is None:
        return code if other is None else other if code in (None, 0) else code
    if code == 0:
        return other
    return max(code, other) if code > 0 and other > 0 else min(code, other)
