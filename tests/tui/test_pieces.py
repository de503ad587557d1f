"""The small pure parts: cleaning output, the bounded log buffer, failures by file, code excerpts, history lines."""

from __future__ import annotations

from pathlib import Path

from healer.diagnostics.diagnostic import Diagnostic
from healer.kb.history import FailureHistory, PastDecision
from healer.render.history import describe_failure_history as describe_history
from healer.tui.failures import Excerpt, excerpt, group_by_file
from healer.tui.logbuffer import LogBuffer
from healer.tui.sanitize import MAX_LINE, clean_line, clean_text


def test_escape_sequences_go_and_other_controls_become_visible() -> None:
    assert clean_line("\x1b[1;31merror\x1b[0m: \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") == "error: link"
    assert clean_line("50%\r100%") == "100%"
    assert clean_line("a\x07b\x08c\x9bXd\x00e") == "a\ufffdb\ufffdcd\ufffde"  # \x9bX: an 8-bit CSI sequence
    assert "\x1b" not in clean_line("\x1b[2J\x1b[Hcleared") and clean_line("\x1b[2J\x1b[Hcleared") == "cleared"
    assert clean_line("tab\tkept") == "tab\tkept"


def test_a_huge_line_is_cut_and_says_so() -> None:
    line = clean_line("x" * (MAX_LINE + 10))
    assert line.startswith("x" * MAX_LINE) and line.endswith("(10 more characters)")


def test_clean_text_keeps_only_the_last_lines_asked_for() -> None:
    assert clean_text("a\nb\nc\n", 2) == ["b", "c"]
    assert clean_text("") == []


def test_log_buffer_keeps_the_last_lines_and_counts_the_rest() -> None:
    buffer = LogBuffer(limit=3)
    buffer.extend(["1", "2"])
    buffer.extend(["3", "4", "5"])
    assert list(buffer.lines) == ["3", "4", "5"] and buffer.total == 5 and buffer.dropped == 2


def diagnostic(file: str | None, line: int | None, stage: str = "lint") -> Diagnostic:
    return Diagnostic(stage, "ruff", file, line, None, "F401", "unused", "error", f"fp-{file}-{line}")


def test_failures_group_by_file_in_path_order_with_fileless_last() -> None:
    groups = group_by_file(
        [diagnostic("b.py", 3), diagnostic(None, None), diagnostic("a.py", 9), diagnostic("b.py", 1)]
    )
    assert [(g.file, [d.line for d in g.diagnostics]) for g in groups] == [
        ("a.py", [9]), ("b.py", [1, 3]), (None, [None]),
    ]  # fmt: skip


def test_excerpt_reads_the_working_tree_and_explains_what_it_cannot_show(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("".join(f"line {n}\n" for n in range(1, 21)))
    found = excerpt(tmp_path, "m.py", 10)
    assert isinstance(found, Excerpt) and found.first == 6 and found.lines[4] == "line 10" and len(found.lines) == 9
    assert excerpt(tmp_path, "m.py", 40) == "m.py has 20 lines now; line 40 is gone (the file changed since the check)"
    assert (
        excerpt(tmp_path, "gone.py", 1)
        == "gone.py is not in the working tree any more (deleted or moved since the check)"
    )
    (tmp_path / "blob.bin").write_bytes(b"\0\1\2")
    assert excerpt(tmp_path, "blob.bin", 1) == "blob.bin is a binary file"


def test_history_lines() -> None:
    assert describe_history(FailureHistory(1, 1, 0.0, 0.0, 0, ()), "/r") == ["history: first time seen"]
    fix = PastDecision("/other", "abc", "add import", "rule", "python.add-import", "verified", "applied", "tui", 0.0)
    history = FailureHistory(runs=4, repos=2, first_seen=0.0, last_seen=0.0, proposed=1, fixes=(fix,))
    lines = describe_history(history, "/r")
    assert lines[0].startswith("history: seen in 4 runs in 2 repositories since ")
    assert lines[1] == "fixed before:"
    assert lines[2].startswith("  applied ") and lines[2].endswith(
        " via tui in /other: add import (rule python.add-import)"
    )
