"""The fix loop: check, propose, verify, apply when asked, and check again, for a bounded number of rounds.

A fix often uncovers the next failure (an import error hides the test that
would fail next), so with --apply the loop goes on while each round applies
something, at most `rounds` times. Patches of one round that touch the same
file cannot all apply (each was made from the file as it was): the most
confident goes first, the others are made again from the new content next round.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from healer.fixes.candidates import Note, propose
from healer.fixes.model import Patch
from healer.fixes.polish import polish
from healer.fixes.sandbox import Sandboxes, worktree_tree
from healer.fixes.verify import Baseline, Verdict, verify
from healer.pipeline.process import tools_seconds
from healer.pipeline.result import RunResult
from healer.pipeline.runner import RunOptions, Sink, run_pipeline
from healer.recording import record_round, record_run
from healer.snapshot.tree import tree_manifest

if TYPE_CHECKING:
    from healer.kb.store import Store
    from healer.llm.client import ModelClient, Usage
    from healer.llm.fixer import ModelRound
    from healer.rules.engine import RuleSet
    from healer.workspace import Workspace

ApplyMode = Literal["safe", "all"]

MODEL_GROUPS_PER_ROUND = 8
"""Groups of failures (one file's each) the model is asked about per round: a bound on one round's cost."""

# Flags that keep a patch out of `--apply safe` whatever its rule's class: a person should see these.
REVIEW_FLAGS = frozenset({"edits-tests", "adds-suppression", "loosens-config", "adds-dependency", "deletes-file"})


@dataclass(frozen=True)
class FixOptions:
    stages: tuple[str, ...] = ()
    apply: ApplyMode | None = None
    dry_run: bool = False
    offline: str | None = "no model configured"
    """Why no model is asked (--offline, HEALER_OFFLINE, none configured; then nothing here opens a socket),
    or None: the configured model is asked about what the rules and past fixes leave unfixed."""
    rounds: int | None = None
    jobs: int | None = None
    use_cache: bool = True
    prepend_path: tuple[str, ...] = ()
    trigger: str = "fix"
    """What the knowledge base records as the runs' trigger ("fix", "demo")."""
    model_extra: dict[str, object] = field(default_factory=dict)
    """Passed to litellm with every request (benchmarks and tests give `mock_response`)."""
    cancel: threading.Event | None = None
    """Set from another thread (the TUI's worker) to stop checks and verification as Ctrl-C would."""


@dataclass
class Round:
    number: int
    run: RunResult
    patches: list[Patch] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    applied: list[Patch] = field(default_factory=list)
    chosen: list[Patch] = field(default_factory=list)
    """The patches chosen for applying (with --dry-run: what would be applied)."""
    refused: list[tuple[Patch, str]] = field(default_factory=list)
    propose_seconds: float = 0.0
    propose_tool_seconds: float = 0.0
    """Of `propose_seconds`, the time the rules' tools took (fixers, formatters, reruns of tests)."""
    verify_seconds: float = 0.0
    model: ModelRound | None = None
    """What the model fixer did this round, when it was asked."""

    @property
    def verified(self) -> list[Patch]:
        return [patch for patch in self.patches if patch.status == "verified"]


@dataclass
class FixReport:
    rounds: list[Round]
    final: RunResult
    duration: float
    offline: str | None
    dry_run: bool = False
    model_usage: Usage | None = None
    """Calls, tokens and dollars of the model fixer over all rounds; None when no model was asked."""

    @property
    def interrupted(self) -> bool:
        return self.final.interrupted

    @property
    def found(self) -> int:
        """Failures the first check reported."""
        return len(self.rounds[0].run.diagnostics) if self.rounds else 0

    @property
    def applied(self) -> list[Patch]:
        return [patch for one in self.rounds for patch in one.applied]

    @property
    def exit_code(self) -> int:
        return self.final.exit_code


Progress = Callable[[str], None]


def fix_workspace(
    workspace: Workspace,
    options: FixOptions,
    *,
    sink: Sink,
    progress: Progress,
    open_store: Callable[[], Store | None],
) -> FixReport:
    """Run the fix loop on the working tree; files change only when `options.apply` says so."""
    from healer.rules.load import load_rules  # the rules are only needed once something fails

    began = time.monotonic()
    config = workspace.config
    limit = options.rounds or config.fix.rounds
    jobs = max(1, options.jobs or config.jobs or os.cpu_count() or 1)
    names = list(options.stages) or None
    run_options = RunOptions(
        jobs=options.jobs,
        use_cache=options.use_cache,
        log_dir=workspace.state_dir / "logs",
        prepend_path=options.prepend_path,
        cancel=options.cancel,
    )
    rules: RuleSet | None = None
    rounds: list[Round] = []
    client = _model_client(workspace, options, open_store)
    store = open_store()
    try:
        final: RunResult | None = None
        for number in range(1, limit + 1):
            run = run_pipeline(config, workspace.root, names=names, options=run_options, store=store, sink=sink)
            final = run
            if run.interrupted or run.outcome == "passed":
                if number > 1 or run.outcome == "passed":
                    record_run(store, workspace, run, trigger=options.trigger)
                break
            run_id = record_run(store, workspace, run, trigger=options.trigger)
            if rules is None:
                rules = load_rules(workspace.root)
            current = Round(number, run)
            rounds.append(current)
            _propose_and_verify(workspace, current, rules, run_options, jobs, progress, open_store, store, client)
            if options.apply is not None:
                current.chosen = choose(current.patches, options.apply)
                if not options.dry_run:
                    _apply(workspace, current, progress)
            record_round(store, workspace, run_id, current, via="cli")
            if options.apply is None or options.dry_run or not current.applied:
                break
        else:
            if rounds and rounds[-1].applied:
                # The last round changed files: say where they stand now.
                final = run_pipeline(config, workspace.root, names=names, options=run_options, store=store, sink=sink)
                record_run(store, workspace, final, trigger=options.trigger)
        assert final is not None
    finally:
        if store is not None:
            store.close()
    usage = None if client is None else client.usage
    return FixReport(rounds, final, time.monotonic() - began, options.offline, options.dry_run, usage)


def _model_client(
    workspace: Workspace, options: FixOptions, open_store: Callable[[], Store | None]
) -> ModelClient | None:
    if options.offline is not None or not workspace.config.llm.model:
        return None
    from healer.llm.setup import make_client

    return make_client(workspace.config, open_store=open_store, repo=str(workspace.root), extra=options.model_extra)


def _propose_and_verify(
    workspace: Workspace,
    current: Round,
    rules: RuleSet,
    run_options: RunOptions,
    jobs: int,
    progress: Progress,
    open_store: Callable[[], Store | None],
    store: Store | None,
    client: ModelClient | None,
) -> None:
    tree = worktree_tree(workspace.root, workspace.state_dir)
    sandboxes = Sandboxes(workspace.root, workspace.state_dir, tree, workspace.config.links, size=jobs)
    _judge_round(
        workspace, current, rules, tree, workspace.root, sandboxes, run_options, jobs, progress, open_store, store,
        client,
    )  # fmt: skip


def fixes_for_tree(
    workspace: Workspace,
    run: RunResult,
    tree: str,
    *,
    progress: Progress,
    open_store: Callable[[], Store | None],
    jobs: int | None = None,
    prepend_path: tuple[str, ...] = (),
    client: ModelClient | None = None,
    cancel: threading.Event | None = None,
) -> Round:
    """Propose and verify fixes for a run of a git tree (the staged content, a pushed commit).

    The rules read the content from a copy of the tree, never from the working
    tree (which may hold other content); nothing the user owns is touched.
    """
    from healer.rules.load import load_rules

    size = max(1, jobs or workspace.config.jobs or os.cpu_count() or 1)
    run_options = RunOptions(jobs=1, log_dir=workspace.state_dir / "logs", prepend_path=prepend_path, cancel=cancel)
    # One copy more than the verifiers use: it holds the content the rules read.
    sandboxes = Sandboxes(workspace.root, workspace.state_dir, tree, workspace.config.links, size=size + 1)
    current = Round(1, run)
    rules = load_rules(workspace.root)
    store = open_store()
    try:
        with sandboxes.copy() as content:
            _judge_round(
                workspace, current, rules, tree, content, sandboxes, run_options, size, progress, open_store, store,
                client,
            )  # fmt: skip
    finally:
        if store is not None:
            store.close()
    return current


def _judge_round(
    workspace: Workspace,
    current: Round,
    rules: RuleSet,
    tree: str,
    content: Path,
    sandboxes: Sandboxes,
    run_options: RunOptions,
    jobs: int,
    progress: Progress,
    open_store: Callable[[], Store | None],
    store: Store | None,
    client: ModelClient | None = None,
) -> None:
    known = tree_manifest(workspace.root, tree, content).known
    paths = sorted(known)
    failures = len(current.run.diagnostics)
    progress(f"round {current.number}: looking for fixes for {failures} failure{'s' * (failures != 1)}")
    began, waited = time.monotonic(), tools_seconds()
    found = propose(
        current.run,
        workspace.config,
        content,
        rules,
        settings=workspace.config.fix,
        scratch=sandboxes.copy,
        paths=lambda: paths,
        prepend_path=run_options.prepend_path,
    )
    current.notes, current.errors = found.notes, found.errors
    candidates = _with_replays(found.patches, current.run, content, workspace, store)
    current.propose_seconds = time.monotonic() - began
    current.propose_tool_seconds = tools_seconds() - waited
    pending = [patch for patch in candidates if patch.status == "unverified"]
    if pending:
        progress(f"round {current.number}: verifying {len(pending)} candidate{'s' * (len(pending) != 1)}")
    began = time.monotonic()
    cancel = run_options.cancel or threading.Event()
    baseline = Baseline(
        run=current.run,
        config=workspace.config,
        known=known,
        options=run_options._replace(jobs=1, cancel=cancel),
        open_store=open_store,
    )
    verdicts: dict[str, Verdict] = {}
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="verify") as pool:
        futures = {patch.id: pool.submit(verify, patch, baseline, sandboxes) for patch in pending}
        try:
            for patch_id, future in futures.items():
                verdicts[patch_id] = future.result()
        except BaseException:
            # Ctrl-C reaches only this thread: stop the reruns in the others, then let it through.
            cancel.set()
            for future in futures.values():
                future.cancel()
            raise
    current.verify_seconds = time.monotonic() - began
    current.patches = [_judged(patch, verdicts.get(patch.id)) for patch in candidates]
    if client is not None:
        _ask_model(workspace, current, client, content, baseline, sandboxes, jobs, progress)


def ask_model_about(
    workspace: Workspace,
    run: RunResult,
    fingerprints: Sequence[str],
    *,
    progress: Progress,
    open_store: Callable[[], Store | None],
    jobs: int | None = None,
    extra: dict[str, object] | None = None,
) -> Round:
    """Ask the configured model about chosen failures of `run` (the working tree's), verified like every fix.

    For a front end with a failure selected (the TUI): no rules, no replay, nothing applied.
    """
    size = max(1, jobs or workspace.config.jobs or os.cpu_count() or 1)
    client = _model_client(workspace, FixOptions(offline=None, model_extra=dict(extra or {})), open_store)
    current = Round(1, run)
    if client is None:
        return current
    wanted = set(fingerprints)
    settled = {d.fingerprint for d in run.diagnostics if d.fingerprint not in wanted}
    tree = worktree_tree(workspace.root, workspace.state_dir)
    sandboxes = Sandboxes(workspace.root, workspace.state_dir, tree, workspace.config.links, size=size)
    run_options = RunOptions(jobs=1, log_dir=workspace.state_dir / "logs")
    baseline = Baseline(
        run=run,
        config=workspace.config,
        known=tree_manifest(workspace.root, tree, workspace.root).known,
        options=run_options,
        open_store=open_store,
    )
    _ask_model(workspace, current, client, workspace.root, baseline, sandboxes, size, progress, settled=settled)
    return current


def _ask_model(
    workspace: Workspace,
    current: Round,
    client: ModelClient,
    content: Path,
    baseline: Baseline,
    sandboxes: Sandboxes,
    jobs: int,
    progress: Progress,
    settled: set[str] | None = None,
) -> None:
    """The model's turn: the failures no verified rule or past fix resolves, one request per cluster."""
    from healer.llm.cluster import clusters
    from healer.llm.redact import DEFAULT_DENY, denied
    from healer.llm.setup import make_fixer
    from healer.patch.validate import validate

    if settled is None:
        settled = {fp for patch in current.patches if patch.status == "verified" for fp in patch.fingerprints}
    groups = clusters(current.run, settled, limit=10_000)
    if not groups:
        return
    skipped = max(0, len(groups) - MODEL_GROUPS_PER_ROUND)
    groups = groups[:MODEL_GROUPS_PER_ROUND]
    config = workspace.config
    deny = (*DEFAULT_DENY, *config.llm.deny)
    count = len(groups)
    progress(f"round {current.number}: asking {client.models[0]} about {count} failure group{'s' * (count != 1)}")

    def judge(patch: Patch) -> Patch:
        checked = validate(patch.edits, workspace.root, config.fix)
        problems = list(checked.problems)
        problems += [f"{path}: matches llm.deny" for path in patch.paths if denied(path, deny)]
        patch = replace(patch, flags=tuple(checked.flags))
        if problems:
            return patch.with_status("failed", "refused: " + "; ".join(problems))
        patch = polish(patch, config, current.run, sandboxes.copy, baseline.options.prepend_path)
        return _judged(patch, verify(patch, baseline, sandboxes))

    def past(fingerprints: Sequence[str]) -> list[str]:
        # Called from the fixer's threads: each opens its own connection.
        mine = baseline.open_store() if config.history else None
        if mine is None:
            return []
        try:
            return [fix.diff for fix in mine.accepted_fixes(fingerprints, limit=3)]
        finally:
            mine.close()

    fixer = make_fixer(client, content, past=past)
    current.model = fixer.run(groups, judge, jobs=jobs, cancel=baseline.options.cancel)
    current.model.skipped = skipped
    current.patches += current.model.patches
    verified = sum(1 for patch in current.model.patches if patch.status == "verified")
    progress(f"round {current.number}: the model proposed {len(current.model.patches)} fix(es), {verified} verified")


def _with_replays(
    patches: list[Patch], run: RunResult, content: Path, workspace: Workspace, store: Store | None
) -> list[Patch]:
    """The rules' candidates plus past accepted fixes that still apply, ranked by past success."""
    if store is None or not workspace.config.history:
        return patches
    from healer.fixes.replay import rank, replayed
    from healer.patch.validate import validate

    known = {patch.id: patch for patch in patches}
    for past in replayed(store, run, content):
        if past.id in known:
            # A rule proposes exactly what was accepted before: one candidate, known to have worked.
            known[past.id].extra["seen_before"] = past.extra["replayed_from"]
            continue
        checked = validate(past.edits, workspace.root, workspace.config.fix)
        past = replace(past, flags=tuple(checked.flags))
        if checked.problems:
            past = past.with_status("failed", "refused: " + "; ".join(checked.problems))
        known[past.id] = past
    return rank(list(known.values()), run, store)


def _judged(patch: Patch, verdict: Verdict | None) -> Patch:
    if verdict is None:
        return patch
    judged = patch.with_status(verdict.status, verdict.detail)
    judged.extra.update(
        reruns=list(verdict.reruns),
        verify_seconds=round(verdict.duration, 4),
        tool_seconds=round(verdict.tool_seconds, 4),
        resolved=verdict.resolved,
    )
    return judged


def choose(patches: Sequence[Patch], mode: ApplyMode) -> list[Patch]:
    """The verified patches to apply this round: most resolving and confident first, no two touching one file."""
    taken: set[str] = set()
    addressed: set[str] = set()
    chosen = []
    # Most diagnostics resolved first (a typo fixed where it was made beats one fixed where it is used),
    # then the rule's confidence.
    ranked = sorted(
        patches, key=lambda p: (-int(p.extra.get("resolved", 0)), -float(p.extra.get("score", 0.5)), -p.confidence)
    )
    for patch in ranked:
        if patch.status != "verified":
            continue
        if mode == "safe" and (patch.safety != "safe" or REVIEW_FLAGS & set(patch.flags)):
            continue
        if taken & set(patch.paths) or (patch.fingerprints and set(patch.fingerprints) <= addressed):
            continue
        chosen.append(patch)
        taken.update(patch.paths)
        addressed.update(patch.fingerprints)
    return chosen


def _apply(workspace: Workspace, current: Round, progress: Progress) -> None:
    from healer.patch.apply import ApplyRefused, apply_patch

    for patch in current.chosen:
        try:
            apply_patch(workspace.root, workspace.state_dir, patch, settings=workspace.config.fix)
            current.applied.append(patch)
        except ApplyRefused as error:
            current.refused.append((patch, str(error)))
    if current.applied:
        progress(f"round {current.number}: applied {len(current.applied)} fix{'es' * (len(current.applied) != 1)}")
