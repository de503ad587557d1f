"""JSON edited as text: add or remove one entry and leave every other byte where it was.

`json.loads` + `json.dumps` would rewrite a whole settings file in one style (spacing, key order of
nested arrays kept but every line re-indented, `\\u` escapes, a final newline). Here the document is
parsed once more to learn where each object member and array item starts and ends, and an edit is a
splice: an entry appended after the last one (with the container's separator, newline and indent), or
an entry cut out together with the separator before it. Appending and then cutting out the same entry
gives back the original bytes.

Only valid JSON is edited: `load` reads it with `json.loads` first, so a broken file is reported with
the line and column Python's parser gives, and nothing is changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

_WHITESPACE = " \t\n\r"
_DECODER = json.JSONDecoder()
BOM = "\ufeff"


class InvalidJson(ValueError):
    """Not JSON: `line` and `column` as Python's parser counts them (from 1)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"not valid JSON at line {line}, column {column}: {message}")
        self.line = line
        self.column = column


class Node(NamedTuple):
    """A value's span in the text, `end` exclusive; objects list their members, arrays their items."""

    kind: str
    """"object", "array" or "scalar"."""
    start: int
    end: int
    members: tuple[Member, ...] = ()
    items: tuple[Node, ...] = ()

    @property
    def entries(self) -> tuple[Member | Node, ...]:
        return self.members if self.kind == "object" else self.items

    def member(self, key: str) -> Member | None:
        """The member named `key` (the last one, as `json.loads` keeps the last of duplicates)."""
        found = None
        for member in self.members:
            if member.key == key:
                found = member
        return found


class Member(NamedTuple):
    key: str
    start: int
    """Where the key's opening quote is."""
    value: Node

    @property
    def end(self) -> int:
        return self.value.end


def load(text: str) -> tuple[Any, Node]:
    """The document's value and its spans; InvalidJson when it is not one JSON value."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidJson(error.msg, error.lineno, error.colno) from None
    node, end = _value(text, _skip(text, 0))
    if _skip(text, end) != len(text):  # json.loads would have refused it
        raise InvalidJson("extra data", *_line_column(text, end))
    return value, node


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _value(text: str, index: int) -> tuple[Node, int]:
    char = text[index]
    if char == "{":
        return _object(text, index)
    if char == "[":
        return _array(text, index)
    _, end = _DECODER.raw_decode(text, index)
    return Node("scalar", index, end), end


def _object(text: str, start: int) -> tuple[Node, int]:
    members: list[Member] = []
    index = _skip(text, start + 1)
    if text[index] == "}":
        return Node("object", start, index + 1), index + 1
    while True:
        key, after_key = _DECODER.raw_decode(text, index)
        colon = _skip(text, after_key)
        value, after = _value(text, _skip(text, colon + 1))
        members.append(Member(key, index, value))
        index = _skip(text, after)
        if text[index] == "}":
            return Node("object", start, index + 1, members=tuple(members)), index + 1
        index = _skip(text, index + 1)  # the comma


def _array(text: str, start: int) -> tuple[Node, int]:
    items: list[Node] = []
    index = _skip(text, start + 1)
    if text[index] == "]":
        return Node("array", start, index + 1), index + 1
    while True:
        item, after = _value(text, index)
        items.append(item)
        index = _skip(text, after)
        if text[index] == "]":
            return Node("array", start, index + 1, items=tuple(items)), index + 1
        index = _skip(text, index + 1)


# -- the file's style -----------------------------------------------------------------------------


def newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _own_line_indent(text: str, index: int) -> str | None:
    """The whitespace before `index` on its line when nothing else is there, else None."""
    line_start = text.rfind("\n", 0, index) + 1
    before = text[line_start:index].replace("\r", "")
    return before if before.strip(" \t") == "" else None


def _line_lead(text: str, index: int) -> str:
    """The leading whitespace of the line holding `index`."""
    line_start = text.rfind("\n", 0, index) + 1
    line = text[line_start:index]
    return line[: len(line) - len(line.lstrip(" \t"))]


def indent_unit(text: str, root: Node) -> str:
    """One level of indentation as the file has it (its first indented member's), else two spaces."""
    for entry in root.entries:
        found = _own_line_indent(text, entry.start)
        if found:
            return found
    return "  "


def _key_separator(text: str, root: Node) -> str:
    for member in root.members:
        after_key = _DECODER.raw_decode(text, member.start)[1]
        between = text[after_key : member.value.start]
        if between.strip() == ":":
            return between
    return ": "


class Style(NamedTuple):
    unit: str
    newline: str
    colon: str
    multiline: bool
    """False for a document written on one line: what is added stays on one line too."""

    @property
    def comma(self) -> str:
        """Between the entries of a one-line document: none of the spaces a minified one leaves out."""
        return "," if self.colon == ":" else ", "


def style_of(text: str, root: Node) -> Style:
    # An empty object says nothing about the file's style: what is added is indented, as Claude Code,
    # Gemini CLI and Cursor write their files.
    multiline = "\n" in text[root.start : root.end] or not root.entries
    return Style(indent_unit(text, root), newline(text), _key_separator(text, root), multiline)


def render(value: Any, style: Style, indent: str | None) -> str:
    """`value` as JSON whose first line starts at `indent` (None: on one line)."""
    if indent is None or not style.multiline:
        return json.dumps(value, ensure_ascii=False, separators=(style.comma, style.colon))
    dumped = json.dumps(value, ensure_ascii=False, indent=style.unit, separators=(",", style.colon))
    return dumped.replace("\n", style.newline + indent)


# -- edits ------------------------------------------------------------------------------------------


def append(text: str, container: Node, make: Callable[[str | None], str], style: Style) -> str:
    """`text` with one entry added after the container's last one; `make(indent)` writes the entry
    (starting at `indent`, or on one line for None)."""
    entries = container.entries
    if entries:
        last = entries[-1]
        indent = _own_line_indent(text, entries[0].start) if style.multiline else None
        if indent is None:
            return text[: last.end] + style.comma + make(None) + text[last.end :]
        return text[: last.end] + "," + style.newline + indent + make(indent) + text[last.end :]
    opening, closing = container.start + 1, container.end - 1
    if not style.multiline:
        return text[:opening] + make(None) + text[closing:]
    base = _line_lead(text, container.start)
    indent = base + style.unit
    return text[:opening] + style.newline + indent + make(indent) + style.newline + base + text[closing:]


def remove(text: str, container: Node, index: int) -> str:
    """`text` without the container's entry `index`, and the separator that came with it."""
    entries = container.entries
    entry = entries[index]
    if len(entries) == 1:
        return text[: container.start + 1] + text[container.end - 1 :]
    if index > 0:
        return text[: entries[index - 1].end] + text[entry.end :]
    return text[: entry.start] + text[entries[1].start :]


def replace(text: str, node: Node, value: Any, style: Style) -> str:
    """`text` with the value at `node` written anew, starting where it started."""
    indent = _own_line_indent(text, node.start) if style.multiline else None
    if indent is None and style.multiline:
        indent = _line_lead(text, node.start)
    return text[: node.start] + render(value, style, indent) + text[node.end :]


def member_text(key: str, value: Any, style: Style, indent: str | None) -> str:
    return json.dumps(key, ensure_ascii=False) + style.colon + render(value, style, indent)
