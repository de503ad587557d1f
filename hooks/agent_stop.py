"""What healer answers a coding agent that is about to finish (`healer hook agent-stop --agent NAME`).

The agent runs the command `agents.py` wrote into its configuration and passes a JSON object on standard
input; the front end checks the working tree and this module turns the run into the agent's documented
answer on standard output (exit code 0 in every case):

- Claude Code (https://code.claude.com/docs/en/hooks, Stop) and Codex (https://developers.openai.com/codex/hooks,
  Stop): `{"decision": "block", "reason": ...}` keeps the agent working with the reason as its next
  instruction; nothing on standard output lets it stop; `{"systemMessage": ...}` tells the person.
- Gemini CLI (https://geminicli.com/docs/hooks/reference, AfterAgent): `{"decision": "deny", "reason": ...}`
  rejects the response and sends the reason as a new prompt; `{}` (or a `systemMessage`) lets it finish.
- Cursor (https://cursor.com/docs/agent/hooks, stop): `{"followup_message": ...}` is submitted as the next
  user message; `{}` lets it stop. A stop whose `status` is not "completed" (aborted, error) is let through.

The reason lists what failed, bounded: at most MAX_SHOWN diagnostics, each message clipped, the last lines
of a failing stage's output when no diagnostic was parsed from it, and a count of the rest.

Loops: the agents mark a stop that follows a hook's continuation (`stop_hook_active`; Cursor's `loop_count`).
healer then asks again only while the agent gets somewhere: the failures must differ from those it asked
about last time in this session, and it asks at most MAX_BLOCKS times in a row. Otherwise it lets the agent
stop and says why (to the person, not the agent). That count lives in one small file per session in
healer's folder of the git directory, never in the work tree.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import NamedTuple

from healer.diagnostics.diagnostic import Diagnostic
from healer.digest import new_digest
from healer.pipeline.result import RunResult, StageResult

MAX_BLOCKS = 3
MAX_SHOWN = 40
MAX_MESSAGE = 600
OUTPUT_LINES = 20
MAX_REASON = 16_000
KEEP_SECONDS = 7 * 24 * 3600
"""Loop counts of sessions untouched for this long are deleted."""

FAILING = ("failed", "error", "cancelled")


class Payload(NamedTuple):
    session: str
    continuing: bool
    """The agent goes on because a stop hook asked it to (`stop_hook_active`, Cursor's `loop_count` > 0)."""
    ended: str | None = None
    """Cursor's `status` when it is not "completed": the turn was aborted or failed, nothing to ask."""


def read_payload(agent: str, text: str) -> Payload:
    """What the agent says on standard input; anything unreadable counts as a first, plain stop."""
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    session = data.get("session_id") or data.get("conversation_id") or ""
    loops = data.get("loop_count")
    continuing = data.get("stop_hook_active") is True or (isinstance(loops, int) and loops > 0)
    status = data.get("status")
    ended = status if agent == "cursor" and isinstance(status, str) and status != "completed" else None
    return Payload(str(session), continuing, ended)


class Answer(NamedTuple):
    stdout: str
    stderr: str = ""
    exit_code: int = 0


def _dumps(document: dict[str, str]) -> str:
    return json.dumps(document, ensure_ascii=False) + "\n"


def allow(agent: str, note: str | None = None) -> Answer:
    """Let the agent stop; `note` for the person."""
    if agent in ("claude", "codex"):
        return Answer(_dumps({"systemMessage": note}) if note else "")
    if agent == "gemini":
        return Answer(_dumps({"systemMessage": note} if note else {}))
    return Answer(_dumps({}), f"{note}\n" if note else "")  # Cursor's stop hook answers with a follow-up only


def block(agent: str, reason: str) -> Answer:
    """Keep the agent working, with `reason` as what it reads next."""
    if agent in ("claude", "codex"):
        return Answer(_dumps({"decision": "block", "reason": reason}))
    if agent == "gemini":
        return Answer(_dumps({"decision": "deny", "reason": reason}))
    return Answer(_dumps({"followup_message": reason}))


# -- what failed ------------------------------------------------------------------------------------


def _clip(text: str, limit: int) -> str:
    text = text.rstrip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _diagnostic(diagnostic: Diagnostic) -> str:
    where = diagnostic.location() or diagnostic.stage
    code = f"{diagnostic.code} " if diagnostic.code else ""
    message = _clip(diagnostic.message, MAX_MESSAGE).replace("\n", "\n    ")
    test = f" {diagnostic.node_id}" if diagnostic.node_id else ""
    return f"{where}: {code}{message}  [{diagnostic.stage}: {diagnostic.tool}{test}]"


def _stage_without_diagnostics(stage: StageResult) -> str:
    if stage.status == "error":
        return f"stage {stage.name} could not run: {stage.reason or 'no reason given'}"
    if stage.status == "cancelled":
        return f"stage {stage.name} was cancelled{f': {stage.reason}' if stage.reason else ''}"
    how = "timed out" if stage.timed_out else f"failed (exit code {stage.exit_code})"
    tail = [_clip(line, 300) for line in stage.output.rstrip().splitlines()[-OUTPUT_LINES:]]
    if not tail:
        return f"stage {stage.name} ({stage.command}) {how} and printed nothing"
    shown = "\n".join(f"    {line}" for line in tail)
    return f"stage {stage.name} ({stage.command}) {how}; the last lines of its output:\n{shown}"


def report(run: RunResult) -> str:
    """What the agent reads: the failing stages, then their diagnostics, bounded."""
    failing = [stage for stage in run.stages if stage.status in FAILING]
    names = ", ".join(stage.name for stage in failing)
    lines = [
        f"healer: the project's checks fail ({names}). Fix what they report before you finish; "
        "`healer run` checks again (`healer run --json` for every detail).",
        "",
    ]
    entries = [
        _diagnostic(diagnostic) if diagnostic is not None else _stage_without_diagnostics(stage)
        for stage in failing
        for diagnostic in (stage.diagnostics or (None,))
    ]
    size = sum(len(line) + 1 for line in lines)
    shown = 0
    for entry in entries:
        if shown == MAX_SHOWN or size + len(entry) > MAX_REASON:
            break
        lines.append(entry)
        size += len(entry) + 1
        shown += 1
    if shown < len(entries):
        lines.append(f"... and {len(entries) - shown} more (`healer run` shows them)")
    return "\n".join(lines)


def failure_key(run: RunResult) -> str:
    """The same for two runs that fail the same way: the diagnostics' fingerprints, and the stages that
    failed without any."""
    digest = new_digest()
    parts: set[str] = set()
    for stage in run.stages:
        if stage.status in FAILING:
            parts.update(d.fingerprint for d in stage.diagnostics)
            if not stage.diagnostics:
                parts.add(f"stage:{stage.name}:{stage.status}")
    for part in sorted(parts):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


# -- the loop guard ---------------------------------------------------------------------------------


class Rounds:
    """How many times in a row healer kept this session going, and on which failures."""

    def __init__(self, state_dir: Path, agent: str, session: str) -> None:
        digest = new_digest()
        digest.update(session.encode())
        self.folder = state_dir / "agent-stop"
        self.path = self.folder / f"{agent}-{digest.hexdigest()[:24]}.json"

    def load(self) -> tuple[int, str | None]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return int(data["blocks"]), str(data["failures"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, None

    def save(self, blocks: int, failures: str) -> bool:
        """False when the count cannot be kept (healer then asks no second time)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"blocks": blocks, "failures": failures}), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            return False
        self._forget_old()
        return True

    def clear(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()

    def _forget_old(self) -> None:
        cutoff = time.time() - KEEP_SECONDS
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                with contextlib.suppress(OSError):
                    if entry.stat().st_mtime < cutoff:
                        os.unlink(entry.path)


def answer(agent: str, payload: Payload, run: RunResult, state_dir: Path) -> Answer:
    """healer's answer to the agent for a check of the working tree."""
    rounds = Rounds(state_dir, agent, payload.session)
    if run.interrupted or run.outcome == "passed":
        rounds.clear()
        return allow(agent)
    blocks, last = rounds.load() if payload.continuing else (0, None)
    failures = failure_key(run)
    failing = ", ".join(stage.name for stage in run.stages if stage.status in FAILING)
    if payload.continuing and blocks >= MAX_BLOCKS:
        rounds.clear()
        return allow(agent, f"healer: the checks still fail ({failing}) after {blocks} rounds; `healer run` shows them")
    if payload.continuing and failures == last:
        rounds.clear()
        return allow(agent, f"healer: the checks still fail ({failing}) as they did last time; `healer run` shows them")
    if not rounds.save(blocks + 1, failures) and payload.continuing:
        return allow(agent, f"healer: the checks still fail ({failing}); `healer run` shows them")
    return block(agent, report(run))
