"""Breakages of real code for bench/real_projects.py: every site of a kind in a project, found from the AST.

A site is one byte edit of one file (`Breakage`): remove a real import, misspell a real name where it
is used, flip a real operator. `sites(kind, files)` lists every site of a kind in a deterministic
order; the bench shuffles them with its seed and keeps the ones that turn the pipeline red. Lines
carrying `# noqa` are never touched (the linter is told to ignore them, so the breakage would be
invisible to it), and every edit checks that the bytes it replaces are the token it means to replace.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import random
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from real_judge import tree_identifiers

KINDS = (
    "stdlib-import-removed",
    "project-import-removed",
    "name-typo",
    "attribute-typo",
    "import-name-typo",
    "unused-import",
    "syntax",
    "whitespace",
    "fixture-typo",
    "logic-flip",
)
RULE_FIXABLE = KINDS[:-1]
"""Kinds a rule can restore from the diagnostics alone; an operator flipped is a model's or an agent's job."""
TYPO_KINDS = ("name-typo", "attribute-typo", "import-name-typo", "fixture-typo")

BUILTIN_FIXTURES = frozenset(
    {
        "tmp_path", "tmp_path_factory", "tmpdir", "tmpdir_factory", "monkeypatch", "capsys", "capsysbinary", "capfd",
        "capfdbinary", "caplog", "recwarn", "request", "pytestconfig", "record_property", "record_testsuite_property",
    }
)  # fmt: skip
UNUSED_CANDIDATES = ("os", "re", "sys", "json", "math", "string", "textwrap", "warnings", "shutil", "glob")
_FLIPS = {ast.Lt: b"<=", ast.LtE: b"<", ast.Gt: b">=", ast.GtE: b">", ast.Eq: b"!=", ast.NotEq: b"=="}
_SYMBOLS = {ast.Lt: b"<", ast.LtE: b"<=", ast.Gt: b">", ast.GtE: b">=", ast.Eq: b"==", ast.NotEq: b"!="}


@dataclass(frozen=True)
class Breakage:
    """One edit of one file: bytes [start, end) of the original become `replacement`."""

    kind: str
    file: str
    start: int
    end: int
    replacement: bytes
    what: str
    """A short description: "removed `from math import log`", "name `slugify` -> `sulgify`"."""
    typo: str | None = None
    """The misspelt identifier a typo kind introduces (a fix that keeps it bent the code to the mistake)."""

    def apply(self, original: bytes) -> bytes:
        return original[: self.start] + self.replacement + original[self.end :]

    def line(self, original: bytes) -> int:
        return original.count(b"\n", 0, self.start) + 1

    def before_after(self, original: bytes) -> tuple[str, str]:
        """The broken line as it was and as it is now (first line of each, stripped)."""
        first = original.rfind(b"\n", 0, self.start) + 1
        last = original.find(b"\n", self.end)
        last = len(original) if last < 0 else last
        before = original[first:last]
        if not self.replacement and self.start == first and original[self.end - 1 : self.end] == b"\n":
            return _show(before), "(line deleted)"
        after = original[first : self.start] + self.replacement + original[self.end : last]
        return _show(before, self.kind == "whitespace"), _show(after, self.kind == "whitespace")


def _show(data: bytes, exactly: bool = False) -> str:
    text = data.decode("utf-8", "replace")
    lines = text.splitlines() or [""]
    shown = repr(text[-60:]) if exactly else lines[0].strip() or repr(lines[0])
    return shown + (" ..." if len(lines) > 1 and not exactly else "")


@dataclass
class Source:
    """One Python file of the project: its bytes, its tree, where each line starts."""

    path: str
    data: bytes
    tree: ast.Module
    starts: list[int]
    is_test: bool

    @classmethod
    def parse(cls, path: str, data: bytes, is_test: bool) -> Source | None:
        try:
            tree = ast.parse(data)
        except SyntaxError:
            return None
        starts = [0]
        for index, byte in enumerate(data):
            if byte == 0x0A:
                starts.append(index + 1)
        return cls(path, data, tree, starts, is_test)

    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col

    def line_bytes(self, line: int) -> bytes:
        end = self.starts[line] if line < len(self.starts) else len(self.data)
        return self.data[self.starts[line - 1] : end]

    def noqa(self, line: int) -> bool:
        return b"noqa" in self.line_bytes(line)

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (
            self.offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
            self.offset(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
        )

    def identifiers(self) -> set[str]:
        return tree_identifiers(self.tree)


def typo_of(name: str, taken: set[str], rng: random.Random) -> str | None:
    """A one-slip misspelling of `name` (swap two neighbours, drop or double a letter) that names nothing."""
    options: list[str] = []
    for index in range(1, len(name) - 1):
        if name[index] != name[index + 1]:
            options.append(name[:index] + name[index + 1] + name[index] + name[index + 2 :])
        options.append(name[:index] + name[index + 1 :])
    for index in range(1, len(name)):
        if name[index].isalpha():
            options.append(name[:index] + name[index] + name[index:])
    rng.shuffle(options)
    for option in options:
        free = option not in taken and option != name and not hasattr(builtins, option)
        if free and option.isidentifier() and not keyword.iskeyword(option):
            return option
    return None


# ---------------------------------------------------------------------------------------------- the kinds


def _whole_lines(source: Source, node: ast.stmt) -> tuple[int, int] | None:
    """The byte span of the lines a statement occupies alone, or None when it shares them."""
    start, end = source.span(node)
    first = source.starts[node.lineno - 1]
    line_end = source.data.find(b"\n", end)
    line_end = len(source.data) if line_end < 0 else line_end + 1
    if source.data[first:start].strip() or source.data[end:line_end].strip():
        return None
    return first, line_end


def _used_names(tree: ast.AST) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def _is_project_import(node: ast.ImportFrom | ast.Import, tops: Iterable[str]) -> bool:
    if isinstance(node, ast.ImportFrom) and node.level:
        return True
    module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
    return (module or "").split(".")[0] in set(tops)


def _is_stdlib_import(node: ast.ImportFrom | ast.Import) -> bool:
    if isinstance(node, ast.ImportFrom) and (node.level or node.module == "__future__"):
        return False
    module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
    return (module or "").split(".")[0] in sys.stdlib_module_names


def removed_imports(source: Source, kind: str, tops: Iterable[str]) -> Iterator[Breakage]:
    """Each name a module-level import binds and the module uses, removed (the whole line when it is the only one).

    Aliased imports (`import typing as t`) are left alone: nothing but convention says what `t` was. A
    line removed between two blank lines takes one of them along, as a person deleting it would, so
    that the import block's layout stays valid (isort's I001 is not the breakage measured).
    """
    used = _used_names(source.tree)
    for node in source.tree.body:
        if not isinstance(node, (ast.Import, ast.ImportFrom)) or source.noqa(node.lineno):
            continue
        wanted = _is_stdlib_import(node) if kind == "stdlib-import-removed" else _is_project_import(node, tops)
        if not wanted or any(alias.name == "*" for alias in node.names):
            continue
        for index, alias in enumerate(node.names):
            bound = alias.name.split(".")[0]
            if "." in alias.name or alias.asname or bound not in used:
                continue
            shown = ast.unparse(node)
            if len(node.names) == 1:
                lines = _whole_lines(source, node)
                if lines is None:
                    continue
                start, end = lines
                above = source.line_bytes(node.lineno - 1) if node.lineno > 1 else b"\n"
                below = source.data[end : source.data.find(b"\n", end) + 1]
                if not above.strip() and below and not below.strip():
                    end += len(below)
                yield Breakage(kind, source.path, start, end, b"", f"removed `{shown}`")
                continue
            start, end = source.span(alias)
            if index + 1 < len(node.names):
                end = source.span(node.names[index + 1])[0]
            else:
                start = source.span(node.names[index - 1])[1]
            yield Breakage(kind, source.path, start, end, b"", f"removed `{bound}` from `{shown}`")


def name_typos(source: Source, rng: random.Random) -> Iterator[Breakage]:
    """Each use (a load) of a name of four letters or more, misspelt at that one place."""
    taken = source.identifiers()
    for node in ast.walk(source.tree):
        if not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)) or len(node.id) < 4:
            continue
        if node.id.startswith("__") or source.noqa(node.lineno):
            continue
        start, end = source.span(node)
        if source.data[start:end] != node.id.encode():
            continue
        typo = typo_of(node.id, taken, rng)
        if typo:
            yield Breakage("name-typo", source.path, start, end, typo.encode(), f"name `{node.id}` -> `{typo}`", typo)


def _modules_imported(tree: ast.Module) -> set[str]:
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(alias.asname or alias.name for alias in node.names if "." not in alias.name or alias.asname)
    return found


def attribute_typos(source: Source, rng: random.Random) -> Iterator[Breakage]:
    """Each `self.x` / `cls.x` read and each `module.x` read of an imported module, the attribute misspelt."""
    taken = source.identifiers()
    modules = _modules_imported(source.tree)
    for node in ast.walk(source.tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load)) or len(node.attr) < 3:
            continue
        if not isinstance(node.value, ast.Name) or node.value.id not in {"self", "cls", *modules}:
            continue
        if node.attr.startswith("__") or source.noqa(node.end_lineno or node.lineno):
            continue
        end = source.offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
        start = end - len(node.attr.encode())
        if source.data[start:end] != node.attr.encode():
            continue
        typo = typo_of(node.attr, taken, rng)
        if typo:
            what = f"attribute `{node.value.id}.{node.attr}` -> `{node.value.id}.{typo}`"
            yield Breakage("attribute-typo", source.path, start, end, typo.encode(), what, typo)


def import_name_typos(source: Source, rng: random.Random) -> Iterator[Breakage]:
    """Each name of a module-level `from x import name` (no `as`), misspelt in the import only."""
    taken = source.identifiers()
    for node in source.tree.body:
        if not isinstance(node, ast.ImportFrom) or node.module == "__future__" or source.noqa(node.lineno):
            continue
        for alias in node.names:
            if alias.name == "*" or alias.asname or len(alias.name) < 3:
                continue
            start, end = source.span(alias)
            if source.data[start:end] != alias.name.encode():
                continue
            typo = typo_of(alias.name, taken, rng)
            if typo:
                what = f"`from {'.' * node.level}{node.module or ''} import {alias.name}` -> `import {typo}`"
                yield Breakage("import-name-typo", source.path, start, end, typo.encode(), what, typo)


def unused_imports(source: Source, rng: random.Random) -> Iterator[Breakage]:
    """`import <a standard module the file does not use>` added after each import of the leading block."""
    taken = source.identifiers()
    free = [name for name in UNUSED_CANDIDATES if name not in taken]
    if not free:
        return
    for node in source.tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            break
        lines = _whole_lines(source, node)
        if lines is None:
            continue
        name = rng.choice(free)
        yield Breakage(
            "unused-import", source.path, lines[1], lines[1], f"import {name}\n".encode(), f"added `import {name}`"
        )


def _string_lines(tree: ast.AST) -> set[int]:
    """Lines inside a multi-line string, where trailing whitespace is content, not style."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and node.end_lineno and node.end_lineno > node.lineno:
            inside.update(range(node.lineno, node.end_lineno + 1))
    return inside


def syntax_breaks(source: Source) -> Iterator[Breakage]:
    """A header's colon deleted (def, class, if, for, while, with), or the `)` ending a line that closes a call."""
    headers = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.While, ast.With)
    for node in ast.walk(source.tree):
        if isinstance(node, headers) and node.body and node.body[0].lineno > node.lineno:
            line = source.line_bytes(node.lineno)
            if b"#" in line or source.noqa(node.lineno) or not line.rstrip().endswith(b":"):
                continue
            start = source.starts[node.lineno - 1] + len(line.rstrip()) - 1
            yield Breakage("syntax", source.path, start, start + 1, b"", f"deleted the colon of `{_show(line)}`")
        elif isinstance(node, ast.Call) and node.end_lineno == node.lineno and not source.noqa(node.lineno):
            start, end = source.span(node)
            line = source.line_bytes(node.lineno)
            last = source.starts[node.lineno - 1] + len(line.rstrip())
            if end == last and source.data[end - 1 : end] == b")" and b"#" not in line:
                yield Breakage("syntax", source.path, end - 1, end, b"", "deleted the `)` closing a call")


def whitespace_breaks(source: Source, rng: random.Random) -> Iterator[Breakage]:
    """Trailing spaces on a code line (W291), spaces on a blank line (W293), the final newline dropped (W292)."""
    strings = _string_lines(source.tree)
    for number in range(1, len(source.starts)):
        if number in strings or source.noqa(number):
            continue
        line = source.line_bytes(number)
        if not line.endswith(b"\n") or line.endswith(b"\\\n") or line.endswith(b"\r\n"):
            continue
        at = source.starts[number - 1] + len(line) - 1
        spaces = b" " * rng.randint(1, 4)
        if line.strip():
            yield Breakage("whitespace", source.path, at, at, spaces, "trailing whitespace (W291)")
        else:
            yield Breakage("whitespace", source.path, at, at, spaces, "whitespace on a blank line (W293)")
    if source.data.endswith(b"\n") and not source.data.endswith(b"\n\n"):
        end = len(source.data)
        yield Breakage("whitespace", source.path, end - 1, end, b"", "no newline at end of file (W292)")


def _is_fixture(node: ast.AST) -> bool:
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(target) in {"pytest.fixture", "fixture"}:
            return True
    return False


def fixture_names(sources: Iterable[Source]) -> set[str]:
    """pytest's built-in fixtures and those the project's conftest files and test modules define."""
    names = set(BUILTIN_FIXTURES)
    for source in sources:
        if source.is_test:
            names.update(node.name for node in ast.walk(source.tree) if _is_fixture(node))  # type: ignore[attr-defined]
    return names


def fixture_typos(source: Source, fixtures: set[str], rng: random.Random) -> Iterator[Breakage]:
    """The parameter of a test (or fixture) that receives a fixture and uses it, misspelt in the signature only."""
    if not source.is_test:
        return
    taken = source.identifiers() | fixtures
    for node in ast.walk(source.tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if not (node.name.startswith("test") or _is_fixture(node)):
            continue
        used = _used_names(node)
        for arg in node.args.args:
            if arg.arg not in fixtures or arg.arg not in used or source.noqa(arg.lineno):
                continue
            start = source.offset(arg.lineno, arg.col_offset)
            end = start + len(arg.arg.encode())
            if source.data[start:end] != arg.arg.encode():
                continue
            typo = typo_of(arg.arg, taken, rng)
            if typo:
                what = f"fixture parameter `{arg.arg}` -> `{typo}` in `{node.name}`"
                yield Breakage("fixture-typo", source.path, start, end, typo.encode(), what, typo)


def _operator_between(source: Source, left: ast.AST, right: ast.AST, symbol: bytes) -> tuple[int, int] | None:
    gap_start, gap_end = source.span(left)[1], source.span(right)[0]
    gap = source.data[gap_start:gap_end]
    if gap.count(symbol) != 1 or gap.replace(symbol, b"").strip(b" ()\n\\"):
        return None
    at = gap_start + gap.index(symbol)
    return at, at + len(symbol)


def logic_flips(source: Source) -> Iterator[Breakage]:
    """A comparison turned to its neighbour (< to <=, == to !=) or `+` to `-` and back, in the code (not tests)."""
    if source.is_test:
        return
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _FLIPS:
            op = type(node.ops[0])
            span = _operator_between(source, node.left, node.comparators[0], _SYMBOLS[op])
            if span and not source.noqa(node.lineno):
                flip = _FLIPS[op]
                yield Breakage(
                    "logic-flip", source.path, *span, flip, f"`{_SYMBOLS[op].decode()}` -> `{flip.decode()}`"
                )
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            symbol, flip = (b"+", b"-") if isinstance(node.op, ast.Add) else (b"-", b"+")
            span = _operator_between(source, node.left, node.right, symbol)
            if span and not source.noqa(node.lineno):
                yield Breakage("logic-flip", source.path, *span, flip, f"`{symbol.decode()}` -> `{flip.decode()}`")


def sites(kind: str, sources: Iterable[Source], tops: Iterable[str], seed: str) -> list[Breakage]:
    """Every site of `kind` in the project's files, in a deterministic order (typos drawn from `seed`)."""
    ordered = sorted(sources, key=lambda source: source.path)
    rng = random.Random(f"{seed}:{kind}:typos")
    fixtures = fixture_names(ordered)
    makers: Mapping[str, Callable[[Source], Iterable[Breakage]]] = {
        "stdlib-import-removed": lambda source: removed_imports(source, kind, tops),
        "project-import-removed": lambda source: removed_imports(source, kind, tops),
        "name-typo": lambda source: name_typos(source, rng),
        "attribute-typo": lambda source: attribute_typos(source, rng),
        "import-name-typo": lambda source: import_name_typos(source, rng),
        "unused-import": lambda source: unused_imports(source, rng),
        "syntax": syntax_breaks,
        "whitespace": lambda source: whitespace_breaks(source, rng),
        "fixture-typo": lambda source: fixture_typos(source, fixtures, rng),
        "logic-flip": logic_flips,
    }
    return [breakage for source in ordered for breakage in makers[kind](source)]
