"""The MCP server: healer's verbs as tools, over stdio, for one repository.

Each tool parses its arguments, calls the core (`healer.service.Healer`, made
once with `via="mcp"`) and returns the JSON document the CLI would print for
the same result (healer.mcp.render). The tools never write the working tree
or the index except `apply_fix` and `undo_fix`, which go through the core's
`apply_proposed` (verified only, only to files still as the fix found them,
journaled, atomic) and `undo` (byte for byte). A failure the user can act on
(an unknown stage or fix id, a refused apply) is the tool's error result, in
one line. Calls are served one at a time: they share one core and one working
tree. Candidates live as long as the server: `propose_fixes` makes them,
`show_fix` and `apply_fix` name them by id.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field, ValidationError

import healer
from healer.errors import HealerError
from healer.interrupt import terminated_as_interrupt
from healer.mcp import render
from healer.mcp.reporter import StderrReporter
from healer.service import Healer
from healer.snapshot.snapshot import Snapshot, index_snapshot
from healer.workspace import open_workspace

INSTRUCTIONS = """\
healer runs this repository's own checks (lint, format, type check, tests), caches each result by the exact \
content it checked, and proposes fixes it has verified in an isolated copy. Typical use: run_checks, then \
list_diagnostics; propose_fixes for the failures; show_fix to read a fix's diff; apply_fix to write it (only if \
the files are still as the fix found them); undo_fix takes an applied fix back byte for byte; history lists \
recent runs and fixes. Only apply_fix and undo_fix change files."""

Stages = Annotated[
    list[str], Field(description="stages to run (with the stages they need); empty: every stage")
]  # fmt: skip
Staged = Annotated[bool, Field(description="check the staged content (what `git commit` would record) instead")]
Limit = Annotated[int, Field(ge=1, le=1000, description="at most this many runs, and as many fixes")]
FixId = Annotated[str, Field(description="a fix's id as propose_fixes lists it (or a unique start of it)")]

T = TypeVar("T")


class Tools:
    """What each tool does with the core; the server's functions only declare them."""

    def __init__(self, core: Healer) -> None:
        self.core = core
        self._lock = threading.Lock()

    def call(self, action: Callable[[], T]) -> T:
        """One call at a time; an error the user can act on becomes the tool's error, in one line."""
        with self._lock:
            try:
                return action()
            except HealerError as error:
                raise ToolError(str(error).strip().splitlines()[0]) from None

    def _snapshot(self, staged: bool) -> Snapshot | None:
        if not staged:
            return None
        workspace = self.core.workspace
        # Every stage counts, not only those the staged changes touch (the hook's shortcut).
        return index_snapshot(workspace.root, workspace.state_dir)._replace(touched=None)

    def run_checks(self, stages: list[str], staged: bool, no_cache: bool) -> dict[str, Any]:
        self.core.reload()
        snapshot = self._snapshot(staged)
        result = self.core.check(snapshot, stages=stages, cache="off" if no_cache else "use", trigger="mcp")
        return render.run(result)

    def list_diagnostics(self, stage: str | None) -> dict[str, Any]:
        last = self.core.last_run()
        if last is None:
            raise HealerError("no run yet in this session: call run_checks first")
        names = [one.name for one in last.stages]
        if stage is not None and stage not in names:
            raise HealerError(f"no stage named {stage!r} in the last run; its stages are: {', '.join(names)}")
        return render.diagnostics(last, stage)

    def propose_fixes(self, stages: list[str], staged: bool, offline: bool) -> dict[str, Any]:
        self.core.reload()
        snapshot = self._snapshot(staged)
        reason = self.core.offline_reason(flag=offline)
        return render.proposal(self.core.suggest(snapshot, stages=stages, offline=reason))

    def show_fix(self, fix_id: str) -> dict[str, Any]:
        return render.candidate(self.core.proposed(fix_id).candidate)

    def apply_fix(self, fix_id: str, weakening: bool) -> dict[str, Any]:
        return render.applied(self.core.apply_proposed(fix_id, weakening=weakening))

    def undo_fix(self, fix_id: str | None) -> dict[str, Any]:
        return render.undone(self.core.undo(fix_id))

    def history(self, limit: int) -> dict[str, Any]:
        return render.history(self.core.activity(limit=limit), str(self.core.workspace.root))


class Server(MCPServer[Any]):
    """The SDK's server, with a call's invalid arguments said in one line (the SDK's message is pydantic's)."""

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as error:
            cause = error.__cause__
            if not isinstance(cause, ValidationError) or not cause.errors():
                raise
            first = cause.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "arguments"
            more = f" (and {len(cause.errors()) - 1} more)" if len(cause.errors()) > 1 else ""
            raise ToolError(f"Error executing tool {name}: invalid {field}: {first['msg']}{more}") from cause


READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITES = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=False)


def build(core: Healer) -> Server:
    """The server, its tools bound to `core`."""
    tools = Tools(core)
    server = Server("healer", instructions=INSTRUCTIONS, version=healer.__version__, log_level="WARNING")

    @server.tool(annotations=READ_ONLY)
    def run_checks(stages: Stages = [], staged: Staged = False, no_cache: bool = False) -> dict[str, Any]:  # noqa: B006
        """Run the pipeline's stages on the working tree (or the staged content) and return the run: each stage's
        status and diagnostics (a healer.run/1 document). Stages whose inputs are unchanged come from the cache
        (`no_cache` reruns them). Changes no file."""
        return tools.call(lambda: tools.run_checks(stages, staged, no_cache))

    @server.tool(annotations=READ_ONLY)
    def list_diagnostics(
        stage: Annotated[str | None, Field(description="only this stage's diagnostics")] = None,
    ) -> dict[str, Any]:
        """The diagnostics of the last run this server made (file, line, code, message, fingerprint), with the
        run's outcome and each stage's status."""
        return tools.call(lambda: tools.list_diagnostics(stage))

    @server.tool(annotations=READ_ONLY)
    def propose_fixes(
        stages: Stages = [],  # noqa: B006
        staged: Staged = False,
        offline: Annotated[bool, Field(description="rules and past fixes only: no model, no network")] = False,
    ) -> dict[str, Any]:
        """Check, then propose fixes for the failures (rules, past fixes, and a model only when one is configured
        and `offline` is false), each verified in an isolated copy by rerunning the failing checks. Returns a
        healer.fix/1 document: each patch with its id, status (`verified` ones can be applied), safety and diff.
        Changes no file."""
        return tools.call(lambda: tools.propose_fixes(stages, staged, offline))

    @server.tool(annotations=READ_ONLY)
    def show_fix(fix_id: FixId) -> dict[str, Any]:
        """One proposed fix: its diff (unified, git style), files, status, verification and safety class."""
        return tools.call(lambda: tools.show_fix(fix_id))

    @server.tool(annotations=WRITES)
    def apply_fix(
        fix_id: FixId,
        weakening: Annotated[
            bool, Field(description="also apply a fix that passes only by changing the checks; read it first")
        ] = False,
    ) -> dict[str, Any]:
        """Write a verified fix to the files, only if each is still exactly as the fix found them (else refused,
        nothing written); journaled and atomic, so undo_fix can take it back. A fix proposed for the staged
        content is also staged."""
        return tools.call(lambda: tools.apply_fix(fix_id, weakening))

    @server.tool(annotations=WRITES)
    def undo_fix(
        fix_id: Annotated[
            str | None, Field(description="the applied fix (as history lists it); default: the most recent one")
        ] = None,
    ) -> dict[str, Any]:
        """Restore the files an applied fix changed, byte for byte; refused if a file was edited since."""
        return tools.call(lambda: tools.undo_fix(fix_id))

    @server.tool(annotations=READ_ONLY)
    def history(limit: Limit = 20) -> dict[str, Any]:
        """This repository's recent runs (trigger, outcome, failed stages) and fixes (applied, undone), newest
        first, from healer's knowledge base."""
        return tools.call(lambda: tools.history(limit))

    return server


def serve() -> int:
    """Serve the repository of the current directory until the client closes the connection."""
    workspace = open_workspace()
    core = Healer(workspace, via="mcp", reporter=StderrReporter(), environ=os.environ)
    with terminated_as_interrupt():  # a client ending the server ends a running check's stages too
        build(core).run("stdio")
    return 0
