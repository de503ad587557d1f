"""`healer rules list|show|test`: the fix rules in effect, one in full, and what one makes of a saved log."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from healer.diagnostics.diagnostic import Diagnostic
from healer.errors import HealerError
from healer.patch.diff import unified_diff
from healer.rules.context import ActionResult
from healer.rules.engine import ActionFailed, RuleSet
from healer.rules.load import load_rules
from healer.rules.outcome import Proposal, Report
from healer.rules.rule import Rule
from healer.rules.trial import Trial, find, try_rule
from healer.snapshot.git import GitError, repo_root

if TYPE_CHECKING:
    import argparse


def execute(args: argparse.Namespace) -> int:
    root = _root()
    rules = load_rules(root)
    if args.rules_command == "list":
        _print(list_document(rules, root) if args.json else "\n".join(describe_list(rules)))
        return 0
    rule = find(rules, args.id)
    if args.rules_command == "show":
        _print({"schema": "healer.rule/1", "rule": rule.to_dict()} if args.json else "\n".join(describe(rule)))
        return 0
    tried = try_rule(rule, root, read_log(args.logfile), parser=args.parser, cwd=Path.cwd())
    _print(trial_document(tried, args.logfile) if args.json else "\n".join(describe_trial(tried, args.logfile)))
    return 0 if tried.outcomes else 1


def _root() -> Path:
    """The repository around the current folder, or the folder itself outside one (rules can be tried anywhere)."""
    cwd = Path.cwd()
    try:
        return repo_root(cwd)
    except GitError:
        return cwd


def _print(output: str | dict[str, Any]) -> None:
    print(output if isinstance(output, str) else json.dumps(output, indent=2, ensure_ascii=False, default=str))
    sys.stdout.flush()


def list_document(rules: RuleSet, root: Path) -> dict[str, Any]:
    return {"schema": "healer.rules/1", "root": str(root), "rules": [rule.to_dict() for rule in _sorted(rules)]}


def _sorted(rules: RuleSet) -> list[Rule]:
    return sorted(rules, key=lambda rule: rule.id)


def _origin(rule: Rule) -> str:
    return rule.origin + (f", changed by {', '.join(rule.changed_by)}" if rule.changed_by else "")


def describe_list(rules: RuleSet) -> list[str]:
    if not len(rules):
        return ["no rules: no built-in pack was found and the repository has no .healer/rules/"]
    rows = [("ID", "SAFETY", "CONFIDENCE", "ACTION", "ORIGIN")]
    for rule in _sorted(rules):
        rule_id = rule.id if rule.enabled else f"{rule.id} (disabled)"
        rows.append((rule_id, rule.safety, f"{rule.confidence:.2f}", rule.action, _origin(rule)))
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    lines = ["  ".join(f"{cell:<{width}}" for cell, width in zip(row, widths, strict=True)) for row in rows]
    enabled = sum(rule.enabled for rule in rules)
    lines.append(f"{len(rules)} rules, {enabled} enabled")
    return [line.rstrip() for line in lines]


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def describe(rule: Rule) -> list[str]:
    lines = [rule.id + ("" if rule.enabled else "  (disabled)"), f"  {rule.description}"]
    fields: list[tuple[str, Any]] = [
        ("action", rule.action),
        ("safety", rule.safety),
        ("confidence", f"{rule.confidence:g}"),
        ("enabled", "true" if rule.enabled else "false"),
        ("origin", _origin(rule)),
    ]
    for name, value in fields:
        lines.append(f"  {name:<12}{value}")
    lines.append("  match")
    for key, value in rule.match.to_dict().items():
        lines.append(f"    {key} = {_value(value)}")
    lines.append("  params" + ("" if rule.params else "     (none)"))
    for key, value in rule.params.items():
        lines.append(f"    {key} = {_value(value)}")
    return lines


def read_log(name: str) -> str:
    """The log's text; bytes that are not UTF-8 become U+FFFD rather than an error ('-' reads stdin)."""
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as error:
        raise HealerError(f"cannot read {name}: {error.strerror}") from None
    return data.decode("utf-8", errors="replace")


def trial_document(tried: Trial, logfile: str) -> dict[str, Any]:
    return {
        "schema": "healer.rules-test/1",
        "rule": tried.rule.to_dict(),
        "logfile": logfile,
        "parser": tried.parser,
        "diagnostics": [diagnostic.to_dict() for diagnostic in tried.diagnostics],
        "matches": [
            {"diagnostic": diagnostic.to_dict(), "result": _result_dict(result)}
            for diagnostic, result in tried.outcomes
        ],
    }


def describe_trial(tried: Trial, logfile: str) -> list[str]:
    rule = tried.rule
    source = "standard input" if logfile == "-" else logfile
    total = len(tried.diagnostics)
    count = f"{len(tried.outcomes)} of {total}" if tried.outcomes else f"none of the {total}"
    lines = [f"rule {rule.id} matches {count} diagnostics in {source} (parser: {tried.parser})"]
    if not rule.enabled:
        lines.append("note: the rule is disabled; `healer fix` does not use it")
    if rule.match.stage_kinds:
        kinds = ", ".join(rule.match.stage_kinds)
        lines.append(f"note: stage_kind ({kinds}) is not checked: a log file comes from no stage")
    if not tried.outcomes:
        shown = tried.diagnostics[:20]
        if shown:
            lines.append("found:")
            lines.extend(f"  {_headline(diagnostic)}" for diagnostic in shown)
            if total > len(shown):
                lines.append(f"  ... and {total - len(shown)} more")
        return lines
    for diagnostic, result in tried.outcomes:
        lines.append("")
        lines.append(_headline(diagnostic))
        lines.extend(_describe_result(result))
    return lines


def _headline(diagnostic: Diagnostic) -> str:
    where = diagnostic.location() or "(no file)"
    code = f" {diagnostic.code}" if diagnostic.code else ""
    return f"{where}: {diagnostic.tool}{code}: {diagnostic.message}"


def _describe_result(result: ActionResult | ActionFailed) -> list[str]:
    if isinstance(result, ActionFailed):
        return [f"  error: {result}"]
    if isinstance(result, Proposal):
        return [f"  proposes: {result.title}", *unified_diff(result.edits).splitlines()]
    if isinstance(result, Report):
        where = ":".join(str(part) for part in (result.file, result.line) if part is not None)
        return [f"  reports {result.kind}{f' at {where}' if where else ''}: {result.message}"]
    return ["  nothing to propose"]


def _result_dict(result: ActionResult | ActionFailed) -> dict[str, Any]:
    if isinstance(result, ActionFailed):
        return {"type": "error", "message": str(result)}
    if isinstance(result, Proposal):
        return {
            "type": "proposal",
            "title": result.title,
            "paths": [edit.path for edit in result.edits],
            "diff": unified_diff(result.edits),
        }
    if isinstance(result, Report):
        return {
            "type": "report",
            "kind": result.kind,
            "message": result.message,
            "file": result.file,
            "line": result.line,
        }
    return {"type": "nothing"}
