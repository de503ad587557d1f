"""`healer hook pre-commit|pre-push`: what the installed git hooks run."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from healer.check import check_snapshot
from healer.commands.display import display_for
from healer.commands.run import emit, open_store, terminated_as_interrupt
from healer.errors import HealerError
from healer.pipeline.result import RunResult
from healer.pipeline.runner import RunOptions
from healer.snapshot.snapshot import Snapshot
from healer.workspace import NoStages, Workspace, open_workspace

if TYPE_CHECKING:
    import argparse

SKIP_HINT = "skip once with `git {verb} --no-verify` or HEALER_SKIP=1"


def _snapshots(workspace: Workspace, args: argparse.Namespace) -> list[Snapshot]:
    if args.name == "pre-commit":
        from healer.snapshot.snapshot import index_snapshot

        return [index_snapshot(workspace.root, workspace.state_dir)]
    from healer.hooks.pre_push import parse_refs, push_snapshots, refs_from_framework

    # git gives the refs on standard input; a person running this by hand has a terminal there.
    text = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
    refs = parse_refs(text) or refs_from_framework(workspace.root, os.environ)
    if not refs:
        raise HealerError(
            "pre-push: no refs to check; git passes them on standard input as '<ref> <sha> <ref> <sha>' lines"
        )
    remote = args.args[0] if args.args else os.environ.get("PRE_COMMIT_REMOTE_NAME")
    return push_snapshots(workspace.root, refs, remote)


def _verdict(name: str, failed: list[tuple[Snapshot, RunResult]]) -> str:
    verb = "commit" if name == "pre-commit" else "push"
    parts = []
    for snapshot, run in failed:
        stages = ", ".join(stage.name for stage in run.stages if stage.status in ("failed", "error", "cancelled"))
        parts.append(f"{snapshot.label} fail{'s' if snapshot.kind != 'index' else ''} {stages}")
    return f"healer: {verb} blocked: {'; '.join(parts)}. Fix and try again, or {SKIP_HINT.format(verb=verb)}."


def execute(args: argparse.Namespace) -> int:
    if os.environ.get("HEALER_SKIP") == "1":
        print(f"healer: {args.name} checks skipped (HEALER_SKIP=1)", file=sys.stderr)
        return 0
    try:
        workspace = open_workspace()
    except NoStages as error:
        # Nothing configured or detected is no reason to stop someone's commit.
        print(f"healer: {error}", file=sys.stderr)
        return 0
    snapshots = _snapshots(workspace, args)
    if not snapshots:
        print(f"healer: {args.name}: nothing to check (only deletions)", file=sys.stderr)
        return 0
    notices: list[str] = []
    store = open_store(notices)
    results: list[tuple[Snapshot, RunResult]] = []
    try:
        with terminated_as_interrupt():
            for snapshot in snapshots:
                if not args.json:
                    print(f"healer: checking {snapshot.label}", flush=True)
                sink = (lambda _event: None) if args.json else display_for(sys.stdout)
                options = RunOptions(notices=tuple(notices))
                run = check_snapshot(workspace, snapshot, sink=sink, store=store, options=options)
                emit(run, as_json=args.json)
                results.append((snapshot, run))
                if run.interrupted:
                    return 130
    finally:
        if store is not None:
            store.close()
    failed = [(snapshot, run) for snapshot, run in results if run.outcome == "failed"]
    if failed:
        print(_verdict(args.name, failed), file=sys.stderr)
        return 1
    return 0
