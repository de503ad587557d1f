"""did-you-mean: replace a misspelt name with the one the interpreter (or mypy) suggests.

The suggestion comes from the diagnostic (`Did you mean: 'floor'?`, mypy's `maybe "floor"?`).
When the report carries none (pytest prints exceptions without the interpreter's hint, and
Python 3.11 gives none for `cannot import name`), the closest name is computed with difflib
among the names the code could have meant: those bound in the enclosing scopes and builtins
for a NameError, a module's names for a module attribute or an import (read from the project's
source with ast, never by importing project code; standard-library modules are imported).
An object attribute without a suggestion (`'Builder' object has no attribute '_csl'`; Python
gives none for slotted classes) is matched against what the named class is seen to have: its
methods, class-level names, `__slots__` and the `self.x = ...` its methods assign, with those of
its bases defined in the same file; a class defined more than once, or not in the reported file,
is left alone.

Exactly one token changes: the misspelt name on the reported line, as a whole token (a name
not after a dot, or `<obj>.name` for an attribute, or the name in the `from ... import`).
Zero or several candidates on that line, and the action declines.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import importlib
import os
import re
import sys
import tokenize
from typing import Literal, NamedTuple

from healer.diagnostics.symbols import one_slip_apart, undefined_name, unused_import
from healer.patch.patch import FileEdit
from healer.rules.actions.add_import import importable
from healer.rules.actions.module_names import bound_in, module_names
from healer.rules.context import ActionContext
from healer.rules.outcome import Proposal

Kind = Literal["name", "attribute", "import"]


class _Problem(NamedTuple):
    kind: Kind
    wrong: str
    module: str | None = None
    """The module whose names are the candidates, when the message names one."""
    owner: str | None = None
    """The class an object attribute was looked up on, as the message names it."""
    runtime: bool = True
    """An exception's message: the checker that would suggest (mypy) gave no suggestion, so compute none."""


_RUNTIME: tuple[tuple[re.Pattern[str], Kind], ...] = (
    (re.compile(r"^name '(?P<wrong>\w+)' is not defined"), "name"),
    # A module read while it is still being imported (a circular import) is "partially initialized".
    (
        re.compile(r"^(?:partially initialized )?module '(?P<module>[\w.]+)' has no attribute '(?P<wrong>\w+)'"),
        "attribute",
    ),
    (re.compile(r"^(?:type object )?'(?P<owner>[\w.]+)'(?: object)? has no attribute '(?P<wrong>\w+)'"), "attribute"),
    # `from . import x` of a package's own submodule names the package "partially initialized".
    (
        re.compile(r"^cannot import name '(?P<wrong>\w+)' from (?:partially initialized module )?'(?P<module>[\w.]+)'"),
        "import",
    ),
)
_MYPY: tuple[tuple[re.Pattern[str], Kind], ...] = (
    (re.compile(r'^Name "(?P<wrong>\w+)" is not defined'), "name"),
    (re.compile(r'^Module "(?P<module>[\w.]+)" has no attribute "(?P<wrong>\w+)"'), "attribute"),
    (re.compile(r'^(?:Module|"[^"]+"|Item "[^"]+" of "[^"]+") has no attribute "(?P<wrong>\w+)"'), "attribute"),
)
_SUGGESTED = re.compile(r"""(?:Did you mean: '(?P<python>\w+)'\?|(?:did you mean|maybe) "(?P<mypy>\w+)"\?)$""")
_CUTOFF = 0.8
"""Stricter than the interpreter, which offers `math` for `Path`: a computed guess must be close."""


def run(ctx: ActionContext) -> Proposal | None:
    diagnostic = ctx.diagnostic
    if diagnostic.file is None or diagnostic.line is None:
        return None
    problem = _problem(diagnostic.message)
    if problem is None:
        return None
    source = ctx.parsed(diagnostic.file)
    if source is None:
        return None
    before, text, tree, tokens = source.data, source.text, source.tree, list(source.tokens)
    statement = _import_from_at(ctx, tree, diagnostic.line)
    if problem.kind == "attribute" and statement is not None:
        problem = problem._replace(kind="import")  # mypy reports `from m import x` as a missing attribute.
    if problem.kind == "name" and importable(ctx, problem.wrong, diagnostic.file):
        return None  # `Condition` with its import gone is add-import's, however close `condition` is
    suggestion = diagnostic.suggestion or _suggested(diagnostic.message) or _compute(ctx, problem, tree)
    if suggestion is None or suggestion == problem.wrong or not suggestion.isidentifier():
        return None
    if problem.kind == "name" and _towards_the_typo(ctx, tree, problem.wrong, suggestion):
        return None
    first, last = (statement.lineno, statement.end_lineno or statement.lineno) if statement else (diagnostic.line,) * 2
    file = diagnostic.file
    spots = _occurrences(tokens, problem, first, last)
    if not spots and problem.kind == "attribute" and problem.module is not None:
        # A module's `__getattr__` raised it (toolz): the place is that raise, the typo is in a caller.
        caller = _caller_naming(ctx, problem.wrong)
        source = ctx.parsed(caller[0]) if caller is not None else None
        if caller is None or source is None:
            return None
        file, before, text, tokens = caller[0], source.data, source.text, list(source.tokens)
        spots = _occurrences(tokens, problem, caller[1], caller[1])
    if len(spots) != 1:
        return None
    if problem.kind == "import" and len(_occurrences(tokens, problem._replace(kind="name"), 1, len(tokens))) > 1:
        return None  # The file uses the wrong name too: renaming only the import would break those uses.
    row, column = spots[0]
    lines = text.splitlines(keepends=True)
    line = lines[row - 1]
    lines[row - 1] = line[:column] + suggestion + line[column + len(problem.wrong) :]
    after = "".join(lines).encode("utf-8")
    return Proposal(
        title=f"{problem.wrong} -> {suggestion}",
        edits=(FileEdit(path=file, before=before, after=after),),
    )


# `path:line: in function` for a called frame; the test's own frame ends `path:line:` alone.
_FRAME_ROW = re.compile(r"(?P<file>[^\s:<>][^:]*?\.py):(?P<line>\d+):(?: in \w+)?$")


def _caller_naming(ctx: ActionContext, attribute: str) -> tuple[str, int] | None:
    """The one frame of the failing output (`tests/test_x.py:12: in test_y`) whose line reads `.attribute`."""
    found: set[tuple[str, int]] = set()
    pattern = re.compile(rf"\.\s*{re.escape(attribute)}\b")
    for row in ctx.output.splitlines():
        match = _FRAME_ROW.match(row.strip())
        if match is None or os.path.isabs(match["file"]) or ".." in match["file"].split("/"):
            continue
        source = ctx.parsed(match["file"])
        number = int(match["line"])
        lines = source.text.splitlines() if source is not None else []
        if 0 < number <= len(lines) and pattern.search(lines[number - 1]):
            found.add((match["file"], number))
    return found.pop() if len(found) == 1 else None


def _towards_the_typo(ctx: ActionContext, tree: ast.Module, wrong: str, suggestion: str) -> bool:
    """Whether the name in scope is the misspelt one and the undefined name is right: renaming the uses would
    spread the typo (both were measured on real projects, applied and left red).

    - `from . import keyys` makes `keys` undefined where it is used: the import is the typo, as the linter's
      unused-import report of `keyys` in the same file says.
    - `def fixture(reequest)` makes `request` undefined in the body: pytest looks fixtures up by parameter
      name, so when the undefined name is a fixture and the parameter is none, the parameter is the typo
      (the fixture-typo rule renames it).
    """
    file = ctx.diagnostic.file
    unused = {name for d in ctx.diagnostics if d.file == file and (name := unused_import(d.message)) is not None}
    if suggestion in unused:
        return True
    if file is None or not _collected_by_pytest(file):
        return False
    fixtures = _fixture_names(ctx, tree)
    return wrong in fixtures and suggestion not in fixtures


# pytest's own fixtures, always available by name.
_BUILTIN_FIXTURES = frozenset(
    {
        "request", "tmp_path", "tmp_path_factory", "tmpdir", "tmpdir_factory", "monkeypatch", "capsys",
        "capsysbinary", "capfd", "capfdbinary", "caplog", "recwarn", "pytestconfig", "record_property",
        "record_xml_attribute", "record_testsuite_property", "cache", "doctest_namespace", "testdir", "pytester",
    }
)  # fmt: skip


def _collected_by_pytest(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py")


def _fixture_names(ctx: ActionContext, tree: ast.Module) -> set[str]:
    """pytest's built-in fixtures and those the file and the project's conftest.py files define."""
    names = set(_BUILTIN_FIXTURES) | _fixtures_in(tree)
    for path in ctx.paths():
        if path.rsplit("/", 1)[-1] != "conftest.py":
            continue
        try:
            names |= _fixtures_in(ast.parse(ctx.read(path) or b""))
        except (SyntaxError, ValueError):
            continue
    return names


def _fixtures_in(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call is not None else decorator
            if not (isinstance(target, ast.Attribute | ast.Name) and _last_name(target) == "fixture"):
                continue
            named = [k.value for k in (call.keywords if call else []) if k.arg == "name"]
            if named and isinstance(named[0], ast.Constant) and isinstance(named[0].value, str):
                found.add(named[0].value)
            else:
                found.add(node.name)
    return found


def _last_name(node: ast.expr) -> str | None:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None


def _problem(message: str) -> _Problem | None:
    for table, runtime in ((_RUNTIME, True), (_MYPY, False)):
        for pattern, kind in table:
            match = pattern.search(message)
            if match is not None:
                found = match.groupdict()
                return _Problem(kind, match["wrong"], found.get("module"), found.get("owner"), runtime)
    name = undefined_name(message)  # a linter's (ruff's, flake8's F821): no suggestion, so one is computed
    return _Problem("name", name) if name is not None else None


def _suggested(message: str) -> str | None:
    match = _SUGGESTED.search(message)
    return (match["python"] or match["mypy"]) if match else None


def _import_from_at(ctx: ActionContext, tree: ast.Module, line: int) -> ast.ImportFrom | None:
    key = f"did-you-mean:imports-from:{ctx.diagnostic.file}"
    if key not in ctx.cache:
        ctx.cache[key] = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    nodes: list[ast.ImportFrom] = ctx.cache[key]
    return next((node for node in nodes if node.lineno <= line <= (node.end_lineno or node.lineno)), None)


def _occurrences(tokens: list[tokenize.TokenInfo], problem: _Problem, first: int, last: int) -> list[tuple[int, int]]:
    """Where the wrong name stands as a token of the right kind between lines `first` and `last`."""
    spots: list[tuple[int, int]] = []
    previous = ""
    for token in tokens:
        if token.type in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE):
            continue
        in_range = first <= token.start[0] <= last
        if in_range and token.type == tokenize.NAME and token.string == problem.wrong:
            after_dot = previous == "."
            if after_dot == (problem.kind == "attribute"):
                spots.append(token.start)
        previous = token.string
    return spots


def _compute(ctx: ActionContext, problem: _Problem, tree: ast.Module) -> str | None:
    if not problem.runtime:
        return None
    if problem.kind == "name":
        line = ctx.diagnostic.line or 0
        return _closest(problem.wrong, _names_in_scope(tree, line) | set(dir(builtins)))
    if problem.module is not None:
        names = module_names(ctx, problem.module)
        return _closest(problem.wrong, names) if names else None
    if problem.owner is not None:
        names = _class_attributes(tree, problem.owner.rsplit(".", 1)[-1])
        return _closest(problem.wrong, names) if names else None
    return None


def _class_attributes(tree: ast.Module, name: str) -> set[str]:
    """What instances of the module's one class `name` are seen to have, with its bases of the same module."""
    classes: dict[str, list[ast.ClassDef]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            classes.setdefault(node.name, []).append(node)
    names: set[str] = set()
    pending, seen = [name], set()
    while pending:
        current = pending.pop()
        found = classes.get(current, [])
        if current in seen or len(found) != 1:
            if current == name:
                return set()  # the class is not here, or defined twice: which one raised is not known
            continue
        seen.add(current)
        names |= _own_attributes(found[0])
        pending.extend(base.id for base in found[0].bases if isinstance(base, ast.Name))
        for base in found[0].bases:
            inherited = _stdlib_class(tree, base)
            if inherited is not None:  # `self.assertEqual` of a unittest.TestCase
                names |= {name for name in dir(inherited) if not name.startswith("__")}
    return names


def _stdlib_class(tree: ast.Module, base: ast.expr) -> type | None:
    """The standard-library class a base expression names through the module's imports, if it is one."""
    if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
        module, attribute = _imported_as(tree, base.value.id, module_only=True), base.attr
    elif isinstance(base, ast.Name):
        found = _imported_as(tree, base.id, module_only=False)
        module, attribute = found.rpartition(":")[0::2] if found and ":" in found else (None, "")
    else:
        return None
    if not module or module.split(".")[0] not in sys.stdlib_module_names or not attribute:
        return None
    try:
        value = getattr(importlib.import_module(module), attribute, None)
    except Exception:  # a module that fails to import names no class
        return None
    return value if isinstance(value, type) else None


def _imported_as(tree: ast.Module, name: str, *, module_only: bool) -> str | None:
    """What a top-level import binds `name` to: `module` for `import module`, `module:attr` for `from ...`."""
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (alias.asname or alias.name.split(".")[0]) == name:
                    return alias.name if alias.asname else name
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module and not module_only:
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return f"{node.module}:{alias.name}"
    return None


def _own_attributes(cls: ast.ClassDef) -> set[str]:
    names = bound_in(cls.body)
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__slots__" for t in statement.targets
        ):
            strings = ast.walk(statement.value)
            names |= {e.value for e in strings if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    for function in cls.body:
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or not function.args.args:
            continue
        this = function.args.args[0].arg  # self, or cls in a classmethod
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id == this
            ):
                names.add(node.attr)
    return names


def _closest(wrong: str, candidates: set[str]) -> str | None:
    """The single best match; None when nothing is close or two are equally close."""
    candidates.discard(wrong)
    folded = [c for c in candidates if c.lower() == wrong.lower()]
    if len(folded) == 1:
        return folded[0]
    # One typing slip is the likeliest mistake, and difflib scores a swap in a short name (`_csl`) low.
    slips = [c for c in candidates if one_slip_apart(wrong, c)]
    if len(slips) == 1:
        return slips[0]
    if slips:
        return None
    scored = sorted(
        ((difflib.SequenceMatcher(None, wrong, c).ratio(), c) for c in candidates),
        reverse=True,
    )
    if not scored or scored[0][0] < _CUTOFF:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


def _names_in_scope(tree: ast.Module, line: int) -> set[str]:
    """Names bound at module level and in every function or class around `line`."""
    names = bound_in(tree.body)
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if not node.lineno <= line <= (node.end_lineno or node.lineno):
            continue
        arguments = node.args
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        names.update(a.arg for a in every)
        if not isinstance(node, ast.Lambda):
            names |= bound_in(node.body)
    return names
