"""fixture-typo: a test asks for a fixture that does not exist, and one available fixture is a near miss.

pytest's error block names the place and the choices:

    file /repo/tests/test_x.py, line 12
      def test_fx(tmp_thng, capsys):
    E       fixture 'tmp_thng' not found
    >       available fixtures: cache, capsys, ..., tmp_thing, ...

The choices are the available fixtures, `request` (which pytest never lists) and the
test's own `parametrize` argument names (`expeected` for `"input, expected"`).
When exactly one choice is close (difflib), the parameter of that one function is
renamed, with the uses of it in that function's body (a rename that left `tmp_thng` in the body
would trade the setup error for a NameError). Nothing else in the file changes. A name requested
another way (`usefixtures`, a fixture's own parameter elsewhere), no close match, several close
matches, or a new name that the function already uses: None.
"""

from __future__ import annotations

import ast
import difflib
import re
from typing import NamedTuple

from healer.diagnostics.paths import relative_to_root
from healer.patch.patch import FileEdit
from healer.rules.context import ActionContext
from healer.rules.outcome import Proposal

_NOT_FOUND = re.compile(r"fixture '(?P<name>\w+)' not found")
# A misspelt parameter of `@pytest.mark.parametrize("value, expected", ...)` fails collection this way.
_UNUSED_ARGUMENT = re.compile(r"In (?P<node>\S+?): function uses no argument '(?P<name>\w+)'")
_PLACE = re.compile(r"file (?P<file>.+), line (?P<line>\d+)")
_DEF = re.compile(r"\s*(?:async\s+)?def\s+(?P<function>\w+)\s*\(")
_AVAILABLE = re.compile(r"[>\s]*available fixtures: (?P<names>.*)")
_CUTOFF = 0.8

Function = ast.FunctionDef | ast.AsyncFunctionDef


class _Request(NamedTuple):
    file: str
    line: int
    function: str
    available: list[str]


def run(ctx: ActionContext) -> Proposal | None:
    unused = _UNUSED_ARGUMENT.search(ctx.diagnostic.message)
    if unused is not None:
        return _parametrized_typo(ctx, unused["node"], unused["name"])
    match = _NOT_FOUND.search(ctx.diagnostic.message)
    if match is None:
        return None
    name = match["name"]
    request = _request(ctx, name)
    if request is None:
        return None
    source = ctx.parsed(request.file)
    if source is None:
        return None
    before, tree = source.data, source.tree
    function = _function(tree, request)
    # pytest never lists `request`, and a parametrized argument is no fixture: both are names a test may ask for.
    choices = {*request.available, "request", *(_parametrized(function) if function is not None else ())}
    close = difflib.get_close_matches(name, sorted(choices - {name}), n=2, cutoff=_CUTOFF)
    if len(close) != 1:
        return None
    replacement = close[0]
    # A module-level fixture function is what a body reading its name meant (iniconfig's `expected`).
    others = _bound_at_top(tree) - _fixtures_defined(tree)
    spots = _spots(function, name, replacement, others) if function is not None else None
    if not spots:
        return None
    return _renamed(request.file, before, spots, name, replacement, request.function)


def _request(ctx: ActionContext, name: str) -> _Request | None:
    """The error block for this fixture in the output, preferring one in the diagnostic's file."""
    rows = ctx.output.splitlines()
    found: list[_Request] = []
    for index, row in enumerate(rows):
        if not (row.startswith("E") and f"fixture '{name}' not found" in row):
            continue
        place, function = None, None
        for back in range(index - 1, max(-1, index - 60), -1):
            function = function or _match_group(_DEF, rows[back], "function")
            place = _PLACE.fullmatch(rows[back].strip())
            if place is not None:
                break
        available = next((m["names"] for r in rows[index + 1 : index + 4] if (m := _AVAILABLE.match(r))), None)
        if place is None or function is None or available is None:
            continue
        file = relative_to_root(place["file"], root=ctx.root, cwd=ctx.root)
        names = [n.strip() for n in available.split(",") if n.strip()]
        found.append(_Request(file, int(place["line"]), function, names))
    wanted = _node_function(ctx.diagnostic.node_id)
    preferred = [r for r in found if r.file == ctx.diagnostic.file and r.function == wanted]
    preferred = preferred or [r for r in found if r.file == ctx.diagnostic.file] or found
    return preferred[0] if len({(r.file, r.line) for r in preferred}) == 1 else None


def _match_group(pattern: re.Pattern[str], text: str, group: str) -> str | None:
    match = pattern.match(text)
    return match[group] if match else None


def _node_function(node_id: str | None) -> str | None:
    if not node_id:
        return None
    return node_id.split("::")[-1].split("[", 1)[0]


def _function(tree: ast.Module, request: _Request) -> Function | None:
    """The def pytest pointed at: its first line (a decorator's, if any) is the reported line."""
    named = [n for n in ast.walk(tree) if isinstance(n, Function) and n.name == request.function]
    for node in named:
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        if first == request.line:
            return node
    return named[0] if len(named) == 1 else None


def _parametrized_typo(ctx: ActionContext, node: str, name: str) -> Proposal | None:
    """`def test_next(value, expeected)` under `parametrize("value, expected", ...)`: the one parameter close
    to the parametrized name that nothing else supplies is renamed to it."""
    path, _, function_name = node.partition("::")
    file = relative_to_root(path, root=ctx.root, cwd=ctx.root)
    source = ctx.parsed(file)
    if source is None:
        return None
    before, tree = source.data, source.tree
    short = function_name.split("::")[-1].split("[", 1)[0]
    functions = [n for n in ast.walk(tree) if isinstance(n, Function) and n.name == short]
    if len(functions) != 1:
        return None
    function = functions[0]
    arguments = function.args
    parameters = [a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]]
    loose = [p for p in parameters if p not in _parametrized(function) and p not in ("self", "cls")]
    close = difflib.get_close_matches(name, loose, n=2, cutoff=_CUTOFF)
    if len(close) != 1:
        return None
    wrong = close[0]
    spots = _spots(function, wrong, name, _bound_at_top(tree))
    if not spots:
        return None
    return _renamed(file, before, spots, wrong, name, function.name)


def _renamed(
    file: str, before: bytes, spots: list[tuple[int, int]], name: str, replacement: str, function: str
) -> Proposal | None:
    lines = before.splitlines(keepends=True)
    encoded, new = name.encode(), replacement.encode()
    for row, column in sorted(spots, reverse=True):
        line = lines[row - 1]
        if line[column : column + len(encoded)] != encoded:
            return None
        lines[row - 1] = line[:column] + new + line[column + len(encoded) :]
    return Proposal(
        title=f"fixture {name} -> {replacement} in {function}",
        edits=(FileEdit(path=file, before=before, after=b"".join(lines)),),
    )


def _parametrized(function: Function) -> set[str]:
    """The argument names of the function's `@pytest.mark.parametrize("a, b", ...)` decorators."""
    names: set[str] = set()
    for decorator in function.decorator_list:
        if not (isinstance(decorator, ast.Call) and decorator.args):
            continue
        called = decorator.func
        if not (isinstance(called, ast.Attribute) and called.attr == "parametrize"):
            continue
        first = decorator.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.update(part.strip() for part in first.value.split(","))
        elif isinstance(first, ast.List | ast.Tuple):
            names.update(e.value for e in first.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return {name for name in names if name.isidentifier()}


def _spots(function: Function, name: str, replacement: str, module_names: set[str]) -> list[tuple[int, int]]:
    """Where `name` is the parameter and its uses in the body; empty when renaming is not safe.

    The body may already read `replacement` (the typo was only in the parameter, `def test(monkypatch)`
    with `monkeypatch.setenv` below): that use is the fixture the test meant, as long as nothing in the
    function or at the module's top level binds that name otherwise.
    """
    arguments = function.args
    parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    target = next((a for a in parameters if a.arg == name), None)
    if target is None or any(a.arg == replacement for a in parameters):
        return []
    meant = replacement not in module_names and replacement not in _bound_in(function)
    spots = [(target.lineno, target.col_offset)]
    for statement in function.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and node.id == replacement and not meant:
                return []  # The new name already means something here.
            if isinstance(node, Function | ast.Lambda | ast.ClassDef):
                inner = node.args if not isinstance(node, ast.ClassDef) else None
                if inner is not None and any(a.arg == name for a in [*inner.posonlyargs, *inner.args]):
                    return []  # Shadowed inside: a textual rename would reach the wrong binding.
            if isinstance(node, ast.Name) and node.id == name:
                spots.append((node.lineno, node.col_offset))
    return spots


def _bound_in(function: Function) -> set[str]:
    """Names the function's body binds (assignments, loops, imports, inner definitions, handlers)."""
    bound: set[str] = set()
    for statement in function.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
                bound.add(node.id)
            elif isinstance(node, Function | ast.ClassDef):
                bound.add(node.name)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                bound.add(node.name)
    return bound


def _fixtures_defined(tree: ast.Module) -> set[str]:
    """The module's top-level functions decorated with `@pytest.fixture` / `@fixture` (called or not)."""
    names: set[str] = set()
    for node in tree.body:
        if not isinstance(node, Function):
            continue
        for decorator in node.decorator_list:
            called = decorator.func if isinstance(decorator, ast.Call) else decorator
            spelled = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", None)
            if spelled == "fixture":
                names.add(node.name)
    return names


def _bound_at_top(tree: ast.Module) -> set[str]:
    """Names the module binds at its top level, where a function's free name would come from."""
    bound: set[str] = set()
    for node in tree.body:
        if isinstance(node, Function | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        else:
            bound.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    return bound
