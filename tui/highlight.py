"""Syntax highlighting of whole files into one rich Text per line, for diffs and code excerpts.

Whole files, not single lines: a line inside a docstring only colours right
when the lexer has seen where the string began. Called from workers (pygments
takes ~100 ms to import and a while on big files); the UI only slices lines.
"""

from __future__ import annotations

from rich.text import Text

THEME = "ansi_dark"
"""ANSI colours: they follow the terminal's palette and vanish cleanly under NO_COLOR."""


def highlight_lines(code: str, path: str) -> list[Text]:
    lines = code.split("\n")
    try:
        from rich.syntax import Syntax

        lexer = Syntax.guess_lexer(path, code)
        syntax = Syntax(code, lexer, theme=THEME)
        text = syntax.highlight(code)
    except Exception:  # an odd file must never stop a review; plain text is fine
        return [Text(line) for line in lines]
    parts = text.split("\n", allow_blank=True)
    # The highlighter may add or drop a final empty line; the file's own line count wins.
    if len(parts) < len(lines):
        parts.extend(Text("") for _ in range(len(lines) - len(parts)))
    return list(parts[: len(lines)])
