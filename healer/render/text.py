"""Making a tool's output safe to show: no escape sequences, no control characters, bounded lines."""

from __future__ import annotations

import re

LINE_LIMIT = 1000
# C0 and C1 controls except tab: a stage must not be able to clear the screen, ring the
# bell or move the cursor through healer's own display.
_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"


def clean_line(text: str, limit: int = LINE_LIMIT) -> str:
    if len(text) <= limit and text.isprintable():
        return text  # the common case, without loading the escape-sequence parser
    from healer.diagnostics.ansi import strip_ansi

    line = re.sub(_CONTROLS, "\ufffd", strip_ansi(text).replace("\n", " "))
    if len(line) > limit:
        return f"{line[:limit]}… [{len(line) - limit} more characters]"
    return line
