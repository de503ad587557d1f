"""Turn terminal output back into the plain text a tool prints when not on a terminal.

Coloured output must parse exactly like plain output, so escape sequences go
and carriage-return progress rewrites collapse to what the terminal would
finally show on that line.
"""

from __future__ import annotations

import re

# Every alternative consumes a bounded prefix or a run of non-terminator
# characters, so an unterminated sequence costs linear time, never a rescan.
_ESCAPES = re.compile(
    r"""
      \x1b\[[0-?]*[\x20-/]*[@-~]?          # CSI: colours, cursor moves, erase line
    | \x9b[0-?]*[\x20-/]*[@-~]?            # 8-bit CSI
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?   # OSC: window titles, hyperlinks
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?        # DCS, SOS, PM, APC strings
    | \x1b[()*+][\x20-~]?                  # character set selection, e.g. ESC ( B
    | \x1b[\x20-/]*[0-~]?                  # any other two-byte escape
    """,
    re.VERBOSE,
)


def strip_ansi(text: str) -> str:
    """Remove escape sequences and resolve `\\r` rewrites; line structure is kept."""
    text = _ESCAPES.sub("", text).replace("\r\n", "\n")
    if "\r" not in text:
        return text
    return "\n".join(_last_rewrite(line) for line in text.split("\n"))


def _last_rewrite(line: str) -> str:
    # A progress bar redraws with `\r`; the final non-empty frame is what stayed
    # on screen. Partial overwrites are rare enough that whole frames suffice.
    if "\r" not in line:
        return line
    frames = [frame for frame in line.split("\r") if frame]
    return frames[-1] if frames else ""
