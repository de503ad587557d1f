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
import io
import re
import sys
import tokenize
from typing import Literal, NamedTuple

from healer.diagnostics.symbols import one_slip_apart, undefined_name
from healer.patch.patch import FileEdit
from healer.rules.actions.add_import import importable
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
    (re.compile(r"^module '(?P<module>[\w.]+)' has no attribute '(?P<wrong>\w+)'"), "attribute"),
    (re.compile(r"^(?:type object )?'(?P<owner>[\w.]+)'(?: object)? has no attribute '(?P<wrong>\w+)'"), "attribute"),
    (re.compile(r"^cannot import name '(?P<wrong>\w+)' from '(?P<module>[\w.]+)'"), "import"),
)
_MYPY: tuple[tuple[re.Pattern[str], Kind], ...] = (
    (re.compile(r'^Name "(?P<wrong>\w+)" is not defined'), "name"),
    (re.compile(r'^Module "(?P<module>[\w.]+)" has no attribute "(?P<wrong>\w+)"'), "attribute"),
    (re.compile(r'^(?:Module|"[^"]+"|Item "[^"]+" of "[^"]+") has no attribute "(?P<wrong>\w+)"'), "attribute"),
)
_SUGGESTED = re.compile(r"""(?:Did you mean: '(?P<python>\w+)'\?|(?:did you mean|maybe) "(?P<mypy>\w+)"\?)$""")
_CUTOFF = 0.8
"""Stricter than the interpreter, which offers `math` for `Path`: a computed guess must be close."""
# Importing these has side effects; their names are never worth it.
_NEVER_IMPORT = frozenset({"antigravity", "this", "idlelib", "turtledemo", "__main__"})


def run(ctx: ActionContext) -> Proposal | None:
    diagnostic = ctx.diagnostic
    if diagnostic.file is None or diagnostic.line is None:
        return None
    problem = _problem(diagnostic.message)
    if problem is None:
        return None
    before = ctx.read(diagnostic.file)
    if before is None:
        return None
    try:
        text = before.decode("utf-8")
        tree = ast.parse(text)
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (UnicodeDecodeError, SyntaxError, ValueError, tokenize.TokenError):
        return None
    statement = _import_from_at(tree, diagnostic.line)
    if problem.kind == "attribute" and statement is not None:
        problem = problem._replace(kind="import")  # mypy reports `from m import x` as a missing attribute.
    if problem.kind == "name" and importable(ctx, problem.wrong, diagnostic.file):
        return None  # `Condition` with its import gone is add-import's, however close `condition` is
    suggestion = diagnostic.suggestion or _suggested(diagnostic.message) or _compute(ctx, problem, tree)
    if suggestion is None or suggestion == problem.wrong or not suggestion.isidentifier():
        return None
    first, last = (statement.lineno, statement.end_lineno or statement.lineno) if statement else (diagnostic.line,) * 2
    spots = _occurrences(tokens, problem, first, last)
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
        edits=(FileEdit(path=diagnostic.file, before=before, after=after),),
    )


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


def _import_from_at(tree: ast.Module, line: int) -> ast.ImportFrom | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.lineno <= line <= (node.end_lineno or node.lineno):
            return node
    return None


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
        names = _module_names(ctx, problem.module)
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
    return names


def _own_attributes(cls: ast.ClassDef) -> set[str]:
    names = _bound_in(cls.body)
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
    names = _bound_in(tree.body)
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
            names |= _bound_in(node.body)
    return names


def _bound_in(statements: list[ast.stmt]) -> set[str]:
    # Nested functions and classes bind their own name here, and nothing else.
    names: set[str] = set()
    pending: list[ast.AST] = list(statements)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        pending.extend(ast.iter_child_nodes(node))
    return names


def _module_names(ctx: ActionContext, module: str) -> set[str]:
    """The names `module` defines: from its source when the project holds it, else from the standard library."""
    parts = module.split(".")
    for base in ("", "src/"):
        stem = base + "/".join(parts)
        for path in (f"{stem}.py", f"{stem}/__init__.py"):
            content = ctx.read(path)
            if content is None:
                continue
            try:
                return _bound_in(ast.parse(content).body)
            except (SyntaxError, ValueError):
                return set()
    if parts[0] not in sys.stdlib_module_names or parts[0] in _NEVER_IMPORT:
        return set()
    try:
        return {name for name in dir(importlib.import_module(module)) if not name.startswith("__")}
    except Exception:  # A module that fails to import offers no names; the round goes on.
        return set()
