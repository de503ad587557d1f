"""The result cache as the pipeline uses it: what it asks of the knowledge base, and a guard around it.

A cache that cannot be read or written must never stop a check: a failed
read is a miss (the stage runs), a failed write costs that result (said once,
through the knowledge base's notices), and the run goes on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from healer.kb.database import KnowledgeBase
    from healer.kb.store import CachedResult, Store


class ResultCache(Protocol):
    def cached_result(self, key: str) -> CachedResult | None: ...

    def store_result(
        self,
        key: str,
        *,
        repo: str,
        stage: str,
        status: str,
        exit_code: int | None,
        duration: float,
        output: str,
        output_bytes: int,
        diagnostics: list[dict[str, Any]],
        gate: dict[str, Any] | None,
    ) -> None: ...

    def tool_version(self, command: str, identity: str) -> str | None: ...

    def store_tool_version(self, command: str, identity: str, output: str) -> None: ...


class GuardedResults:
    """A `Store` whose cache calls turn SQLite errors into the knowledge base's notices."""

    def __init__(self, store: Store, kb: KnowledgeBase) -> None:
        self.store = store
        self.kb = kb

    def cached_result(self, key: str) -> CachedResult | None:
        with self.kb.guard("a look in the result cache"):
            return self.store.cached_result(key)
        return None

    def store_result(self, key: str, **result: Any) -> None:
        if not self.kb.writable:
            return
        with self.kb.guard("a stage's result for the cache", write=True):
            self.store.store_result(key, **result)

    def tool_version(self, command: str, identity: str) -> str | None:
        with self.kb.guard("a look in the tool versions"):
            return self.store.tool_version(command, identity)
        return None

    def store_tool_version(self, command: str, identity: str, output: str) -> None:
        if not self.kb.writable:
            return
        with self.kb.guard("a tool's version", write=True):
            self.store.store_tool_version(command, identity, output)
