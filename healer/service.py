"""The application core: one `Healer` per process, with the verbs every front end drives.

The CLI, the git hooks, watch mode, the terminal UI (and whatever comes next:
an MCP server, CI mode) make one `Healer` for the repository they work on,
saying which front end they are (`via`, recorded with every decision) and
where the core's events, progress and notices go (a `Reporter`). They parse
their input, call these verbs and render what comes back; everything a
use case does (checking, recording, proposing, verifying, applying, undoing,
the fix loop, the hook's fix policy) happens here or below.

This module is on the hot path (a hook with nothing to check, a cached
`healer run`): it imports the pipeline and nothing of the fixing machinery,
the knowledge base's SQLite or the model until a verb needs them.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from healer.errors import HealerError
from healer.pipeline.events import Event, Notice
from healer.pipeline.result import RunResult, StageResult
from healer.pipeline.skip import left_out, read_skips, unknown_names_warning
from healer.reporter import Reporter
from healer.workspace import Workspace, open_workspace

if TYPE_CHECKING:
    Recording = Literal["always", "finished", "never"]
    """Which runs `check` records: every one, only those not interrupted, or none."""

    from healer.config.settings import Stage
    from healer.fixers.candidate import Candidate
    from healer.fixers.protocol import Fixer
    from healer.fixing.report import CacheMode, FixOptions, FixReport, Round
    from healer.fixing.staged import StagedFixes
    from healer.kb.database import KnowledgeBase
    from healer.kb.history import FailureHistory, RecentActivity
    from healer.kb.memory import Memory
    from healer.kb.results import ResultCache
    from healer.llm.exposure import ExposureReport
    from healer.patch.apply import AppliedRecord
    from healer.patch.patch import Patch
    from healer.patch.undo import UndoneRecord
    from healer.pipeline.baseline import KnownBase, NewFindings
    from healer.pipeline.interpreter import Interpreter
    from healer.pipeline.runner import RunOptions
    from healer.snapshot.snapshot import Snapshot

KEPT_PROPOSALS = 256
"""How many of the candidates it proposed a core keeps for `proposed` and `apply_proposed` (the newest)."""


class Proposal(NamedTuple):
    """A candidate this core proposed, with the run it was made for and the content it was made from."""

    candidate: Candidate
    run: RunResult
    tree: str | None
    """The git tree the fixers read (the staged content); None: the working tree."""


class _NoticesOnly(Reporter):
    """The base's check shows nothing of itself (its stages are not the user's run); its notices still count."""

    def __init__(self, inner: Reporter) -> None:
        self.inner = inner

    def event(self, event: Event) -> None:
        if isinstance(event, Notice):
            self.inner.notice(event.message)

    def notice(self, message: str) -> None:
        self.inner.notice(message)


class Healer:
    def __init__(
        self,
        workspace: Workspace,
        *,
        via: str,
        reporter: Reporter | None = None,
        kb: KnowledgeBase | None = None,
        history: bool = True,
        prepend_path: Sequence[str] = (),
        environ: Mapping[str, str] | None = None,
        offline: bool = False,
    ) -> None:
        """`via`: "cli", "hook", "tui", "watch", "mcp" or "ci". `offline` (--offline): this core's checks ask no
        shared result cache either (HEALER_OFFLINE says the same to every command). `history=False` records
        nothing this time (`--no-history`); `prepend_path`: folders searched first for the stages' tools (the
        demo's own); `environ`: the front end's environment, whose SKIP and HEALER_SKIP leave stages out of
        every run this core makes (healer.pipeline.skip); None: nothing is left out."""
        self.workspace = workspace
        self.via = via
        self.reporter = reporter or Reporter()
        self._kb = kb
        if kb is not None:
            kb.listen(self._notice)  # one the front end made (and may share): hear what it says from now on
        self.history = history
        self.prepend_path = tuple(prepend_path)
        self._local = threading.local()
        self._memory: Memory | None = None
        self.skips = read_skips(environ or {})
        self.offline = offline
        self._skips_checked = False
        self._interpreter: Interpreter | None = None
        self._last_run: RunResult | None = None
        self._proposals: dict[str, Proposal] = {}  # oldest first
        self._bases: dict[str, dict[str, StageResult]] = {}  # a base commit's stage results, by name

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base, made when first needed (a run with neither cache nor history never needs it)."""
        if self._kb is None:
            from healer.kb.database import KnowledgeBase

            self._kb = KnowledgeBase(notify=self._notice)
        return self._kb

    # -- notices ---------------------------------------------------------------------------

    def _notice(self, text: str) -> None:
        # Always straight to the front end; said while a check runs on this thread, it is also kept with that
        # run, so the run's own documents (`--json`) carry it.
        self.reporter.notice(text)
        kept: list[str] | None = getattr(self._local, "notices", None)
        if kept is not None:
            kept.append(text)

    # -- the repository's memory -------------------------------------------------------------

    @property
    def memory(self) -> Memory:
        """Where runs, fixes and decisions are recorded; records nothing with `history = false` or --no-history."""
        if self._memory is None:
            from healer.kb.memory import Memory, NoMemory

            kind = Memory if self.history and self.workspace.config.history else NoMemory
            self._memory = kind(self.kb, str(self.workspace.root), self.via)
        return self._memory

    def reload(self, accept: Callable[[Workspace], object] | None = None) -> bool:
        """Read the configuration again (watch mode, after an edit): True if it changed and is now in use.

        A broken configuration raises its ConfigError, as does `accept` (given the fresh workspace) to refuse
        it; either way the configuration in use stays as it was.
        """
        fresh = open_workspace(self.workspace.root)
        if accept is not None:
            accept(fresh)
        if fresh.config == self.workspace.config:
            return False
        self.workspace = fresh
        self._memory = None
        self._interpreter = None  # `link` may name another virtualenv now
        return True

    # -- checking --------------------------------------------------------------------------------

    def check(
        self,
        snapshot: Snapshot | None = None,
        *,
        stages: Sequence[str] = (),
        jobs: int | None = None,
        cache: CacheMode = "use",
        trigger: str = "run",
        cancel: threading.Event | None = None,
        reporter: Reporter | None = None,
        record: Recording = "always",
    ) -> RunResult:
        """Run the pipeline on a snapshot (the working tree in place when None) and record the run.

        `cache`: "use" reads and writes the result cache, "refresh" only writes it, "off" neither; the run is
        recorded either way unless history is off, or `record` says "finished" (an interrupted run is not
        recorded) or "never". A snapshot in which nothing changed skips every stage and opens no knowledge
        base at all: the hook's most frequent case stays fast.
        """
        reporter = reporter or self.reporter
        workspace = self.workspace
        options = self._run_options(jobs=jobs, cache=cache, cancel=cancel)
        untouched = snapshot is not None and snapshot.touched is not None and not snapshot.touched
        remember = record != "never" and self.history and workspace.config.history
        kept: list[str] = []
        self._local.notices = kept
        try:
            self._check_skips()
            if snapshot is not None and workspace.config.projects:
                options = self._changed_projects_only(snapshot, options)
            if trigger in ("pre-commit", "pre-push"):
                options = self._this_hooks_stages(trigger, options)
            if untouched or (cache == "off" and not remember):
                run = self._run(snapshot, stages, options, reporter, None)
                self._last_run = run._replace(notices=tuple(kept)) if kept else run
                return self._last_run
            with self.kb.connection() as store:
                from healer.kb.results import GuardedResults

                results = None if cache == "off" or store is None else GuardedResults(store, self.kb)
                run = self._run(snapshot, stages, options, reporter, results)
                if store is not None and remember and (record == "always" or not run.interrupted):
                    from healer.pipeline.record import run_record

                    kind, tree = ("worktree", None) if snapshot is None else (snapshot.kind, snapshot.tree)
                    record_id = self.memory.record_run(
                        run_record(run, repo=str(workspace.root), trigger=trigger, snapshot=kind, tree=tree)
                    )
                    run = run._replace(record_id=record_id)
        finally:
            self._local.notices = None
        self._last_run = run._replace(notices=tuple(kept)) if kept else run
        return self._last_run

    def baseline(
        self,
        run: RunResult,
        base: str | None = None,
        *,
        known: KnownBase | None = None,
        head: str = "HEAD",
        jobs: int | None = None,
        cache: CacheMode = "use",
    ) -> NewFindings:
        """`run`'s failing stages compared with the same stages on the base: which findings are new (they block
        with `block = "new"`) and which the base has too. The base: `base` (--base), else the merge-base of `head`
        with `base` in [tool.healer], else `known` (what the remote has of a pushed ref, a pull request's base),
        else the merge-base with the upstream branch; none found: every finding blocks, and `reason` says why.

        The base's results come from the result cache when it has them, else the base is checked once in the
        shadow tree (not recorded as a run); this core keeps them for its later comparisons (a push's commits).
        """
        from healer.pipeline.baseline import compare, everything_new, failing_stages, find_base
        from healer.snapshot.snapshot import commit_snapshot

        config = self.workspace.config
        root = self.workspace.root
        found = find_base(
            root, explicit=base, configured=config.blocking.base, source=config.source, known=known, head=head
        )
        if found.sha is None:
            return everything_new(run, found)
        kept = self._bases.setdefault(found.sha, {})
        missing = [name for name in failing_stages(run) if name not in kept]
        source: Literal["cache", "checked"] = "cache"
        if missing:
            snapshot = commit_snapshot(root, found.sha, None, f"the base {found.sha[:9]}")
            last = self._last_run  # the base's check is no run of the user's (MCP's list_diagnostics reads it)
            try:
                checked = self.check(snapshot, stages=missing, jobs=jobs, cache=cache, trigger="baseline",
                                     reporter=_NoticesOnly(self.reporter), record="never")  # fmt: skip
            except HealerError as error:
                return everything_new(run, found._replace(reason=f"the base {found.sha[:9]} could not be checked: "
                                                                 f"{error}"))  # fmt: skip
            finally:
                self._last_run = last
            if checked.interrupted:
                return everything_new(run, found._replace(reason="the base's check was interrupted"))
            ran = [stage for stage in checked.stages if stage.status != "skipped"]
            source = "cache" if all(stage.cached for stage in ran) else "checked"
            kept.update({stage.name: stage for stage in checked.stages})
        return compare(run, kept, found, source)

    def last_run(self) -> RunResult | None:
        """The run of the last check this core made (its `diagnostics`: what failed), or None before the first."""
        return self._last_run

    def left_out(self) -> dict[str, str]:
        """The configured stages SKIP and HEALER_SKIP leave out, each with the variable that names it."""
        return left_out(self.skips, self.workspace.config.stages)

    def _changed_projects_only(self, snapshot: Snapshot, options: RunOptions) -> RunOptions:
        """A monorepo's projects in whose folder the snapshot changes nothing are left out, one line each (the
        hooks' choice: healer.config.workspaces.leave_out); what SKIP names keeps its own reason."""
        from healer.config.workspaces import leave_out

        skip, lines = leave_out(self.workspace.config, snapshot.touched)
        for line in lines:
            self._notice(line)
        return options._replace(skip={**skip, **(options.skip or {})}) if skip else options

    def _this_hooks_stages(self, hook: str, options: RunOptions) -> RunOptions:
        """The git hook `hook` leaves out the stages limited to the other one (`hooks = ["pre-push"]`)."""
        other = {
            stage.name: f"runs in the {' and '.join(stage.hooks)} hook only"
            for stage in self.workspace.config.stages
            if stage.hooks and hook not in stage.hooks
        }
        return options._replace(skip={**other, **(options.skip or {})}) if other else options

    def _check_skips(self) -> None:
        # Once per process, with the first check: watch mode and a push's several commits would repeat it.
        if self._skips_checked:
            return
        self._skips_checked = True
        warning = unknown_names_warning(self.skips, self.workspace.config.stages)
        if warning is not None:
            self._notice(warning)

    def _run(
        self,
        snapshot: Snapshot | None,
        stages: Sequence[str],
        options: RunOptions,
        reporter: Reporter,
        results: ResultCache | None,
    ) -> RunResult:
        if snapshot is None:
            # The working tree, in place: no snapshot machinery (a plain `healer run` starts faster without).
            from healer.pipeline.runner import run_pipeline

            root = self.workspace.root
            return run_pipeline(self.workspace.config, root, names=stages, options=options, store=results,
                                sink=reporter.event)  # fmt: skip
        from healer.pipeline.check import check_snapshot

        return check_snapshot(self.workspace, snapshot, sink=reporter.event, store=results, options=options,
                              names=stages)  # fmt: skip

    def preview(
        self,
        stages: Sequence[Stage],
        *,
        jobs: int | None = None,
        cache: CacheMode = "use",
        cancel: threading.Event | None = None,
        reporter: Reporter | None = None,
    ) -> RunResult:
        """Run stages the configuration does not hold (watch mode's affected tests) on the working tree, in
        place, as `check` runs the configured ones; a preview is not recorded."""
        from healer.config.settings import Config
        from healer.pipeline.runner import run_pipeline

        options = self._run_options(jobs=jobs, cache=cache, cancel=cancel)
        with self.kb.results() if cache != "off" else nullcontext(None) as results:
            return run_pipeline(
                Config(stages=tuple(stages), source="preview"), self.workspace.root, options=options,
                store=results, sink=(reporter or self.reporter).event,
            )  # fmt: skip

    def cached(self, stages: Sequence[Stage]) -> set[str]:
        """Of `stages` (configured ones), those whose result for the working tree as it is now is cached."""
        from healer.pipeline.runner import cache_key, stage_environment
        from healer.snapshot.worktree import read_worktree

        root = self.workspace.root
        options = self._run_options()
        found: set[str] = set()
        with self.kb.results() as results:
            wanted = [stage for stage in stages if stage.cache]
            if results is None or not wanted:
                return found
            tree = read_worktree(root)
            for stage in wanted:
                env, cwd = stage_environment(stage, root, options)
                try:
                    if results.cached_result(cache_key(stage, tree, env, cwd, results)) is not None:
                        found.add(stage.name)
                except HealerError:
                    continue  # its tool cannot be identified just now: not known to be cached
        return found

    def _run_options(
        self, *, jobs: int | None = None, cache: CacheMode = "use", cancel: threading.Event | None = None
    ) -> RunOptions:
        # The runner loads with the first check, not with the core (the terminal UI draws before it checks).
        from healer.pipeline.runner import RunOptions

        return RunOptions(
            jobs=jobs,
            use_cache=cache == "use",
            log_dir=self.workspace.state_dir / "logs",
            prepend_path=self.prepend_path,
            cancel=cancel,
            skip=self.left_out(),
            env=self.interpreter.environ,
            remote=not self.offline,
        )

    @property
    def interpreter(self) -> Interpreter:
        """The project's Python and the environment stages start from (healer.pipeline.interpreter), found
        once; a hook says which Python when it is not the one its environment gave."""
        if self._interpreter is None:
            from healer.pipeline.interpreter import project_interpreter

            found = project_interpreter(self.workspace.root, self.workspace.config.links)
            self._interpreter = found
            if self.via == "hook" and found.differs:
                self._notice(found.describe())
        return self._interpreter

    # -- fixing -------------------------------------------------------------------------------------

    def offline_reason(self, *, flag: bool = False, hook: bool = False) -> str | None:
        """Why no model may be asked (--offline, HEALER_OFFLINE, none configured, a hook), or None."""
        from healer.llm.offline import offline_reason

        return offline_reason(self.workspace.config, flag=flag, hook=hook)

    def fixers(
        self,
        names: Collection[str] | None = None,
        *,
        offline: str | None,
        model_extra: dict[str, object] | None = None,
        workflow: str | None = None,
        agents_offline: str | None = None,
    ) -> list[Fixer]:
        """The fixers asked for (all by default), in the order they are tried; those that ask a model only
        when `offline` is None. `workflow` names the agent or workflow asked for: then it runs instead of the
        model (which it may include), unless `agents_offline` says why nothing may reach the network."""
        import importlib
        from dataclasses import replace

        from healer.fixers import KINDS
        from healer.fixers.protocol import MakeFixer, Setup

        wanted = list(KINDS) if names is None else list(names)
        unknown = sorted(set(wanted) - set(KINDS))
        if unknown:
            raise HealerError(f"no fixer named {unknown[0]!r}; the fixers are {', '.join(KINDS)}")
        setup = Setup(self.workspace.root, self.workspace.config, self.kb, offline, dict(model_extra or {}), workflow)
        if workflow is not None:
            self.check_workflow(workflow, agents_offline)
        found: list[Fixer] = []
        for name, kind in KINDS.items():
            blocked = agents_offline if name == "agent" else offline
            if name not in wanted or (kind.asks_model and blocked is not None):
                continue
            if name == "model" and workflow is not None:
                continue  # the workflow asks the model itself if it names it
            if name == "agent" and workflow is None:
                continue  # agents run only when asked for: not even their modules are loaded otherwise
            make: MakeFixer = importlib.import_module(kind.module).fixer_for
            fixer = make(setup if name != "agent" else replace(setup, offline=None))
            if fixer is not None and kind.asks_model:
                self._require_sandbox(name)
            if fixer is not None:
                found.append(fixer)
        return found

    def check_workflow(self, name: str, offline: str | None) -> None:
        """One line when the agent or workflow `name` cannot run: not configured, or the command is offline."""
        from healer.fixers.agent import workflow_named

        workflow_named(self.workspace.config, name)
        if offline is not None:
            raise HealerError(f"agents reach the network, and this command is offline ({offline}): {name} not run")

    def _require_sandbox(self, fixer: str) -> None:
        """With `sandbox.mode = "required"`, a fixer whose patches are untrusted is not even asked when no OS
        sandbox works here: nothing it proposed could be verified (and asking a model costs money)."""
        settings = self.workspace.config.sandbox
        if settings.mode != "required":
            return
        from healer.pipeline.jail import choose

        problem = choose(settings, self.interpreter.environ).problem
        if problem is not None:
            raise HealerError(
                f'sandbox.mode = "required" in {self.workspace.config.source}, and {problem}: the {fixer} '
                "fixer is not asked, since none of its patches could be verified"
            )

    def propose(
        self,
        run: RunResult,
        *,
        tree: str | None = None,
        fixers: Sequence[Fixer] | None = None,
        only: Collection[str] | None = None,
        jobs: int | None = None,
        cache: CacheMode = "use",
        cancel: threading.Event | None = None,
        reporter: Reporter | None = None,
        number: int = 1,
    ) -> Round:
        """Candidate fixes for `run`'s failures (only the fingerprints in `only`, when given), each admitted
        and verified in an isolated copy, and recorded. Nothing the user owns is touched.

        `tree`: the git tree the run checked (the staged content, a pushed commit): the fixers then read a
        copy of it. Without it, the run is of the working tree as it is now. `fixers`: by default the rules
        and past fixes (see `fixers()` for the model).
        """
        from healer.fixing.propose import find_fixes
        from healer.verify.sandbox import Sandboxes, worktree_tree

        workspace = self.workspace
        config = workspace.config
        chosen = self.fixers(("rules", "replay"), offline="not asked") if fixers is None else list(fixers)
        reporter = reporter or self.reporter
        size = max(1, jobs or config.jobs or os.cpu_count() or 1)
        in_copy = tree is not None
        tree = tree if tree is not None else worktree_tree(workspace.root, workspace.state_dir)
        # With a copy holding the content the fixers read, one more than the verifiers use.
        sandboxes = Sandboxes(workspace.root, workspace.state_dir, tree, config.links, size=size + in_copy)
        options = self._run_options(jobs=1, cache=cache, cancel=cancel)
        results = self.kb.results if cache != "off" else (lambda: nullcontext(None))

        def find(content: Path) -> Round:
            return find_fixes(
                run, chosen, config=config, root=workspace.root, tree=tree, content=content,
                sandboxes=sandboxes, memory=self.memory, results=results, options=options, jobs=size,
                progress=reporter.progress, number=number, only=only,
            )  # fmt: skip

        if in_copy:
            with sandboxes.copy() as content:
                found = find(content)
        else:
            found = find(workspace.root)
        self._remember(found)
        self._keep(found, tree if in_copy else None)
        return found

    def _remember(self, found: Round) -> None:
        """The round's candidates with their verdicts, and the flaky tests it found, for history and replay."""
        memory = self.memory
        memory.record_patches(found.run.record_id, [candidate.record(found.run) for candidate in found.candidates])
        for note in found.notes:
            if note.report.kind == "flaky":
                memory.record_flaky(note.stage, note.report.message.split(" ", 1)[0], note.report.message)

    def _keep(self, found: Round, tree: str | None) -> None:
        for candidate in found.candidates:
            self._proposals.pop(candidate.id, None)
            self._proposals[candidate.id] = Proposal(candidate, found.run, tree)
        while len(self._proposals) > KEPT_PROPOSALS:
            del self._proposals[next(iter(self._proposals))]

    def proposed(self, fix_id: str) -> Proposal:
        """A candidate this core proposed (among its newest), by id or a unique start of it; HealerError when
        there is none or more than one."""
        prefix = fix_id.strip().lower()
        matches = [proposal for id, proposal in self._proposals.items() if prefix and id.startswith(prefix)]
        if not matches:
            raise HealerError(f"no proposed fix with id {fix_id!r}; propose fixes first, which lists their ids")
        if len(matches) > 1:
            ids = ", ".join(sorted(proposal.candidate.id for proposal in matches))
            raise HealerError(f"fix id {fix_id!r} is ambiguous: it matches {ids}")
        return matches[0]

    def suggest(
        self,
        snapshot: Snapshot | None = None,
        *,
        stages: Sequence[str] = (),
        offline: str | None,
        jobs: int | None = None,
        cache: CacheMode = "use",
        reporter: Reporter | None = None,
        trigger: str = "fix",
        only: Collection[str] | None = None,
    ) -> FixReport:
        """What `healer fix` without --apply finds, for the working tree or a snapshot (the staged content): one
        check and, when it fails, candidates for its failures, verified in copies and recorded, and kept for
        `proposed` and `apply_proposed`. Nothing is applied. `offline`: why no model may be asked, or None."""
        from healer.fixers.protocol import Metered
        from healer.fixing.report import FixReport

        began = time.monotonic()
        run = self.check(snapshot, stages=stages, jobs=jobs, cache=cache, trigger=trigger, reporter=reporter)
        if run.interrupted or run.outcome == "passed":
            return FixReport([], run, time.monotonic() - began, offline)
        fixers = self.fixers(offline=offline)
        tree = None if snapshot is None else snapshot.tree
        found = self.propose(run, tree=tree, fixers=fixers, jobs=jobs, cache=cache, reporter=reporter, only=only)
        usage = next((fixer.usage for fixer in fixers if isinstance(fixer, Metered)), None)
        return FixReport([found], run, time.monotonic() - began, offline, model_usage=usage)

    def apply_proposed(self, fix_id: str, *, weakening: bool = False) -> AppliedRecord:
        """Apply a candidate this core proposed (`proposed`), through `apply`: only one that passed verification
        (with `weakening`, also one that passes only by changing the checks), only to files still as it found
        them. One proposed for the staged content goes to the working tree and the index, as the hook's do."""
        from healer.patch.apply import ApplyRefused

        candidate, run, tree = self.proposed(fix_id)
        if not (candidate.verified or (weakening and candidate.changes_checks)):
            why = f" ({candidate.detail.splitlines()[0]})" if candidate.detail else ""
            raise ApplyRefused(f"fix {candidate.id} is {candidate.status}{why}: only a verified fix is applied")
        return self.apply(candidate.patch, stage=tree is not None, run=run)

    def apply(
        self,
        patch: Patch,
        *,
        stage: bool = False,
        original: Candidate | None = None,
        run: RunResult | None = None,
    ) -> AppliedRecord:
        """Write `patch` to the user's files: only if each is exactly as the patch found it, journaled, atomic,
        undoable (ApplyRefused otherwise, nothing written); with `stage`, also into git's index.

        `original`: the candidate a reviewer changed (kept some hunks, edited it) into `patch`; the new patch is
        recorded as not verified as such, accepted, and the original as edited. `run`: what it was made for.
        """
        from healer.patch.apply import apply_patch

        workspace = self.workspace
        record = apply_patch(workspace.root, workspace.state_dir, patch, stage=stage, settings=workspace.config.fix)
        if original is None or original.id == patch.id:
            self.memory.record_decisions([patch.id], "accepted")
            return record
        from healer.fixers.candidate import Candidate

        base = run if run is not None else RunResult((), 0.0, str(workspace.root))
        made = Candidate(patch, note=f"made in review from fix {original.id}; not verified as applied")
        self.memory.record_patches(base.record_id, [made.record(base)])
        self.memory.record_decisions([patch.id], "accepted")
        self.memory.record_decisions([original.id], "edited")
        return record

    def reject(self, candidate: Candidate) -> None:
        self.memory.record_decisions([candidate.id], "rejected")

    def undo(self, fix_id: str | None = None, *, force: bool = False) -> UndoneRecord:
        """Restore the files of an applied fix (the most recent one without `fix_id`), byte for byte; a file
        whose mode changed since is a later edit, and refuses the undo unless `force`.

        Works with a broken configuration (the fix may be what broke it): the decision is recorded only if the
        configuration can be read once the files are restored.
        """
        from healer.patch.undo import undo

        record = undo(self.workspace.root, self.workspace.state_dir, fix_id, force=force)
        try:
            memory = self.memory
        except HealerError:
            return record
        # An undone fix counts against its origin (the false-fix rate) and is never replayed again.
        memory.record_decisions([record.id], "undone")
        return record

    def fix(self, options: FixOptions, *, reporter: Reporter | None = None) -> FixReport:
        """The fix loop (`healer fix`, the demo): check, propose, verify, apply when asked, check again."""
        from healer.fixing.loop import fix_loop

        return fix_loop(self, options, reporter or self.reporter)

    def fix_staged(
        self,
        snapshot: Snapshot,
        run: RunResult,
        *,
        reporter: Reporter | None = None,
        findings: NewFindings | None = None,
    ) -> StagedFixes:
        """The pre-commit hook's policy for a blocked commit: verified fixes for the staged content and, with
        `hook_apply = "safe"`, the safe ones applied to clean files and to the index. With `findings` (block =
        "new"), only the new findings are fixed, and the recheck passes when nothing new is left."""
        from healer.fixing.staged import fix_staged

        return fix_staged(self, snapshot, run, reporter or self.reporter, findings)

    def recheck_staged(self, outcome: StagedFixes, *, reporter: Reporter | None = None) -> StagedFixes:
        """The staged content checked again with the fixes `fix_staged` applied: `passed` lets the commit go on."""
        from healer.fixing.staged import recheck

        return recheck(self, outcome, reporter or self.reporter)

    # -- what the knowledge base remembers ------------------------------------------------------------

    def secrets(
        self,
        *,
        stages: Sequence[str] = (),
        failure: str | None = None,
        cache: CacheMode = "use",
        reporter: Reporter | None = None,
    ) -> ExposureReport:
        """What redaction would take out of the context a model is shown for the current failures (those of
        `stages`, or one `failure`: a fingerprint, a file, `file:line`), found by a check that is not recorded.
        No model is asked and nothing is sent: a user's look before enabling a hosted model."""
        from healer.fixers.llm import MODEL_GROUPS_PER_ROUND
        from healer.llm.exposure import exposure_report
        from healer.llm.redaction import DEFAULT_DENY

        run = self.check(stages=stages, cache=cache, reporter=reporter, record="never")

        def past(fingerprints: Sequence[str]) -> list[str]:
            return [fix.diff for fix in self.memory.accepted_fixes(fingerprints, limit=3)]

        deny = (*DEFAULT_DENY, *self.workspace.config.llm.deny)
        return exposure_report(
            run, self.workspace.root, deny=deny, past=past, limit=MODEL_GROUPS_PER_ROUND, stages=stages,
            failure=failure,
        )  # fmt: skip

    def failure_history(self, fingerprint: str) -> FailureHistory | None:
        """Every repository's memory of one failure; None when the knowledge base cannot be read."""
        from healer.kb.history import fingerprint_history

        with self.kb.connection() as store, self.kb.guard("a look at a failure's history"):
            return None if store is None else fingerprint_history(store, fingerprint)
        return None

    def activity(self, *, all_repos: bool = False, limit: int = 20) -> RecentActivity | None:
        """Recent runs and fixes, and the statistics, of this repository (or every one)."""
        from healer.kb.history import recent_activity

        repo = None if all_repos else str(self.workspace.root)
        with self.kb.connection() as store, self.kb.guard("a look at the history"):
            return None if store is None else recent_activity(store, repo, limit)
        return None
