"""Output capture: everything kept while small, head and tail plus a log file when large."""

from __future__ import annotations

from pathlib import Path

from healer.pipeline.output import OutputCapture


def test_small_output_is_kept_whole_and_split_into_lines(tmp_path: Path) -> None:
    capture = OutputCapture(tmp_path / "log")
    assert capture.feed(b"one\ntw") == ["one"]
    assert capture.feed(b"o\r\nthree") == ["two"]
    text, log, rest = capture.close()
    assert (text, log, rest) == ("one\ntwo\r\nthree", None, ["three"])
    assert not (tmp_path / "log").exists()


def test_large_output_spools_to_the_log_and_keeps_head_and_tail(tmp_path: Path) -> None:
    capture = OutputCapture(tmp_path / "logs" / "s.log", memory_limit=1000, head=100, tail=200)
    data = b"".join(b"%05d\n" % i for i in range(2000))
    for start in range(0, len(data), 333):
        capture.feed(data[start : start + 333])
    text, log, _ = capture.close()
    assert log is not None and Path(log).read_bytes() == data
    assert text.startswith("00000\n00001\n")
    assert text.endswith("01999\n")
    assert "bytes of output omitted; the full output is in" in text
    assert len(text) < 500


def test_endless_line_is_cut_rather_than_growing(tmp_path: Path) -> None:
    capture = OutputCapture(None, max_line=1000)
    lines = capture.feed(b"x" * 5000)
    assert [len(line) for line in lines] == [1000] * 4
    assert capture.close()[2] == ["x" * 1000]


def test_failure_to_spool_changes_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    capture = OutputCapture(blocker / "s.log", memory_limit=100, head=10, tail=20)
    capture.feed(b"b" * 90)
    capture.feed(b"c" * 500 + b"end\n")
    text, log, _ = capture.close()
    assert log is None
    assert text.startswith("b" * 10) and text.endswith("end\n")
    assert capture.total == 594
