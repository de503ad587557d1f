"""The model fixer: ask, turn the reply into edits, judge them like every other fix, and try again with the verdict.

The failures no cheaper fixer settled are grouped by file (healer.llm.cluster),
at most `MODEL_GROUPS_PER_ROUND` a round; each group gets at most
`llm.max_attempts` attempts. An attempt is a request, its edits, and the same
admission and verification as every fix (`Work.judge`); what failed goes into
the next attempt's prompt. A reply that cannot be turned into edits gets one
repair request with the reason, counted apart from the attempts. Nothing loops
past these bounds, and a spent budget or an unreachable model ends the fixer
for the whole run: the other fixers' candidates are reported either way.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from healer.fixers.candidate import Candidate
from healer.fixers.protocol import Judge, Proposed, Setup, Work
from healer.llm.client import Message, ModelClient, ModelError, Reply, Usage
from healer.llm.cluster import Cluster, clusters
from healer.llm.edits import EditError, apply_blocks, parse_reply
from healer.llm.prompt import Counter, build_prompt
from healer.llm.redact import DEFAULT_DENY, denied
from healer.llm.setup import make_client, token_counter
from healer.patch.diff import unified_diff
from healer.patch.patch import FileEdit, Patch
from healer.patch.validate import path_problem

Outcome = Literal["verified", "failed", "unverifiable", "unverified", "changes-checks", "refused", "malformed", "error"]
FEEDBACK_LINES = 40
REPAIR = "Reply again with corrected SEARCH/REPLACE blocks only."
TITLE_CHARS = 100
MODEL_CONFIDENCE = 0.5
# These end the fixer for the run: asking again cannot help.
FINAL_ERRORS = frozenset({"budget", "auth", "connection", "request", "cancelled"})
MODEL_GROUPS_PER_ROUND = 8
"""Groups of failures (one file's each) the model is asked about per round: a bound on one round's cost."""


@dataclass(frozen=True)
class Attempt:
    cluster: str
    number: int
    outcome: Outcome
    detail: str
    patch_id: str | None = None
    repaired: bool = False
    """A malformed first reply was followed by a repair request."""
    own_seconds: float = 0.0
    """healer's own time: building the prompt, parsing, validating, and verifying beyond the tools' run time."""
    model_seconds: float = 0.0


@dataclass
class ModelRound:
    model: str
    candidates: list[Candidate] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    stopped: str | None = None
    """Why the fixer stopped before trying every cluster (budget spent, model unreachable)."""
    skipped: int = 0
    """Groups of failures not asked about this round (beyond the per-round limit)."""


PastDiffs = Callable[[Sequence[str]], list[str]]


def fixer_for(setup: Setup) -> LLMFixer | None:
    """The configured model, unless it may not be asked (offline, none configured)."""
    if setup.offline is not None or not setup.config.llm.model:
        return None
    return LLMFixer(make_client(setup.config, kb=setup.kb, repo=str(setup.root), extra=setup.model_extra))


class LLMFixer:
    """The model as a fixer (healer.fixers.protocol): one client for the whole command, so one budget."""

    name = "model"

    def __init__(self, client: ModelClient) -> None:
        self.client = client

    @property
    def usage(self) -> Usage:
        return self.client.usage

    def cost_bound(self, work: Work) -> float | None:
        """What the run's budget allows (the client refuses a call beyond it); None with no budget set, since a
        model of unknown price (a local one) is not limited by dollars."""
        per_run = self.client.budget.per_run
        return per_run if per_run > 0 else None

    def propose(self, work: Work) -> Proposed:
        groups = clusters(work.run, work.settled, limit=10_000)
        if not groups:
            return Proposed()
        skipped = max(0, len(groups) - MODEL_GROUPS_PER_ROUND)
        groups = groups[:MODEL_GROUPS_PER_ROUND]
        count = len(groups)
        model = self.client.models[0]
        work.progress(f"asking {model} about {count} failure group{'s' * (count != 1)}")
        deny = (*DEFAULT_DENY, *self.client.settings.deny)

        def past(fingerprints: Sequence[str]) -> list[str]:
            return [fix.diff for fix in work.memory.accepted_fixes(fingerprints, limit=3)]

        asking = Asking(self.client, work.content, deny, token_counter(model), past)
        account = asking.run(groups, work.judge, jobs=work.jobs, cancel=work.cancel)
        account.skipped = skipped
        verified = sum(1 for candidate in account.candidates if candidate.verified)
        work.progress(f"the model proposed {len(account.candidates)} fix(es), {verified} verified")
        return Proposed(list(account.candidates), model=account)


@dataclass
class Asking:
    """One round of requests: every cluster, `jobs` at a time, each with its attempts."""

    client: ModelClient
    root: Path
    """Where the code the prompt shows and the edits start from is read (a copy of the checked tree)."""
    deny: Sequence[str]
    count: Counter
    past: PastDiffs = lambda _fingerprints: []
    _cancel: threading.Event | None = None

    def run(
        self, groups: Sequence[Cluster], judge: Judge, *, jobs: int = 1, cancel: threading.Event | None = None
    ) -> ModelRound:
        """Every cluster, `jobs` at a time; `cancel` (set by a front end that quits) stops further attempts."""
        outcome = ModelRound(self.client.models[0])
        stop = threading.Event()  # set by a final error (budget spent, model unreachable): no more requests
        self._cancel = cancel
        lock = threading.Lock()

        pending: queue.SimpleQueue[Cluster] = queue.SimpleQueue()
        for cluster in groups:
            pending.put(cluster)
        workers = max(1, min(jobs, len(groups)))
        finished = threading.Event()
        left = [workers]
        errors: list[BaseException] = []

        def work() -> None:
            try:
                while not stop.is_set():
                    try:
                        cluster = pending.get_nowait()
                    except queue.Empty:
                        break
                    found, attempts, stopped = self._cluster(cluster, judge, stop)
                    with lock:
                        outcome.candidates.extend(found)
                        outcome.attempts.extend(attempts)
                        if stopped and outcome.stopped is None:
                            outcome.stopped = stopped
            except BaseException as error:  # handed to the caller's thread below
                errors.append(error)
                stop.set()
            finally:
                with lock:
                    left[0] -= 1
                    if not left[0]:
                        finished.set()

        # Daemon threads: a request waiting on a slow model must not hold up the exit after Ctrl-C.
        self.client.cancel = stop
        for number in range(workers):
            threading.Thread(target=work, name=f"model-{number}", daemon=True).start()
        try:
            while not finished.wait(0.1):
                pass
        except BaseException:
            # Ctrl-C reaches only this thread: no more requests, and the copies' checks stop too.
            stop.set()
            if cancel is not None:
                cancel.set()
            finished.wait(2.0)
            raise
        if errors:
            raise errors[0]
        outcome.usage = self.client.usage
        return outcome

    def _cluster(
        self, cluster: Cluster, judge: Judge, stop: threading.Event
    ) -> tuple[list[Candidate], list[Attempt], str | None]:
        settings = self.client.settings
        feedback: list[str] = []
        tried: dict[str, int] = {}
        found: list[Candidate] = []
        attempts: list[Attempt] = []
        past = self.past(cluster.fingerprints)
        for number in range(1, settings.max_attempts + 1):
            if stop.is_set() or (self._cancel is not None and self._cancel.is_set()):
                break
            began = time.monotonic()
            prompt = build_prompt(
                cluster,
                self.root,
                deny=self.deny,
                cap=settings.max_prompt_tokens,
                count=self.count,
                past=past,
                feedback=feedback,
            )
            waited = 0.0
            try:
                reply = self.client.complete(prompt.messages)
                waited += reply.latency
                edits, problem = self._edits(reply.text)
                repaired = problem is not None
                if problem is not None:
                    reply = self.client.complete(_repair(prompt.messages, reply, problem))
                    waited += reply.latency
                    edits, problem = self._edits(reply.text)
            except ModelError as error:
                attempts.append(Attempt(cluster.key, number, "error", str(error), own_seconds=0.0))
                if error.kind in FINAL_ERRORS:
                    stop.set()
                    return found, attempts, str(error)
                break
            if problem is not None or not edits:
                detail = problem or "the reply changes nothing"
                own = time.monotonic() - began - waited
                attempts.append(
                    Attempt(
                        cluster.key, number, "malformed", detail, None, repaired, own_seconds=own, model_seconds=waited
                    )
                )
                feedback.append(f"Your reply could not be used: {detail}")
                continue
            patch = Patch(
                title=_title(reply.text, cluster),
                edits=edits,
                source="model",
                origin=reply.model,
                safety="review",
                confidence=MODEL_CONFIDENCE,
                stage=cluster.stage,
                fingerprints=cluster.fingerprints,
                tests=tuple(dict.fromkeys(d.node_id for d in cluster.diagnostics if d.node_id)),
            )
            if patch.id in tried:
                # The same edits again: verifying them again would say the same; tell the model so.
                detail = f"the same edits as attempt {tried[patch.id]}, which did not pass"
                attempts.append(Attempt(cluster.key, number, "failed", detail, patch.id, repaired, 0.0, waited))
                feedback.append(f"Your reply repeats attempt {tried[patch.id]}, which did not pass; try another way.")
                continue
            tried[patch.id] = number
            judged = judge(Candidate(patch, cost=reply.cost))
            tools = 0.0 if judged.verdict is None else judged.verdict.tool_seconds
            spent = time.monotonic() - began - waited - tools
            outcome: Outcome = "refused" if judged.refusal is not None else judged.status
            attempts.append(
                Attempt(cluster.key, number, outcome, judged.detail or "", judged.id, repaired, spent, waited)
            )
            found.append(judged)
            if judged.status in ("verified", "unverifiable", "unverified"):
                # unverifiable: the check cannot run (or the file changed meanwhile); unverified: no sandbox to run
                # it in, or no time left. Asking again cannot help. A patch that changes the checks is asked again.
                break
            feedback.append(_verdict(judged))
        return found, attempts, None

    def _edits(self, text: str) -> tuple[tuple[FileEdit, ...], str | None]:
        try:
            return apply_blocks(parse_reply(text), self._read), None
        except EditError as error:
            return (), str(error)

    def _read(self, path: str) -> bytes | None:
        # What is read here can come back to the model (a near miss is quoted in the repair request):
        # the same gate as a write, and the deny globs on the real path too (a symlinked folder).
        problem = path_problem(self.root, path)
        if problem is not None:
            raise EditError(problem)
        real = _real_path(self.root, path)
        if real is None or denied_path(path, real, self.deny):
            raise EditError(f"{path}: healer never shows or edits this file (llm.deny)")
        target = self.root / path
        if target.exists() and not target.is_file():
            raise EditError(f"{path}: not a regular file")
        return target.read_bytes() if target.exists() else None


def _real_path(root: Path, path: str) -> str | None:
    """`path` with every symlink resolved, relative to the root; None when that leaves the root."""
    try:
        return (root / path).resolve().relative_to(root.resolve()).as_posix()
    except (OSError, ValueError):
        return None


def denied_path(path: str, real: str, deny: Sequence[str]) -> bool:
    return denied(path, deny) or denied(real, deny) or real == ".git" or real.startswith(".git/")


def _repair(messages: Sequence[Message], reply: Reply, problem: str) -> list[Message]:
    ask = f"Your reply could not be used: {problem}\n{REPAIR}"
    return [*messages, {"role": "assistant", "content": reply.text[:20_000]}, {"role": "user", "content": ask}]


def _verdict(candidate: Candidate) -> str:
    diff = "\n".join(unified_diff(candidate.patch.edits).splitlines()[:80])
    detail = "\n".join((candidate.detail or "it did not pass").splitlines()[-FEEDBACK_LINES:])
    return f"You proposed:\n```diff\n{diff}\n```\nChecking it in a copy of the project gave:\n```\n{detail}\n```"


def _title(reply: str, cluster: Cluster) -> str:
    for line in reply.splitlines():
        line = line.strip().strip("*#` ").strip()
        if not line:
            continue
        if "<<<<<<<" in line or line.startswith(("---", "+++", "@@")) or ("/" in line and " " not in line):
            break
        if len(line) <= TITLE_CHARS:
            return line
        break
    count = len(cluster.diagnostics)
    where = cluster.key.removeprefix("stage:")
    return f"model fix for {count} failure{'s' * (count != 1)} in {where}" if count else f"model fix for {where}"
