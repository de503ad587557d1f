"""What an action sees: one diagnostic, the content that produced it, and its parameters.

Actions never write into `root`: it may be the user's working tree. An action
that needs to run a tool (a fixer, a formatter) asks for `scratch()`, an
isolated writable copy of the same content, and returns the difference as edits.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healer.config.settings import Stage
from healer.diagnostics.diagnostic import Diagnostic
from healer.rules.outcome import Proposal, Report


@dataclass(frozen=True)
class ParsedSource:
    """A Python file as actions read it; shared, so never mutated."""

    data: bytes
    text: str
    tree: ast.Module
    tokens: tuple[tokenize.TokenInfo, ...]


@dataclass(frozen=True)
class ActionContext:
    root: Path
    """The folder holding the checked content (working tree or shadow tree). Read only."""
    diagnostic: Diagnostic
    params: Mapping[str, Any]
    """The rule's action parameters."""
    stage: Stage | None = None
    """The stage that failed; None when a rule is tried on a log file (`healer rules test`)."""
    output: str = ""
    """The failing stage's whole output."""
    diagnostics: Sequence[Diagnostic] = ()
    """Every diagnostic of the same stage (an action may need its neighbours)."""
    list_paths: Callable[[], Sequence[str]] | None = None
    """The snapshot's files (repository-relative); walks `root` when None."""
    scratch: Callable[[], AbstractContextManager[Path]] | None = None
    """An isolated, writable copy of the content, for actions that run a tool; None where unavailable."""
    python: str | None = None
    """The interpreter the project's stages use, for questions only it can answer (installed packages)."""
    env: Mapping[str, str] | None = None
    """The environment the project's stages start from (its virtualenv on PATH): a tool an action runs is
    the project's, as the stage's is. The process's own when None."""
    work_tree: Path | None = None
    """The user's work tree (where `root` may be a copy of other content): copies stand for it."""
    cache: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Shared by the actions of one round (an index of project symbols, say), so each is built once."""
    progress: Callable[[str], None] | None = field(default=None, compare=False, hash=False)
    """Where an action says what it is doing when that may take more than a second (running tests)."""

    def read(self, path: str) -> bytes | None:
        """The content of `path` (repository-relative), None if it does not exist or is not a file."""
        target = self.root / path
        try:
            return target.read_bytes() if target.is_file() else None
        except OSError:
            return None

    def parsed(self, path: str) -> ParsedSource | None:
        """`path` decoded, parsed and tokenized once per round: a breakage that fails 200 tests gives
        200 diagnostics in one file, and each rule reading it again cost seconds (six: 12 s of 12.6)."""
        key = f"parsed:{path}"
        if key in self.cache:
            cached: ParsedSource | None = self.cache[key]
            return cached
        data = self.read(path)
        parsed: ParsedSource | None = None
        if data is not None:
            try:
                text = data.decode("utf-8")
                parsed = ParsedSource(
                    data, text, ast.parse(text), tuple(tokenize.generate_tokens(io.StringIO(text).readline))
                )
            except (UnicodeDecodeError, SyntaxError, ValueError, tokenize.TokenError):
                parsed = None
        self.cache[key] = parsed
        return parsed

    def say(self, message: str) -> None:
        """Tell the user what long work is under way; silent where nobody listens."""
        if self.progress is not None:
            self.progress(message)

    def paths(self) -> Sequence[str]:
        if self.list_paths is not None:
            return self.list_paths()
        return sorted(_walk(self.root))


def _walk(root: Path) -> Iterator[str]:
    skip = {".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if any(part in skip for part in relative.parts):
            continue
        if path.is_file():
            yield relative.as_posix()


ActionResult = Proposal | Report | None
Action = Callable[[ActionContext], ActionResult]
"""Every module in healer.rules.actions defines `run: Action`."""
