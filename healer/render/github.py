"""GitHub Actions workflow commands, so diagnostics show up on the pull request's lines."""

from __future__ import annotations

from healer.diagnostics.diagnostic import Diagnostic
from healer.pipeline.baseline import NewFindings
from healer.pipeline.result import RunResult


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(diag: Diagnostic, *, pre_existing: bool = False) -> str:
    # A finding the base has too (--new-only) blocks nothing: a notice, so the new ones stand out as errors.
    level = "notice" if pre_existing else {"error": "error", "warning": "warning", "info": "notice"}[diag.severity]
    props: list[str] = []
    if diag.file and not diag.file.startswith("/"):
        props.append(f"file={_property(diag.file)}")
        if diag.line:
            props.append(f"line={diag.line}")
            if diag.column:
                props.append(f"col={diag.column}")
    title = " ".join(
        part for part in (diag.stage, diag.tool, diag.code, "(pre-existing)" if pre_existing else "") if part
    )
    props.append(f"title={_property(title)}")
    return f"::{level} {','.join(props)}::{_data(diag.message)}"


def workflow_commands(run: RunResult, findings: NewFindings | None = None) -> list[str]:
    if findings is None or not findings.compared:
        return [annotation(diag) for diag in run.diagnostics]
    return [annotation(diag, pre_existing=not findings.is_new(diag)) for diag in run.diagnostics]
