"""`healer kb search|export|import|push|pull|prune`: look into, move, share and trim the knowledge base."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from healer.cache.remote_results import MODE_VARIABLE, OFFLINE_VARIABLE, shared_results
from healer.commands.history import knowledge_base, this_repo
from healer.errors import HealerError
from healer.kb.history import search as search_kb
from healer.kb.maintenance import import_file, write_export
from healer.kb.maintenance import prune as prune_kb
from healer.kb.share import PullReport, PushReport, Transport, shared_repo
from healer.kb.share import pull as pull_shared
from healer.kb.share import push as push_shared
from healer.kb.share_cache import CacheShare
from healer.kb.share_git import GitShare, repository_identity
from healer.llm.redaction import redact
from healer.render.history import when
from healer.render.rows import plain
from healer.snapshot.git import GitError, repo_root
from healer.workspace import locate

if TYPE_CHECKING:
    import argparse

    from healer.kb.store import Store

KB_SCHEMA = "healer.kb/1"


def _print_json(document: dict[str, Any]) -> None:
    print(json.dumps({"schema": KB_SCHEMA, **document}, indent=2, ensure_ascii=False))


def search(store: Store, args: argparse.Namespace) -> int:
    found = search_kb(store, args.text, args.limit)
    if args.json:
        _print_json({"command": "search", "query": args.text, **plain(found)})
        return 0
    if not found.diagnostics and not found.patches:
        print(f"nothing matches {args.text!r}")
        return 0
    if found.diagnostics:
        print("diagnostics:")
    for hit in found.diagnostics:
        where = ":".join(str(part) for part in (hit.file, hit.line) if part)
        code = f"{hit.tool}:{hit.code}" if hit.code else hit.tool
        print(f"  {when(hit.time)}  {code}  {where}  {hit.message}")
        print(f"      {hit.repo}")
    if found.patches:
        print("patches:")
    for patch in found.patches:
        state = "accepted" if patch.accepted else patch.status or "proposed"
        print(f"  {when(patch.time)}  {patch.patch_id}  {state:<12}  {patch.title}")
        print(f"      {patch.repo}")
    return 0


def export(store: Store, args: argparse.Namespace) -> int:
    # The knowledge base may be shared ($HEALER_DB): by default only this repository's records leave it.
    repo = _export_repo(args.all_repos)
    if args.file in (None, "-"):
        count = write_export(store, sys.stdout, repo)
    else:
        target = Path(args.file)
        partial = target.with_name(target.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8") as out:
                count = write_export(store, out, repo)
            partial.replace(target)
        except OSError as error:
            raise HealerError(f"cannot write {target}: {error.strerror}") from None
        whose = "every repository" if repo is None else repo
        print(f"exported {count} rows to {target} ({whose})", file=sys.stderr)
    return 0


def _export_repo(all_repos: bool) -> str | None:
    try:
        return this_repo(all_repos)
    except GitError as error:
        raise GitError(f"{error}; `healer kb export --all-repositories` exports every repository's records") from None


def import_(store: Store, args: argparse.Namespace) -> int:
    added = import_file(store, Path(args.file))
    if args.json:
        _print_json({"command": "import", "file": args.file, "added": added})
    else:
        total = sum(added.values())
        detail = ", ".join(f"{count} {table}" for table, count in added.items() if count)
        print(f"imported {total} new rows from {args.file}" + (f" ({detail})" if detail else ""))
    return 0


def prune(store: Store, args: argparse.Namespace) -> int:
    report = prune_kb(store, keep_days=args.keep_days, max_runs=args.max_runs, dry_run=args.dry_run, vacuum=args.vacuum)
    if args.json:
        _print_json({"command": "prune", **report._asdict()})
        return 0
    verb = "would delete" if report.dry_run else "deleted"
    detail = ", ".join(f"{count} {table}" for table, count in report.deleted.items() if count)
    print(f"{verb} {sum(report.deleted.values())} rows" + (f" ({detail})" if detail else ""))
    if not report.dry_run:
        print(f"size: {report.bytes_before / 1e6:.1f} MB before, {report.bytes_after / 1e6:.1f} MB after")
    return 0


# -- push and pull: accepted fixes shared with the team (healer.kb.share) --------------------


def _redact(text: str) -> str:
    # As a model prompt is: what leaves this machine is redacted by the same function.
    return redact(text).text


def _transport(args: argparse.Namespace, root: Path) -> tuple[str, Transport]:
    settings = None if args.via == "git" else locate(root).config.remote_cache
    if args.via == "remote-cache" and settings is None:
        raise HealerError(
            "--via remote-cache, but the configuration has no [tool.healer.remote_cache]; "
            "add one, or share through the repository's remote with --via git"
        )
    if settings is None:
        share = GitShare(root, args.remote)
        share.check()
        return "git", share
    notices: list[str] = []
    shared = shared_results(settings, os.environ, notices.append)
    if shared is None:
        where = f", or {settings.url_env} (its URL) is not set" if settings.url_env else ""
        raise HealerError(
            f"the remote cache is not used here: {OFFLINE_VARIABLE} is set or {MODE_VARIABLE}=off{where}; "
            "--via git shares through the repository's remote instead"
        )
    return "remote-cache", CacheShare(shared.client, repository_identity(root), notices)


def push(store: Store, args: argparse.Namespace) -> int:
    root = repo_root(Path.cwd()).resolve()
    via, transport = _transport(args, root)
    report = push_shared(store, str(root), _redact, transport)
    if args.json:
        _print_json({"command": "push", "via": via, **_push_document(report)})
        return 0
    print("\n".join(_push_lines(report)))
    return 0


def _push_document(report: PushReport) -> dict[str, Any]:
    return {
        "where": report.where,
        "accepted": report.accepted,
        "sent": report.sent,
        "already_shared": report.present,
        "shared_total": report.total,
        "withheld": list(report.withheld),
        "attempts": report.attempts,
    }


def _push_lines(report: PushReport) -> list[str]:
    lines = []
    if not report.accepted:
        lines.append("no accepted fixes in this repository to share")
    elif report.sent:
        fixes = "fix" if report.sent == 1 else "fixes"
        lines.append(f"pushed {report.sent} new {fixes} to {report.where}; {report.total} shared there now")
    elif report.total:
        lines.append(f"nothing new to push to {report.where}: it has this repository's fixes ({report.total} shared)")
    if report.withheld:
        count = len(report.withheld)
        lines.append(
            f"withheld {count} {'fix' if count == 1 else 'fixes'} whose diff holds what looks like a secret: "
            + ", ".join(report.withheld)
        )
    return lines


def pull(store: Store, args: argparse.Namespace) -> int:
    root = repo_root(Path.cwd()).resolve()
    via, transport = _transport(args, root)
    report = pull_shared(store, root, shared_repo(repository_identity(root)), _redact, transport)
    if args.json:
        _print_json({"command": "pull", "via": via, **_pull_document(report)})
        return 0
    print("\n".join(_pull_lines(report)))
    return 0


def _pull_document(report: PullReport) -> dict[str, Any]:
    return {
        "where": report.where,
        "shared": report.shared,
        "entries": report.found,
        "added": list(report.added),
        "already_here": report.present,
        "refused": [{"name": refused.name, "reason": refused.reason} for refused in report.refused],
    }


def _pull_lines(report: PullReport) -> list[str]:
    if not report.shared:
        return [f"nothing shared yet on {report.where}"]
    added = len(report.added)
    lines = [
        f"pulled {added} new {'fix' if added == 1 else 'fixes'} from {report.where}"
        f" ({report.found} {'entry' if report.found == 1 else 'entries'}: {report.present} already here,"
        f" {len(report.refused)} refused)"
    ]
    lines.extend(f"refused {refused.name}: {refused.reason}" for refused in report.refused)
    return lines


COMMANDS = {"search": search, "export": export, "import": import_, "push": push, "pull": pull, "prune": prune}


def execute(args: argparse.Namespace) -> int:
    with knowledge_base().required() as store:
        code = COMMANDS[args.kb_command](store, args)
    sys.stdout.flush()
    return code
