"""`healer hook pre-commit|pre-push`: what the installed git hooks run.

Reads what git gives the hook (the refs a push sends, on standard input),
has the core check each snapshot and, when a commit is blocked, apply the
hook's fix policy, and says what happened: stage results on standard output,
the hook's own account on standard error.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from healer.commands.display import CliReporter, display_for
from healer.commands.run import emit
from healer.errors import HealerError
from healer.interrupt import terminated_as_interrupt
from healer.pipeline.result import RunResult
from healer.pipeline.skip import skips_every_stage
from healer.service import Healer
from healer.snapshot.snapshot import Snapshot
from healer.workspace import NoStages, Workspace, open_workspace

if TYPE_CHECKING:
    import argparse

    from healer.fixers.candidate import Candidate
    from healer.fixing.staged import StagedFixes
    from healer.hooks.pre_push import PushedRef
    from healer.pipeline.baseline import KnownBase, NewFindings

Group = tuple[tuple[Snapshot, ...], "KnownBase | None", str]
"""Snapshots checked in order (the later ones are left once one fails), the base the context names (what the
remote has of the pushed ref), and the commit a configured base's merge-base is taken with."""

SKIP_HINT = "skip once with `git {verb} --no-verify` or HEALER_SKIP=1 (SKIP={stages} skips only the failing stages)"


def _snapshots(workspace: Workspace, args: argparse.Namespace) -> list[Group]:
    """What to check, in groups: a group's later snapshots are left unchecked once one of them fails."""
    if args.name == "pre-commit":
        from healer.snapshot.snapshot import index_snapshot

        staged = index_snapshot(workspace.root, workspace.state_dir)
        # Git passes a pre-commit hook nothing; the pre-commit framework passes the files it was asked about
        # (all of them for `pre-commit run --all-files`, as in CI, where nothing is staged): those count too.
        named = frozenset(path.replace(os.sep, "/") for path in args.args)
        if named and staged.touched is not None:
            staged = staged._replace(touched=staged.touched | named)
        return [((staged,), None, "HEAD")]
    from healer.hooks.pre_push import parse_refs, push_snapshots, refs_from_framework

    # git gives the refs on standard input; a person running this by hand has a terminal there.
    text = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
    refs = parse_refs(text) or refs_from_framework(workspace.root, os.environ)
    if not refs:
        raise HealerError(
            "pre-push: no refs to check; git passes them on standard input as '<ref> <sha> <ref> <sha>' lines"
        )
    if all(ref.deletes for ref in refs):
        print("healer: pre-push: nothing to check (only deletions)", file=sys.stderr)
        return []
    remote = args.args[0] if args.args else os.environ.get("PRE_COMMIT_REMOTE_NAME")
    policy = workspace.config.pre_push
    groups: list[Group] = []
    sent = [ref for ref in refs if not ref.deletes]  # push_snapshots gives one PushedCommits for each, in order
    for ref, pushed in zip(sent, push_snapshots(workspace.root, refs, remote, policy), strict=True):
        if pushed.new > 1 and not args.json:
            each = 'the newest (pre_push = "tips")' if policy == "tips" else "each one"
            print(f"healer: {pushed.ref} brings {pushed.new} commits the remote does not have; checking {each}")
        if pushed.snapshots:
            known = _remote_base(workspace, ref, remote) if workspace.config.blocking.block == "new" else None
            groups.append((pushed.snapshots, known, ref.local_sha))
    if not groups:
        print("healer: pre-push: nothing new to check (the remote has every pushed commit)", file=sys.stderr)
    return groups


def _remote_base(workspace: Workspace, ref: PushedRef, remote: str | None) -> KnownBase:
    """block = "new": what the remote has of the pushed ref is the base its commits' findings are compared with."""
    from healer.hooks.pre_push import base_for, new_commits
    from healer.pipeline.baseline import KnownBase

    root = workspace.root
    sha = base_for(root, ref, remote, new_commits(root, ref, remote))
    return KnownBase(sha, f"what {remote or 'the remote'} has of {ref.name}")


def _blocking(run: RunResult, findings: NewFindings | None) -> list[str]:
    """The stages that stop the commit or push: those that fail, or (block = "new") fail with something new."""
    if findings is not None and findings.compared:
        return [stage.stage for stage in findings.stages if stage.blocking]
    return [stage.name for stage in run.stages if stage.status in ("failed", "error", "cancelled")]


def _verdict(name: str, failed: list[tuple[Snapshot, RunResult, NewFindings | None]]) -> str:
    verb = "commit" if name == "pre-commit" else "push"
    parts = []
    names: dict[str, None] = {}
    for snapshot, run, findings in failed:
        bad = _blocking(run, findings)
        names.update(dict.fromkeys(bad))
        parts.append(f"{snapshot.label} fail{'s' if snapshot.kind != 'index' else ''} {', '.join(bad)}")
    hint = SKIP_HINT.format(verb=verb, stages=",".join(names))
    new = " with new findings" if any(findings is not None and findings.compared for *_, findings in failed) else ""
    return f"healer: {verb} blocked: {'; '.join(parts)}{new}. Fix and try again, or {hint}."


def execute(args: argparse.Namespace) -> int:
    if args.name == "agent-stop":
        from healer.commands.agent_stop import execute as agent_stop  # a coding agent's hook, not git's

        return agent_stop(args)
    if skips_every_stage(os.environ):
        print(f"healer: {args.name} checks skipped (HEALER_SKIP=1)", file=sys.stderr)
        return 0
    try:
        workspace = open_workspace()
    except NoStages as error:
        # Nothing configured or detected is no reason to stop someone's commit.
        print(f"healer: {error}", file=sys.stderr)
        return 0
    groups = _snapshots(workspace, args)
    if not groups:
        return 0
    new_only = workspace.config.blocking.block == "new"
    display = None if args.json else display_for(sys.stdout)
    held = None
    if new_only and display is not None:
        from healer.render.report import HeldReport  # the report waits for the base: new findings, others counted

        display = held = HeldReport(display)
    healer = Healer(workspace, via="hook", reporter=CliReporter(display), environ=os.environ)
    failed: list[tuple[Snapshot, RunResult, NewFindings | None]] = []
    with terminated_as_interrupt():
        for snapshots, known, head in groups:
            for snapshot in snapshots:
                if not args.json:
                    print(f"healer: checking {snapshot.label}", flush=True)
                run = healer.check(snapshot, trigger=args.name)
                findings = None
                if new_only and run.outcome == "failed":
                    findings = healer.baseline(run, known=known, head=head)
                if held is not None:
                    held.release(findings)
                emit(run, as_json=args.json, findings=findings)
                if run.interrupted:
                    return 130
                if run.outcome == "failed" and (findings is None or findings.exit_code(run) != 0):
                    failed.append((snapshot, run, findings))
                    break  # the ref is blocked: its later commits would not change that
        if not failed:
            return 0
        if args.name == "pre-commit" and not args.json:
            snapshot, run, findings = failed[0]
            if snapshot.tree is not None:
                from healer.llm.offline import UNAVAILABLE

                # The hook's own account goes to standard error, beside git's.
                reason = healer.offline_reason(hook=True)
                sources = "rules" if reason else "rules and the model"
                if reason is not None and reason.startswith(UNAVAILABLE):
                    sources += f"; the model fixer is {reason}"
                print(f"healer: looking for fixes ({sources}, verified in an isolated copy)...", file=sys.stderr)
                outcome = healer.fix_staged(snapshot, run, findings=findings)
                for line in describe(outcome):
                    print(line, file=sys.stderr)
                if outcome.applied:
                    print(f"healer: checking {snapshot.label} with the fixes", flush=True)
                    rechecked = healer.recheck_staged(outcome)
                    if held is not None:
                        held.release(rechecked.recheck_findings)
                    if rechecked.passed:
                        return 0
    print(_verdict(args.name, failed), file=sys.stderr)
    return 1


def _changing_checks(candidates: list[Candidate]) -> list[str]:
    """The fixes that pass only by changing the checks: shown with what they change, never applied here."""
    if not candidates:
        return []
    from healer.fixers.candidate import CHANGES_CHECKS  # loaded by the fixing that found them

    count = len(candidates)
    lines = [f"healer: {count} fix{'es' * (count != 1)} {CHANGES_CHECKS} (never applied by the hook):"]
    for candidate in candidates:
        patch = candidate.patch
        lines.append(f"  {patch.id}  {patch.title}  [{', '.join(patch.flags)}; {', '.join(patch.paths)}]")
        lines += [f"    ! {weakening.what}" for weakening in candidate.weakening]
    return lines


def describe(outcome: StagedFixes) -> list[str]:
    """The hook's account of the fixes it found for a blocked commit, and of those it applied."""
    verified = outcome.verified
    changing = outcome.found.changing_checks
    if not verified:
        return [
            *_changing_checks(changing),
            "healer: no verified fix available; `healer fix --all` shows what was tried",
        ]
    lines = [f"healer: {len(verified)} verified fix{'es' * (len(verified) != 1)} available:"]
    for candidate in verified:
        patch = candidate.patch
        flags = f", {', '.join(patch.flags)}" if patch.flags else ""
        lines.append(f"  {patch.id}  {patch.title}  [{patch.safety}{flags}; {', '.join(patch.paths)}]")
    lines += _changing_checks(changing)
    review = "review them with `healer tui` or `healer fix`"
    if not outcome.applying and outcome.safe:
        lines.append(
            f"healer: {review}, apply the safe ones with `healer fix --apply safe` "
            '(or let this hook apply them: hook_apply = "safe" in [tool.healer.fix])'
        )
    elif not outcome.applying:
        lines.append(f"healer: {review}; none is a safe rule's with nothing to read first (`--apply all` applies them)")
    elif not outcome.safe:
        lines.append(f"healer: none of them is a safe rule's with nothing to read first, so none is applied; {review}")
    if outcome.held is not None:
        lines.append(f"healer: {outcome.held}")
    for attempt in outcome.attempts:
        patch = attempt.candidate.patch
        if attempt.refusal is not None:
            lines.append(f"healer: not applied {patch.id}: {attempt.refusal}")
        else:
            lines.append(
                f"healer: applied {patch.id} ({patch.title}): changed {', '.join(patch.paths)} in the working tree "
                "and the index; `healer undo` takes it back"
            )
    return lines
