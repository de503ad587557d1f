"""One failure in full, for the failures screen: the code around it, highlighted, and what the knowledge base
remembers of it. Built in a worker: it reads files, the knowledge base and pygments' lexers."""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text

from healer.diagnostics.diagnostic import Diagnostic
from healer.render.history import describe_failure_history
from healer.service import Healer
from healer.tui.failures import Excerpt, excerpt
from healer.tui.highlight import highlight_lines


class FailureDetail(NamedTuple):
    code: list[object]
    """Rich renderables: the excerpt with line numbers, or why there is none."""
    history: list[str]


def failure_detail(core: Healer, diagnostic: Diagnostic) -> FailureDetail:
    """The code around a failure and its history (call in a worker: reads files and the knowledge base)."""

    code: list[object] = []
    root = core.workspace.root
    if diagnostic.file:
        found = excerpt(root, diagnostic.file, diagnostic.line)
        if isinstance(found, str):
            code.append(Text(found, style="italic"))
        else:
            code.extend(_numbered(found))
    history = describe_failure_history(core.failure_history(diagnostic.fingerprint), str(root))
    return FailureDetail(code, history)


def _numbered(found: Excerpt) -> list[object]:
    highlighted = highlight_lines("\n".join(found.lines), found.path)
    width = len(str(found.first + len(found.lines)))
    out: list[object] = []
    for offset, line in enumerate(highlighted[: len(found.lines)]):
        number = found.first + offset
        marked = number == found.line
        gutter = Text(f"{'▶' if marked else ' '} {number:>{width}} │ ", style="bold" if marked else "dim")
        row = Text.assemble(gutter, line)
        if marked:
            row.stylize("on #3a3a10")
        out.append(row)
    return out
