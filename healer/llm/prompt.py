"""The request for one cluster of failures: instructions, the failures, the code, past fixes, earlier attempts.

Parts are ranked; when the prompt would pass `llm.max_prompt_tokens`, the
least useful go first (older attempts, past fixes, the raw output, traceback
frames), then the code windows narrow. The failures, the instructions and the
latest attempt's verdict always stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from healer.diagnostics.ansi import strip_ansi
from healer.llm.cluster import Cluster
from healer.llm.code import (
    Excerpt,
    definitions,
    excerpts,
    imported_code,
    project_frames,
    read_source,
    span_of_test,
)

Message = dict[str, str]
Counter = Callable[[str], int]

OUTPUT_LINES = 60
LINE_CHARS = 300
PAST_FIX_LINES = 60

INSTRUCTIONS = """\
You fix failing checks (linters, type checkers, tests) in a software project.
Change the code so that the failures below go away without breaking anything else.

Rules:
- Fix the code, not the test, unless the test itself is clearly wrong.
- Never silence a check: no `# noqa`, `# type: ignore`, `pytest.skip`, `xfail`, no loosened tool configuration.
- Make the smallest change that fixes the cause. Do not reformat or rename unrelated code.
- Edit only files shown to you, or create a new one when that is the fix.

Answer with SEARCH/REPLACE blocks only, one per change, in this exact form:

path/to/file.py
<<<<<<< SEARCH
the exact current lines, copied character for character, enough of them to be unique in the file
=======
the lines that replace them
>>>>>>> REPLACE

To create a file, leave the SEARCH part empty. Write nothing else but a one-line explanation before the blocks."""


@dataclass(frozen=True)
class Prompt:
    messages: list[Message]
    files: tuple[str, ...]
    """The files whose code the prompt shows."""
    tokens: int
    dropped: tuple[str, ...]
    """Parts left out to stay under the token cap."""


@dataclass(frozen=True)
class _Part:
    name: str
    rank: int
    """0: always kept; higher: dropped earlier."""
    text: str


def build_prompt(
    cluster: Cluster,
    root: Path,
    *,
    deny: Sequence[str],
    cap: int,
    count: Counter,
    past: Sequence[str] = (),
    feedback: Sequence[str] = (),
) -> Prompt:
    """The messages for one attempt at `cluster`; `past` are diffs that fixed similar failures, `feedback` what
    became of earlier attempts (newest last)."""
    windows = 1.0
    while True:
        parts, files = _parts(cluster, root, deny, past, feedback, windows)
        kept, dropped, tokens = _fit(parts, cap, count)
        if tokens <= cap or windows < 0.2:
            break
        windows /= 2  # narrower code windows, then try again
    body = "\n\n".join(part.text for part in sorted(kept, key=lambda p: _ORDER.index(p.name.split(":")[0])))
    if tokens > cap:
        # Even the essentials are too long (a huge message): cut by characters, about four to a token.
        body = body[: cap * 3] + "\n[cut to fit llm.max_prompt_tokens]"
        tokens = count(INSTRUCTIONS) + count(body)
    messages = [{"role": "system", "content": INSTRUCTIONS}, {"role": "user", "content": body}]
    return Prompt(messages, files, tokens, tuple(dropped))


def sections(
    cluster: Cluster, root: Path, *, deny: Sequence[str], past: Sequence[str] = (), feedback: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """Every part a prompt for `cluster` may hold, before any is dropped to fit the token cap: (name, text), the
    names as `Prompt.dropped` gives them ("code:PATH", "output:STAGE", "frame:PATH:LINE", "test:NODE")."""
    parts, _files = _parts(cluster, root, deny, past, feedback, 1.0)
    return [(part.name, part.text) for part in parts]


_ORDER = ("failures", "code", "test", "frame", "output", "past", "attempt", "ask")


def _parts(
    cluster: Cluster, root: Path, deny: Sequence[str], past: Sequence[str], feedback: Sequence[str], windows: float
) -> tuple[list[_Part], tuple[str, ...]]:
    parts = [_Part("failures", 0, _failures(cluster))]
    window = max(4, int(20 * windows))
    shown: dict[str, None] = {}
    by_file: dict[str, list[int]] = {}
    for diagnostic in cluster.diagnostics:
        if diagnostic.file:
            by_file.setdefault(diagnostic.file, []).append(diagnostic.line or 1)
    for path, lines in by_file.items():
        text = read_source(root, path, deny)
        if text is None:
            continue
        shown[path] = None
        for excerpt in excerpts(path, text, lines, window=window):
            parts.append(_Part(f"code:{path}", 1, "Code: " + excerpt.render()))
    for diagnostic in cluster.diagnostics:
        if not diagnostic.node_id:
            continue
        path = diagnostic.node_id.split("::", 1)[0]
        text = read_source(root, path, deny)
        span = span_of_test(text, diagnostic.node_id) if text else None
        if text and span and path not in shown:
            rows = text.splitlines(keepends=True)
            excerpt = Excerpt(path, span[0], span[1], len(rows), "".join(rows[span[0] - 1 : span[1]]))
            parts.append(_Part(f"test:{diagnostic.node_id}", 2, "The failing test: " + excerpt.render()))
    tests = dict.fromkeys(d.node_id.split("::", 1)[0] for d in cluster.diagnostics if d.node_id)
    for test in tests:
        source = read_source(root, test, deny)
        for path, names in imported_code(source or "", test, root):
            text = read_source(root, path, deny)
            if text is None or path in shown:
                continue
            shown[path] = None
            for excerpt in excerpts(path, text, definitions(text, names), window=window):
                parts.append(_Part(f"frame:{path}", 3, "Code the test imports: " + excerpt.render()))
    output = "\n".join(_relevant(result.output, cluster) for result in cluster.results)
    for path, line in project_frames(output, root):
        if path in shown:
            continue
        text = read_source(root, path, deny)
        if text is None:
            continue
        shown[path] = None
        for excerpt in excerpts(path, text, [line], window=max(4, window // 2)):
            parts.append(_Part(f"frame:{path}:{line}", 3, "Code from the traceback: " + excerpt.render()))
    for result in cluster.results:
        tail = _tail(_relevant(result.output, cluster))
        if tail:
            parts.append(_Part(f"output:{result.name}", 4, f"Output of `{result.command}` (end):\n```\n{tail}\n```"))
    for number, diff in enumerate(past, 1):
        rows = diff.splitlines()[:PAST_FIX_LINES]
        parts.append(_Part(f"past:{number}", 5, "A fix that worked before for a similar failure:\n```diff\n"
                           + "\n".join(rows) + "\n```"))  # fmt: skip
    for number, text in enumerate(feedback, 1):
        rank = 0 if number == len(feedback) else 6
        parts.append(_Part(f"attempt:{number}", rank, f"Attempt {number} did not work:\n{text}"))
    parts.append(_Part("ask", 0, "Reply with SEARCH/REPLACE blocks that fix the failures above."))
    return parts, tuple(shown)


def _fit(parts: list[_Part], cap: int, count: Counter) -> tuple[list[_Part], list[str], int]:
    sizes = {id(part): count(part.text) for part in parts}
    total = count(INSTRUCTIONS) + sum(sizes.values())
    kept = list(parts)
    dropped: list[str] = []
    for part in sorted(parts, key=lambda p: (-p.rank, -sizes[id(p)])):
        if total <= cap or part.rank == 0:
            break
        if part.rank == 1 and sum(1 for p in kept if p.rank == 1) == 1:
            continue  # the last code window stays: a model cannot fix what it cannot see
        kept.remove(part)
        dropped.append(part.name)
        total -= sizes[id(part)]
    return kept, dropped, total


def _failures(cluster: Cluster) -> str:
    lines = ["Failures:"]
    for d in cluster.diagnostics:
        where = d.location() or "(no location)"
        code = f" [{d.tool} {d.code}]" if d.code else f" [{d.tool}]"
        test = f" in test {d.node_id}" if d.node_id else ""
        hint = f" (the tool suggests: {d.suggestion})" if d.suggestion else ""
        lines.append(f"- {where}{code}{test}: {' '.join(d.message.split())[:LINE_CHARS]}{hint} (stage {d.stage})")
    if not cluster.diagnostics:
        for result in cluster.results:
            lines.append(f"- stage {result.name} failed (exit code {result.exit_code}); its output is below")
    return "\n".join(lines)


_SECTION = re.compile(r"^_{3,} (.+?) _{3,}$", re.MULTILINE)


def _relevant(output: str, cluster: Cluster) -> str:
    """pytest's report sections of the cluster's own tests: other tests' tracebacks would mislead the model."""
    names = {d.node_id.split("::", 1)[-1].split("[", 1)[0].replace("::", ".") for d in cluster.diagnostics if d.node_id}
    headers = list(_SECTION.finditer(output))
    if not names or not headers:
        return output
    kept = [output[: headers[0].start()]]
    for index, header in enumerate(headers):
        end = headers[index + 1].start() if index + 1 < len(headers) else len(output)
        title = header.group(1).split("[", 1)[0]
        if title in names or title.split(".")[-1] in {name.split(".")[-1] for name in names}:
            kept.append(output[header.start() : end])
    return "".join(kept) if len(kept) > 1 else output


def _tail(output: str) -> str:
    rows = [row[:LINE_CHARS] for row in strip_ansi(output).splitlines() if row.strip()]
    return "\n".join(rows[-OUTPUT_LINES:])
