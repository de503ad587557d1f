"""Which rules answer a diagnostic, in what order, and running an action without letting it crash healer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from healer.diagnostics.diagnostic import Diagnostic
from healer.patch.patch import FileEdit
from healer.rules.context import ActionContext
from healer.rules.engine import ActionFailed, RuleSet, run_rule
from healer.rules.outcome import Proposal, Report
from healer.rules.rule import Match, Rule

from . import probe_action


def diagnostic(
    tool: str = "ruff",
    code: str | None = "F821",
    message: str = "Undefined name `Decimal`",
    file: str | None = "src/app.py",
) -> Diagnostic:
    return Diagnostic("lint", tool, file, 3, 5, code, message, "error", "fp")


def rule(rule_id: str = "t.rule", confidence: float = 0.5, enabled: bool = True, **match: object) -> Rule:
    return Rule(
        id=rule_id,
        description="a test rule",
        action=probe_action.NAME,
        safety="safe",
        confidence=confidence,
        enabled=enabled,
        params={},
        match=Match(**match),  # type: ignore[arg-type]
        origin="test",
    )


@pytest.mark.parametrize(
    ("match", "found", "stage_kind", "expected"),
    [
        (Match(tools=("ruff", "flake8")), diagnostic(), "lint", True),
        (Match(tools=("flake8",)), diagnostic(), "lint", False),
        (Match(tools=("ruff",)), diagnostic(tool="Ruff"), "lint", True),
        (Match(codes=("F821",)), diagnostic(), "lint", True),
        (Match(codes=("F82",)), diagnostic(), "lint", False),  # exact unless written as a prefix
        (Match(codes=("F8*",)), diagnostic(), "lint", True),
        (Match(codes=("E*",)), diagnostic(), "lint", False),
        (Match(codes=("F821",)), diagnostic(code=None), "lint", False),
        (Match(message=re.compile("undefined name", re.I)), diagnostic(), "lint", True),
        (Match(message=re.compile("^Undefined")), diagnostic(), "lint", True),
        (Match(message=re.compile("^Decimal")), diagnostic(), "lint", False),  # search, anchored where written
        (Match(files=("*.py",)), diagnostic(), "lint", True),  # a slash-less glob matches at any depth
        (Match(files=("app.py",)), diagnostic(), "lint", True),
        (Match(files=("tests/**",)), diagnostic(), "lint", False),
        (Match(files=("*.py",)), diagnostic(file=None), "lint", False),  # no file: a file condition fails
        (Match(tools=("ruff",)), diagnostic(file=None), "lint", True),
        (Match(stage_kinds=("test",)), diagnostic(), "lint", False),
        (Match(stage_kinds=("lint", "format")), diagnostic(), "format", True),
        (Match(stage_kinds=("test",)), diagnostic(), None, True),  # a log file: no stage to check
        (Match(tools=("ruff",), codes=("F821",), files=("src/*.py",)), diagnostic(), "lint", True),
        (Match(tools=("ruff",), codes=("F821",), files=("lib/*.py",)), diagnostic(), "lint", False),  # all must hold
    ],
)
def test_match_semantics(match: Match, found: Diagnostic, stage_kind: str | None, expected: bool) -> None:
    assert match.matches(found, stage_kind) is expected


def test_matching_enabled_rules_most_confident_first_then_by_id() -> None:
    rules = RuleSet(
        [
            rule("b.low", 0.4, tools=("ruff",)),
            rule("z.high", 0.9, codes=("F8*",)),
            rule("a.high", 0.9, tools=("ruff",)),
            rule("c.off", 1.0, enabled=False, tools=("ruff",)),
            rule("d.other", 1.0, tools=("mypy",)),
        ]
    )
    assert [found.id for found in rules.matching(diagnostic(), "lint")] == ["a.high", "z.high", "b.low"]
    assert rules.matching(diagnostic(tool="pytest", code=None), "test") == []
    off = rules.get("c.off")
    assert off is not None and not off.enabled  # listed and retrievable, never matched
    assert rules.get("nope") is None
    assert len(rules) == 5 and rules.ids() == ["b.low", "z.high", "a.high", "c.off", "d.other"]


def context(root: Path, behaviour: str) -> ActionContext:
    found = diagnostic()
    return ActionContext(root=root, diagnostic=found, params={"behaviour": behaviour}, diagnostics=(found, found))


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    probe_action.register(monkeypatch)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_bytes(b"x = Decimal(1)\n")
    return tmp_path


def test_run_rule_returns_the_actions_proposal_and_leaves_root_alone(root: Path) -> None:
    result = run_rule(rule(), context(root, "propose"))
    assert result == Proposal(
        title="probe src/app.py",
        edits=(FileEdit("src/app.py", b"x = Decimal(1)\n", b"x = Decimal(1)\n# probe saw 2 diagnostics\n"),),
    )
    assert (root / "src" / "app.py").read_bytes() == b"x = Decimal(1)\n"


def test_run_rule_passes_reports_and_nothing_through(root: Path) -> None:
    assert run_rule(rule(), context(root, "report")) == Report("probe", "saw F821", "src/app.py", 3)
    assert run_rule(rule(), context(root, "nothing")) is None


def test_an_action_that_raises_becomes_one_line_naming_the_rule(root: Path) -> None:
    with pytest.raises(ActionFailed) as caught:
        run_rule(rule("t.broken"), context(root, "raise"))
    assert str(caught.value) == "rule t.broken: action probe failed: RuntimeError: probe broke on two lines"
    assert caught.value.rule_id == "t.broken" and caught.value.exit_code == 2
    assert isinstance(caught.value.__cause__, RuntimeError)  # kept for whoever logs the traceback


def test_an_action_returning_something_else_fails(root: Path) -> None:
    with pytest.raises(ActionFailed, match=r"^rule t\.rule: action probe failed: returned str, not a Proposal"):
        run_rule(rule(), context(root, "wrong"))


def test_an_action_that_is_not_registered_fails(root: Path) -> None:
    gone = Rule("t.gone", "d", "no-such-action", "safe", 0.5, True, {}, Match(tools=("ruff",)), "test")
    with pytest.raises(ActionFailed) as caught:
        run_rule(gone, context(root, "propose"))
    assert str(caught.value) == "rule t.gone: action no-such-action failed: no action named 'no-such-action'"


def test_an_action_module_that_cannot_be_imported_fails(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from healer.rules.actions import ACTIONS

    monkeypatch.setitem(ACTIONS, "missing-module", "_no_such_module_here")
    missing = Rule("t.missing", "d", "missing-module", "safe", 0.5, True, {}, Match(tools=("ruff",)), "test")
    with pytest.raises(ActionFailed) as caught:
        run_rule(missing, context(root, "propose"))
    assert str(caught.value).startswith(
        "rule t.missing: action missing-module failed: cannot load the action: ModuleNotFoundError: "
    )


def test_an_interrupt_inside_an_action_is_not_swallowed(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(_ctx: ActionContext) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(probe_action, "run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_rule(rule(), context(root, "propose"))
