"""The rules in effect, which of them answer a diagnostic, and running one's action without letting it crash healer."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from healer.diagnostics.diagnostic import Diagnostic
from healer.errors import HealerError
from healer.rules.outcome import Proposal, Report

from .actions import resolve
from .context import ActionContext, ActionResult
from .rule import Rule


class ActionFailed(HealerError):
    """A rule's action raised or misbehaved; the caller records it and goes on with the other rules."""

    def __init__(self, rule: Rule, problem: str) -> None:
        self.rule_id = rule.id
        self.problem = problem
        super().__init__(f"rule {rule.id}: action {rule.action} failed: {problem}")


class RuleSet:
    """Every rule in effect (disabled ones included, for listing), in the order the files defined them."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._by_id = {rule.id: rule for rule in self.rules}

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

    def ids(self) -> list[str]:
        return list(self._by_id)

    def matching(self, diagnostic: Diagnostic, stage_kind: str | None) -> list[Rule]:
        """The enabled rules whose match holds for `diagnostic`, most confident first (then by id)."""
        found = [rule for rule in self.rules if rule.enabled and rule.match.matches(diagnostic, stage_kind)]
        return sorted(found, key=lambda rule: (-rule.confidence, rule.id))


def run_rule(rule: Rule, context: ActionContext) -> ActionResult:
    """What `rule`'s action proposes for `context`; ActionFailed (one line) if the action cannot run or raises."""

    try:
        action = resolve(rule.action)
    except KeyError:
        raise ActionFailed(rule, f"no action named {rule.action!r}") from None
    except Exception as error:
        raise ActionFailed(rule, f"cannot load the action: {_one_line(error)}") from error
    try:
        result = action(context)
    except Exception as error:
        raise ActionFailed(rule, _one_line(error)) from error
    if result is not None and not isinstance(result, Proposal | Report):
        raise ActionFailed(rule, f"returned {type(result).__name__}, not a Proposal, a Report or None")
    return result


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    name = type(error).__name__
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{name}: {text}" if text else name
