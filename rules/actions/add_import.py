"""add-import: bind an undefined name by importing it from the one place it can come from.

A name resolves when exactly one of these fits how the file uses it:
- a standard-library module used as a module (`json.dumps` -> `import json`);
- a well-known standard-library name (`Decimal` -> `from decimal import Decimal`), read from the
  `__all__` (or public names) of a short list of everyday modules, then from the `__all__` of the
  rest of the standard library, found by parsing sources rather than importing them;
- a name defined at top level in exactly one non-test module of the project;
- when those leave several or none: the one module this file already imports names from that
  exports it (`tzinfo` beside `from datetime import date`, merged into that line).

Anything else is declined: an import that merely silences the checker while binding the wrong
thing would pass verification, so ambiguity is never settled by guessing. Decisions:
- typing's aliases lose to their real homes: `Callable` from collections.abc, `OrderedDict` from
  collections, `Pattern` from re. Other collisions are ambiguous (`sleep`: time or asyncio?).
- Usage settles what names alone cannot: `datetime.now()` imports the class, `datetime.timedelta`
  the module; `time.sleep()` the module, a bare `time()` is ambiguous (time.time or datetime.time).
- `date` is only exported by datetime, but like every lowercase one-word name (`count`, `field`,
  `chain`) it is a likely variable too, so it must be called, decorate, or have a known attribute
  used (`date.today()`) before it is imported.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import importlib
import importlib.util
import json
import os
import pkgutil
import re
import sys
import tokenize
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from healer.diagnostics.symbols import undefined_name
from healer.patch.patch import FileEdit
from healer.rules.actions.project_names import ProjectIndex, is_test, literal_all, project_index
from healer.rules.context import ActionContext
from healer.rules.outcome import Proposal

_EVERYDAY = (
    "dataclasses", "decimal", "fractions", "pathlib", "datetime", "collections", "collections.abc",
    "typing", "enum", "functools", "itertools", "contextlib", "abc", "io", "math", "time", "copy",
    "textwrap", "tempfile", "re", "json", "uuid", "string", "statistics", "pprint", "types",
)  # fmt: skip
# Never proposed, but their exports make a name ambiguous (`sleep`, `Lock`, `run`, `copy`).
_COMPETITORS = ("asyncio", "threading", "os", "os.path", "shutil", "subprocess", "logging", "sys", "operator")
_LOSES_TO_OTHERS = "typing"
# Importing these has side effects, or their exports (tkinter's `END`, turtle's `width`) would
# claim ordinary names.
_NEVER = frozenset(
    {"antigravity", "this", "idlelib", "turtle", "turtledemo", "tkinter", "lib2to3", "test", "pydoc_data",
     "ensurepip", "distutils", "__future__", "__main__", "curses", "msilib", "winreg", "winsound"}
)  # fmt: skip


@dataclass(frozen=True)
class _Candidate:
    module: str
    name: str | None
    """None for `import module`."""
    obj: Any = field(default=None, compare=False)
    known: bool = field(default=False, compare=False)
    """True when `obj` is the real object, so attribute uses can be checked against it."""

    @property
    def statement(self) -> str:
        return f"import {self.module}" if self.name is None else f"from {self.module} import {self.name}"


@dataclass
class _Usage:
    attributes: set[str] = field(default_factory=set)
    called: bool = False


def run(ctx: ActionContext) -> Proposal | None:
    diagnostic = ctx.diagnostic
    name = undefined_name(diagnostic.message)
    if name is None or diagnostic.file is None or not diagnostic.file.endswith((".py", ".pyi")):
        return None
    if len(name) < 2 or name.startswith("__") or hasattr(builtins, name):
        return None
    # The answer depends on the file and the name, not on the line: a removed import reported at 200 uses
    # (and 200 failing tests) is one question.
    key = f"add-import:{diagnostic.file}:{name}"
    if key not in ctx.cache:
        ctx.cache[key] = _proposal(ctx, diagnostic.file, name)
    proposal: Proposal | None = ctx.cache[key]
    return proposal


def _proposal(ctx: ActionContext, file: str, name: str) -> Proposal | None:
    source = ctx.parsed(file)
    if source is None:
        return None
    before, text, tree = source.data, source.text, source.tree
    if name in _bound_by_imports(tree):
        return None  # Imported already (under TYPE_CHECKING, say): a different bug.
    usage = _usage(source.tokens, name)
    index = project_index(ctx)
    own_module = index.modules.get(file)
    in_tests = is_test(file)
    found_here = _project_candidates(index, name, usage, own_module, in_tests=in_tests)
    project = _public_home(found_here, index, name, own_module)
    stdlib = [] if name.startswith("_") else _stdlib_candidates(name, usage)
    if in_tests and len(project) == 1 and project[0].module in index.tops:
        # The project's own public API, in its tests, is what a bare `escape` means, not `re.escape`.
        stdlib = [c for c in stdlib if c.name is None]
    # The file's own imports settle it first: `tzinfo` beside `from datetime import date, datetime`, and
    # `loads` beside `from pickle import dumps` (json's `loads` is the everyday one, and the wrong one there).
    found = _imported_home(tree, name, usage, project)
    if len(found) != 1:
        found = {*project, *stdlib}
    if len(found) != 1:
        return None
    (chosen,) = found
    first_party = chosen in project
    if first_party:
        chosen = _relative(chosen, tree, index, own_module)
    after = _add_import(text, chosen, first_party=first_party, project_tops=index.tops)
    if after is None:
        return None
    return Proposal(
        title=chosen.statement,
        edits=(FileEdit(path=file, before=before, after=after.encode("utf-8")),),
    )


def _project_candidates(
    index: ProjectIndex, name: str, usage: _Usage, own_module: str | None, *, in_tests: bool = False
) -> list[_Candidate]:
    """The project's definitions of `name` outside this file (and, for a test file, the test suite's helper
    modules'), and its modules called `name` (`import six`, `from iniconfig import _parse`).

    A private name is only taken from the file's own top-level package; a private module from anywhere (a
    test imports `markupsafe._native`). A project module named like a standard-library one (`toolz.curried.
    operator`) is only meant by `operator` inside its own package.
    """
    own_top = own_module.split(".")[0] if own_module else None
    modules = index.symbols.get(name, [])
    if in_tests:
        modules = [*modules, *index.test_symbols.get(name, [])]
    found = [_Candidate(module, name) for module in modules if module != own_module]
    if name.startswith("_"):
        found = [c for c in found if own_top is not None and c.module.split(".")[0] == own_top]
    if not usage.called:  # a module is never called
        if name in index.tops and name != own_top:
            found.append(_Candidate(name, None))
        own_package = index.packages_of(own_module) if own_module else None
        found += [
            _Candidate(parent, name)
            for parent in index.submodules_named(name)
            if f"{parent}.{name}" != own_module and (name not in sys.stdlib_module_names or parent == own_package)
        ]
    return found


def _relative(chosen: _Candidate, tree: ast.Module, index: ProjectIndex, own_module: str | None) -> _Candidate:
    """`from ._descriptor import X` rather than `from cachetools._descriptor import X` where the package's code
    imports itself relatively: the file's own imports say so, or, when it has none from its package either
    way, the other modules of its package do."""
    if own_module is None or chosen.name is None:
        return chosen
    package = index.packages_of(own_module)
    relative = any(isinstance(node, ast.ImportFrom) and node.level for node in tree.body)
    top = own_module.split(".")[0]
    absolute = any(
        isinstance(node, ast.ImportFrom | ast.Import)
        and not getattr(node, "level", 0)
        and any(name.split(".")[0] == top for name in _imported_modules(node))
        for node in tree.body
    )
    if not relative and (absolute or not index.relative_style(package, own_module)):
        return chosen
    if chosen.module == package:
        return _Candidate(".", chosen.name)
    if package and chosen.module.startswith(f"{package}."):
        return _Candidate(chosen.module[len(package) :], chosen.name)
    return chosen


def _imported_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    return [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]


def _public_home(project: list[_Candidate], index: ProjectIndex, name: str, own_module: str | None) -> list[_Candidate]:
    """For a name defined once and re-exported by a package's `__all__`, the import the file would use.

    Outside that package (its tests, another package) the shortest public path, `from shop import Cart`;
    inside it the defining module, as importing the package's own `__init__` from within can be circular.
    """
    if len(project) != 1:
        return project
    (defined,) = project
    top = defined.module.split(".")[0]
    public = sorted(
        (m for m in index.exports.get(name, ()) if m != own_module and defined.module.startswith(f"{m}.")),
        key=lambda m: (m.count("."), m),
    )
    inside = own_module is not None and own_module.split(".")[0] == top
    if not public or inside:
        return project
    return [_Candidate(public[0], name)]


def importable(ctx: ActionContext, name: str, file: str) -> bool:
    """Whether `name` is something to import rather than a typo: a standard-library module or export, a
    top-level definition of another module of the project, or one of its modules."""
    if name in sys.stdlib_module_names or name in _everyday() or name in _competitors() or name in _stdlib_all():
        return True
    index = project_index(ctx)
    return bool(_project_candidates(index, name, _Usage(), index.modules.get(file), in_tests=is_test(file)))


def _imported_home(tree: ast.Module, name: str, usage: _Usage, project: list[_Candidate]) -> set[_Candidate]:
    """The candidates from the modules this file already imports names from (`from M import a`), which are
    evidence that no list of everyday modules is: the author reached for M in this very file."""
    homes: set[_Candidate] = set()
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        module = node.module if node.level == 0 else None
        for candidate in project:
            if candidate.module == module or (node.level and candidate.module.endswith(f".{node.module}")):
                homes.add(candidate)
        if module is None or module.split(".")[0] not in sys.stdlib_module_names or module.split(".")[0] in _NEVER:
            continue
        imported = _import(module)
        exported = getattr(imported, "__all__", None)
        public = exported if isinstance(exported, list | tuple) else [n for n in dir(imported) if not n.startswith("_")]
        if imported is not None and name in public:
            candidate = _Candidate(module, name, getattr(imported, name, None), known=True)
            if _fits(candidate, usage):
                homes.add(candidate)
    return homes


def _bound_by_imports(tree: ast.Module) -> set[str]:
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return bound


def _usage(all_tokens: Sequence[tokenize.TokenInfo], name: str) -> _Usage:
    """How the file uses `name` outside attribute position: the attributes read from it, whether it is called."""
    usage = _Usage()
    tokens = [t for t in all_tokens if t.type not in _TRIVIA]
    for position, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string != name:
            continue
        previous = tokens[position - 1].string if position else ""
        if previous == ".":
            continue
        following = tokens[position + 1 : position + 3]
        if len(following) == 2 and following[0].string == "." and following[1].type == tokenize.NAME:
            usage.attributes.add(following[1].string)  # `@six.add_metaclass(M)` decorates with an attribute
        elif (following and following[0].string == "(") or previous == "@":
            usage.called = True
    return usage


_TRIVIA = frozenset({tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT})


def _stdlib_candidates(name: str, usage: _Usage) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    if name in sys.stdlib_module_names and name not in _NEVER:
        candidates.append(_Candidate(name, None, _import(name), known=_import(name) is not None))
    if name not in sys.stdlib_module_names and usage.attributes and not usage.called:
        for parent in _stdlib_submodules().get(name, ()):
            submodule = _import(f"{parent}.{name}")
            candidates.append(_Candidate(parent, name, submodule, known=submodule is not None))
    everyday = _everyday().get(name, [])
    candidates += [_Candidate(module, name, obj, known=True) for module, obj in everyday]
    if not everyday and _looks_like_api(name):
        candidates += [_Candidate(module, name) for module in _stdlib_all().get(name, ())]
    candidates = [c for c in candidates if _fits(c, usage)]
    if any(c.name is not None and c.name.islower() and c.name.isalnum() for c in candidates):
        # A lowercase word (`count`, `date`) is a likely variable: demand evidence it is the API.
        candidates = [c for c in candidates if c.name is None or usage.called or (usage.attributes and c.known)]
    homes = {c.module for c in candidates}
    competitors = {module for module, _ in _competitors().get(name, [])} - homes
    if competitors and any(c.name is not None for c in candidates):
        return []
    if len(candidates) > 1:
        candidates = [c for c in candidates if c.module != _LOSES_TO_OTHERS]
    return candidates


def _fits(candidate: _Candidate, usage: _Usage) -> bool:
    if usage.called and isinstance(candidate.obj, types.ModuleType):
        return False
    if candidate.known and usage.attributes:
        return all(hasattr(candidate.obj, attribute) for attribute in usage.attributes)
    return True


def _looks_like_api(name: str) -> bool:
    # Only distinctive names come from the long tail of the standard library.
    return any(c.isupper() for c in name) or "_" in name.strip("_")


@cache
def _import(module: str) -> Any:
    if module.split(".")[0] in _NEVER:
        return None
    try:
        return importlib.import_module(module)
    except Exception:  # Any failure means "cannot check", never a crash of the round.
        return None


@cache
def _stdlib_submodules() -> dict[str, tuple[str, ...]]:
    """Public submodules of the standard library's packages by name (`mock`: unittest), found on disk."""
    homes: dict[str, list[str]] = {}
    for package in sorted(sys.stdlib_module_names):
        if package.startswith("_") or package in _NEVER:
            continue
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            continue
        locations = spec.submodule_search_locations if spec is not None else None
        for found in pkgutil.iter_modules(list(locations or ())):
            if not found.name.startswith("_") and found.name not in ("test", "tests"):
                homes.setdefault(found.name, []).append(package)
    return {name: tuple(parents) for name, parents in homes.items()}


@cache
def _exports(modules: tuple[str, ...]) -> dict[str, list[tuple[str, Any]]]:
    homes: dict[str, list[tuple[str, Any]]] = {}
    for module_name in modules:
        module = _import(module_name)
        if module is None:
            continue
        names = getattr(module, "__all__", None)
        if names is None:
            names = [n for n in vars(module) if not n.startswith("_") and _defined_in(module, n)]
        for name in names:
            homes.setdefault(name, []).append((module_name, getattr(module, name, None)))
    return homes


def _defined_in(module: types.ModuleType, name: str) -> bool:
    # Without `__all__`, names a module merely imported (uuid's `Enum`) are not its exports.
    value = getattr(module, name)
    if isinstance(value, types.ModuleType):
        return False
    if not isinstance(value, type | types.FunctionType | types.BuiltinFunctionType):
        return True  # Constants (`math.pi`) carry their type's module, not their own.
    return str(value.__module__).lstrip("_") == module.__name__.lstrip("_")


def _everyday() -> dict[str, list[tuple[str, Any]]]:
    return _exports(_EVERYDAY)


def _competitors() -> dict[str, list[tuple[str, Any]]]:
    return _exports(_COMPETITORS)


@cache
def _stdlib_all() -> dict[str, tuple[str, ...]]:
    """Every public top-level standard-library module's `__all__`, read from its source without importing it.

    Parsing the whole standard library takes seconds; the result depends only on the
    interpreter, so it is kept in the user's cache folder, one file per interpreter.
    """

    key = hashlib.blake2b(f"{sys.version}\0{sys.prefix}\0{sys.base_prefix}".encode(), digest_size=8).hexdigest()
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    saved = cache_home / "healer" / f"stdlib-exports-{key}.json"
    try:
        loaded = json.loads(saved.read_text())
        return {name: tuple(modules) for name, modules in loaded.items()}
    except (OSError, ValueError, AttributeError):
        pass
    computed = _read_stdlib_all()
    try:
        saved.parent.mkdir(parents=True, exist_ok=True)
        temporary = saved.with_name(f".{saved.name}.{os.getpid()}")
        temporary.write_text(json.dumps(computed))
        os.replace(temporary, saved)
    except OSError:
        pass  # a read-only home: computed again next time, nothing lost
    return computed


def _read_stdlib_all() -> dict[str, tuple[str, ...]]:
    homes: dict[str, list[str]] = {}
    for module in sorted(sys.stdlib_module_names):
        if module.startswith("_") or module in _NEVER:
            continue
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            continue
        origin = spec.origin if spec is not None else None
        if not origin or not origin.endswith(".py"):
            continue
        try:
            with open(origin, encoding="utf-8") as handle:
                tree = ast.parse(handle.read())
        except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
            continue
        for name in literal_all(tree):
            homes.setdefault(name, []).append(module)
    return {name: tuple(modules) for name, modules in homes.items()}


# Placing the import: where isort/ruff's default layout would put it, so the fix adds no new lint.

_SECTION_ORDER = {"future": 0, "stdlib": 1, "third": 2, "first": 3}


def _add_import(text: str, chosen: _Candidate, *, first_party: bool, project_tops: frozenset[str]) -> str | None:
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    tree = ast.parse(text)
    body = tree.body
    start = 1 if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else 0
    header: list[ast.Import | ast.ImportFrom] = []
    for node in body[start:]:
        if not isinstance(node, ast.Import | ast.ImportFrom):
            break
        header.append(node)
    if chosen.name is not None:
        merged = _merge(lines, header, chosen.module, chosen.name)
        if merged is not None:
            return merged
    kind = "first" if first_party else "stdlib"
    sections = _sections(lines, header, project_tops)
    statement = chosen.statement + newline
    key = (chosen.name is not None, chosen.module.lower())
    same = [s for s in sections if {_kind(n, project_tops) for n in s} == {kind}]
    if same:
        section = same[0] if kind == "stdlib" else same[-1]
        for node in section:
            if _sort_key(node) > key:
                return _insert(lines, _above_comments(lines, node.lineno - 1), [statement])
        return _insert(lines, section[-1].end_lineno or section[-1].lineno, [statement])
    later = [s for s in sections if _SECTION_ORDER[_kind(s[0], project_tops)] > _SECTION_ORDER[kind]]
    if later:
        at = _above_comments(lines, later[0][0].lineno - 1)
        return _insert(lines, at, [statement, newline])
    if sections:
        return _insert(lines, sections[-1][-1].end_lineno or 0, [newline, statement])
    return _new_block(lines, body, start, statement, newline)


def _merge(lines: list[str], header: list[ast.Import | ast.ImportFrom], module: str, name: str) -> str | None:
    # Extend a one-line `from module import a, b` rather than add a second line for the same module.
    for node in header:
        if not isinstance(node, ast.ImportFrom) or node.module != module or node.level != 0:
            continue
        if any(alias.name == name for alias in node.names):
            return None
        line = lines[node.lineno - 1]
        match = re.fullmatch(r"(from\s+[\w.]+\s+import\s+)([\w ,]+?)(\s*(?:#.*)?)(\r?\n)?", line)
        if node.end_lineno != node.lineno or match is None or any(a.asname for a in node.names):
            continue
        names = [alias.name for alias in node.names]
        grown = [*names, name]
        if names == sorted(names, key=_name_order):
            grown.sort(key=_name_order)
        lines = list(lines)
        lines[node.lineno - 1] = match[1] + ", ".join(grown) + match[3] + (match[4] or "")
        return "".join(lines)
    return None


def _name_order(name: str) -> tuple[int, str]:
    # isort's order-by-type: CONSTANTS, then Classes, then everything else.
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name


def _sections(
    lines: list[str], header: list[ast.Import | ast.ImportFrom], project_tops: frozenset[str]
) -> list[list[ast.Import | ast.ImportFrom]]:
    sections: list[list[ast.Import | ast.ImportFrom]] = []
    previous_end = 0
    for node in header:
        gap = lines[previous_end : node.lineno - 1]
        if not sections or any(not line.strip() for line in gap):
            sections.append([node])
        else:
            sections[-1].append(node)
        previous_end = node.end_lineno or node.lineno
    return sections


def _kind(node: ast.Import | ast.ImportFrom, project_tops: frozenset[str]) -> str:
    if isinstance(node, ast.ImportFrom):
        if node.level:
            return "first"
        top = (node.module or "").split(".")[0]
    else:
        top = node.names[0].name.split(".")[0]
    if top == "__future__":
        return "future"
    if top in sys.stdlib_module_names:
        return "stdlib"
    return "first" if top in project_tops else "third"


def _sort_key(node: ast.Import | ast.ImportFrom) -> tuple[bool, str]:
    if isinstance(node, ast.ImportFrom):
        return True, ("." * node.level + (node.module or "")).lower()
    return False, node.names[0].name.lower()


def _above_comments(lines: list[str], index: int) -> int:
    # A comment right above an import belongs to it.
    while index > 0 and lines[index - 1].lstrip().startswith("#"):
        index -= 1
    return index


def _insert(lines: list[str], index: int, new: list[str]) -> str:
    if index > 0 and not lines[index - 1].endswith("\n"):
        lines = [*lines[: index - 1], lines[index - 1] + _newline_of(lines), *lines[index:]]
    return "".join([*lines[:index], *new, *lines[index:]])


def _newline_of(lines: list[str]) -> str:
    return "\r\n" if any(line.endswith("\r\n") for line in lines) else "\n"


def _new_block(lines: list[str], body: list[ast.stmt], start: int, statement: str, newline: str) -> str:
    """The file's first import: after the docstring or leading comments, set off by blank lines."""
    if start:
        index = body[0].end_lineno or 0
    else:
        index = 0
        while index < len(lines) and lines[index].lstrip().startswith("#"):
            index += 1
    before = [newline] if index > 0 else []
    rest = lines[index:]
    following = next((line for line in rest if line.strip()), None)
    after: list[str] = []
    if following is not None:
        blank = len(rest) - len(_without_leading_blanks(rest))
        wanted = 2 if re.match(r"(def|class|async\s+def)\b|@", following) else 1
        after = [newline] * max(0, wanted - blank)
    return _insert(lines, index, [*before, statement, *after])


def _without_leading_blanks(rest: list[str]) -> list[str]:
    index = 0
    while index < len(rest) and not rest[index].strip():
        index += 1
    return rest[index:]
