"""Checking a snapshot: run the pipeline where the snapshot's content is.

The working tree is checked in place. An index or commit snapshot is checked
in place too when the working tree holds exactly its content; otherwise in the
shadow tree, so the user's files are never touched and never read by mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from healer.pipeline.environment import InCopy
from healer.pipeline.result import RunResult
from healer.pipeline.runner import RunOptions, Sink, run_pipeline
from healer.snapshot.manifest import Manifest
from healer.snapshot.snapshot import Snapshot, manifest_of, matches_worktree

if TYPE_CHECKING:
    from healer.kb.results import ResultCache
    from healer.workspace import Workspace


def check_snapshot(
    workspace: Workspace,
    snapshot: Snapshot,
    *,
    sink: Sink,
    store: ResultCache | None,
    options: RunOptions | None = None,
    names: Sequence[str] | None = None,
) -> RunResult:
    root = workspace.root
    base = (options or RunOptions())._replace(touched=snapshot.touched, log_dir=workspace.state_dir / "logs")
    if snapshot.tree is None or (snapshot.touched is not None and not snapshot.touched):
        # The working tree, or nothing changed (every stage is skipped): no checkout needed.
        here = base._replace(manifest=lambda: manifest_of(snapshot, root, root))
        return run_pipeline(workspace.config, root, names=names, options=here, store=store, sink=sink)
    content = manifest_of(snapshot, root, root)
    if matches_worktree(content, root):
        here = base._replace(manifest=lambda: content)
        return run_pipeline(workspace.config, root, names=names, options=here, store=store, sink=sink)
    from healer.snapshot.shadow import Shadow

    with Shadow(root, workspace.state_dir).checkout(snapshot.tree, workspace.config.links) as shadow:
        there = base._replace(
            manifest=lambda: Manifest(shadow, content.known, set()), copy=InCopy(str(shadow), str(root))
        )
        return run_pipeline(workspace.config, shadow, names=names, options=there, store=store, sink=sink)
