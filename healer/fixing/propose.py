"""Finding fixes for a run's failures: every fixer asked, every candidate admitted and verified the same way.

The fixers that cost nothing (rules, past fixes) are asked first, together:
their candidates are admitted (healer.fixers.admission), merged when their
edits are identical (one candidate then addresses every diagnostic any of them
was made for, and is marked as seen before if a past fix was the same), ranked,
and verified (healer.fixing.verification: each failure's candidates in rank
order within its time, `jobs` failures at a time). Each costly fixer (a model) is then
asked about what no verified candidate settles, and judges its candidates with
the same admission and verification. Nothing here touches the user's files:
candidates are written only into isolated copies.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from healer.config.settings import Config
from healer.fixers.admission import admit
from healer.fixers.candidate import Candidate
from healer.fixers.protocol import Fixer, Proposed, Work
from healer.fixers.ranking import rank
from healer.fixing.report import Round
from healer.fixing.verification import seconds_per_failure, verify_candidates
from healer.kb.memory import Memory
from healer.pipeline.interpreter import python_on
from healer.pipeline.result import RunResult
from healer.pipeline.runner import RunOptions
from healer.process import tools_seconds
from healer.snapshot.imports import ImportGraph
from healer.snapshot.tree import tree_manifest
from healer.verify.sandbox import Sandboxes
from healer.verify.verdict import Baseline, ResultsFor, verify

SOURCES = {"rules": "rules", "replay": "past fixes", "model": "the model", "agent": "agents"}
"""How progress names the fixers."""


def find_fixes(
    run: RunResult,
    fixers: Sequence[Fixer],
    *,
    config: Config,
    root: Path,
    tree: str,
    content: Path,
    sandboxes: Sandboxes,
    memory: Memory,
    results: ResultsFor,
    options: RunOptions,
    jobs: int,
    progress: Callable[[str], None],
    number: int = 1,
    only: Collection[str] | None = None,
) -> Round:
    """Candidates for `run`'s failures (only those in `only`, when given), each admitted and judged.

    `content` holds the checked content (the tree `tree` of the repository at
    `root`): the working tree itself, or a copy of it; `sandboxes` lends the
    copies verification writes into.
    """
    known = tree_manifest(root, tree, content).known
    paths = sorted(known)
    failures = tuple(d for d in run.diagnostics if only is None or d.fingerprint in only)
    cancel = options.cancel or threading.Event()
    baseline = Baseline(
        run, config, known, options._replace(jobs=1, cancel=cancel), results, _tests_for(content, sandboxes, known)
    )
    python = None if options.env is None else python_on(options.env.get("PATH"))
    budget = seconds_per_failure(config.fix.time_per_failure, run)

    def judge(candidate: Candidate) -> Candidate:
        admitted = _admit(candidate, config, content, run, sandboxes, options.prepend_path, options.env)
        return admitted.judged(verify(admitted.patch, baseline, sandboxes)) if admitted.pending else admitted

    def work(left: tuple[Candidate, ...] = ()) -> Work:
        settled = {fp for c in left if c.verified for fp in c.patch.fingerprints}
        return Work(
            number=number,
            run=run,
            config=config,
            content=content,
            work_tree=root,
            failures=tuple(d for d in failures if d.fingerprint not in settled),
            paths=lambda: paths,
            scratch=sandboxes.copy,
            prepend_path=options.prepend_path,
            judge=judge,
            memory=memory,
            jobs=jobs,
            cancel=cancel,
            progress=progress,
            env=options.env,
            python=python,
        )

    current = Round(number, run)
    first = work()
    free = [fixer for fixer in fixers if fixer.cost_bound(first) == 0.0]
    costly = [fixer for fixer in fixers if fixer not in free]
    if free:
        count = len(failures)
        sources = ", ".join(SOURCES.get(fixer.name, fixer.name) for fixer in free)
        progress(f"looking for fixes for {count} failure{'s' * (count != 1)} ({sources})")
        began, waited = time.monotonic(), tools_seconds()
        proposals = [fixer.propose(first) for fixer in free]
        merged = _merged(
            [_admit(c, config, content, run, sandboxes, options.prepend_path, options.env) if c.pending else c
             for proposed in proposals for c in proposed.candidates]
        )  # fmt: skip
        ranked = rank(merged, run, memory)
        _take_findings(current, proposals)
        current.propose_seconds = time.monotonic() - began
        current.propose_tool_seconds = tools_seconds() - waited
        began = time.monotonic()
        current.candidates = verify_candidates(
            ranked, baseline, sandboxes, jobs=jobs, cancel=cancel, budget=budget, progress=progress
        )
        current.verify_seconds = time.monotonic() - began
    for fixer in costly:
        proposed = fixer.propose(work(tuple(current.candidates)))
        _take_findings(current, [proposed])
        # A fixer that judges its own leaves nothing pending; any it left are judged like the others'.
        admitted = [
            _admit(c, config, content, run, sandboxes, options.prepend_path, options.env) if c.pending else c
            for c in proposed.candidates
        ]
        current.candidates += verify_candidates(
            admitted, baseline, sandboxes, jobs=jobs, cancel=cancel, budget=budget, progress=progress
        )
        if proposed.model is not None:
            current.model = proposed.model
        if proposed.agents is not None:
            current.agents = proposed.agents
    return current


def _tests_for(content: Path, sandboxes: Sandboxes, known: Mapping[str, str]) -> Callable[[Sequence[str]], list[str]]:
    """Which test files import given paths, by the import graph of the checked content, built when first asked
    (only a round verifying a test stage asks) and kept by blob id under the state folder, as watch mode keeps it."""
    graph: list[ImportGraph] = []
    lock = threading.Lock()

    def tests_for(paths: Sequence[str]) -> list[str]:
        with lock:
            if not graph:
                built = ImportGraph(content, sandboxes.state_dir)
                built.build(sorted(known), known.get)
                graph.append(built)
        return graph[0].tests_affected_by(paths)

    return tests_for


def _admit(
    candidate: Candidate,
    config: Config,
    content: Path,
    run: RunResult,
    sandboxes: Sandboxes,
    prepend: Sequence[str],
    env: Mapping[str, str] | None,
) -> Candidate:
    return admit(candidate, config=config, root=content, run=run, scratch=sandboxes.copy, prepend_path=prepend, env=env)


def _merged(candidates: Sequence[Candidate]) -> list[Candidate]:
    """One candidate per distinct edit: addressing what each was made for; seen before if any repeats a past fix."""
    by_id: dict[str, Candidate] = {}
    for candidate in candidates:
        known = by_id.get(candidate.id)
        if known is None:
            by_id[candidate.id] = candidate
            continue
        more = tuple(fp for fp in candidate.patch.fingerprints if fp not in known.patch.fingerprints)
        prints = (*known.patch.fingerprints, *more)
        by_id[candidate.id] = replace(
            known,
            patch=replace(known.patch, fingerprints=prints),
            replayed_from=known.replayed_from or candidate.replayed_from,
        )
    return list(by_id.values())


def _take_findings(current: Round, proposals: Sequence[Proposed]) -> None:
    for proposed in proposals:
        current.notes += proposed.notes
        current.errors += proposed.errors
