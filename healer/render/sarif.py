"""A run as SARIF 2.1.0, for GitHub code scanning (`healer run --sarif FILE`, `healer ci --sarif FILE`).

One `runs[]` entry per tool, and the set of entries is decided by the stages that ran, not by what they
found: code scanning closes a tool's alerts only when a new analysis of that tool arrives without them, so
a tool whose stage now passes must still send its (empty) run. The tool is the one the stage's command
names (`ruff check .` is ruff), else the stage's own name; stages that did not run (skipped, cancelled)
send nothing, which leaves their alerts as they were.

Every result has a location, as code scanning refuses a result without one: a diagnostic whose file is
unknown or outside the repository points at the table of its stage in the configuration file (the
`Anchor`), and says where it really was in its message. `partialFingerprints` carry healer's fingerprint
(which leaves out the line, so alerts follow code that moves), numbered when one file has it more than
once. The output is a function of the RunResult alone: same run, same bytes.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

import healer
from healer.diagnostics.diagnostic import Diagnostic
from healer.diagnostics.fingerprint import fingerprint
from healer.diagnostics.guess import guess_parser
from healer.diagnostics.parsers import TOOL_NAMES
from healer.pipeline.baseline import NewFindings
from healer.pipeline.result import RunResult, StageResult
from healer.render.output_file import write_output

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "healer/v1"
"""The partialFingerprints key: healer's fingerprint, then `:N` for its N-th occurrence in one file."""
RAN = ("passed", "failed", "error")
"""Stages whose tool sends a run: what they found (or that they found nothing) is known."""
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
INFORMATION = {
    "ruff": "https://docs.astral.sh/ruff/",
    "mypy": "https://mypy.readthedocs.io/",
    "pytest": "https://docs.pytest.org/",
    "pyright": "https://microsoft.github.io/pyright/",
    "flake8": "https://flake8.pycqa.org/",
    "eslint": "https://eslint.org/",
    "tsc": "https://www.typescriptlang.org/",
    "black": "https://black.readthedocs.io/",
    "isort": "https://pycqa.github.io/isort/",
}
SURROGATES = re.compile("[\ud800-\udfff]")
"""What stands for undecodable bytes in text (surrogateescape); UTF-8 cannot hold it."""
_WINDOWS_ABSOLUTE = re.compile(r"[A-Za-z]:[\\/]|\\\\")
_RUFF_RULE = re.compile(r"[A-Z]+[0-9]+")
_MYPY_CODE = re.compile(r"[a-z][a-z0-9-]*")
_ESLINT_CORE = re.compile(r"[a-z][a-z0-9-]*")
_STAGE_HEADER = re.compile(
    r"""^\s*\[\s*(?:tool\s*\.\s*healer\s*\.\s*)?stages\s*\.\s*(?P<name>"[^"]*"|'[^']*'|[\w-]+)\s*\]"""
)


@dataclass(frozen=True)
class Anchor:
    """Where results without a file in the repository point: the configuration file that defines the stages."""

    path: str
    """Relative to the repository root, with forward slashes."""
    lines: Mapping[str, int] = field(default_factory=dict)
    """The line of each stage's table (`[tool.healer.stages.NAME]`), by stage name; others point at line 1."""


def anchor_for(root: Path, config: Path | None) -> Anchor | None:
    """The anchor for a repository whose stages come from `config` (None: detected; pyproject.toml, if any)."""
    candidate = root / "pyproject.toml" if config is None else config if config.is_absolute() else root / config
    relative = repository_path(str(candidate), str(root))
    if relative is None:
        return None
    try:
        text = candidate.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _STAGE_HEADER.match(line)
        if match is not None:
            lines.setdefault(match["name"].strip("\"'"), number)
    return Anchor(relative, lines)


def sarif_document(
    run: RunResult, *, anchor: Anchor | None = None, findings: NewFindings | None = None
) -> dict[str, Any]:
    """The SARIF log of a run: one run per tool of the stages that ran, in the order the stages are. With
    `findings` (--new-only), each result's `baselineState` says whether the base has it ("unchanged")."""
    tools: dict[str, list[StageResult]] = {}
    for stage in run.stages:
        if stage.status in RAN:
            tools.setdefault(stage_tool(stage), []).append(stage)
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [_run(tool, stages, run.root, anchor, findings) for tool, stages in tools.items()],
    }


def stage_tool(stage: StageResult) -> str:
    """The tool a stage runs, as its command names it, else the stage's name: stable while the configuration is."""
    parser = guess_parser([stage.command]) if stage.command else None
    if parser is None or parser == "generic":
        return stage.name
    return TOOL_NAMES.get(parser, parser)


def _run(
    tool: str, stages: list[StageResult], root: str, anchor: Anchor | None, findings: NewFindings | None
) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    rules: dict[str, str | None] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for stage in stages:
        for entry in _stage_results(tool, stage, root, anchor, findings):
            rule_id, help_uri, result = entry
            rules.setdefault(rule_id, help_uri)
            key = (rule_id, _uri_of(result), result["partialFingerprints"][FINGERPRINT_KEY])
            seen[key] = seen.get(key, 0) + 1
            result["partialFingerprints"][FINGERPRINT_KEY] += f":{seen[key]}"
            results.append(result)
    ordered = sorted(rules)
    index = {rule_id: number for number, rule_id in enumerate(ordered)}
    for result in results:
        result["ruleIndex"] = index[result["ruleId"]]
    driver: dict[str, Any] = {"name": tool}
    if tool in INFORMATION:
        driver["informationUri"] = INFORMATION[tool]
    driver["rules"] = [_rule(rule_id, rules[rule_id]) for rule_id in ordered]
    document: dict[str, Any] = {
        "tool": {"driver": driver},
        # healer read the tool's own output and wrote this: SARIF's word for that is a conversion.
        "conversion": {"tool": {"driver": {"name": "healer", "version": healer.__version__}}},
        "invocations": [_invocation(stage) for stage in stages],
        "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(root)}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return document


def _uri_of(result: dict[str, Any]) -> str:
    return str(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) if result["locations"] else ""


def _rule(rule_id: str, help_uri: str | None) -> dict[str, Any]:
    rule: dict[str, Any] = {"id": rule_id}
    if help_uri:
        rule["helpUri"] = help_uri
    if help_uri == INFORMATION["ruff"] + "rules/":
        # ruff's rule pages are named by rule name, not code; the command that explains one is exact.
        rule["help"] = {"text": f"ruff rule {rule_id.rsplit('/', 1)[-1]}"}
    return rule


def help_uri(tool: str, code: str | None) -> str | None:
    """Where a code's documentation is, for the tools whose documentation can be found from the code alone."""
    if not code:
        return None
    if tool == "mypy" and _MYPY_CODE.fullmatch(code):
        return f"https://mypy.readthedocs.io/en/stable/_refs.html#code-{code}"
    if tool == "ruff" and _RUFF_RULE.fullmatch(code):
        return INFORMATION["ruff"] + "rules/"
    if tool == "eslint" and _ESLINT_CORE.fullmatch(code):
        return f"https://eslint.org/docs/latest/rules/{code}"
    return None


def _stage_results(
    tool: str, stage: StageResult, root: str, anchor: Anchor | None, findings: NewFindings | None
) -> list[tuple[str, str | None, dict[str, Any]]]:
    found = [_diagnostic_result(tool, diag, root, anchor) for diag in stage.diagnostics]
    if findings is not None and findings.compared:
        for diag, (_, _, result) in zip(stage.diagnostics, found, strict=True):
            result["baselineState"] = "new" if findings.is_new(diag) else "unchanged"
    if found or stage.status == "passed":
        return found
    # A stage that failed without a single diagnostic (could not start, timed out, a gate): still a result.
    rule_id, message = _stage_failure(stage)
    result = {
        "ruleId": rule_id,
        "level": "error",
        "message": {"text": _text(message)},
        "locations": _anchored(stage.name, anchor),
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint("healer", rule_id, f"{stage.name}: {rule_id}")},
        "properties": {"stage": stage.name, "status": stage.status},
    }
    return [(rule_id, None, result)]


def _stage_failure(stage: StageResult) -> tuple[str, str]:
    reason = f": {stage.reason}" if stage.reason else ""
    if stage.timed_out:
        return "healer/timeout", f"stage {stage.name} timed out{reason}"
    if stage.status == "error":
        return "healer/stage-error", f"stage {stage.name} could not run{reason}"
    gate = stage.gate
    if gate is not None and not gate.passed:
        limits = []
        if gate.minimum is not None:
            limits.append(f"min {gate.minimum:g}")
        if gate.maximum is not None:
            limits.append(f"max {gate.maximum:g}")
        value = "unknown" if gate.value is None else f"{gate.value:g}"
        problem = f": {gate.problem}" if gate.problem else ""
        return "healer/gate", f"stage {stage.name}: {gate.metric} is {value} ({', '.join(limits)}){problem}"
    code = f" with exit code {stage.exit_code}" if stage.exit_code is not None else ""
    return "healer/stage-failed", f"stage {stage.name} failed{code}{reason}"


def _diagnostic_result(
    tool: str, diag: Diagnostic, root: str, anchor: Anchor | None
) -> tuple[str, str | None, dict[str, Any]]:
    rule_id = (diag.code or diag.tool) if diag.tool == tool else f"{diag.tool}/{diag.code or '-'}"
    message = diag.message.strip() or "(no message)"
    path = repository_path(diag.file, root) if diag.file else None
    if path is not None:
        region: dict[str, int] = {"startLine": max(1, diag.line or 1)}
        if diag.line and diag.column:
            region["startColumn"] = max(1, diag.column)
        locations = [_location(path, region)]
    else:
        if diag.file:
            message += f" (at {diag.location()})"
        locations = _anchored(diag.stage, anchor)
    properties: dict[str, Any] = {"stage": diag.stage, "tool": diag.tool, "fingerprint": diag.fingerprint}
    if diag.node_id:
        properties["test"] = diag.node_id
    if diag.suggestion:
        properties["suggestion"] = diag.suggestion
    result = {
        "ruleId": rule_id,
        "level": LEVELS.get(diag.severity, "error"),
        "message": {"text": _text(message)},
        "locations": locations,
        "partialFingerprints": {FINGERPRINT_KEY: diag.fingerprint},
        "properties": properties,
    }
    return rule_id, help_uri(diag.tool, diag.code), result


def _text(message: str) -> str:
    # SARIF message strings use {0} placeholders: literal braces are written doubled (SARIF 2.1.0, 3.11.5).
    # Undecodable bytes of a tool's output travel as lone surrogates; the file is UTF-8.
    message = SURROGATES.sub("\ufffd", message)
    return message.replace("{", "{{").replace("}", "}}")


def _anchored(stage: str, anchor: Anchor | None) -> list[dict[str, Any]]:
    if anchor is None:
        return []
    return [_location(anchor.path, {"startLine": anchor.lines.get(stage, 1)})]


def _location(path: str, region: dict[str, int]) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": quote(SURROGATES.sub("\ufffd", path), safe="/"), "uriBaseId": SRCROOT},
            "region": region,
        }
    }


def repository_path(file: str, root: str) -> str | None:
    """`file` relative to the repository with forward slashes, or None when it lies outside it."""
    windows = bool(_WINDOWS_ABSOLUTE.match(file) or _WINDOWS_ABSOLUTE.match(root))
    path: PurePath
    base: PurePath
    if windows:
        path, base = PureWindowsPath(file), PureWindowsPath(root)
    else:
        # A tool on Windows prints relative paths with backslashes; code scanning wants forward slashes.
        path, base = PurePosixPath(file.replace("\\", "/")), PurePosixPath(root)
    if path.is_absolute():
        try:
            path = path.relative_to(base)
        except ValueError:
            return None
    text = posixpath.normpath(path.as_posix())
    if text in (".", "..") or text.startswith("../") or text.startswith("/"):
        return None
    return text


def _directory_uri(root: str) -> str:
    # An absolute URI ending in "/", as SARIF asks of a uriBaseId.
    text = root.replace("\\", "/").rstrip("/") + "/"
    if not text.startswith("/"):
        text = "/" + text  # a Windows drive: file:///C:/...
    return "file://" + quote(SURROGATES.sub("\ufffd", text), safe="/:")


def _invocation(stage: StageResult) -> dict[str, Any]:
    invocation: dict[str, Any] = {
        "commandLine": stage.command,
        # SARIF asks whether the tool ran to its end: a linter that found problems did; one that could not start
        # or was stopped did not.
        "executionSuccessful": stage.status != "error" and not stage.timed_out,
    }
    if stage.exit_code is not None:
        invocation["exitCode"] = stage.exit_code
    if stage.reason:
        invocation["exitCodeDescription"] = stage.reason
    if stage.status == "error" and stage.reason:
        invocation["toolExecutionNotifications"] = [{"message": {"text": _text(stage.reason)}, "level": "error"}]
    invocation["properties"] = {
        "stage": stage.name,
        "kind": stage.kind,
        "status": stage.status,
        "cached": stage.cached,
        "timedOut": stage.timed_out,
    }
    return invocation


def dumps(document: dict[str, Any]) -> str:
    return SURROGATES.sub("\ufffd", json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def write_sarif(path: Path, document: dict[str, Any]) -> None:
    """Write the document to `path` whole or not at all (a temporary file beside it, then a rename)."""
    write_output(path, dumps(document).encode("utf-8", "surrogateescape"), what="SARIF")
