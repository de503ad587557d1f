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

    from healer.fixes.session import Round

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
    # Nothing staged or pushed changes any file: every stage is skipped, there is nothing to look up
    # or worth recording, and the knowledge base (SQLite) stays closed on this most frequent path.
    changes = any(snapshot.touched is None or snapshot.touched for snapshot in snapshots)
    store = open_store(notices) if changes else None
    results: list[tuple[Snapshot, RunResult]] = []
    try:
        with terminated_as_interrupt():
            for snapshot in snapshots:
                if not args.json:
                    print(f"healer: checking {snapshot.label}", flush=True)
                sink = (lambda _event: None) if args.json else display_for(sys.stdout)
                options = RunOptions(notices=tuple(notices))
                run = check_snapshot(workspace, snapshot, sink=sink, store=store, options=options)
                if store is not None:
                    from healer.recording import record_run  # only with a knowledge base to write to

                    record_run(store, workspace, run, trigger=args.name, snapshot=snapshot.kind, tree=snapshot.tree)
                emit(run, as_json=args.json)
                results.append((snapshot, run))
                if run.interrupted:
                    return 130
    finally:
        if store is not None:
            store.close()
    failed = [(snapshot, run) for snapshot, run in results if run.outcome == "failed"]
    if not failed:
        return 0
    if args.name == "pre-commit" and not args.json:
        snapshot, run = failed[0]
        if _offer_fixes(workspace, snapshot, run):
            return 0
    print(_verdict(args.name, failed), file=sys.stderr)
    return 1


def _unstaged_mode_change(workspace: Workspace, paths: tuple[str, ...]) -> str | None:
    """The first path whose executable bit differs between the index and the working tree."""
    from healer.snapshot.git import git

    for path in paths:
        staged = git(["ls-files", "--stage", "--", path], workspace.root, env={"GIT_LITERAL_PATHSPECS": "1"})
        mode = staged.decode().split(" ", 1)[0]
        target = workspace.root / path
        if mode and target.exists() and (mode == "100755") != os.access(target, os.X_OK):
            return path
    return None


def _remember(workspace: Workspace, found: Round) -> None:
    """The candidates, their verdicts and the fixes applied, for history and replay."""
    from healer.recording import record_round

    store = open_store([])
    if store is None:
        return
    with store:
        record_round(store, workspace, None, found, via="hook")


def _offer_fixes(workspace: Workspace, snapshot: Snapshot, run: RunResult) -> bool:
    """List the verified fixes for the staged content; with `hook_apply = "safe"`, apply the safe ones.

    True when fixes were applied (to the working tree and the index) and the
    staged content now passes, so the commit can go on with them.
    """
    from healer.fixes.session import choose, fixes_for_tree
    from healer.patch.apply import ApplyRefused, apply_patch

    if snapshot.tree is None:
        return False
    say = sys.stderr
    client = None
    from healer.llm.setup import offline_reason

    if offline_reason(workspace.config, flag=False, hook=True) is None:
        # Only when the configuration asks for it (llm.hooks): a model makes a commit wait for the network.
        from healer.llm.setup import make_client

        client = make_client(workspace.config, open_store=lambda: open_store([]), repo=str(workspace.root))
    sources = "rules and the model" if client is not None else "rules"
    print(f"healer: looking for fixes ({sources}, verified in an isolated copy)...", file=say, flush=True)
    with terminated_as_interrupt():
        found = fixes_for_tree(
            workspace, run, snapshot.tree, progress=lambda _m: None, open_store=lambda: open_store([]), client=client
        )
    verified = found.verified
    if not verified or workspace.config.fix.hook_apply != "safe":
        _remember(workspace, found)  # what was proposed and how it verified, applied or not
    if not verified:
        print("healer: no verified fix available; `healer fix --all` shows what was tried", file=say)
        return False
    print(f"healer: {len(verified)} verified fix{'es' * (len(verified) != 1)} available:", file=say)
    for patch in verified:
        flags = f", {', '.join(patch.flags)}" if patch.flags else ""
        print(f"  {patch.id}  {patch.title}  [{patch.safety}{flags}; {', '.join(patch.paths)}]", file=say)
    if workspace.config.fix.hook_apply != "safe":
        print(
            "healer: review them with `healer tui` or `healer fix`, apply the safe ones with "
            '`healer fix --apply safe` (or let this hook apply them: hook_apply = "safe" in [tool.healer.fix])',
            file=say,
        )
        return False
    if os.path.basename(os.environ.get("GIT_INDEX_FILE", "")).startswith("next-index-"):
        # `git commit <paths>` / `--only` commit from a temporary index and then rewrite the real one:
        # a fix staged here would be committed but left reverted in the index.
        print(
            "healer: not applying fixes during `git commit <paths>`; run `healer fix --apply safe` and commit again",
            file=say,
        )
        return False
    for patch in choose(found.patches, "safe"):
        unstaged_mode = _unstaged_mode_change(workspace, patch.paths)
        if unstaged_mode is not None:
            print(f"healer: not applied {patch.id}: {unstaged_mode} has an unstaged mode change", file=say)
            continue
        try:
            apply_patch(workspace.root, workspace.state_dir, patch, stage=True, settings=workspace.config.fix)
        except ApplyRefused as error:
            print(f"healer: not applied {patch.id}: {error}", file=say)
            continue
        found.applied.append(patch)
        print(
            f"healer: applied {patch.id} ({patch.title}): changed {', '.join(patch.paths)} "
            "in the working tree and the index; `healer undo` takes it back",
            file=say,
        )
    _remember(workspace, found)
    if not found.applied:
        return False
    from healer.snapshot.snapshot import index_snapshot

    again = index_snapshot(workspace.root, workspace.state_dir)
    print(f"healer: checking {again.label} with the fixes", flush=True)
    store = open_store([])
    try:
        with terminated_as_interrupt():
            rerun = check_snapshot(workspace, again, sink=display_for(sys.stdout), store=store)
    finally:
        if store is not None:
            store.close()
    return rerun.outcome == "passed"
