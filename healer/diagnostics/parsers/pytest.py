"""pytest: failures, errors and collection errors, each tied to its test's node id.

Two parts of the report are read. The `short test summary info` lines
(`FAILED node - message`, `ERROR node`) name every failing test with its full
node id. The FAILURES/ERRORS sections hold one block per test whose location
lines (`tests/test_x.py:12: AssertionError`, `calc.py:6: in divide`) give the
place, and whose `E` lines give the exception. A block is matched to its
summary line by name; a run without a summary (`-rN`) still yields the blocks.

A doctest that raised (`UNEXPECTED EXCEPTION: ...`, then a plain traceback)
is placed where the exception was raised, in the user's code, with the
exception's type and message: the docstring line pytest gives is only where
the example stands.

A conftest.py that cannot be imported stops pytest before any section is
printed (`ImportError while loading conftest '...'`, then the frames and the
`E` lines): that is one blocking failure, placed at its innermost own frame,
with the conftest as its node id (a file, as for a module that cannot be collected).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers._lines import innermost_own_frame, is_library_path, lines

TOOL = "pytest"

_BANNER = re.compile(r"=+ (?P<title>.+?) =+")
_BLOCK = re.compile(r"_+ (?P<name>.+?) _+")  # pytest narrows the rule to one `_` each side for a long id
_SUMMARY = re.compile(r"(?P<kind>FAILED|ERROR|XPASS\(strict\)) (?P<node>\S.*?)(?: - (?P<message>.*))?")
_LOCATION = re.compile(r"(?P<file>[^\s<:][^:]*?|[A-Za-z]:[\\/][^:]*?):(?P<line>\d+): ?(?P<tail>.*)")
_EMBEDDED_FRAME = re.compile(r'\s*File "(?P<file>[^"]+)", line (?P<line>\d+)')
# A fixture lookup error names the requesting functions as `file PATH, line N` and ends with `PATH:N`.
_REQUESTER = re.compile(r"file (?P<file>.+\.py), line (?P<line>\d+)")
_BARE_LOCATION = re.compile(r"(?P<file>[^\s<:][^:]*?\.py):(?P<line>\d+)")
_EXCEPTION_NAME = r"(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Warning|Failed|Skipped)"
_EXCEPTION = re.compile(rf"(?P<type>{_EXCEPTION_NAME})(?:: |$)")
_EXCEPTION_ONLY = re.compile(_EXCEPTION_NAME)
_SECTIONS = ("FAILURES", "ERRORS")
_CONFTEST = re.compile(r"ImportError while loading conftest '(?P<path>[^']+)'\.")
_BLOCK_PREFIXES = ("ERROR at setup of ", "ERROR at teardown of ", "ERROR collecting ")
_DOCTEST = "[doctest] "
_UNEXPECTED = "UNEXPECTED EXCEPTION: "


@dataclass
class _Block:
    """One test's traceback section."""

    name: str
    frames: list[tuple[str, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exception: str | None = None
    """The exception named by the final location line, e.g. `AssertionError`."""
    raised: list[tuple[str, int]] | None = None
    """A doctest's traceback frames, once its `UNEXPECTED EXCEPTION` line was seen."""
    raised_error: str | None = None
    """That traceback's last line: `AttributeError: module 'functools' has no attribute 'partiaal'`."""
    said: str | None = None
    """A collection error's first plain line, when it has no `E` lines: pytest prints some reasons plainly
    (`In test_x.py::t: function uses no argument 'y'`), and the summary cuts them short."""


def parse(text: str) -> list[Finding]:
    rows = lines(text)
    conftest = _conftest_failure(rows)
    if conftest is not None:
        return [conftest]
    blocks, loose = _read_sections(rows)
    summary = _read_summary(rows)
    findings: list[Finding] = []
    claimed: set[int] = set()
    for block in blocks:
        position = _match(block, summary, claimed)
        node, message = summary[position][1:] if position is not None else (None, None)
        findings.append(_from_block(block, node, message))
    for position, (kind, node, message) in enumerate(summary):
        if position not in claimed:
            findings.append(_from_summary(kind, node, message, loose))
    return findings


def _read_sections(rows: list[str]) -> tuple[list[_Block], dict[str, tuple[str, int]]]:
    blocks: list[_Block] = []
    # `--tb=line` prints `file:line: message` without block headers; keyed by message.
    loose: dict[str, tuple[str, int]] = {}
    in_section = False
    current: _Block | None = None
    for row in rows:
        banner = _BANNER.fullmatch(row)
        if banner is not None:
            in_section = banner["title"] in _SECTIONS
            current = None
            continue
        if not in_section:
            continue
        header = _BLOCK.fullmatch(row)
        if header is not None and not header["name"].startswith("_ "):
            current = _Block(name=header["name"])
            blocks.append(current)
        elif current is not None:
            _read_block_row(current, row)
        elif (location := _LOCATION.fullmatch(row)) is not None:
            loose.setdefault(location["tail"], (location["file"], int(location["line"])))
    return blocks, loose


def _conftest_failure(rows: list[str]) -> Finding | None:
    for index, row in enumerate(rows):
        header = _CONFTEST.fullmatch(row.strip())
        if header is None:
            continue
        block = _Block(name=header["path"])
        for following in rows[index + 1 :]:
            if _BANNER.fullmatch(following):
                break
            _read_block_row(block, following)
        if not block.frames:
            return None
        # The first frame is the conftest as pytest names it from the rootdir; the header's path is absolute.
        node = block.frames[0][0]
        return _from_block(block, node, None)._replace(message=_exception(block.errors)[0] or row.strip())
    return None


def _read_block_row(block: _Block, row: str) -> None:
    if row.startswith(_UNEXPECTED):
        block.raised = []
        return
    if block.raised is not None:
        frame = _EMBEDDED_FRAME.match(row)
        if frame is not None and not frame["file"].startswith("<"):  # `<doctest x[2]>` is the example itself
            block.raised.append((frame["file"], int(frame["line"])))
            return
        if _EXCEPTION.match(row):
            block.raised_error = row.strip()
            return
    if row.startswith("E "):
        error = row[1:].strip()
        block.errors.append(error)
        embedded = _EMBEDDED_FRAME.match(error)
        if embedded is not None:
            block.frames.append((embedded["file"], int(embedded["line"])))
        return
    place = _REQUESTER.fullmatch(row) or _BARE_LOCATION.fullmatch(row)
    if place is not None:
        block.frames.append((place["file"], int(place["line"])))
        return
    location = _LOCATION.fullmatch(row)
    if location is not None:
        block.frames.append((location["file"], int(location["line"])))
        tail = location["tail"].strip()
        block.exception = tail if _EXCEPTION_ONLY.fullmatch(tail) else block.exception
    elif block.said is None and block.name.startswith("ERROR collecting ") and row.strip()[:1].isalpha():
        block.said = row.strip()


def _read_summary(rows: list[str]) -> list[tuple[str, str, str | None]]:
    entries: list[tuple[str, str, str | None]] = []
    in_summary = False
    for row in rows:
        banner = _BANNER.fullmatch(row)
        if banner is not None:
            in_summary = banner["title"] == "short test summary info"
            continue
        match = _SUMMARY.fullmatch(row) if in_summary else None
        if match is not None:
            entries.append((match["kind"], match["node"], match["message"]))
    return entries


def _block_target(name: str) -> str:
    """What the block header names, in node-id form: `TestX.test_y` -> `TestX::test_y`."""
    if name.startswith(_DOCTEST):
        return name[len(_DOCTEST) :]  # a dotted object name, as the summary's node id ends
    for prefix in _BLOCK_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            if prefix == "ERROR collecting ":
                return name
            head, bracket, params = name.partition("[")  # a parameter's id may hold dots: `[markupsafe._native]`
            return head.replace(".", "::") + bracket + params
    head, bracket, params = name.partition("[")
    return head.replace(".", "::") + bracket + params


def _match(block: _Block, summary: list[tuple[str, str, str | None]], claimed: set[int]) -> int | None:
    target = _block_target(block.name)
    for position, (_, node, _) in enumerate(summary):
        if position not in claimed and (node == target or node.endswith("::" + target)):
            claimed.add(position)
            return position
    return None


def _from_block(block: _Block, node: str | None, summary_message: str | None) -> Finding:
    place = innermost_own_frame(block.frames)
    message, kind = _exception(block.errors)
    kind = kind or block.exception
    if block.raised_error is not None:
        own = [frame for frame in block.raised or [] if not is_library_path(frame[0])]
        place = own[-1] if own else place
        message, kind = _exception([block.raised_error])
    if node is None:
        node = _node_from_block(block)
    return Finding(
        tool=TOOL,
        message=message or block.said or summary_message or block.name,
        file=place[0] if place else _node_file(node),
        line=place[1] if place else None,
        code=kind,
        node_id=node,
    )


def _exception(errors: list[str]) -> tuple[str | None, str | None]:
    """The message and exception type from a block's `E` lines."""
    for error in errors:
        match = _EXCEPTION.match(error)
        if match is not None:
            return error[match.end() :].strip() or match["type"], match["type"]
    if errors and errors[0].startswith("assert "):
        return errors[0], "AssertionError"
    return (errors[0], None) if errors else (None, None)


def _node_from_block(block: _Block) -> str | None:
    target = _block_target(block.name)
    if block.name.startswith("ERROR collecting "):
        return target
    # Without a summary, the test file is the first frame outside libraries.
    own = [frame for frame in block.frames if not is_library_path(frame[0])]
    return f"{own[0][0]}::{target}" if own else None


def _node_file(node: str | None) -> str | None:
    return node.split("::", 1)[0] if node else None


def _from_summary(kind: str, node: str, message: str | None, loose: dict[str, tuple[str, int]]) -> Finding:
    place = loose.get(message) if message else None
    code = None
    if message is not None:
        message, code = _exception([message])
    return Finding(
        tool=TOOL,
        message=message or f"{kind} {node}",
        file=place[0] if place else _node_file(node),
        line=place[1] if place else None,
        code=code,
        node_id=node,
    )
