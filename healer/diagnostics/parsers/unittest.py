"""unittest (`python -m unittest`): one finding per FAIL/ERROR block, tied to its test.

A block is a rule of `=`, a `FAIL: name (id)` or `ERROR: name (id)` title, a rule of `-` and the
traceback. The id is `module.Class.test` (Python 3.11 and later), `module.Class` (before), `module.Class`
for a `setUpClass`, `module` for a `setUpModule`, and `unittest.loader._FailedTest.module` for a test
module that cannot be imported. The place and the exception come from the traceback (healer's traceback
parser, so the interpreter's "Did you mean" is kept); the node id is written the way pytest writes it
(`tests/test_x.py::Class::test`), with the module's path as discovery named it, relative to its top folder.

The findings are the interpreter's exceptions, reported as `python`, so the rules for NameError,
ImportError and the like apply to them as to a traceback.
"""

from __future__ import annotations

import re

from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers._lines import lines
from healer.diagnostics.parsers.traceback import TOOL as TRACEBACK_TOOL
from healer.diagnostics.parsers.traceback import parse as parse_traceback

TOOL = TRACEBACK_TOOL

_RULE = re.compile(r"={20,}")
_DASHES = re.compile(r"-{20,}")
_TITLE = re.compile(r"(?P<kind>FAIL|ERROR|UNEXPECTED SUCCESS): (?P<name>\S+) \((?P<id>[\w.]+)\)(?P<rest>.*)")
_FAILED_IMPORT = "unittest.loader._FailedTest."
_MODULE_FIXTURES = {"setUpModule", "tearDownModule"}
_CLASS_FIXTURES = {"setUpClass", "tearDownClass"}
_RAN = re.compile(r"Ran \d+ tests? in ")


def parse(text: str) -> list[Finding]:
    rows = lines(text)
    findings: list[Finding] = []
    index = 0
    while index < len(rows):
        title = _TITLE.fullmatch(rows[index])
        if title is None or index == 0 or not _RULE.fullmatch(rows[index - 1]):
            index += 1
            continue
        start = index + 2 if index + 1 < len(rows) and _DASHES.fullmatch(rows[index + 1]) else index + 1
        end = _block_end(rows, start)
        findings.append(_finding(title, rows[start:end]))
        index = end
    return findings


def _block_end(rows: list[str], start: int) -> int:
    for index in range(start, len(rows)):
        if _RULE.fullmatch(rows[index]):
            return index
        if _DASHES.fullmatch(rows[index]) and index + 1 < len(rows) and _RAN.match(rows[index + 1]):
            return index
    return len(rows)


def _finding(title: re.Match[str], body: list[str]) -> Finding:
    name, test_id = title["name"], title["id"]
    found = parse_traceback("\n".join(body))
    frames = [match["file"] for row in body if (match := re.match(r' +File "(?P<file>[^"]+)"', row))]
    node = _node(name, test_id, frames)
    if title["kind"] == "UNEXPECTED SUCCESS":
        return Finding(TOOL, f"unexpected success: {test_id}", node_id=node, code="UnexpectedSuccess")
    if found:
        return found[-1]._replace(node_id=node)
    message = next((row.strip() for row in body if row.strip()), f"{title['kind']}: {name}")
    return Finding(TOOL, message, node_id=node)


def _node(name: str, test_id: str, frames: list[str]) -> str:
    """The test as a pytest-style node id: `path/to/module.py::Class::test` (or less, for fixtures and imports)."""
    if test_id.startswith(_FAILED_IMPORT):
        return _module_path(test_id.removeprefix(_FAILED_IMPORT))
    if name in _MODULE_FIXTURES:
        return _module_path(test_id)
    parts = test_id.split(".")
    if parts[-1] == name and name not in _CLASS_FIXTURES and len(parts) > 2:
        parts = parts[:-1]  # Python 3.11 and later repeat the method after the class
    module, owner = _split(parts, frames)
    path = _module_path(".".join(module))
    tail = [*owner, *([] if name in _CLASS_FIXTURES else [name])]
    return "::".join([path, *tail])


def _split(parts: list[str], frames: list[str]) -> tuple[list[str], list[str]]:
    """(module, class) of `module.Class`: the longest prefix naming a traceback frame's file, else all but the last."""
    for cut in range(len(parts), 0, -1):
        suffix = "/".join(parts[:cut])
        if any(frame.replace("\\", "/").endswith((f"/{suffix}.py", f"/{suffix}/__init__.py")) for frame in frames):
            return parts[:cut], parts[cut:]
    return parts[:-1] or parts, parts[-1:] if len(parts) > 1 else []


def _module_path(module: str) -> str:
    return module.replace(".", "/") + ".py"
