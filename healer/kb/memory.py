"""What healer remembers of one repository: runs, candidate fixes, flaky tests and decisions go in; past
accepted fixes and how each origin fared come out.

Remembering never stops a check or a fix: a write the file refuses costs that
record, said once (KnowledgeBase.guard). A repository that opted out
(`history = false`) gets `NoMemory`: nothing recorded, nothing recalled; its
result cache is unaffected (that is the runner's, not memory's).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from healer.kb.database import KnowledgeBase

if TYPE_CHECKING:
    from healer.kb.records import PastFix, PatchRecord, Rate, RunRecord

Via = str
""""cli", "hook", "tui", "watch", "mcp", "ci": the front end a decision was made through."""


class Memory:
    def __init__(self, kb: KnowledgeBase, repo: str, via: Via) -> None:
        self.kb = kb
        self.repo = repo
        """The repository's root, resolved, as every row is tagged."""
        self.via = via

    @property
    def enabled(self) -> bool:
        return True

    def record_run(self, record: RunRecord) -> int | None:
        """The run's id in the knowledge base, or None when nothing was recorded."""
        if not self.kb.writable:
            return None
        with self.kb.connection() as store, self.kb.guard("this run's history", write=True):
            return None if store is None else store.record_run(record)
        return None

    def record_patches(self, run_id: int | None, patches: Sequence[PatchRecord]) -> None:
        if not patches or not self.kb.writable:
            return
        with self.kb.connection() as store, self.kb.guard("this run's fixes", write=True):
            if store is not None:
                store.record_patches(self.repo, run_id, patches)

    def record_flaky(self, stage: str, node_id: str, message: str) -> None:
        if not self.kb.writable:
            return
        with self.kb.connection() as store, self.kb.guard("a flaky test", write=True):
            if store is not None:
                store.record_flaky(self.repo, stage, node_id, message)

    def record_decisions(self, patch_ids: Sequence[str], decision: str) -> None:
        """accepted | rejected | edited | undone, made through this memory's front end."""
        if not patch_ids or not self.kb.writable:
            return
        with self.kb.connection() as store, self.kb.guard("a decision on a fix", write=True):
            if store is not None:
                for patch_id in patch_ids:
                    store.record_decision(self.repo, patch_id, decision, self.via)

    def accepted_fixes(self, fingerprints: Collection[str], limit: int = 5) -> list[PastFix]:
        """Accepted, not since undone fixes of these failures, from every repository, newest first."""
        with self.kb.connection() as store, self.kb.guard("a lookup of past fixes"):
            return [] if store is None else store.accepted_fixes(fingerprints, limit)
        return []

    def rates(self, classes: Collection[str]) -> dict[tuple[str, str], Rate]:
        with self.kb.connection() as store, self.kb.guard("a lookup of past success"):
            return {} if store is None else store.rates(classes)
        return {}


class NoMemory(Memory):
    """`history = false`: records nothing and recalls nothing."""

    @property
    def enabled(self) -> bool:
        return False

    def record_run(self, record: RunRecord) -> int | None:
        return None

    def record_patches(self, run_id: int | None, patches: Sequence[PatchRecord]) -> None:
        pass

    def record_flaky(self, stage: str, node_id: str, message: str) -> None:
        pass

    def record_decisions(self, patch_ids: Sequence[str], decision: str) -> None:
        pass

    def accepted_fixes(self, fingerprints: Collection[str], limit: int = 5) -> list[PastFix]:
        return []

    def rates(self, classes: Collection[str]) -> dict[tuple[str, str], Rate]:
        return {}
