"""What an agent is told: the failures, the commands that show them, what became of its last try, a review asked for.

The agent works in a copy of the project and reads the code itself, so the
prompt holds no code: the failing diagnostics, the end of each failed
stage's output, the exact commands to rerun, and the rules every fixer
keeps (fix the cause, never the check). Everything is redacted
(healer.llm.redact) before the agent or the model behind it sees it.
"""

from __future__ import annotations

from collections.abc import Sequence

from healer.diagnostics.ansi import strip_ansi
from healer.diagnostics.diagnostic import Diagnostic
from healer.llm.redact import redact
from healer.pipeline.result import StageResult

MAX_DIAGNOSTICS = 40
OUTPUT_LINES = 60
LINE_CHARS = 300
DIFF_LINES = 200

RULES = "\n".join(
    [
        "Rules:",
        "- Change the code so that the failures go away without breaking anything else; make the smallest change"
        " that fixes the cause.",
        "- Never silence or weaken a check: no `# noqa`, `# type: ignore`, skip or xfail markers, edited assertions"
        " or expected values, deleted tests, loosened tool or CI configuration.",
        "- Do not commit, do not push, do not install anything; edit the files in this folder only.",
        "- When you are done, rerun the commands above to see that the failures are gone, then stop with a"
        " one-paragraph summary of what you changed.",
    ]
)

APPROVE = "APPROVE"
CHANGES = "CHANGES"


def fix_prompt(
    diagnostics: Sequence[Diagnostic],
    results: Sequence[StageResult],
    *,
    feedback: str | None = None,
) -> str:
    """The task for an agent that implements (or, with `feedback`, retries) a fix."""
    parts = [
        "You are fixing failing checks in a software project. The current folder is a private copy of it; "
        "healer will take your changes as a patch and verify them itself.",
        _failures(diagnostics, results),
        _commands(results),
        *_outputs(results),
    ]
    if feedback:
        parts.append(
            "Your previous change is already in the files. Checking it gave this, so it is not done yet:\n" + feedback
        )
    parts.append(RULES)
    return _redacted("\n\n".join(parts))


def review_prompt(diagnostics: Sequence[Diagnostic], results: Sequence[StageResult], diff: str, verdict: str) -> str:
    """The task for an agent that reviews another's fix (applied in its copy): approve it, or say what to change."""
    shown = "\n".join(diff.splitlines()[:DIFF_LINES])
    return _redacted(
        "\n\n".join(
            [
                "You are reviewing a change another agent made to fix failing checks. The current folder is a "
                "private copy of the project with the change applied. Do not edit any file.",
                _failures(diagnostics, results),
                f"The change:\n```diff\n{shown}\n```",
                f"healer verified it by rerunning the checks:\n{verdict}",
                "Judge whether it fixes the cause correctly and completely, without weakening any check or "
                f"breaking anything else. Answer with {APPROVE} or {CHANGES} alone on the first line, then your "
                "comments: what is wrong and what to do instead.",
            ]
        )
    )


def refine_prompt(
    diagnostics: Sequence[Diagnostic], results: Sequence[StageResult], verdict: str, comments: str
) -> str:
    """The task for an agent that improves a fix (already in its files) after a review."""
    return _redacted(
        "\n\n".join(
            [
                "You are improving a fix for failing checks. The current folder is a private copy of the project "
                "with the fix already applied.",
                _failures(diagnostics, results),
                _commands(results),
                f"Checking the fix gave:\n{verdict}",
                f"A reviewer said:\n{comments.strip()[:4000]}",
                "Change the files to address the review.",
                RULES,
            ]
        )
    )


def approved(reply: str) -> bool | None:
    """The reviewer's decision from its first line: True, False, or None when it gave neither word."""
    for line in reply.strip().splitlines()[:3]:
        word = line.strip().strip("*#`:. ").upper()
        if word.startswith(APPROVE):
            return True
        if word.startswith(CHANGES) or word.startswith("REQUEST"):
            return False
    return None


def _redacted(text: str) -> str:
    return redact(text).text


def _failures(diagnostics: Sequence[Diagnostic], results: Sequence[StageResult]) -> str:
    lines = ["Failures:"]
    for d in diagnostics[:MAX_DIAGNOSTICS]:
        where = d.location() or "(no location)"
        code = f" [{d.tool} {d.code}]" if d.code else f" [{d.tool}]"
        test = f" in test {d.node_id}" if d.node_id else ""
        lines.append(f"- {where}{code}{test}: {' '.join(d.message.split())[:LINE_CHARS]} (stage {d.stage})")
    if len(diagnostics) > MAX_DIAGNOSTICS:
        lines.append(f"- … and {len(diagnostics) - MAX_DIAGNOSTICS} more of the same stages")
    with_none = [r for r in results if not r.diagnostics]
    lines += [f"- stage {r.name} failed (exit code {r.exit_code}); its output is below" for r in with_none]
    return "\n".join(lines)


def _commands(results: Sequence[StageResult]) -> str:
    lines = ["The checks that fail, and the commands to rerun them here:"]
    lines += [f"- {result.name}: `{result.command}`" for result in results]
    return "\n".join(lines)


def _outputs(results: Sequence[StageResult]) -> list[str]:
    found = []
    for result in results:
        rows = [row[:LINE_CHARS] for row in strip_ansi(result.output).splitlines() if row.strip()]
        if rows:
            tail = "\n".join(rows[-OUTPUT_LINES:])
            found.append(f"Output of `{result.command}` (end):\n```\n{tail}\n```")
    return found
