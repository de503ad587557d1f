"""Tests of a candidate value that every layer shares: is it mixed like a key, a literal, a reference?"""

from __future__ import annotations

import re

# Character tests as regexes: they run in C, where a generator over a long value would not.
DIGIT = re.compile(r"[0-9]")
LETTER = re.compile(r"[A-Za-z]")
UPPER = re.compile(r"[A-Z]")
LOWER = re.compile(r"[a-z]")
_TEMPLATE_HINT = re.compile(r"[${%<]")
_TEMPLATE = re.compile(
    r"\$\{|\{\{|\{[^{}\n]{0,200}\}|%\([A-Za-z_]+\)|%[sdr](?![A-Za-z0-9])|\A\$[A-Za-z_][A-Za-z0-9_]*\Z"
    r"|<[A-Za-z_][A-Za-z0-9_ .-]{0,40}>"
)

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
WORDISH = ALNUM + "_"
TOKENISH = ALNUM + "_-"
PLACEHOLDER_START = "[REDACTED:"


def mixed(value: str) -> bool:
    """Has a digit and a letter: real keys do, long hyphenated words (`sk-learn-...`) do not."""
    return DIGIT.search(value) is not None and LETTER.search(value) is not None


def cased(value: str) -> bool:
    return mixed(value) and UPPER.search(value) is not None and LOWER.search(value) is not None


def literal(value: str) -> bool:
    """Not a placeholder, a template or a reference to another variable: `${DB_PASSWORD}`, `{token}`, `****`."""
    return (
        bool(value)
        and not value.startswith(PLACEHOLDER_START)
        and not (_TEMPLATE_HINT.search(value) is not None and _TEMPLATE.search(value) is not None)
        and value.count(value[0]) != len(value)
    )


def reference(value: str) -> bool:
    """Points at the secret rather than holds it, or stands in for it in documentation: `os.environ/KEY`, `sk-...`."""
    return (
        "***" in value
        or "..." in value
        or "\u2026" in value
        or "://" in value
        or value.startswith(("os.environ/", "/", "./", "~/", "urn:"))
    )


def glued(text: str, begin: int, left: str) -> bool:
    """Whether the character before `begin` makes the match the tail of a longer word.

    An escape's letter (`\\n` in a one-line JSON string) is not part of a word.
    """
    if begin == 0 or text[begin - 1] not in left:
        return False
    return not (begin >= 2 and text[begin - 2] == "\\" and text[begin - 1] in "ntr")
