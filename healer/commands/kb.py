"""`healer kb search|export|import|prune`: look into, move and trim the knowledge base."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from healer.commands.history import knowledge_base, this_repo
from healer.errors import HealerError
from healer.kb.history import search as search_kb
from healer.kb.maintenance import import_file, write_export
from healer.kb.maintenance import prune as prune_kb
from healer.render.history import when
from healer.render.rows import plain
from healer.snapshot.git import GitError

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


COMMANDS = {"search": search, "export": export, "import": import_, "prune": prune}


def execute(args: argparse.Namespace) -> int:
    with knowledge_base().required() as store:
        code = COMMANDS[args.kb_command](store, args)
    sys.stdout.flush()
    return code
