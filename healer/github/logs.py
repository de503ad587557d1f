"""GitHub Actions' raw job logs, read back into steps: each with the command it ran and what it printed.

A raw log (GET /actions/jobs/{id}/logs, or one file of a run's logs zip) is one
line per line the runner wrote, each prefixed with an ISO 8601 timestamp
(`2024-05-01T12:00:00.1234567Z `), the first one sometimes after a UTF-8 BOM.
The runner marks each step's start with a `##[group]Run <first line of the
script>` section whose lines show the whole script (coloured `ESC[36;1m`),
then `shell: /usr/bin/bash -e {0}` and, when there are any, `env:` with
indented `NAME: value` lines, up to `##[endgroup]`. An action step's section
shows `with:` instead of a shell. A failing command step ends with
`##[error]Process completed with exit code N.`; workflow commands a tool
printed (`::error::`, `::group::`) appear as `##[error]`, `##[group]` lines.
After the last step the runner writes `Post job cleanup.` and the post steps.

Logs come from machines healer does not control: bytes that are not UTF-8, CRLF
line ends, escape sequences and logs of hundreds of megabytes are all expected,
and nothing here raises on any of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from healer.diagnostics.ansi import strip_ansi

MAX_LOG_BYTES = 16 * 1024 * 1024
"""A job log larger than this keeps its first and last parts (a failure is at the end)."""
HEAD_BYTES = 1024 * 1024
HEADER_BYTES = 64 * 1024
"""A step's header longer than this (a script of thousands of lines) is not kept from a log's left-out part."""
MAX_STEP_CHARS = 4 * 1024 * 1024
"""A step's output kept for the parsers: its head and tail beyond this."""
STEP_HEAD_CHARS = 256 * 1024

_TIMESTAMP = re.compile(r"^\ufeff?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z(?: |$)")
_EXIT = re.compile(r"^Process completed with exit code (-?\d+)\.?$")
_SCRIPT = re.compile(r"^\x1b\[36;1m(.*?)(?:\x1b\[0m)?$")
_COMMANDS = ("##[error]", "##[warning]", "##[notice]", "##[debug]")
_TRAILERS = ("Post job cleanup.", "Cleaning up orphan processes")
SETUP_TITLE = "Set up job"


@dataclass
class LogStep:
    """One step of a job as its log shows it: `command` is the script of a `run:` step (None for an action
    or for the runner's own sections), `uses` the action a `uses:` step ran."""

    title: str
    command: str | None = None
    uses: str | None = None
    shell: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    output: str = ""
    errors: tuple[str, ...] = ()
    """The `##[error]` lines (annotations), without the runner's own `Process completed` line."""
    exit_code: int | None = None
    """From `Process completed with exit code N.`; None when the log does not say."""
    number: int | None = None
    """The step's number, when it is known (the logs zip names each step's file with it)."""
    name: str | None = None
    """The step's name as the API gives it, when known."""

    @property
    def failed(self) -> bool:
        return (self.exit_code is not None and self.exit_code != 0) or bool(self.errors)


@dataclass
class _Builder:
    step: LogStep
    header: list[str] | None = None
    """The lines of the `##[group]Run` section while it is being read."""
    lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    """The text of a downloaded log: bounded, UTF-8 where it is (anything else replaced), BOM and CRLF gone."""
    if len(data) > MAX_LOG_BYTES:
        tail_at = len(data) - (MAX_LOG_BYTES - HEAD_BYTES)
        middle = _step_headers(data, HEAD_BYTES, tail_at)
        left_out = tail_at - HEAD_BYTES - len(middle)
        note = f"\n[healer: {left_out} bytes of this log left out]\n".encode()
        data = data[:HEAD_BYTES] + note + middle + data[tail_at:]
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _step_headers(data: bytes, start: int, end: int) -> bytes:
    """The `##[group]Run` sections between `start` and `end`: what is left out of a huge log keeps the
    step headers, so the output kept from its end is still the output of the step that printed it."""
    kept: list[bytes] = []
    at = data.find(b"##[group]Run ", start, end)
    while at != -1:
        line = data.rfind(b"\n", start, at) + 1 or start
        close = data.find(b"##[endgroup]", at, min(end, at + HEADER_BYTES))
        if close == -1:
            break
        stop = data.find(b"\n", close, end)
        stop = end if stop == -1 else stop + 1
        kept.append(b"\n" + data[line:stop] if not kept and line == start else data[line:stop])
        at = data.find(b"##[group]Run ", stop, end)
    return b"".join(kept)


def strip_timestamp(line: str) -> str:
    match = _TIMESTAMP.match(line)
    return line[match.end() :] if match else line.removeprefix("\ufeff")


def parse_job_log(text: str) -> list[LogStep]:
    """The steps of one job's log, in order: the runner's set-up first (title "Set up job"), then one per
    `##[group]Run` section, and the post steps after the last as one "Post job cleanup" step."""
    steps: list[LogStep] = []
    current = _Builder(LogStep(SETUP_TITLE))
    for raw in text.split("\n"):
        line = strip_timestamp(raw)
        if current.header is not None:
            if line.startswith("##[endgroup]"):
                _read_header(current.step, current.header)
                current.header = None
            else:
                current.header.append(line)
            continue
        if line.startswith("##[group]Run "):
            steps.append(_finish(current))
            current = _Builder(LogStep(line[len("##[group]Run ") :].strip()), header=[])
            continue
        if line in _TRAILERS and current.step.title != "Post job cleanup":
            steps.append(_finish(current))
            current = _Builder(LogStep("Post job cleanup"))
            continue
        _add_line(current, line)
    if current.header is not None:  # a log cut off inside a header
        _read_header(current.step, current.header)
    steps.append(_finish(current))
    return [step for step in steps if step.title != SETUP_TITLE or step.output.strip()]


def parse_step_log(text: str, *, number: int | None, name: str | None) -> LogStep:
    """One step's own file of the logs zip (`Job name/N_Step name.txt`): one step whatever it holds."""
    found = [step for step in parse_job_log(text) if step.title not in (SETUP_TITLE, "Post job cleanup")]
    if found:
        step = found[0]
        for more in found[1:]:  # a composite action's inner steps: one step of the job all the same
            step.output += ("\n" if step.output else "") + more.output
            step.errors += more.errors
            step.exit_code = more.exit_code if more.exit_code is not None else step.exit_code
    else:
        whole = parse_job_log(text)
        step = whole[0] if whole else LogStep(name or "step")
    step.number, step.name = number, name
    if name and step.title in (SETUP_TITLE, "Post job cleanup"):
        step.title = name
    return step


def _add_line(builder: _Builder, line: str) -> None:
    if line.startswith(_COMMANDS):
        kind, _, message = line[3:].partition("]")
        if kind == "error":
            exit_code = _EXIT.match(message.strip())
            if exit_code:
                builder.step.exit_code = int(exit_code[1])
                return
            builder.errors.append(message)
        builder.lines.append(message)
    elif line.startswith("##[group]"):
        builder.lines.append(line[len("##[group]") :])  # a group a tool printed (`::group::`): its title stays
    elif not line.startswith("##[endgroup]"):
        builder.lines.append(line)


def _read_header(step: LogStep, header: list[str]) -> None:
    script: list[str] = []
    env: list[tuple[str, str]] = []
    section = "script"
    coloured = any(_SCRIPT.match(line) for line in header)
    for line in header:
        painted = _SCRIPT.match(line)
        if painted and section == "script":
            script.append(painted[1])
        elif line.startswith("shell: "):
            step.shell, section = line[len("shell: ") :].strip(), "shell"
        elif line == "env:":
            section = "env"
        elif line == "with:":
            section = "with"
        elif section == "env" and line.startswith("  "):
            name, _, value = line.strip().partition(":")
            env.append((name, value.strip()))
        elif section == "script" and not coloured:
            script.append(line)  # an older runner, or a log copied without its colours
    if step.shell is not None:
        while script and not script[-1].strip():
            script.pop()
        step.command = strip_ansi("\n".join(script)) or step.title
    else:
        step.uses = step.title
    step.env = tuple(env)


def _finish(builder: _Builder) -> LogStep:
    step = builder.step
    text = "\n".join(builder.lines).strip("\n")
    if len(text) > MAX_STEP_CHARS:
        left_out = len(text) - MAX_STEP_CHARS
        tail = text[-(MAX_STEP_CHARS - STEP_HEAD_CHARS) :]
        text = f"{text[:STEP_HEAD_CHARS]}\n[healer: {left_out} characters of this step's output left out]\n{tail}"
    step.output = text
    step.errors = tuple(builder.errors)
    return step
