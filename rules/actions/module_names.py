"""The names a module offers as attributes, for `module 'm' has no attribute 'x'`: which names `x` may mean.

- A module of the project: read from its source, with what its `from .x import *` lines bring
  (`toolz.curry` comes from `toolz/__init__.py`'s `from .functoolz import *`) and, for a
  package, its submodules. Never imported: the copy being fixed is broken.
- The standard library: imported, as healer's own interpreter has the same one.
- An installed package (`pytest.mark`): located by the project's interpreter (`find_spec`,
  which runs none of the package's code for a top-level name), then read from its source.
"""

from __future__ import annotations

import ast
import importlib
import os
import sys
from pathlib import Path

from healer.process import run_briefly
from healer.rules.context import ActionContext

# Importing these has side effects; their names are never worth it.
_NEVER_IMPORT = frozenset({"antigravity", "this", "idlelib", "turtledemo", "__main__"})
_STAR_DEPTH = 3
_LOCATE_SECONDS = 10.0
_LOCATE = (
    "import importlib.util, sys\n"
    "spec = importlib.util.find_spec(sys.argv[1])\n"
    "print(spec.origin if spec is not None and spec.origin else '')\n"
)


def module_names(ctx: ActionContext, module: str) -> set[str]:
    """The names `module` offers, or an empty set when it cannot be read."""
    key = f"module-names:{module}"
    if key not in ctx.cache:
        ctx.cache[key] = _computed(ctx, module)
    names: set[str] = ctx.cache[key]
    return names


def _computed(ctx: ActionContext, module: str) -> set[str]:
    project = _project_module(ctx, module, _STAR_DEPTH)
    if project is not None:
        return project
    top = module.split(".")[0]
    if top in _NEVER_IMPORT:
        return set()
    if top in sys.stdlib_module_names:
        try:
            return {name for name in dir(importlib.import_module(module)) if not name.startswith("__")}
        except Exception:  # A module that fails to import offers no names; the round goes on.
            return set()
    return _installed_module(ctx, module)


def _project_module(ctx: ActionContext, module: str, depth: int) -> set[str] | None:
    parts = module.split(".")
    for base in ("", "src/"):
        stem = base + "/".join(parts)
        for path in (f"{stem}.py", f"{stem}/__init__.py"):
            content = ctx.read(path)
            if content is None:
                continue
            try:
                tree = ast.parse(content)
            except (SyntaxError, ValueError):
                return set()
            names = bound_in(tree.body)
            package = module if path.endswith("/__init__.py") else module.rpartition(".")[0]
            if path.endswith("/__init__.py"):
                names |= _submodules(ctx, stem)  # `from . import keys` imports a submodule
            for starred in _star_imports(tree, package) if depth else ():
                names |= _public(_project_module(ctx, starred, depth - 1), ctx, starred, depth)
            return names
    return None


def _public(names: set[str] | None, ctx: ActionContext, module: str, depth: int) -> set[str]:
    """What `from module import *` binds: its literal `__all__`, else its names without a leading `_`."""
    if names is None:
        return set()
    exported = _literal_all_of(ctx, module)
    return set(exported) if exported is not None else {name for name in names if not name.startswith("_")}


def _literal_all_of(ctx: ActionContext, module: str) -> list[str] | None:
    stem = "/".join(module.split("."))
    for path in (f"{stem}.py", f"{stem}/__init__.py", f"src/{stem}.py", f"src/{stem}/__init__.py"):
        content = ctx.read(path)
        if content is not None:
            try:
                return _literal_all(ast.parse(content))
            except (SyntaxError, ValueError):
                return None
    return None


def _literal_all(tree: ast.Module) -> list[str] | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return None
            return [item for item in value if isinstance(item, str)] if isinstance(value, list | tuple) else None
    return None


def _star_imports(tree: ast.Module, package: str) -> list[str]:
    """The modules a module's top-level `from M import *` lines name, absolute."""
    found: list[str] = []
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or not any(alias.name == "*" for alias in node.names):
            continue
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
            found.append(".".join([*anchor, *([node.module] if node.module else [])]))
        elif node.module:
            found.append(node.module)
    return found


def _installed_module(ctx: ActionContext, module: str) -> set[str]:
    origin = _locate(ctx, module)
    if origin is None or not origin.endswith(".py"):
        return set()
    try:
        tree = ast.parse(Path(origin).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return set()
    names = bound_in(tree.body)
    if origin.endswith("__init__.py"):
        folder = os.path.dirname(origin)
        try:
            entries = os.listdir(folder)
        except OSError:
            entries = []
        names |= {e[:-3] for e in entries if e.endswith(".py") and e != "__init__.py" and e[:-3].isidentifier()}
        names |= {e for e in entries if e.isidentifier() and os.path.isfile(os.path.join(folder, e, "__init__.py"))}
    return names


def _locate(ctx: ActionContext, module: str) -> str | None:
    """Where the project's interpreter would import `module` from; None when it has none or cannot say."""
    if ctx.python is None or not all(part.isidentifier() for part in module.split(".")):
        return None
    try:
        code, out, _err = run_briefly(
            [ctx.python, "-c", _LOCATE, module], cwd=ctx.root, env=ctx.env, timeout=_LOCATE_SECONDS
        )
    except OSError:
        return None
    origin = out.decode("utf-8", "replace").strip() if code == 0 else ""
    return origin or None


def _submodules(ctx: ActionContext, folder: str) -> set[str]:
    """The modules and packages directly inside a package's folder."""
    found: set[str] = set()
    for path in ctx.paths():
        if not path.startswith(f"{folder}/"):
            continue
        rest = path[len(folder) + 1 :]
        if rest.endswith(".py") and "/" not in rest and rest != "__init__.py":
            found.add(rest[:-3])
        elif rest.count("/") == 1 and rest.endswith("/__init__.py"):
            found.add(rest.split("/", 1)[0])
    return {name for name in found if name.isidentifier()}


def bound_in(statements: list[ast.stmt]) -> set[str]:
    """The names statements bind in their own scope; nested functions and classes bind only their name."""
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
