"""A model's reply turned into exact file edits: SEARCH/REPLACE blocks (aider style) and unified diffs.

`parse_reply` reads the blocks out of the reply's prose and fences; `apply_blocks`
locates each block's search text in the file as the earlier blocks left it and
returns whole-file `FileEdit`s. Locating is by content only: models misnumber
diff hunks and drift in whitespace, so a search is tried exactly, then ignoring
trailing whitespace, then ignoring a uniform indentation difference (the
replacement is re-indented to match), then without blank lines at its edges.
A search found twice is refused, never guessed, except that a diff hunk's
header may break the tie.

What the model left unchanged stays byte for byte as it was: lines the
replacement shares with the search are copied from the file (with their own
endings and whitespace), new lines take the file's usual ending, and the
file's final-newline state and UTF-8 BOM are kept.

Every refusal is an `EditError` whose message is one line naming the block,
the file and the reason: it goes back to the model for one repair round.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from healer.patch.patch import FileEdit

MAX_REPLY_BYTES = 200 * 1024
MAX_BLOCKS = 50

BlockKind = Literal["search-replace", "diff-hunk"]

_HEAD = re.compile(r"^\s*<{5,9}\s*search\s*$", re.IGNORECASE)
_DIVIDER = re.compile(r"^\s*={5,9}\s*$")
_TAIL = re.compile(r"^\s*>{5,9}\s*replace\s*$", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})\s*(.*?)\s*$")
_HUNK = re.compile(r"^@@+\s*-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?\s*@@")
_PATH = re.compile(r"(?:[A-Za-z]:)?[\w.\-/\\+@~]+")
_EXTENSION = re.compile(r"\.\w+$")
_TIMESTAMP = re.compile(r"\s+\d{4}-\d\d-\d\d[ T][\d:.]+(?:\s*[+-]\d{4})?$")
_BARE_NAMES = frozenset(
    ("Makefile", "Dockerfile", "Justfile", "Procfile", "Gemfile", "Rakefile", "Pipfile", "LICENSE", "Containerfile")
)
_BOM = "\ufeff"
_SHOWN = 70


class EditError(ValueError):
    """A reply that cannot be read or applied; the message is one line: which block, which file, what is wrong."""


@dataclass(frozen=True)
class Block:
    """One change the reply asks for: replace `search` (whole lines, "\\n"-terminated) by `replace` in `path`.

    An empty `search` creates the file. A diff hunk's search is its context and
    removed lines, its replacement its context and added lines; a search or
    replacement without a final "\\n" comes from a "\\ No newline at end of
    file" marker and sets the file's final-newline state.
    """

    path: str
    search: str
    replace: str
    kind: BlockKind
    number: int
    """1-based position in the reply, as error messages name it."""
    hint: int | None = None
    """A diff hunk's 0-based start line per its header, in the file as the earlier hunks left it; breaks ties only."""


# Reading the reply


def parse_reply(text: str) -> list[Block]:
    """The blocks of a model's reply, in order; `EditError` if there are none or one is malformed."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_REPLY_BYTES:
        raise EditError(
            f"the reply is {size // 1024} KB, over the {MAX_REPLY_BYTES // 1024} KB limit; send only the blocks needed"
        )
    if not text.strip():
        raise EditError("the reply is empty; answer with SEARCH/REPLACE blocks")
    return _Parser(text.replace("\r\n", "\n")).run()


def _looks_like_path(text: str) -> bool:
    if not _PATH.fullmatch(text) or not text.strip("."):
        return False
    return "/" in text or "\\" in text or bool(_EXTENSION.search(text)) or text in _BARE_NAMES


def _path_line(line: str) -> str | None:
    """The path a line names when it is only a path: `x.py`, **x.py**, ### x.py, File: x.py, x.py: ..."""
    text = re.sub(r"[*`]", "", line).strip()
    text = re.sub(r"^(?:#{1,6}|[-+]|\d+[.)])\s+", "", text)
    text = re.sub(r"^(?:file(?:name)?|path)\s*:\s*", "", text, flags=re.IGNORECASE)
    text = text.rstrip(":").strip().strip("'\"")
    return text if _looks_like_path(text) else None


def _path_on_fence(info: str) -> str | None:
    """The path on a fence line (```python app/x.py); language names have neither "/" nor an extension."""
    for token in reversed(info.split()):
        token = token.strip("`*'\"")
        if _looks_like_path(token):
            return token
    return None


def _path_in_prose(line: str) -> str | None:
    """The last `backticked` path of a sentence such as "In `app/x.py`, replace:"."""
    found = [token for token in re.findall(r"`([^`\s]+)`", line) if _looks_like_path(token)]
    return found[-1] if found else None


def _normalise_path(path: str, *, diff: bool = False) -> str:
    """Forward slashes, no "./" or empty parts, no a/ or b/ prefix on a diff's names; ".." and "/" are kept."""
    text = path.strip().replace("\\", "/")
    if diff and text[:2] in ("a/", "b/"):
        text = text[2:]
    parts = [part for part in text.split("/") if part not in ("", ".")]
    return ("/" if text.startswith("/") else "") + "/".join(parts)


def _diff_name(raw: str) -> str | None:
    name = _TIMESTAMP.sub("", raw.split("\t")[0].strip())
    if len(name) > 1 and name[0] == name[-1] == '"':
        name = name[1:-1]
    return None if name == "/dev/null" else _normalise_path(name, diff=True)


def _show(text: str) -> str:
    """A line quoted for a one-line message: escapes instead of control characters, cut if long."""
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "...")


def _hunk_like(line: str) -> bool:
    return line[:1] in (" ", "-", "+")


class _Parser:
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.blocks: list[Block] = []
        self.in_fence = False
        # A block's path is looked for no further back than the end of the previous block.
        self.floor = 0
        self.last_path: str | None = None

    def run(self) -> list[Block]:
        lines = self.lines
        i = 0
        while i < len(lines):
            line = lines[i]
            if _HEAD.match(line):
                i = self._search_replace(i)
            elif _TAIL.match(line):
                raise EditError(
                    f"block {self._number()}: the >>>>>>> REPLACE on line {i + 1} of the reply has no"
                    " <<<<<<< SEARCH before it"
                )
            elif line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
                i = self._diff(i)
            elif line.startswith("@@") and (_HUNK.match(line) or line.strip() == "@@" or line.count("@@") >= 2):
                i = self._bare_hunk(i)
            else:
                fence = _FENCE.match(line)
                if fence:
                    # A closing fence has no info string; an info string while open is a model that forgot to close.
                    self.in_fence = not self.in_fence or bool(fence.group(1))
                i += 1
        if not self.blocks:
            raise EditError(
                "the reply has no SEARCH/REPLACE block and no unified diff; answer with blocks of the form"
                " path, <<<<<<< SEARCH, old lines, =======, new lines, >>>>>>> REPLACE"
            )
        return self.blocks

    def _number(self) -> int:
        number = len(self.blocks) + 1
        if number > MAX_BLOCKS:
            raise EditError(
                f"the reply has more than {MAX_BLOCKS} blocks; a fix that large is refused, send fewer, larger blocks"
            )
        return number

    def _path_for(self, at: int) -> str | None:
        """The path of the block starting at line `at`: on the line before, on the fence, or the line before that."""
        lines, floor = self.lines, self.floor
        j = at - 1
        while j >= floor and not lines[j].strip():
            j -= 1
        if j >= floor and (fence := _FENCE.match(lines[j])):
            path = _path_on_fence(fence.group(1))
            if path:
                return _normalise_path(path)
            j -= 1
            while j >= floor and not lines[j].strip():
                j -= 1
        if j >= floor and (path := _path_line(lines[j])):
            return _normalise_path(path)
        if self.last_path and all(not line.strip() or _FENCE.match(line) for line in lines[floor:at]):
            # Nothing but blank lines and fences since the previous block: the same file, as models write it.
            return self.last_path
        if j >= floor and (path := _path_in_prose(lines[j])):
            return _normalise_path(path)
        return None

    def _search_replace(self, head: int) -> int:
        number = self._number()
        path = self._path_for(head)
        label = f"block {number} ({path})" if path else f"block {number}"
        lines = self.lines
        dividers: list[int] = []
        end = head + 1
        while end < len(lines):
            line = lines[end]
            if _TAIL.match(line):
                break
            if _HEAD.match(line):
                raise EditError(
                    f"{label}: a second <<<<<<< SEARCH on line {end + 1} of the reply before this block's"
                    " >>>>>>> REPLACE; every block needs its own ======= and >>>>>>> REPLACE"
                )
            if _DIVIDER.match(line):
                dividers.append(end)
            end += 1
        else:
            raise EditError(f"{label}: unterminated, the reply ends before its >>>>>>> REPLACE line (it looks cut off)")
        if not dividers:
            raise EditError(f"{label}: no ======= line between <<<<<<< SEARCH and >>>>>>> REPLACE")
        if path is None:
            raise EditError(
                f"{label}: no file path before <<<<<<< SEARCH on line {head + 1} of the reply; put the file's"
                " path alone on the line before it"
            )
        # A file's own "=======" line (an RST underline) is only told apart by luck: prefer the canonical marker.
        canonical = [d for d in dividers if lines[d].strip() == "======="]
        divider = (canonical or dividers)[0]
        search = "".join(line + "\n" for line in lines[head + 1 : divider])
        replace = "".join(line + "\n" for line in lines[divider + 1 : end])
        self.blocks.append(Block(path, search, replace, "search-replace", number))
        self.last_path = path
        self.floor = end + 1
        return end + 1

    def _diff(self, at: int) -> int:
        lines = self.lines
        source, target = _diff_name(lines[at][4:]), _diff_name(lines[at + 1][4:])
        path = target or source or ""
        label = f"block {len(self.blocks) + 1} ({path})"
        if not path:
            raise EditError(f"{label}: the diff on line {at + 1} of the reply names no file")
        if target is None:
            raise EditError(f"{label}: the diff deletes {path}; deleting files is not supported, change it instead")
        if source is not None and source != target:
            raise EditError(f"{label}: the diff renames {source} to {target}; renames are not supported")
        i = at + 2
        if i >= len(lines) or not lines[i].startswith("@@"):
            raise EditError(f"{label}: no @@ hunk header after the +++ line on line {at + 2} of the reply")
        while i < len(lines) and lines[i].startswith("@@"):
            i = self._hunk(i, path, created=source is None)
        self.last_path = path
        self.floor = i
        return i

    def _bare_hunk(self, at: int) -> int:
        """An @@ hunk with no ---/+++ lines, its path given the way a SEARCH/REPLACE block's is."""
        path = self._path_for(at)
        if path is None:
            raise EditError(
                f"block {self._number()}: the diff hunk on line {at + 1} of the reply has no --- and +++ lines"
                " naming its file"
            )
        i = at
        while i < len(self.lines) and self.lines[i].startswith("@@"):
            i = self._hunk(i, path, created=False)
        self.last_path = path
        self.floor = i
        return i

    def _hunk(self, at: int, path: str, *, created: bool) -> int:
        number = self._number()
        label = f"block {number} ({path})"
        lines = self.lines
        header = lines[at]
        counted = _HUNK.match(header)
        old_count = new_count = 0
        hint = None
        if counted:
            old_count = int(counted[2]) if counted[2] is not None else 1
            new_count = int(counted[4]) if counted[4] is not None else 1
            # The new side's start is where the hunk sits once the earlier hunks are applied, as they are by then.
            hint = int(counted[3]) - 1 if new_count else int(counted[3])
        entries: list[list[str]] = []  # [kind, text, "\n" or ""]; kind "b" is a bare empty line
        old = new = 0
        i = at + 1
        while i < len(lines):
            line = lines[i]
            full = counted is not None and old >= old_count and new >= new_count
            if line.startswith("\\"):
                # "\ No newline at end of file": the line before has no newline, on its side(s).
                if entries:
                    entries[-1][2] = ""
                i += 1
                continue
            if line.startswith(("@@", "```", "~~~")):
                break
            structural = line.startswith("diff --git ") or (
                line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ ")
            )
            if structural and (counted is None or full):
                break
            if _hunk_like(line):
                kind = line[0]
            elif not line:
                if not self.in_fence and (full or not self._hunk_follows(i)):
                    break
                kind = "b"
            else:
                if self.in_fence or (not full and i + 1 < len(lines) and _hunk_like(lines[i + 1])):
                    raise EditError(
                        f"{label}: line {i - at} of the hunk, {_show(line)}, does not start with ' ', '-' or '+'"
                    )
                break
            entries.append([kind, line[1:], "\n"])
            old += kind != "+"
            new += kind != "-"
            i += 1
        if not any(lines[i:]):
            # The reply ends in this hunk, as one cut off by a token limit does: its fence left open, or fewer lines
            # than the header announces (unless a side has more, which shows that the header is simply miscounted).
            if counted is not None and old <= old_count and new <= new_count and (old, new) != (old_count, new_count):
                raise EditError(
                    f"{label}: the reply ends inside the hunk {_show(header)}, which announces {old_count} old and"
                    f" {new_count} new lines but has {old} and {new}; it looks cut off"
                )
            if self.in_fence:
                raise EditError(
                    f"{label}: the reply ends inside the diff's ``` fence, in the hunk {_show(header)};"
                    " it looks cut off"
                )
        while entries and entries[-1][0] == "b" and (counted is None or old > old_count or new > new_count):
            # Empty lines after a hunk are the reply's spacing, not the file's blank lines.
            entries.pop()
            old -= 1
            new -= 1
        if not entries:
            raise EditError(f"{label}: the hunk {_show(header)} has no lines")
        search = "".join(text + end for kind, text, end in entries if kind != "+")
        replace = "".join(text + end for kind, text, end in entries if kind != "-")
        if created and search:
            raise EditError(f"{label}: the diff creates {path} (--- /dev/null) but its hunk has context or - lines")
        self.blocks.append(Block(path, search, replace, "diff-hunk", number, hint))
        return i

    def _hunk_follows(self, at: int) -> bool:
        """Whether hunk lines resume after the empty lines at `at`: then they are blank context lines."""
        for line in self.lines[at:]:
            if line:
                return _hunk_like(line) and not line.startswith(("--- ", "+++ "))
        return False


# Applying the blocks


@dataclass
class _File:
    path: str
    original: bytes | None
    contents: list[str]
    ends: list[str]
    """Each line's ending: "\\n", "\\r\\n", or "" for a last line without one."""
    newline: str
    """The ending new lines get: the file's most common one."""
    bom: str = ""

    @property
    def exists(self) -> bool:
        return self.original is not None or bool(self.contents)

    def set_text(self, text: str) -> None:
        parts = text.split("\n")
        last = parts.pop()
        self.contents = [*parts, last] if last else parts
        self.ends = [self.newline] * len(parts) + ([""] if last else [])

    def render(self) -> bytes:
        text = self.bom + "".join(content + end for content, end in zip(self.contents, self.ends, strict=True))
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            raise EditError(f"{self.path}: the replacement has characters that are not valid UTF-8") from None


@dataclass(frozen=True)
class _Match:
    start: int
    want: list[str]
    repl: list[str]
    indent: str = ""
    """Whitespace the file has in front of every line beyond the search (or, with `outdent`, lacks)."""
    outdent: bool = False

    @property
    def stop(self) -> int:
        return self.start + len(self.want)


def apply_blocks(blocks: Sequence[Block], read: Callable[[str], bytes | None]) -> tuple[FileEdit, ...]:
    """The edits `blocks` make, applied in order to the files as `read(path)` returns them (None: no such file).

    One `FileEdit` per changed file, in the order the reply first names them;
    `EditError` for any block that cannot be applied exactly once, and for a
    reply that changes nothing.
    """
    if len(blocks) > MAX_BLOCKS:
        raise EditError(f"the reply has {len(blocks)} blocks, more than {MAX_BLOCKS}; send fewer, larger blocks")
    files: dict[str, _File] = {}
    for block in blocks:
        path = _normalise_path(block.path)
        state = files.get(path)
        if state is None:
            _check_path(block, path)
            state = files[path] = _load(path, read)
        _apply(state, block)
    edits = []
    for state in files.values():
        after = state.render()
        if after != state.original:
            edits.append(FileEdit(state.path, state.original, after))
    if not edits:
        raise EditError("the reply changes nothing: every block's replacement equals the text it replaces")
    return tuple(edits)


def _check_path(block: Block, path: str) -> None:
    # validate.py checks paths against the repository later; read() is never even asked for one outside it.
    label = f"block {block.number} ({block.path})"
    if not path or any(c in path for c in "\0\n\r"):
        raise EditError(f"{label}: not a file path")
    if path.startswith(("/", "~")) or re.match(r"[A-Za-z]:", path):
        raise EditError(f"{label}: an absolute path; use a path relative to the repository root")
    if ".." in path.split("/"):
        raise EditError(f"{label}: the path contains '..'; use a path inside the repository, relative to its root")


def _load(path: str, read: Callable[[str], bytes | None]) -> _File:
    try:
        data = read(path)
    except OSError as error:
        raise EditError(f"{path}: cannot be read ({error.strerror or error})") from None
    if data is None:
        return _File(path, None, [], [], "\n")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise EditError(f"{path}: not UTF-8, healer does not edit it") from None
    bom = _BOM if text.startswith(_BOM) else ""
    parts = text[len(bom) :].split("\n")
    last = parts.pop()
    contents, ends = [], []
    for part in parts:
        if part.endswith("\r"):
            contents.append(part[:-1])
            ends.append("\r\n")
        else:
            contents.append(part)
            ends.append("\n")
    if last:
        contents.append(last)
        ends.append("")
    newline = "\r\n" if ends.count("\r\n") > ends.count("\n") else "\n"
    return _File(path, data, contents, ends, newline, bom)


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    if parts[-1] == "":
        parts.pop()
    return parts


def _apply(state: _File, block: Block) -> None:
    label = f"block {block.number} ({state.path})"
    diff = block.kind == "diff-hunk"
    if not block.search:
        if state.contents:
            raise EditError(
                f"{label}: the hunk has no context or - lines, so it creates the file, but {state.path} already exists"
                if diff
                else f"{label}: the SEARCH is empty, which creates a file, but {state.path} already exists; put the"
                " lines to replace in SEARCH"
            )
        state.set_text(block.replace)
        return
    if not state.exists:
        how = "write the diff against --- /dev/null" if diff else "leave SEARCH empty"
        raise EditError(f"{label}: no such file; to create it, {how}")
    search, replace = block.search, block.replace
    if state.bom and search.startswith(_BOM):
        # The model quoted the file's BOM, which is kept apart from the lines and stays whatever the model writes.
        search, replace = search[1:], replace.removeprefix(_BOM)
    match = _locate(state.contents, _lines(search), _lines(replace), block.hint, label)
    region = state.contents[match.start : match.stop]
    region_ends = state.ends[match.start : match.stop]
    contents: list[str] = []
    ends: list[str] = []
    for tag, i1, i2, j1, j2 in _alignment(match.want, match.repl):
        if tag == "equal":
            # What the model kept is kept byte for byte: its whitespace may have drifted, the file's has not.
            contents.extend(region[i1:i2])
            ends.extend(region_ends[i1:i2])
        else:
            contents.extend(_reindent(line, match) for line in match.repl[j1:j2])
            ends.extend([state.newline] * (j2 - j1))
    at_end = match.stop == len(state.contents)
    final = _final_newline(block, state.ends[-1] != "")
    state.contents[match.start : match.stop] = contents
    state.ends[match.start : match.stop] = ends
    for k in range(match.start, min(match.start + len(ends), len(state.ends) - 1)):
        # The file's old last line, kept but no longer last, needs the ending it lacked.
        state.ends[k] = state.ends[k] or state.newline
    if at_end and state.contents:
        state.ends[-1] = (state.ends[-1] or state.newline) if final else ""


def _alignment(want: list[str], repl: list[str]) -> list[tuple[str, int, int, int, int]]:
    """How the replacement's lines line up with the search's: SequenceMatcher opcodes.

    Common leading and trailing lines are paired first, as diff tools do: they
    are the context the model quoted, and SequenceMatcher alone, which starts
    from the longest common run, can pair a repeated line (a blank one) with
    the wrong copy and leave a quoted context line looking new.
    """
    limit = min(len(want), len(repl))
    head = 0
    while head < limit and want[head] == repl[head]:
        head += 1
    tail = 0
    while tail < limit - head and want[-1 - tail] == repl[-1 - tail]:
        tail += 1
    ops = [("equal", 0, head, 0, head)] if head else []
    middle = difflib.SequenceMatcher(None, want[head : len(want) - tail], repl[head : len(repl) - tail], autojunk=False)
    ops.extend((tag, i1 + head, i2 + head, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in middle.get_opcodes())
    if tail:
        ops.append(("equal", len(want) - tail, len(want), len(repl) - tail, len(repl)))
    return ops


def _final_newline(block: Block, now: bool) -> bool:
    """Whether the file ends with a newline once `block`, which reaches its end, is applied.

    A file keeps its state whatever the model wrote, unless a diff hunk says
    otherwise with its "\\ No newline at end of file" marker.
    """
    explicit = not block.search.endswith("\n") or (block.replace != "" and not block.replace.endswith("\n"))
    if block.kind != "diff-hunk" or not explicit:
        return now
    return block.replace.endswith("\n") if block.replace else True


def _reindent(line: str, match: _Match) -> str:
    if not match.indent or not line.strip():
        return line
    if not match.outdent:
        return match.indent + line
    return line[len(match.indent) :] if line.startswith(match.indent) else line.lstrip(" \t")


def _blank_edges(lines: list[str]) -> tuple[int, int]:
    lead = 0
    while lead < len(lines) and not lines[lead].strip():
        lead += 1
    trail = 0
    while trail < len(lines) - lead and not lines[len(lines) - 1 - trail].strip():
        trail += 1
    return lead, trail


def _trim(lines: list[str], lead: int, trail: int) -> list[str]:
    """`lines` without up to `lead` leading and `trail` trailing blank lines."""
    start = 0
    while start < lead and start < len(lines) and not lines[start].strip():
        start += 1
    stop = len(lines)
    cut = 0
    while cut < trail and stop > start and not lines[stop - 1].strip():
        stop -= 1
        cut += 1
    return lines[start:stop]


def _locate(contents: list[str], want: list[str], repl: list[str], hint: int | None, label: str) -> _Match:
    attempts = [(want, repl)]
    lead, trail = _blank_edges(want)
    if lead < len(want):
        # Fewest blank lines dropped first: a blank line the file does have may be one the model means to remove.
        cuts = sorted(
            ((a, b) for a in range(min(lead, 3) + 1) for b in range(min(trail, 3) + 1)), key=lambda c: (sum(c), c)
        )
        cuts = [*cuts[1:], (lead, trail)] if lead > 3 or trail > 3 else cuts[1:]
        attempts.extend((_trim(want, a, b), _trim(repl, a, b)) for a, b in cuts)
    for search, replacement in attempts:
        for finder in (_exact, _rstripped, _indented):
            found = finder(contents, search)
            if found:
                start, indent, outdent = _pick(found, hint, label)
                return _Match(start, search, replacement, indent, outdent)
    raise EditError(f"{label}: the search text is not in the file; {_nearest(contents, want)}")


_Found = tuple[int, str, bool]


def _candidates(column: list[str], first: str, offset: int, size: int, total: int) -> list[int]:
    return [p - offset for p, line in enumerate(column) if line == first and 0 <= p - offset <= total - size]


def _equal(column: list[str], target: list[str]) -> list[_Found]:
    size = len(target)
    return [
        (i, "", False) for i in _candidates(column, target[0], 0, size, len(column)) if column[i : i + size] == target
    ]


def _exact(contents: list[str], want: list[str]) -> list[_Found]:
    return _equal(contents, want)


def _rstripped(contents: list[str], want: list[str]) -> list[_Found]:
    return _equal([line.rstrip() for line in contents], [line.rstrip() for line in want])


def _indented(contents: list[str], want: list[str]) -> list[_Found]:
    target = [line.strip() for line in want]
    anchor = next((k for k, line in enumerate(target) if line), None)
    if anchor is None:
        return []
    column = [line.strip() for line in contents]
    size = len(want)
    found: list[_Found] = []
    for i in _candidates(column, target[anchor], anchor, size, len(column)):
        if column[i : i + size] != target:
            continue
        shift = _uniform_shift(contents[i : i + size], want)
        if shift is not None:
            found.append((i, *shift))
    return found


def _lead(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _uniform_shift(region: list[str], want: list[str]) -> tuple[str, bool] | None:
    """The indentation every non-blank line of `region` has beyond `want`'s (or lacks, True), if it is the same."""
    shift: tuple[str, bool] | None = None
    for have, asked in zip(region, want, strict=True):
        if not have.strip():
            continue
        lead_have, lead_asked = _lead(have), _lead(asked)
        if shift is None:
            if lead_have.endswith(lead_asked):
                shift = (lead_have[: len(lead_have) - len(lead_asked)], False)
            elif lead_asked.endswith(lead_have):
                shift = (lead_asked[: len(lead_asked) - len(lead_have)], True)
            else:
                return None
        elif (lead_have != shift[0] + lead_asked) if not shift[1] else (lead_asked != shift[0] + lead_have):
            return None
    return shift


def _pick(found: list[_Found], hint: int | None, label: str) -> _Found:
    if len(found) == 1:
        return found[0]
    if hint is not None:
        ranked = sorted(found, key=lambda f: abs(f[0] - hint))
        if abs(ranked[0][0] - hint) < abs(ranked[1][0] - hint):
            return ranked[0]
    where = ", ".join(str(f[0] + 1) for f in found[:10]) + (", ..." if len(found) > 10 else "")
    raise EditError(
        f"{label}: the search text occurs {len(found)} times (lines {where}); include more lines to make it unique"
    )


def _nearest(contents: list[str], want: list[str]) -> str:
    """Where the file comes closest to the search, and the first line that differs, for the model to correct."""
    if not contents:
        return "the file is empty"
    size = min(len(want), len(contents))
    column = [line.strip() for line in contents]
    target = [line.strip() for line in want]
    places: dict[str, list[int]] = {}
    for p, line in enumerate(column):
        if line:
            places.setdefault(line, []).append(p)
    votes: Counter[int] = Counter()
    for k, line in enumerate(target):
        # Lines such as ")" or "else:" are everywhere and say nothing about where the search was meant to be.
        if line and len(places.get(line, ())) <= 50:
            for p in places.get(line, ()):
                votes[min(max(p - k, 0), len(contents) - size)] += 1
    starts = [start for start, _ in votes.most_common(10)]
    if not starts:
        anchor = next((k for k, line in enumerate(target) if line), 0)
        close = difflib.get_close_matches(target[anchor], column, n=3, cutoff=0.6)
        starts = [min(max(column.index(line) - anchor, 0), len(contents) - size) for line in close]
    if not starts:
        return "no part of the file resembles it; quote the file's current lines exactly"
    joined = "\n".join(target)

    def similarity(start: int) -> float:
        return difflib.SequenceMatcher(None, "\n".join(column[start : start + size]), joined, autojunk=False).ratio()

    best = max(starts, key=lambda start: (similarity(start), -start))
    window = contents[best : best + size]
    lines = f"line {best + 1}" if size == 1 else f"lines {best + 1}-{best + size}"
    place = f"the closest is {lines} ({int(similarity(best) * 100)}% similar)"
    differs = next((k for k in range(size) if column[best + k] != target[k]), None)
    if differs is None:
        differs = next((k for k in range(size) if window[k] != want[k]), None)
    if differs is None:
        if len(want) > len(contents) - best:
            return f"{place}, but the file ends at line {len(contents)} before the search does"
        return f"{place}; its indentation differs unevenly from the search's"
    return (
        f"{place}, where line {best + differs + 1} reads {_show(window[differs])}"
        f" but the search has {_show(want[differs])}"
    )
