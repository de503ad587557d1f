from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from healer.detect.names import NAME, slug, unique


def test_slug_examples() -> None:
    assert slug("Run tests (unit)") == "run-tests-unit"
    assert slug("format:check") == "format-check"
    assert slug("__init__") == "init"
    assert slug("Ünïcode only ☃") == "n-code-only"
    assert slug("☃☃") == ""


@given(st.text())
def test_slug_is_empty_or_a_valid_name(text: str) -> None:
    name = slug(text)
    assert name == "" or NAME.fullmatch(name)


def test_unique_prefixes_then_numbers() -> None:
    assert unique("lint", "make", set()) == "lint"
    assert unique("lint", "make", {"lint"}) == "make-lint"
    assert unique("lint", "make", {"lint", "make-lint"}) == "make-lint-2"
    assert unique("lint", "make", {"lint", "make-lint", "make-lint-2"}) == "make-lint-3"
    assert unique("☃", "ci", set()) == "ci"


@given(st.lists(st.text(max_size=8), max_size=12), st.text(max_size=5))
def test_unique_never_repeats_and_stays_valid(names: list[str], prefix: str) -> None:
    taken: set[str] = set()
    for name in names:
        chosen = unique(name, prefix, taken)
        assert chosen not in taken
        assert NAME.fullmatch(chosen)
        taken.add(chosen)
