"""What an edit changes of the checks a Python test module makes, compared as syntax trees, definition by definition.

A test passes for the wrong reason when its assertion changes or goes, when what it compares against or runs
changes, when it is skipped or marked as expected to fail, when the code it checks is patched out, or when it is
no longer there: deleted, renamed, shadowed by a second definition, no longer collected. Additions are none of
these (a new test, a new assertion, a new statement among the old ones), nor is an import removed or the same
code laid out anew. A module that did not parse before had no checks to weaken (fixing its syntax is the fix);
one that does not parse after cannot pass.
"""

from __future__ import annotations

import ast
import copy
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from healer.patch.patch import Flag
from healer.patch.typo_repair import bound_names, fixture_renames, module_fixtures, only_repairs

ASSERTING = frozenset({"raises", "warns", "approx", "deprecated_call", "fail", "fail_"})
"""Calls that check (besides every name starting with "assert": `assertEqual`, `assert_called_once_with`)."""
MARKS = {"skip": "a skip marker", "skipif": "a skipif marker", "xfail": "an xfail marker"}
SKIPS = {"skip": "pytest.skip()", "xfail": "pytest.xfail()", "importorskip": "pytest.importorskip()",
         "skipTest": "skipTest()"}  # fmt: skip
PATCHING = frozenset({"setattr", "setitem", "delattr", "delitem", "patch", "object", "multiple"})
"""Calls that replace code for the rest of a test (`monkeypatch.setattr`, `mock.patch`, `patch.object`)."""


@dataclass(frozen=True)
class Found:
    flag: Flag
    what: str
    """The sentence a reviewer reads ("changes the assertion in tests/test_a.py::test_total")."""


@dataclass(frozen=True)
class Definition:
    name: str
    """Qualified within the module as pytest names it: "test_total", "TestCart::test_total", "EXPECTED"."""
    node: ast.AST
    test: bool


@dataclass
class Module:
    definitions: dict[str, Definition] = field(default_factory=dict)
    """Every name the module binds, the last binding winning as it does when Python runs it."""
    loose: list[ast.stmt] = field(default_factory=list)
    """Module-level statements that bind no name (a call, an `if`, an assignment to an attribute)."""
    shadowed: set[str] = field(default_factory=set)
    """Tests defined twice: pytest runs only the last."""
    names: frozenset[str] = frozenset()
    attributes: frozenset[str] = frozenset()
    """The names and attributes the module binds anywhere (healer.patch.typo_repair)."""
    fixtures: frozenset[str] = frozenset()
    """The fixtures its tests can get (healer.patch.typo_repair.module_fixtures)."""


def parse(data: bytes | None) -> Module | None:
    if data is None:
        return None
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return None
    names, attributes = bound_names(tree)
    module = Module(names=names, attributes=attributes, fixtures=module_fixtures(tree))
    _collect(tree.body, "", None, module)
    return module


def tests(module: Module | None) -> dict[str, Definition]:
    return {} if module is None else {name: d for name, d in module.definitions.items() if d.test}


def signature(definition: Definition) -> str:
    """A test's code without its name: the same in two places is one test moved or renamed."""
    node = copy.copy(definition.node)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        node.name = ""
    return ast.dump(node)


def compare(path: str, before: Module, after: Module) -> list[Found]:
    """What `after` changes of the checks `before` makes (tests gone are the caller's: they may have moved)."""
    found = [
        Found("removes-test", f"shadows {path}::{name} with a second definition of it")
        for name in sorted(after.shadowed - before.shadowed)
        if name in before.definitions
    ]
    # A fixture the fixed module asks for twice is one the broken module could get too (a conftest.py's).
    known = replace(before, fixtures=before.fixtures | after.fixtures)
    for name, old in before.definitions.items():
        new = after.definitions.get(name)
        if new is None or ast.dump(old.node) == ast.dump(new.node):
            continue
        where = f"{path}::{name}"
        if isinstance(old.node, ast.FunctionDef | ast.AsyncFunctionDef):
            if isinstance(new.node, ast.FunctionDef | ast.AsyncFunctionDef):
                found += _function(where, old.node, new.node, old.test, known)
            else:
                found.append(Found("changes-expected-value", f"replaces {where} with something else"))
        elif isinstance(old.node, ast.ClassDef) and isinstance(new.node, ast.ClassDef):
            found += _class(where, old.node, new.node)
        else:
            found += _binding(path, name, new)
    for name, new in after.definitions.items():
        if name not in before.definitions:
            found += _new_binding(path, name, new)
    found += _loose(path, before.loose, after.loose)
    return found


def _collect(body: Sequence[ast.stmt], prefix: str, test_class: bool | None, module: Module) -> None:
    """`test_class` is None at module level; in a class, whether pytest collects its test methods."""
    for statement in body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            test = statement.name.startswith("test") and test_class is not False
            if test and prefix + statement.name in module.definitions:
                module.shadowed.add(prefix + statement.name)
            module.definitions[prefix + statement.name] = Definition(prefix + statement.name, statement, test)
        elif isinstance(statement, ast.ClassDef):
            name = prefix + statement.name
            collected = statement.name.startswith("Test") or any(
                ast.unparse(base).endswith("TestCase") for base in statement.bases
            )
            head = copy.copy(statement)
            head.body = [item for item in statement.body if not isinstance(item, _DEFINING)]
            module.definitions[name] = Definition(name, head, collected)
            _collect(statement.body, f"{name}::", collected, module)
        elif isinstance(statement, ast.Import | ast.ImportFrom):
            for alias in statement.names:
                bound = (alias.asname or alias.name).split(".")[0]
                if bound != "*":
                    single = copy.copy(statement)
                    single.names = [alias]
                    module.definitions[prefix + bound] = Definition(prefix + bound, single, False)
        elif names := _assigned(statement):
            for name in names:
                module.definitions[prefix + name] = Definition(prefix + name, statement, False)
        elif not prefix:
            module.loose.append(statement)


_DEFINING = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign, ast.AugAssign)


def _assigned(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign | ast.AugAssign):
        targets = [statement.target]
    else:
        return []
    names: list[str] = []
    for target in targets:
        elements = target.elts if isinstance(target, ast.Tuple | ast.List) else [target]
        names += [element.id for element in elements if isinstance(element, ast.Name)]
    return names


def _function(
    where: str,
    old: ast.FunctionDef | ast.AsyncFunctionDef,
    new: ast.FunctionDef | ast.AsyncFunctionDef,
    test: bool,
    module: Module,
) -> list[Found]:
    found = _decorators(where, old.decorator_list, new.decorator_list)
    fixture = any("fixture" in ast.dump(decorator) for decorator in old.decorator_list)
    renames = fixture_renames(old.args, new.args, module.fixtures) if test or fixture else None
    if _parameters(old.args) - _parameters(new.args) and not renames:
        found.append(Found("changes-expected-value", f"changes the parameters of {where}"))
    # A misspelt identifier restored (`slef`, `self.asserrtEqual`, a fixture's name) is the fix of a test that
    # could not run.
    repaired = only_repairs(_body(old), _body(new), module.names, module.attributes, renames)
    if renames and not repaired:
        found.append(Found("changes-expected-value", f"changes the parameters of {where}"))
    old_checks, new_checks = _assertions(_body(old)), _assertions(_body(new))
    if not repaired and old_checks - new_checks:
        verb = "changes the assertion in" if new_checks - old_checks else "removes an assertion from"
        found.append(Found("weakens-assertion", f"{verb} {where}"))
    old_code, new_code = _statements(_body(old)), _statements(_body(new))
    if not repaired and not _in_order(_dumps(old_code), _dumps(new_code)):
        constants = Counter(_constants(old_code)) - Counter(_constants(new_code))
        what = "the expected value in" if constants else "the code of"
        found.append(Found("changes-expected-value", f"changes {what} {where}"))
    for call in (Counter(_skips(new)) - Counter(_skips(old))).elements():
        flag: Flag = "skips-test" if test else "changes-expected-value"
        found.append(Found(flag, f"returns early from {where}" if call == "return" else f"calls {call} in {where}"))
    if sum(_patches(*new.body).values()) > sum(_patches(*old.body).values()):
        found.append(Found("changes-expected-value", f"patches out code in {where}"))
    return found


def _class(where: str, old: ast.ClassDef, new: ast.ClassDef) -> list[Found]:
    found = _decorators(where, old.decorator_list, new.decorator_list)
    if [ast.dump(b) for b in old.bases] != [ast.dump(b) for b in new.bases]:
        found.append(Found("changes-expected-value", f"changes the base classes of {where}"))
    if not _in_order(_dumps(_statements(old.body)), _dumps(_statements(new.body))):
        found.append(Found("changes-expected-value", f"changes the class body of {where}"))
    return found


def _binding(path: str, name: str, new: Definition) -> list[Found]:
    """An existing name bound anew (the caller knows the binding changed)."""
    special = _special(path, name, new)
    if special is not None:
        return [special]
    if isinstance(new.node, ast.Import | ast.ImportFrom):
        return [Found("changes-expected-value", f"changes what {path} imports as {name}")]
    return [Found("changes-expected-value", f"changes the value of {name} in {path}")]


def _new_binding(path: str, name: str, new: Definition) -> list[Found]:
    special = _special(path, name, new)
    return [] if special is None else [special]


def _special(path: str, name: str, new: Definition) -> Found | None:
    """`pytestmark` and `__test__`, which decide how a module's or a class's tests run, or whether they do."""
    scope = f"{path}::{name.rsplit('::', 1)[0]}" if "::" in name else path
    short = name.rsplit("::", 1)[-1]
    value = getattr(new.node, "value", None)
    if short == "pytestmark":
        marks = sorted({MARKS[m] for m in _marks(value)}) if value is not None else []
        if marks:
            return Found("skips-test", f"adds {' and '.join(marks)} to every test in {scope} (pytestmark)")
        return Found("changes-expected-value", f"changes pytestmark in {scope}")
    if short == "__test__" and isinstance(value, ast.Constant) and not value.value:
        return Found("removes-test", f"stops pytest collecting {scope} (__test__ = False)")
    return None


def _loose(path: str, before: list[ast.stmt], after: list[ast.stmt]) -> list[Found]:
    found: list[Found] = []
    if not _in_order([ast.dump(s) for s in before], [ast.dump(s) for s in after]):
        found.append(Found("changes-expected-value", f"changes the module-level code of {path}"))
    old, new = Counter(c for s in before for c in _skip_calls(s)), Counter(c for s in after for c in _skip_calls(s))
    for call in (new - old).elements():
        found.append(Found("skips-test", f"calls {call} at the top of {path}, skipping every test in it"))
    if sum(_patches(*after).values()) > sum(_patches(*before).values()):
        found.append(Found("changes-expected-value", f"patches out code when {path} is imported"))
    return found


def _decorators(where: str, before: list[ast.expr], after: list[ast.expr]) -> list[Found]:
    old, new = Counter(ast.dump(d) for d in before), Counter(ast.dump(d) for d in after)
    added = [d for d in after if ast.dump(d) in new - old]
    removed = [d for d in before if ast.dump(d) in old - new]
    found: list[Found] = []
    for decorator in added:
        for mark in _marks(decorator):
            found.append(Found("skips-test", f"adds {MARKS[mark]} to {where}"))
    parametrize = [d for d in (*added, *removed) if _callee(d) == "parametrize"]
    if parametrize:
        found.append(Found("changes-expected-value", f"changes the parameters pytest runs {where} with"))
    others = [d for d in added if not _marks(d) and _callee(d) != "parametrize"]
    if others:
        shown = ", ".join("@" + ast.unparse(d) for d in others)
        found.append(Found("changes-expected-value", f"adds {shown} to {where}"))
    return found


def _marks(node: ast.AST) -> list[str]:
    """The skipping marks an expression names: `pytest.mark.skip`, `mark.xfail(...)`, a list of them."""
    return [
        sub.attr
        for sub in ast.walk(node)
        if isinstance(sub, ast.Attribute) and sub.attr in MARKS and _dotted(sub.value).endswith("mark")
    ]


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def _callee(node: ast.AST) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def _parameters(arguments: ast.arguments) -> set[str]:
    """Each parameter with its default: a fixture gone, or a default changed, changes what the test gets."""
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults)) + [*arguments.defaults]
    pairs = [*zip(positional, defaults, strict=True), *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)]
    return {f"{arg.arg}={'' if default is None else ast.dump(default)}" for arg, default in pairs}


def _body(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    body = function.body
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return body[1:]  # a docstring says, it does not check
    return body


def _is_check(node: ast.AST) -> bool:
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.Call):
        name = _callee(node)
        return name.startswith("assert") or name in ASSERTING
    return False


def _assertions(body: Sequence[ast.stmt], context: tuple[str, ...] = ()) -> Counter[str]:
    """Every check in `body`, with the heads of the statements around it: one moved under `if False:`, into a
    `try` that swallows its failure, or into a loop over nothing, is not the check it was."""
    found: Counter[str] = Counter()
    for statement in body:
        nested, own = _split(statement)
        here = (*context, ast.dump(own))
        for node in ast.walk(own):
            if _is_check(node):
                found[f"{here}:{ast.dump(node)}"] += 1
        for label, inner in nested:
            found += _assertions(inner, (*here, label))
    return found


def _split(statement: ast.stmt) -> tuple[list[tuple[str, list[ast.stmt]]], ast.stmt]:
    """The statement's nested bodies (each labelled), and the statement itself with those bodies emptied."""
    own = copy.copy(statement)
    nested: list[tuple[str, list[ast.stmt]]] = []
    for name, value in ast.iter_fields(statement):
        if isinstance(value, list) and value and all(isinstance(item, ast.stmt) for item in value):
            nested.append((name, value))
            setattr(own, name, [])
        elif isinstance(value, list) and value and all(isinstance(item, ast.excepthandler) for item in value):
            handlers = []
            for number, handler in enumerate(value):
                assert isinstance(handler, ast.ExceptHandler)
                nested.append((f"{name}{number}", handler.body))
                handlers.append(ast.ExceptHandler(handler.type, handler.name, []))
            setattr(own, name, handlers)
        elif isinstance(value, list) and value and all(isinstance(item, ast.match_case) for item in value):
            cases = []
            for number, case in enumerate(value):
                nested.append((f"case{number}", case.body))
                cases.append(ast.match_case(case.pattern, case.guard, []))
            setattr(own, name, cases)
    return nested, own


def _statements(body: Sequence[ast.stmt]) -> list[ast.stmt]:
    """The statements that are not a check on their own, in order (the checks are compared apart)."""
    return [
        s
        for s in body
        if not (isinstance(s, ast.Assert) or (isinstance(s, ast.Expr) and _is_check(s.value)))
        and not isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]


def _in_order(before: list[str], after: list[str]) -> bool:
    """Whether every item of `before` is still in `after`, in the same order (what was added is no weakening)."""
    rest = iter(after)
    return all(any(item == other for other in rest) for item in before)


def _dumps(nodes: Sequence[ast.AST]) -> list[str]:
    return [ast.dump(node) for node in nodes]


def _constants(nodes: Sequence[ast.AST]) -> Iterator[str]:
    for top in nodes:
        yield from (repr(node.value) for node in ast.walk(top) if isinstance(node, ast.Constant))


def _skips(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    found: list[str] = []
    for node in _own_nodes(function):
        if isinstance(node, ast.Return):
            found.append("return")
        found += _skip_call(node)
    return found


def _skip_calls(statement: ast.stmt) -> list[str]:
    return [call for node in ast.walk(statement) for call in _skip_call(node)]


def _skip_call(node: ast.AST) -> list[str]:
    # `pytest.mark.skip(...)` is a mark (a decorator's business), `pytest.skip(...)` skips where it runs.
    if isinstance(node, ast.Call) and _callee(node) in SKIPS and "mark" not in _dotted(node.func).split("."):
        return [SKIPS[_callee(node)]]
    if isinstance(node, ast.Raise) and node.exc is not None and "skip" in ast.unparse(node.exc).lower():
        return [f"raise {ast.unparse(node.exc)}"]
    return []


def _own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of a function's body, not of the functions and classes defined in it."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def _patches(*nodes: ast.AST) -> Counter[str]:
    """Code replaced for a test: patching calls, and assignments to another object's attributes."""
    found: Counter[str] = Counter()
    for top in nodes:
        for node in ast.walk(top):
            if isinstance(node, ast.Call) and _callee(node) in PATCHING:
                # A method (`monkeypatch.setattr`, `mock.patch`), or the builtin `setattr`.
                if isinstance(node.func, ast.Attribute) or _callee(node) in ("setattr", "delattr"):
                    found[ast.dump(node)] += 1
            elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found.update(ast.dump(target) for target in targets if _replaces(target))
    return found


def _replaces(target: ast.expr) -> bool:
    """An assignment to another object's attribute (`calc.add = ...`) or to a module's table (`sys.modules[...]`)."""
    if isinstance(target, ast.Subscript):
        return isinstance(target.value, ast.Attribute)
    if not isinstance(target, ast.Attribute):
        return False
    root: ast.expr = target
    while isinstance(root, ast.Attribute | ast.Subscript):
        root = root.value
    return not (isinstance(root, ast.Name) and root.id in ("self", "cls"))
