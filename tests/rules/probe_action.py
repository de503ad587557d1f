"""An action for tests, registered under healer.rules.actions by `register`: it does what its params say."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from healer.patch.patch import FileEdit
from healer.rules.context import ActionContext, ActionResult
from healer.rules.outcome import Proposal, Report

NAME = "probe"
MODULE = "healer.rules.actions._probe"


def run(ctx: ActionContext) -> ActionResult:
    behaviour = ctx.params.get("behaviour", "propose")
    if behaviour == "raise":
        raise RuntimeError("probe broke\non two lines")
    if behaviour == "report":
        return Report(
            kind="probe", message=f"saw {ctx.diagnostic.code}", file=ctx.diagnostic.file, line=ctx.diagnostic.line
        )
    if behaviour == "nothing":
        return None
    if behaviour == "wrong":
        wrong: Any = "a string"
        return wrong  # type: ignore[no-any-return]
    path = ctx.diagnostic.file or "probe.txt"
    before = ctx.read(path)
    after = (before or b"") + f"# probe saw {len(ctx.diagnostics)} diagnostics\n".encode()
    return Proposal(title=f"probe {path}", edits=(FileEdit(path, before, after),))


def register(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `probe` an action for the rest of the test: in the registry, pointing at this very module."""
    from healer.rules.actions import ACTIONS

    monkeypatch.setitem(ACTIONS, NAME, MODULE.rsplit(".", 1)[1])
    monkeypatch.setitem(sys.modules, MODULE, sys.modules[__name__])
