"""From a stage's raw output to placed, fingerprinted, de-duplicated diagnostics."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from healer.diagnostics.ansi import strip_ansi
from healer.diagnostics.diagnostic import Diagnostic, Finding
from healer.diagnostics.fingerprint import fingerprint
from healer.diagnostics.guess import guess_parser
from healer.diagnostics.parsers import AUTO_ORDER, PARSERS, TOOL_NAMES
from healer.diagnostics.paths import relative_to_root

AUTO = "auto"
FALLBACK_TOOL = "healer"

__all__ = ["diagnose", "guess_parser", "parser_names"]


def parser_names() -> tuple[str, ...]:
    """Every valid value of a stage's `parser` option."""
    return (*PARSERS, AUTO)


def diagnose(
    *,
    stage: str,
    output: str,
    root: Path,
    cwd: Path,
    parser: str | None,
    argv: Sequence[str],
    exit_code: int | None,
) -> list[Diagnostic]:
    """Parse a stage's output into diagnostics, in the order the tool printed them.

    The parser is the stage's explicit choice, else the one its command names,
    else "auto". When the chosen parser finds nothing, "auto" gets a chance (a
    tool that crashed prints a traceback, not its usual format). A failed stage
    always yields at least one diagnostic.
    """
    if parser is not None and parser not in parser_names():
        raise ValueError(f"unknown parser {parser!r}; choose from {', '.join(parser_names())}")
    text = strip_ansi(output)
    chosen = parser or guess_parser(argv) or AUTO
    findings = _run(chosen, text)
    if not findings and chosen != AUTO:
        findings = _run(AUTO, text)
    diagnostics = _place(stage, findings, root=root, cwd=cwd)
    if not diagnostics and exit_code not in (None, 0):
        diagnostics = [_stage_failure(stage, chosen, argv, text, exit_code)]
    return diagnostics


def _run(name: str, text: str) -> list[Finding]:
    if name != AUTO:
        return PARSERS[name](text)
    found: list[Finding] = []
    for candidate in AUTO_ORDER:
        found.extend(PARSERS[candidate](text))
    return _unique_places(found) or PARSERS["generic"](text)


def _unique_places(findings: list[Finding]) -> list[Finding]:
    # Formats shared by two tools (ruff concise vs flake8) are read twice in
    # auto mode; the same place and message is one problem, named by the first.
    seen: set[tuple[object, ...]] = set()
    unique: list[Finding] = []
    for finding in findings:
        key = (finding.file, finding.line, finding.column, finding.code, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _place(stage: str, findings: list[Finding], *, root: Path, cwd: Path) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    seen: set[Diagnostic] = set()
    for finding in findings:
        file = relative_to_root(finding.file, root=root, cwd=cwd) if finding.file else None
        diagnostic = Diagnostic(
            stage=stage,
            tool=finding.tool,
            file=file,
            line=finding.line,
            column=finding.column,
            code=finding.code,
            message=finding.message,
            severity=finding.severity,
            fingerprint=fingerprint(finding.tool, finding.code, finding.message),
            suggestion=finding.suggestion,
            node_id=finding.node_id,
        )
        if diagnostic not in seen:
            seen.add(diagnostic)
            diagnostics.append(diagnostic)
    return diagnostics


def _stage_failure(stage: str, chosen: str, argv: Sequence[str], text: str, exit_code: int) -> Diagnostic:
    tool = TOOL_NAMES.get(chosen, chosen) if chosen in PARSERS else FALLBACK_TOOL
    if chosen == "generic":
        tool = guess_parser(argv) or FALLBACK_TOOL
    last = _last_meaningful_line(text)
    message = f"{stage} failed with exit code {exit_code}"
    message += f": {last}" if last else " and printed nothing"
    return Diagnostic(
        stage=stage,
        tool=tool,
        file=None,
        line=None,
        column=None,
        code=None,
        message=message,
        severity="error",
        fingerprint=fingerprint(tool, None, message),
    )


_MAX_SCAN = 64 * 1024
_MAX_FALLBACK_LINE = 500


def _last_meaningful_line(text: str) -> str | None:
    # Only the tail is read: the last words of a failing program are at the end,
    # and the output may be megabytes long.
    for line in reversed(text[-_MAX_SCAN:].splitlines()):
        stripped = line.strip()
        if any(character.isalnum() for character in stripped):
            return stripped[:_MAX_FALLBACK_LINE]
    return None
