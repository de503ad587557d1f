"""A real git repository, a real tool run, real diagnostics and an ActionContext with real scratch copies."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from healer.config.settings import Stage
from healer.diagnostics.diagnose import diagnose
from healer.diagnostics.diagnostic import Diagnostic
from healer.rules.context import ActionContext
from healer.rules.outcome import Proposal
from healer.verify.sandbox import Sandboxes, worktree_tree

BIN = Path(sys.executable).parent
RUFF = str(BIN / "ruff")
PYTHON = sys.executable
PACK = Path(__file__).resolve().parents[3] / "rules" / "packs" / "hygiene.toml"


def make_repo(where: Path, files: Mapping[str, bytes | str]) -> Path:
    """A git repository holding `files` (written byte for byte), all committed."""
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=where, check=True)
    for name, content in files.items():
        target = where / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    subprocess.run(["git", "add", "-A"], cwd=where, check=True)
    identity = ["-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", *identity, "commit", "-q", "-m", "start"], cwd=where, check=True)
    return where


def run_tool(argv: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> tuple[int, str]:
    """Run a real tool the way a stage would: exit code and merged output. No bytecode is left behind."""
    done = subprocess.run(
        list(argv),
        cwd=cwd,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout


def diagnostics_of(stage: Stage, root: Path, env: Mapping[str, str] | None = None) -> tuple[list[Diagnostic], str]:
    """Run `stage` in `root` and parse its output as healer does."""
    cwd = root / stage.cwd if stage.cwd else root
    code, output = run_tool(stage.argv(), cwd, env)
    found = diagnose(
        stage=stage.name, output=output, root=root, cwd=cwd, parser=stage.parser, argv=stage.argv(), exit_code=code
    )
    return found, output


def pick(found: Sequence[Diagnostic], **fields: Any) -> Diagnostic:
    """The one diagnostic whose fields equal `fields`."""
    chosen = [item for item in found if all(getattr(item, key) == value for key, value in fields.items())]
    assert len(chosen) == 1, (fields, found)
    return chosen[0]


def context(
    root: Path,
    diagnostic: Diagnostic,
    params: Mapping[str, Any] | None = None,
    *,
    stage: Stage | None = None,
    output: str = "",
    scratch: bool = True,
) -> ActionContext:
    """A context whose scratch copies are healer's own sandboxes of the working tree."""
    state = root / ".git" / "healer"
    sandboxes = Sandboxes(root, state, worktree_tree(root, state)) if scratch else None
    return ActionContext(
        root=root,
        diagnostic=diagnostic,
        params=dict(params or {}),
        stage=stage,
        output=output,
        scratch=sandboxes.copy if sandboxes is not None else None,
        python=PYTHON,
    )


def tree(root: Path) -> dict[str, bytes]:
    """Every file of the working tree, byte for byte (git's own folder aside)."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def apply(root: Path, proposal: Proposal) -> None:
    """Write the proposal's edits, checking each file is still as the edit expects."""
    for edit in proposal.edits:
        target = root / edit.path
        assert (target.read_bytes() if target.exists() else None) == edit.before, edit.path
        if edit.after is None:
            target.unlink()
        else:
            target.write_bytes(edit.after)


def rule_params(rule_id: str) -> dict[str, Any]:
    """The params the built-in hygiene pack gives rule `rule_id`."""
    rules = tomllib.loads(PACK.read_text())["rules"]
    (found,) = [rule for rule in rules if rule["id"] == rule_id]
    params: dict[str, Any] = found.get("params", {})
    return params
