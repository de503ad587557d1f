"""Verifying a round's candidates: each failure's in rank order and within its time, several failures at once.

Candidates that address the same failures in the same files form a group
(a fingerprint leaves the file out: "would reformat" is one fingerprint for
every file black would reformat). A group's candidates
are verified one after another, best ranked first, and the group stops at the
first verified one: the others could only be verified alternatives, and each
costs a rerun of the failing stage (on a real project, eight formatter or
rename variants waited on the whole suite one after another). A lower-ranked
candidate is still verified when it is safe and the verified one is not, so
`--apply safe` loses nothing. Groups run `jobs` at a time.

Each group has a time budget (`fix.time_per_failure`; by default 60 s, or
twice the failing run's slowest stage when that is longer): a rerun still
going when it is spent is ended like Ctrl-C ends it, and the group's remaining
candidates are reported as not verified, saying why. So a hanging test or a
suite of many minutes holds a fix for a bounded time, and says so.

While reruns go on, progress says which candidate, for which failure, is at
which step, at least every `HEARTBEAT` seconds: no silent minute.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace

from healer.fixers.candidate import Candidate
from healer.pipeline.result import RunResult
from healer.verify.sandbox import Sandboxes
from healer.verify.verdict import Baseline, Verdict, verify

DEFAULT_SECONDS = 60.0
"""A failure's verification time when the configuration sets none and no stage of the run is slow."""
HEARTBEAT = 15.0
"""Seconds of silence after which progress says what is still being verified."""


class Deadline(threading.Event):
    """Set when the whole round is cancelled (Ctrl-C, a front end quitting) or when a failure's time is spent.

    The runner polls `is_set()` while a stage runs and ends the stage's processes when it turns true.
    """

    def __init__(self, parent: threading.Event, at: float) -> None:
        super().__init__()
        self.parent = parent
        self.at = at

    def is_set(self) -> bool:
        return super().is_set() or self.parent.is_set() or time.monotonic() >= self.at

    def expired(self) -> bool:
        """The failure's time is spent (and the round itself was not cancelled)."""
        return not self.parent.is_set() and time.monotonic() >= self.at


def seconds_per_failure(configured: float | None, run: RunResult) -> float:
    """The configured budget, else 60 s or twice the slowest stage of `run`, whichever is longer."""
    if configured is not None:
        return configured
    slowest = max((stage.duration for stage in run.stages), default=0.0)
    return max(DEFAULT_SECONDS, 2 * slowest)


@dataclass
class _Running:
    """What one group's worker is doing now, for the heartbeat."""

    title: str
    failure: str
    step: str = "starting"
    since: float = 0.0


def verify_candidates(
    candidates: Sequence[Candidate],
    baseline: Baseline,
    sandboxes: Sandboxes,
    *,
    jobs: int,
    cancel: threading.Event,
    budget: float,
    progress: Callable[[str], None],
) -> list[Candidate]:
    """Each pending candidate with its verdict; the others as they are, in the same order."""
    pending = [candidate for candidate in candidates if candidate.pending]
    if not pending:
        return list(candidates)
    groups: dict[tuple[frozenset[str], frozenset[str]], list[Candidate]] = {}
    for candidate in pending:  # in rank order: the order they were given in
        key = (frozenset(candidate.patch.fingerprints), frozenset(candidate.patch.paths))
        groups.setdefault(key, []).append(candidate)
    count = len(pending)
    failures = f"{len(groups)} failure{'s' * (len(groups) != 1)}"
    progress(f"verifying {count} candidate{'s' * (count != 1)} for {failures} in isolated copies")
    verdicts: dict[str, Verdict] = {}
    running: dict[int, _Running] = {}
    lock = threading.Lock()
    done = 0

    def said(candidate: Candidate, verdict: Verdict) -> None:
        nonlocal done
        with lock:
            verdicts[candidate.id] = verdict
            done += 1
            progress(f"verified {done} of {count}: {candidate.patch.title}: {_status(verdict)}")

    def work(key: int, group: list[Candidate]) -> None:
        failure = _failure(baseline.run, group[0])
        deadline = Deadline(cancel, time.monotonic() + budget)
        options = baseline.options._replace(cancel=deadline)
        within = replace(baseline, options=options)
        winner: Candidate | None = None
        for candidate in group:
            if cancel.is_set():
                return
            if winner is not None and _settled_by(winner, candidate):
                why = f"not verified: {winner.patch.title!r}, ranked above it for the same failure, verified"
                said(candidate, Verdict("unverified", why, (), 0.0))
                continue
            if deadline.expired():
                why = f"not verified: this failure's {budget:g} s of verification (fix.time_per_failure) were spent"
                said(candidate, Verdict("unverified", why, (), 0.0))
                continue
            state = _Running(candidate.patch.title, failure, since=time.monotonic())
            with lock:
                running[key] = state

            def step(name: str, state: _Running = state) -> None:
                state.step, state.since = name, time.monotonic()

            verdict = verify(candidate.patch, within, sandboxes, step)
            with lock:
                running.pop(key, None)
            if verdict.status == "unverifiable" and deadline.expired():
                where = verdict.reruns[-1] if verdict.reruns else "its rerun"
                why = f"this failure's {budget:g} s of verification (fix.time_per_failure) ran out during {where}"
                verdict = replace(verdict, detail=why)
            said(candidate, verdict)
            # Plainly verified only: one that passes by changing the checks settles nothing for its alternatives.
            if candidate.judged(verdict).verified and winner is None:
                winner = candidate

    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="verify") as pool:
        futures: set[Future[None]] = {pool.submit(work, key, group) for key, group in enumerate(groups.values())}
        try:
            while futures:
                finished, futures = wait(futures, timeout=HEARTBEAT, return_when=FIRST_COMPLETED)
                for future in finished:
                    future.result()
                if not finished:
                    with lock:
                        now = time.monotonic()
                        for state in running.values():
                            progress(
                                f"still verifying {state.title!r} for {state.failure}: "
                                f"{state.step} ({now - state.since:.0f}s)"
                            )
        except BaseException:
            # Ctrl-C reaches only this thread: stop the reruns in the others, then let it through.
            cancel.set()
            for future in futures:
                future.cancel()
            raise
    return [c.judged(verdicts[c.id]) if c.pending and c.id in verdicts else c for c in candidates]


def _settled_by(winner: Candidate, other: Candidate) -> bool:
    """Whether `other` is only an alternative to the verified `winner`: not one a stricter --apply would take."""
    return winner.patch.safety == "safe" or other.patch.safety != "safe"


def _failure(run: RunResult, candidate: Candidate) -> str:
    """The first diagnostic the candidate addresses, as progress names it."""
    for diagnostic in run.diagnostics:
        if diagnostic.fingerprint in candidate.patch.fingerprints:
            code = f" {diagnostic.code}" if diagnostic.code else ""
            return f"{diagnostic.location()}{code}"
    return candidate.patch.stage


def _status(verdict: Verdict) -> str:
    return "not verified" if verdict.status == "unverified" else verdict.status
