"""bench/jail.py's pure helpers: its perfect reply puts the broken lines back through healer's own edit
parser, and its table counts agreement, verdicts and times as it says. Nothing here runs the jail or
asserts a figure: that is the benchmark's output.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import jail  # noqa: E402 (bench/ goes on sys.path first, as when the bench runs)
from real_inject import KINDS, Breakage, Source, sites  # noqa: E402

from healer.llm.edits import apply_blocks, parse_reply  # noqa: E402
from tests.bench.test_real_projects import ORIGINAL, TEST  # noqa: E402


def _sources() -> dict[str, Source]:
    module = Source.parse("pkg/shapes.py", ORIGINAL, is_test=False)
    test = Source.parse("tests/test_shapes.py", TEST, is_test=True)
    assert module is not None and test is not None
    return {source.path: source for source in (module, test)}


def _restored(breakage: Breakage, original: bytes) -> bytes:
    text = jail.perfect_reply(breakage, original)
    assert text is not None, breakage
    broken = breakage.apply(original)
    [edit] = apply_blocks(parse_reply(text), lambda path: broken if path == breakage.file else None)
    assert edit.path == breakage.file and edit.before == broken
    assert edit.after is not None
    return edit.after


@pytest.mark.parametrize("kind", KINDS)
def test_the_perfect_reply_restores_every_site_of_every_kind(kind: str) -> None:
    sources = _sources()
    for breakage in sites(kind, sources.values(), ("pkg",), "1"):
        original = sources[breakage.file].data
        if "W292" in breakage.what:  # the final newline dropped: no whole line to search for, so no reply
            assert jail.perfect_reply(breakage, original) is None
            continue
        assert _restored(breakage, original) == original


def test_a_repeated_line_gets_the_context_that_makes_it_unique() -> None:
    original = b"def f():\n    return 1\n\n\ndef g():\n    return 1 + 1\n"
    at = original.index(b"return 1") + len(b"return 1")
    breakage = Breakage("logic-flip", "m.py", at, at, b" + 1", "1 -> 1 + 1")
    text = jail.perfect_reply(breakage, original)
    assert text is not None and "<<<<<<< SEARCH\ndef f():\n    return 1 + 1\n=======\ndef f():\n    return 1\n" in text
    assert _restored(breakage, original) == original
    # A deleted line is put back before the line that followed it; a blank line alone is never the search.
    deleted = b"import os\n\nimport sys\n\nprint(os, sys)\n"
    start = deleted.index(b"import sys")
    removal = Breakage("stdlib-import-removed", "m.py", start, start + len(b"import sys\n\n"), b"", "removed")
    assert _restored(removal, deleted) == deleted
    search = parse_reply(jail.perfect_reply(removal, deleted) or "")[0].search
    assert search.strip()


def test_no_reply_where_the_edited_line_has_no_final_newline() -> None:
    original = b"x = 1\ny = x + 1"
    at = original.index(b"+")
    assert jail.perfect_reply(Breakage("logic-flip", "m.py", at, at + 1, b"-", "+ -> -"), original) is None


def _case(jailed: list[str], unjailed: list[str], seconds: tuple[float, float] = (2.0, 1.0)) -> jail.Case:
    case = jail.Case("six", "logic-flip", "six.py", 1, "`+` -> `-`")
    case.sides["auto"] = jail.Side("auto", statuses=jailed, seconds=[seconds[0]] * len(jailed))
    case.sides["off"] = jail.Side("off", statuses=unjailed, seconds=[seconds[1]] * len(unjailed))
    return case


def test_agreement_verdicts_and_ratios() -> None:
    same = _case(["verified"], ["verified"])
    assert same.agree and same.asked and same.jailed.verified and same.ratio() == 2.0
    tested = _case(["changes-checks"], ["changes-checks"])
    assert tested.agree and tested.jailed.verified
    hidden = _case(["failed"], ["verified"])
    assert not hidden.agree and not hidden.jailed.verified and hidden.unjailed.verified
    # The order of a run's patches does not matter; an error on either side is never agreement.
    assert _case(["failed", "verified"], ["verified", "failed"]).agree
    errored = _case([], [])
    errored.jailed.error = "healer fix printed no JSON"
    assert not errored.agree and not errored.asked and errored.ratio() is None
    figures = jail.summary([same, hidden, _case(["verified"], ["verified"], (3.0, 1.5)), errored])
    assert (figures["cases"], figures["asked"], figures["agree"], figures["disagree"]) == (4, 3, 2, 2)
    assert (figures["verified_jailed"], figures["verified_unjailed"]) == (2, 3)
    assert figures["median_jailed"] == 2.0 and figures["median_unjailed"] == 1.0 and figures["ratio"] == 2.0
    assert figures["p90_jailed"] == 3.0 and figures["case_ratio"] == 2.0
    lines = jail.table([same, hidden], ["six", "toolz"])
    assert any(line.split()[:4] == ["six", "2", "2", "1/2"] for line in lines)
    assert not any(line.split()[:1] == ["toolz"] for line in lines)


def test_the_model_section_and_the_rules_switched_off() -> None:
    import tomllib

    from healer.rules.load import load_rules

    config = tomllib.loads('[tool.healer.stages.x]\nrun = "true"\n' + jail.model_config("http://127.0.0.1:1/v1", "off"))
    assert config["tool"]["healer"]["llm"]["api_base"] == "http://127.0.0.1:1/v1"
    assert config["tool"]["healer"]["sandbox"] == {"mode": "off"}
    rules = tomllib.loads(jail.rules_off())["rules"]
    assert {rule["id"] for rule in rules} == {rule.id for rule in load_rules(None).rules}
    assert all(rule == {"id": rule["id"], "enabled": False} for rule in rules)


def test_read_side_takes_the_models_patches_only() -> None:
    side = jail.Side("auto")
    document = {
        "rounds": [
            {
                "patches": [
                    {"source": "rules", "origin": "python.did-you-mean", "status": "verified"},
                    {"source": "model", "status": "failed", "detail": "test failed:\n  boom",
                     "verification": {"seconds": 1.5, "tool_seconds": 1.2}},
                ]
            }
        ]
    }  # fmt: skip
    jail.read_side(side, document)
    assert side.statuses == ["failed"] and side.seconds == [1.5] and side.tool_seconds == [1.2]
    assert side.details == ["test failed: boom"] and side.others == ["python.did-you-mean verified"]
