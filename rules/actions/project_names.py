"""What a project's own modules define and export, read from their sources: where a name can be imported from.

Built once per round (kept in `ctx.cache`) from every Python file of the
snapshot, without importing any of them. Modules are named as they import
when the project runs: from the repository root or `src/`, through regular
packages, and through one namespace-package folder without `__init__.py`
(`jaraco/functools/__init__.py` is `jaraco.functools`). Test modules are
named but their definitions are not offered: a test's helper is not an API.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from healer.rules.context import ActionContext

_CACHE = "add-import:project-symbols"
# Folders that hold no importable code however they look: a `docs/conf.py` is not the module `docs.conf`.
_NOT_NAMESPACES = frozenset({"tests", "test", "testing", "docs", "doc", "examples", "scripts", "bench", "benchmarks"})


@dataclass(frozen=True)
class ProjectIndex:
    symbols: dict[str, list[str]]
    """Top-level name (private ones too) to the modules defining it."""
    exports: dict[str, list[str]]
    """A name to the modules whose literal `__all__` lists it without defining it (a package re-exporting it)."""
    modules: dict[str, str]
    """Repository path to dotted module name."""
    tops: frozenset[str]
    """The project's top-level importable names (first-party)."""
    test_symbols: dict[str, list[str]] = field(default_factory=dict)
    """Top-level names of the test suite's helper modules (`tests/__init__.py`, `tests/helpers.py`): offered to
    test files only."""
    relative: frozenset[str] = frozenset()
    """The modules with a relative import (`from .x import y`) at their top level."""
    absolute: frozenset[str] = frozenset()
    """The modules that import their own top-level package absolutely and never relatively."""

    def relative_style(self, package: str, besides: str) -> bool:
        """Whether the package's other modules import relatively: most of those that import within it do."""
        siblings = {m for m in self.modules.values() if m != besides and package in (m, m.rpartition(".")[0])}
        return bool(siblings) and len(siblings & self.relative) * 2 > len(siblings & (self.relative | self.absolute))

    def packages_of(self, module: str) -> str:
        """The package a module's relative imports start from."""
        paths = [path for path, name in self.modules.items() if name == module]
        if any(path.endswith("/__init__.py") for path in paths):
            return module
        return module.rpartition(".")[0]

    def submodules_named(self, name: str) -> list[str]:
        """The parents of the project's modules called `name` (`iniconfig` for `iniconfig._parse`)."""
        return sorted(
            {m.rpartition(".")[0] for m in self.modules.values() if m.rpartition(".")[2] == name and "." in m}
        )


def project_index(ctx: ActionContext) -> ProjectIndex:
    cached = ctx.cache.get(_CACHE)
    if isinstance(cached, ProjectIndex):
        return cached
    paths = [p for p in ctx.paths() if p.endswith(".py")]
    packages = {p.rsplit("/", 1)[0] for p in paths if p.endswith("/__init__.py")}
    symbols: dict[str, list[str]] = {}
    test_symbols: dict[str, list[str]] = {}
    exports: dict[str, list[str]] = {}
    modules: dict[str, str] = {}
    relative: set[str] = set()
    absolute: set[str] = set()
    for path in paths:
        module = module_name(path, packages)
        if module is None:
            continue
        modules[path] = module
        content = ctx.read(path)
        try:
            tree = ast.parse(content or b"")
        except (SyntaxError, ValueError):
            continue
        own = [node for node in tree.body if isinstance(node, ast.ImportFrom)]
        if any(node.level for node in own):
            relative.add(module)
        elif any((node.module or "").split(".")[0] == module.split(".")[0] for node in own):
            absolute.add(module)
        if is_test(path) and _test_file(path):
            continue  # a test's names are nobody's import; its imports still show the suite's style
        defined = top_level_definitions(tree)
        found_in = test_symbols if is_test(path) else symbols
        for name in defined:
            found_in.setdefault(name, []).append(module)
        if not is_test(path):
            for name in set(literal_all(tree)) - defined:
                exports.setdefault(name, []).append(module)
    tops = frozenset(module.split(".")[0] for module in modules.values())
    index = ProjectIndex(
        symbols=symbols,
        test_symbols=test_symbols,
        exports=exports,
        modules=modules,
        tops=tops,
        relative=frozenset(relative),
        absolute=frozenset(absolute),
    )
    ctx.cache[_CACHE] = index
    return index


def module_name(path: str, packages: set[str]) -> str | None:
    """The dotted name a file imports as, from the nearest folder above its packages; None for scripts in odd places."""
    parts = path[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts.pop()
    start = len(parts) - 1
    while start > 0 and "/".join(parts[:start]) in packages:
        start -= 1
    base = parts[:start]
    root = [] if not base or base == ["src"] else base[:-1]
    if root not in ([], ["src"]):
        return None  # only the layouts whose import root is on sys.path when the project runs
    if base and base != ["src"]:
        # A namespace package (PEP 420): a plain folder right under the import root holding a regular
        # package. A lone module in a plain folder is a script, not `folder.module`.
        if base[-1] in _NOT_NAMESPACES or "/".join(parts[: start + 1]) not in packages:
            return None
        start -= 1
    name = ".".join(parts[start:])
    return name if name and all(part.isidentifier() for part in parts[start:]) else None


def _test_file(path: str) -> bool:
    """A file of tests or fixtures, as opposed to a helper module of the test suite."""
    stem = path.rsplit("/", 1)[-1][: -len(".py")]
    return stem == "conftest" or stem.startswith("test_") or stem.endswith("_test")


def is_test(path: str) -> bool:
    parts = path.split("/")
    stem = parts[-1][: -len(".py")]
    return stem == "conftest" or stem.startswith("test_") or stem.endswith("_test") or "tests" in parts[:-1]


def top_level_definitions(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("__")}


def literal_all(tree: ast.Module) -> list[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return []
            return [item for item in value if isinstance(item, str)]
    return []
