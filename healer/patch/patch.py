"""A fix as plain data: the edits it makes, where it came from, and which failures it addresses.

Edits carry whole file contents, before and after, rather than a diff: applying
is then exact (line endings, encodings and trailing bytes stay as they are),
checking that a file is still as it was is one comparison, and undo is the
same operation reversed. The unified diff is derived for people and models.
What verification made of a patch is not part of it: that is a candidate's
(healer.fixers.candidate).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

Safety = Literal["safe", "review", "risky"]
SAFETY_CLASSES: tuple[str, ...] = ("safe", "review", "risky")

Source = Literal["rule", "replay", "model", "agent"]

Flag = Literal[
    "edits-tests", "adds-suppression", "loosens-config", "adds-dependency", "creates-file", "deletes-file",
    "weakens-assertion", "changes-expected-value", "skips-test", "removes-test", "renames-test",
    "edits-healer-config", "edits-ci", "edits-conftest", "adds-startup-file",
]  # fmt: skip


@dataclass(frozen=True)
class FileEdit:
    """One file's content before and after; None means the file does not exist on that side."""

    path: str
    """Relative to the repository root, with forward slashes."""
    before: bytes | None
    after: bytes | None

    @property
    def created(self) -> bool:
        return self.before is None

    @property
    def deleted(self) -> bool:
        return self.after is None


@dataclass(frozen=True)
class Patch:
    """A fix: edits plus where it came from, how safe it is, and which failures it addresses."""

    title: str
    edits: tuple[FileEdit, ...]
    source: Source
    origin: str
    """The rule id, the id of the replayed patch, or the model name."""
    safety: Safety
    confidence: float
    stage: str
    """The stage whose failure the patch addresses."""
    fingerprints: tuple[str, ...] = ()
    """The diagnostics it addresses."""
    tests: tuple[str, ...] = ()
    """When set, the failing tests (pytest node ids) it was made for: verification reruns these first, not every
    test that fails with the same fingerprint elsewhere (a model's fix is made for one file's failures)."""
    flags: tuple[str, ...] = ()
    """What validation found a reviewer should know (healer.patch.validate)."""
    trusted: bool = False
    """Its code was written by healer's own rules or accepted by a person in this repository, so verification may
    run it as the stages run. Anything else (a model's or an agent's patch, a user rule that runs a command, a
    fix replayed from another repository) is run only inside the OS sandbox (healer.pipeline.jail): the default
    is the safe one for a fixer that forgets to say."""
    same_ast: bool = False
    """Its maker vouches for layout and comments only (a rule's `same_ast`): verification fails it if any file it
    changes is not Python whose syntax tree stays as it was (healer.patch.same_code)."""

    @property
    def id(self) -> str:
        """Stable across runs for the same edits: 12 hex digits of their hash."""
        digest = hashlib.blake2b(digest_size=6)
        for edit in sorted(self.edits, key=lambda e: e.path):
            for part in (edit.path.encode(), edit.before, edit.after):
                digest.update(b"\0" if part is None else b"\1%d\1" % len(part) + part)
        return digest.hexdigest()

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(edit.path for edit in self.edits)
