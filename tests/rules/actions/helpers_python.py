"""Small projects on disk, real tool runs parsed as healer parses them, and proposals applied to copies."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from healer.diagnostics.diagnose import diagnose
from healer.diagnostics.diagnostic import Diagnostic
from healer.rules.context import ActionContext, ActionResult
from healer.rules.outcome import Proposal

PYTHON = sys.executable
BIN = Path(PYTHON).parent
RUFF = (str(BIN / "ruff"), "check", "--no-cache", "--isolated", "--output-format", "concise")
FLAKE8 = (PYTHON, "-m", "flake8", "--isolated")
MYPY = (PYTHON, "-m", "mypy", "--no-incremental", "--cache-dir", os.devnull, "--strict")
PYTEST = (PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider")
PYTEST_SCRIPT = (str(BIN / "pytest"), "-q", "-p", "no:cacheprovider")
"""The console script: unlike `python -m pytest`, it does not put the working folder on sys.path."""


def write(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """`files` written byte for byte under `root`."""
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def check(root: Path, argv: Sequence[str], parser: str | None = None) -> tuple[list[Diagnostic], str]:
    """Run a real tool in `root` and parse its merged output as a stage would."""
    done = subprocess.run(
        list(argv),
        cwd=root,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=180,
    )
    found = diagnose(
        stage="check",
        output=done.stdout,
        root=root,
        cwd=root,
        parser=parser,
        argv=list(argv),
        exit_code=done.returncode,
    )
    return (found if done.returncode else []), done.stdout


def pick(found: Sequence[Diagnostic], **fields: Any) -> Diagnostic:
    """The one diagnostic whose fields equal `fields`."""
    chosen = [item for item in found if all(getattr(item, key) == value for key, value in fields.items())]
    assert len(chosen) == 1, (fields, found)
    return chosen[0]


def propose(
    root: Path,
    diagnostic: Diagnostic,
    found: Sequence[Diagnostic],
    output: str,
    action: Any,
    python: str | None = None,
) -> ActionResult:
    """What `action` returns for `diagnostic`; the project must be left exactly as it was."""
    before = snapshot(root)
    result: ActionResult = action(
        ActionContext(root=root, diagnostic=diagnostic, params={}, output=output, diagnostics=found, python=python)
    )
    assert snapshot(root) == before, "an action wrote into ctx.root"
    return result


def applied(root: Path, proposal: ActionResult, where: Path) -> Path:
    """A copy of `root` at `where` with the proposal's edits written, each checked against its `before`."""
    assert isinstance(proposal, Proposal), proposal
    shutil.copytree(root, where, ignore=shutil.ignore_patterns("__pycache__", ".mypy_cache", ".pytest_cache"))
    for edit in proposal.edits:
        target = where / edit.path
        assert (target.read_bytes() if target.exists() else None) == edit.before, edit.path
        assert edit.after is not None
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(edit.after)
    return where


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def rules_for(diagnostic: Diagnostic, stage_kind: str | None = None) -> list[str]:
    """The ids of the built-in rules of the python pack that answer `diagnostic`."""
    from healer.rules.load import load_rules

    return [rule.id for rule in load_rules(None).matching(diagnostic, stage_kind) if rule.id.startswith("python.")]
