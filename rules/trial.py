"""A rule tried on a saved log (`healer rules test`): the diagnostics the log holds, and what the rule's
action makes of each it matches, run against a folder it only reads."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, NamedTuple

from healer.diagnostics.diagnose import diagnose
from healer.diagnostics.diagnostic import Diagnostic
from healer.diagnostics.names import PARSER_NAMES
from healer.diagnostics.parsers import TOOL_NAMES
from healer.errors import HealerError

from .context import ActionContext, ActionResult
from .engine import ActionFailed, RuleSet, run_rule
from .rule import Rule

LOG_STAGE = "log"
"""The stage name diagnostics parsed from a log file carry."""


class Trial(NamedTuple):
    rule: Rule
    parser: str
    diagnostics: list[Diagnostic]
    outcomes: list[tuple[Diagnostic, ActionResult | ActionFailed]]
    """(diagnostic, ActionResult or ActionFailed) for each matched diagnostic, in log order."""


def find(rules: RuleSet, rule_id: str) -> Rule:
    rule = rules.get(rule_id)
    if rule is not None:
        return rule
    close = difflib.get_close_matches(rule_id, rules.ids(), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise HealerError(f"no rule named {rule_id!r}{hint}; `healer rules list` shows every rule")


def parser_for(rule: Rule, chosen: str | None) -> str | None:
    """The parser to read a log with: the one asked for, else the first of the rule's tools healer can parse."""
    if chosen is not None:
        if chosen not in PARSER_NAMES:
            close = difflib.get_close_matches(chosen, PARSER_NAMES, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise HealerError(f"unknown parser {chosen!r}{hint}; one of {', '.join(PARSER_NAMES)}")
        return chosen
    by_tool: dict[str, str] = {}
    for name, tool in TOOL_NAMES.items():
        by_tool.setdefault(tool, name)  # the first parser reporting a tool reads it (traceback before unittest)
    for tool in rule.match.tools:
        if tool in PARSER_NAMES and tool != "auto":
            return tool
        if tool in by_tool:
            return by_tool[tool]
    return None


def try_rule(rule: Rule, root: Path, text: str, *, parser: str | None, cwd: Path) -> Trial:
    """Parse `text` as a failing tool's output and run `rule`'s action on every diagnostic it matches.

    The action reads `root` and never writes to it; no scratch copy is given,
    so actions that need to run a tool report that they cannot.
    """
    chosen = parser_for(rule, parser)
    diagnostics = diagnose(stage=LOG_STAGE, output=text, root=root, cwd=cwd, parser=chosen, argv=(), exit_code=None)
    cache: dict[str, Any] = {}  # one symbol index (say) for all the matches, as in a round of `healer fix`
    outcomes: list[tuple[Diagnostic, ActionResult | ActionFailed]] = []
    for diagnostic in diagnostics:
        if not rule.match.matches(diagnostic, None):
            continue
        context = ActionContext(
            root=root, diagnostic=diagnostic, params=rule.params, output=text, diagnostics=diagnostics, cache=cache
        )
        result: ActionResult | ActionFailed
        try:
            result = run_rule(rule, context)
        except ActionFailed as error:
            result = error
        outcomes.append((diagnostic, result))
    return Trial(rule, chosen or "auto", diagnostics, outcomes)
