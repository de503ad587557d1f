"""Whether changed code differs only by identifiers that repair a misspelling: a fix, not a change to a check.

A test module with a typo (`slef`, `self.asserrtEqual`, `uniuqe`) fails
before it checks anything; the fix restores the identifier. Compared
statement by statement, that is "changed code" like any other, and counting
it as a test changed to pass would call every fix of a test's own typo a
weakening. An edit is a repair when the trees are the same with every
identifier masked, and each identifier it replaces could not have worked: a
name bound nowhere in the module nor a builtin, or an attribute the module
never defines or assigns that is one or two letters from its replacement.
Renaming one bound name to another (`expected` to `actual`) is not a repair.
A test's parameter is a fixture's name: `tmp_pathh` restored to `tmp_path`
(with every use in the test) is a repair when the new name is a fixture the
test can get (one of pytest's, one the module defines, or one another test of
the module asks for, as a conftest.py's are) and the old one is none of those.
"""

from __future__ import annotations

import ast
import builtins
import copy
import unittest
import unittest.mock
from collections.abc import Sequence

from healer.patch.patch import FileEdit

MAX_DISTANCE = 2

_BUILTINS = frozenset(dir(builtins))
_REAL_ATTRIBUTES = frozenset(dir(unittest.TestCase)) | frozenset(dir(unittest.mock.Mock()))
"""Attributes that exist without the module defining them: `assertIn` made `assertIs` is a changed check."""


def bound_names(tree: ast.AST) -> tuple[frozenset[str], frozenset[str]]:
    """The names a module binds anywhere (assignments, parameters, imports, definitions) and the attributes it
    defines or assigns (methods, `self.x = ...`)."""
    names: set[str] = set()
    attributes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            attributes.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Global | ast.Nonlocal):
            names.update(node.names)
        elif isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
            attributes.add(node.attr)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return frozenset(names), frozenset(attributes)


PYTEST_FIXTURES = frozenset({
    "tmp_path", "tmp_path_factory", "tmpdir", "tmpdir_factory", "capsys", "capsysbinary", "capfd", "capfdbinary",
    "caplog", "monkeypatch", "request", "pytestconfig", "recwarn", "record_property", "record_testsuite_property",
    "record_xml_attribute", "cache", "doctest_namespace", "testdir", "pytester", "subtests",
})  # fmt: skip


def fixture_renames(old: ast.arguments, new: ast.arguments, fixtures: frozenset[str]) -> dict[str, str] | None:
    """The parameters `new` renames, when each is a misspelt fixture restored (an unknown name made a fixture the
    test can get, one or two letters away); None when the parameters differ otherwise."""
    before = [*old.posonlyargs, *old.args, *old.kwonlyargs]
    after = [*new.posonlyargs, *new.args, *new.kwonlyargs]
    if len(before) != len(after) or [ast.dump(d) for d in (*old.defaults, *old.kw_defaults) if d] != [
        ast.dump(d) for d in (*new.defaults, *new.kw_defaults) if d
    ]:
        return None
    renames: dict[str, str] = {}
    for was, now in zip(before, after, strict=True):
        if was.arg == now.arg:
            continue
        if was.arg in fixtures or now.arg not in fixtures or _distance(was.arg, now.arg) > MAX_DISTANCE:
            return None
        renames[was.arg] = now.arg
    return renames


def module_fixtures(tree: ast.AST) -> frozenset[str]:
    """The fixtures a test of this module can get: pytest's own, the module's `@pytest.fixture` functions, and the
    names its tests ask for more than once (a conftest.py's fixture, which this module does not show)."""
    defined: set[str] = set()
    asked: dict[str, int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if any("fixture" in ast.dump(decorator) for decorator in node.decorator_list):
            defined.add(node.name)
        if node.name.startswith("test"):
            for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
                asked[arg.arg] = asked.get(arg.arg, 0) + 1
    return PYTEST_FIXTURES | defined | {name for name, count in asked.items() if count > 1}


def only_repairs(
    before: Sequence[ast.AST],
    after: Sequence[ast.AST],
    names: frozenset[str],
    attributes: frozenset[str],
    renames: dict[str, str] | None = None,
) -> bool:
    """Whether `after` is `before` with misspelt identifiers restored, and nothing else changed; `renames` are the
    test's parameters restored to fixture names (`fixture_renames`), whose uses follow them."""
    renames = renames or {}
    if len(before) != len(after) or [_masked(n) for n in before] != [_masked(n) for n in after]:
        return False
    changed = bool(renames)
    for old_root, new_root in zip(before, after, strict=True):
        for old, new in zip(ast.walk(old_root), ast.walk(new_root), strict=True):
            if isinstance(old, ast.Name) and isinstance(new, ast.Name) and old.id != new.id:
                if renames.get(old.id) == new.id:
                    continue
                if old.id in names or old.id in _BUILTINS:
                    return False
                changed = True
            elif isinstance(old, ast.Name) and isinstance(new, ast.Name) and old.id in renames:
                return False  # a use of the misspelt parameter left as it was: not the same test
            elif isinstance(old, ast.Attribute) and isinstance(new, ast.Attribute) and old.attr != new.attr:
                known = old.attr in attributes or old.attr in _REAL_ATTRIBUTES
                if known or _distance(old.attr, new.attr) > MAX_DISTANCE:
                    return False
                changed = True
    return changed


def _masked(node: ast.AST) -> str:
    copied = copy.deepcopy(node)
    for inner in ast.walk(copied):
        if isinstance(inner, ast.Name):
            inner.id = "_"
        elif isinstance(inner, ast.Attribute):
            inner.attr = "_"
        elif isinstance(inner, ast.arg):
            inner.arg = "_"
    return ast.dump(copied)


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, with adjacent transpositions counted once (`curyr` for `curry`)."""
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, left in enumerate(a, 1):
        current = [i]
        for j, right in enumerate(b, 1):
            cost = 0 if left == right else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and left == b[j - 2] and a[i - 2] == right:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]


def same_but_names(edit: FileEdit) -> bool:
    """Whether both sides of the edit parse and differ only in identifiers (names, attributes, parameters)."""
    try:
        before = ast.parse(edit.before or b"")
        after = ast.parse(edit.after or b"")
    except (SyntaxError, ValueError):
        return False
    return edit.before is not None and edit.after is not None and _masked(before) == _masked(after)
