"""clean_line: what reaches the terminal from a stage's output."""

from __future__ import annotations

import pytest

from healer.render.text import clean_line


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text", "plain text"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b]0;title\x07after", "after"),
        ("bell\x07", "bell\N{REPLACEMENT CHARACTER}"),
        ("tab\tkept", "tab\tkept"),
        ("two\nlines", "two lines"),
        ("back\x08space", "back\N{REPLACEMENT CHARACTER}space"),
        ("c1\x85control", "c1\N{REPLACEMENT CHARACTER}control"),
        ("[/bold] markup stays literal", "[/bold] markup stays literal"),
    ],
)
def test_clean_line(raw: str, shown: str) -> None:
    assert clean_line(raw) == shown


def test_long_lines_are_cut_with_a_count() -> None:
    assert clean_line("x" * 1500) == "x" * 1000 + "… [500 more characters]"
    assert clean_line("é" * 20, limit=10) == "é" * 10 + "… [10 more characters]"
