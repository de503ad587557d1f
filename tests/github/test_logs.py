"""Raw GitHub Actions job logs split into steps: timestamps, `##[group]Run` headers, errors, and bad bytes."""

from __future__ import annotations

import re

import pytest

from healer.github import logs
from healer.github.logs import decode, parse_job_log, parse_step_log, strip_timestamp
from tests.github.fake_actions import fixture

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT")


def steps_of(name: str) -> list[logs.LogStep]:
    return parse_job_log(decode(fixture(name)))


def test_a_job_log_splits_into_its_steps() -> None:
    steps = steps_of("lint_job.txt")
    assert [step.title for step in steps] == [
        "Set up job", "actions/checkout@v4", "actions/setup-python@v5", "pip install ruff==0.4.4", "ruff check .",
        "Post job cleanup",
    ]  # fmt: skip
    lint = steps[4]
    assert lint.command == "ruff check ." and lint.shell == "/usr/bin/bash -e {0}"
    assert ("pythonLocation", "/opt/hostedtoolcache/Python/3.12.3/x64") in lint.env
    assert lint.exit_code == 1 and lint.failed
    assert lint.output.splitlines() == [
        "app.py:1:8: F401 [*] `os` imported but unused", "Found 1 error.", "[*] 1 fixable with the `--fix` option.",
    ]  # fmt: skip
    assert [step.title for step in steps if step.failed] == ["ruff check ."]
    checkout = steps[1]
    assert checkout.command is None and checkout.uses == "actions/checkout@v4" and checkout.shell is None
    assert "Syncing repository: octo/shop" in checkout.output
    assert not any(STAMP.match(line) for step in steps for line in step.output.splitlines())
    assert not steps[0].output.startswith("\ufeff")
    assert "Cleaning up orphan processes" in steps[-1].output


def test_a_multi_line_script_and_coloured_output() -> None:
    steps = steps_of("test_job.txt")
    install = next(step for step in steps if step.title.startswith("python -m pip"))
    assert install.command == "python -m pip install --upgrade pip\npip install pytest"
    test = next(step for step in steps if step.failed)
    assert test.command == "python -m pytest -q tests" and ("PYTEST_ADDOPTS", "--color=yes") in test.env
    assert "\x1b[31mFAILED" in test.output  # the escapes stay for the parsers, which strip them


def test_crlf_and_bytes_that_are_not_utf8() -> None:
    data = fixture("lint_job.txt").replace(b"\n", b"\r\n").replace(b"Found 1 error.", b"Found 1 error \xff\xfe.")
    steps = parse_job_log(decode(data))
    lint = next(step for step in steps if step.failed)
    assert lint.command == "ruff check ." and lint.exit_code == 1
    assert "Found 1 error \ufffd\ufffd." in lint.output and "\r" not in lint.output


def test_errors_groups_and_warnings_a_tool_printed() -> None:
    text = "\n".join([
        "2024-05-14T09:12:01.0000000Z ##[group]Run make check",
        "2024-05-14T09:12:01.0000001Z \x1b[36;1mmake check\x1b[0m",
        "2024-05-14T09:12:01.0000002Z shell: /usr/bin/bash -e {0}",
        "2024-05-14T09:12:01.0000003Z ##[endgroup]",
        "2024-05-14T09:12:01.0000004Z ##[group]Compiling",
        "2024-05-14T09:12:01.0000005Z cc -c a.c",
        "2024-05-14T09:12:01.0000006Z ##[endgroup]",
        "2024-05-14T09:12:01.0000007Z ##[warning]a.c:3: unused variable",
        "2024-05-14T09:12:01.0000008Z ##[error]a.c:9: undeclared identifier",
        "2024-05-14T09:12:01.0000009Z ##[error]Process completed with exit code 2.",
    ])  # fmt: skip
    (step,) = parse_job_log(text)
    assert step.output.splitlines() == [
        "Compiling",
        "cc -c a.c",
        "a.c:3: unused variable",
        "a.c:9: undeclared identifier",
    ]
    assert step.errors == ("a.c:9: undeclared identifier",) and step.exit_code == 2


def test_a_log_without_colours_or_timestamps() -> None:
    # An older runner, or a log copied out of the web page: the script is what comes before `shell:`.
    text = "##[group]Run tox -e lint\ntox -e lint\nshell: /usr/bin/bash -e {0}\n##[endgroup]\nlint: FAIL\n"
    (step,) = parse_job_log(text)
    assert step.command == "tox -e lint" and step.output == "lint: FAIL"
    assert strip_timestamp("2024-05-14T09:12:01.1234567Z") == ""


def test_one_step_of_the_zip(monkeypatch: pytest.MonkeyPatch) -> None:
    text = decode(fixture("lint_job.txt"))
    piece = text[text.index("2024-05-14T09:12:04.5298070Z ##[group]Run ruff check .") :]
    step = parse_step_log(piece.split("Post job cleanup.")[0], number=5, name="Lint")
    assert (step.number, step.name, step.command, step.exit_code) == (5, "Lint", "ruff check .", 1)


def test_huge_logs_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_LOG_BYTES", 64 * 1024)
    monkeypatch.setattr(logs, "HEAD_BYTES", 8 * 1024)
    monkeypatch.setattr(logs, "MAX_STEP_CHARS", 16 * 1024)
    monkeypatch.setattr(logs, "STEP_HEAD_CHARS", 2 * 1024)
    noise = b"".join(b"2024-05-14T09:12:03.0000000Z line %d of the tests' chatter\n" % n for n in range(20000))
    data = fixture("lint_job.txt").replace(b"app.py:1:8", noise + b"app.py:1:8")
    data = data.replace(b"Installing collected", noise + b"Installing collected")  # the header, in the middle
    text = decode(data)
    assert len(text) < 70 * 1024 and "bytes of this log left out" in text
    lint = next(step for step in parse_job_log(text) if step.failed)
    assert len(lint.output) < 17 * 1024 and "left out" in lint.output
    assert "app.py:1:8: F401" in lint.output  # the end, where the failure is, stays
    assert lint.command == "ruff check ."  # its header, from the part left out, too
