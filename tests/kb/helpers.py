"""Records to store: runs with diagnostics, patches, as the lead's recording calls build them."""

from __future__ import annotations

import time

from healer.diagnostics.diagnostic import Diagnostic
from healer.kb.records import PatchRecord, RunRecord, StageRecord
from healer.patch.diff import unified_diff
from healer.patch.patch import FileEdit, Patch

REPO = "/work/repos/app"


def diagnostic(n: int = 0, *, code: str | None = "F401", tool: str = "ruff", stage: str = "lint") -> Diagnostic:
    return Diagnostic(
        stage=stage, tool=tool, file=f"src/mod{n}.py", line=n + 1, column=1, code=code,
        message=f"`os{n}` imported but unused", severity="error", fingerprint=f"fp{n}",
    )  # fmt: skip


def run(
    *statuses: str,
    repo: str = REPO,
    started: float | None = None,
    diagnostics: tuple[Diagnostic, ...] = (),
    names: tuple[str, ...] = ("lint", "test"),
) -> RunRecord:
    stages = tuple(
        StageRecord(name, status, False, 0.5, f"key-{name}") for name, status in zip(names, statuses, strict=False)
    )
    outcome = "failed" if any(s in ("failed", "error") for s in statuses) else "passed"
    return RunRecord(
        repo=repo, trigger="run", snapshot="worktree", tree=None, started=time.time() if started is None else started,
        duration=1.5, outcome=outcome, stages=stages, diagnostics=diagnostics,
    )  # fmt: skip


def patch(
    n: int = 0,
    *,
    origin: str = "ruff-fix",
    source: str = "rule",
    status: str = "verified",
    fingerprints: tuple[str, ...] | None = None,
    classes: tuple[str, ...] = ("ruff:F401",),
) -> PatchRecord:
    fix = Patch(
        title=f"remove unused import os{n}",
        edits=(FileEdit(f"src/mod{n}.py", f"import os{n}\nx = 1\n".encode(), b"x = 1\n"),),
        source=source,  # type: ignore[arg-type]
        origin=origin,
        safety="safe",
        confidence=0.9,
        stage="lint",
        fingerprints=(f"fp{n}",) if fingerprints is None else fingerprints,
    )
    return PatchRecord(
        patch_id=fix.id, title=fix.title, diff=unified_diff(fix.edits), source=fix.source, origin=fix.origin,
        safety=fix.safety, confidence=fix.confidence, stage=fix.stage, flags=fix.flags, fingerprints=fix.fingerprints,
        classes=classes, status=status, detail=None, verify_seconds=1.25, tool_seconds=0.5,
    )  # fmt: skip
