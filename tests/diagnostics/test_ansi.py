from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from healer.diagnostics.ansi import strip_ansi


@pytest.mark.parametrize(
    ("plain", "coloured"),
    [
        ("ruff/check_full", "ruff/check_full_color"),
        ("flake8/default", "flake8/color"),
        ("pytest/failures", "pytest/failures_color"),
        ("pytest/collection_errors", "pytest/collection_errors_color"),
        ("eslint/stylish", "eslint/stylish_color"),
    ],
)
def test_recorded_colour_matches_plain(recorded: Callable[[str, str], str], plain: str, coloured: str) -> None:
    raw = recorded(*coloured.split("/"))
    assert "\x1b[" in raw
    cleaned = strip_ansi(raw)
    assert "\x1b" not in cleaned
    # Two pytest runs differ only in their timing line and object addresses.
    expected = recorded(*plain.split("/"))
    assert _stable(cleaned) == _stable(expected)


def _stable(text: str) -> list[str]:
    text = re.sub(r"0x[0-9a-f]+", "0x", text)
    return [line for line in text.splitlines() if not re.search(r" in [\d.]+s\b", line)]


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("\x1b]0;window title\x07text", "text"),
        ("\x1b]8;;https://x.io\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x1b(Bplain\x1b[0m", "plain"),
        ("\x9b31mred\x9b0m", "red"),
        ("\x1b[2K\x1b[1Gdone", "done"),
        ("\x1bPq#0;2;0;0;0\x1b\\after", "after"),
        ("\x1b[", ""),
        ("\x1b]unterminated", ""),
    ],
)
def test_escape_sequences(raw: str, plain: str) -> None:
    assert strip_ansi(raw) == plain


def test_carriage_return_rewrites_keep_the_final_frame() -> None:
    raw = "progress 10%\rprogress 50%\rprogress 100%\r\nnext line\r\nlast\r"
    assert strip_ansi(raw) == "progress 100%\nnext line\nlast"


def test_plain_text_is_unchanged() -> None:
    text = "a.py:1:1: F401 `os` imported but unused\n\ttabbed\n"
    assert strip_ansi(text) == text
