"""The project's import graph: which test modules a change to a Python file can affect.

Each Python file is parsed with `ast` for its imports (anywhere in the file,
including inside functions and `if TYPE_CHECKING:`: over-approximating costs
a few extra tests in the preview, missing one would hide a failure until the
full run). A test module depends on what it imports, transitively, and on
every `conftest.py` above it. The graph is a preview's guide only: the full
stage still runs every test, so an import the graph cannot see (importlib,
plugins, data files) delays a failure, never hides it.

Module names are resolved the ways Python could find a file: from the
repository root (folders as namespace packages), and from every folder that
is not itself a package (a `src/` folder, a `tests/` folder pytest puts on
`sys.path`). So `src/shop/cart.py` is `shop.cart` and `src.shop.cart`, but not
`cart`, unless `shop` has no `__init__.py`.

Parsed imports are kept by the file's git blob id in `imports.json` under
healer's state folder, so a new session parses only files that changed since
the last one, and a session re-parses only the files a change touched.
"""

from __future__ import annotations

import ast
import json
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path

from healer.snapshot.manifest import blob_hash

CACHE_FILE = "imports.json"
CACHE_VERSION = 1

Import = tuple[str, int, tuple[str, ...]]
"""(module, level, names): `from ..a.b import c, d` is ("a.b", 2, ("c", "d")); `import a.b` is ("a.b", 0, ())."""


def is_test_file(path: str) -> bool:
    """pytest's default `python_files`: test_*.py and *_test.py."""
    name = path.rsplit("/", 1)[-1]
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def parse_imports(source: bytes) -> list[Import] | None:
    """The imports of a module's source, or None when it does not parse (a save in the middle of an edit)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, 0, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level, tuple(alias.name for alias in node.names)))
    return found


class ImportGraph:
    """Python files of one repository, what each imports, and so which tests each change affects."""

    def __init__(self, root: Path, state_dir: Path | None = None) -> None:
        self.root = root
        self.state_dir = state_dir
        self.files: dict[str, tuple[str, list[Import]]] = {}
        """Path to (blob id, imports) for every Python file."""
        self.parsed = 0
        """Files parsed so far (the rest came from the cache): for tests and benchmarks."""
        self._edges: dict[str, set[str]] = {}
        self._importers: dict[str, set[str]] = {}
        self._by_module: dict[str, list[str]] = {}
        self._by_path: dict[str, str] = {}
        self._dirty = False

    # -- building and updating ------------------------------------------------

    def build(self, paths: Iterable[str], content_id: Callable[[str], str | None]) -> None:
        """Read every Python file among `paths` (repository paths, as git lists them); `content_id` gives a
        path's blob id (None when it is gone), which decides whether the cached imports still hold."""
        cached = self._load()
        self.files = {}
        for path in paths:
            if not path.endswith(".py"):
                continue
            blob = content_id(path)
            if blob is None:
                continue
            hit = cached.get(path)
            if hit is not None and hit[0] == blob:
                self.files[path] = hit
                continue
            imports = self._read(path)
            if imports is not None:
                self.files[path] = (blob, imports)
        self._reindex()
        self.save()

    def update(self, changed: Iterable[str]) -> frozenset[str]:
        """Re-read the changed files; the test files the change affects, by the graph before or after it.

        Before: a test that imported a module now deleted is affected. After: a test whose
        import now resolves to a new module is too.
        """
        python = sorted({path for path in changed if path.endswith(".py")})
        if not python:
            return frozenset()
        affected = set(self.tests_affected_by(python))
        before = set(self.files)
        for path in python:
            previous = self.files.get(path)
            try:
                data = (self.root / path).read_bytes()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                self.files.pop(path, None)
                continue
            except OSError:
                continue
            imports = parse_imports(data)
            if imports is None:
                # Half-typed code: keep what it imported while it last parsed.
                imports = previous[1] if previous is not None else []
            self.parsed += 1
            self.files[path] = (blob_hash(data), imports)
        self._dirty = True
        if set(self.files) != before:
            self._reindex()
        else:
            for path in python:
                self._relink(path)
        affected.update(self.tests_affected_by(python))
        return frozenset(affected)

    def _read(self, path: str) -> list[Import] | None:
        try:
            data = (self.root / path).read_bytes()
        except OSError:
            return None
        self.parsed += 1
        self._dirty = True
        return parse_imports(data) or []

    # -- queries ----------------------------------------------------------------

    def tests(self) -> list[str]:
        return sorted(path for path in self.files if is_test_file(path))

    def dependencies(self, path: str) -> set[str]:
        """Every file `path` imports, directly or not (with the conftest.py files above a test)."""
        seen: set[str] = set()
        todo = [path]
        while todo:
            for target in self._edges.get(todo.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        seen.discard(path)
        return seen

    def tests_affected_by(self, changed: Collection[str]) -> list[str]:
        """The test files that import one of `changed`, directly or not, or are among them."""
        seen = {path for path in changed if path in self.files}
        todo = list(seen)
        while todo:
            for importer in self._importers.get(todo.pop(), ()):
                if importer not in seen:
                    seen.add(importer)
                    todo.append(importer)
        return sorted(path for path in seen if is_test_file(path))

    # -- resolution -----------------------------------------------------------------

    def _reindex(self) -> None:
        packages = {path.rsplit("/", 1)[0] for path in self.files if path.endswith("/__init__.py")}
        self._by_module = {}
        self._by_path = {}
        for path in self.files:
            stem = path[:-3]
            if stem.endswith("/__init__") or stem == "__init__":
                stem = stem[: -len("__init__")].rstrip("/")
            if not stem:
                continue
            self._by_path[stem] = path
            for name in _module_names(stem, packages):
                self._by_module.setdefault(name, []).append(path)
        self._edges = {path: self._resolve(path) for path in self.files}
        self._importers = {}
        for path, targets in self._edges.items():
            for target in targets:
                self._importers.setdefault(target, set()).add(path)

    def _relink(self, path: str) -> None:
        for target in self._edges.get(path, ()):
            self._importers.get(target, set()).discard(path)
        self._edges[path] = targets = self._resolve(path)
        for target in targets:
            self._importers.setdefault(target, set()).add(path)

    def _resolve(self, path: str) -> set[str]:
        targets: set[str] = set()
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        for module, level, names in self.files[path][1]:
            if level == 0:
                for name in _with_parents(module):
                    targets.update(self._by_module.get(name, ()))
                for name in names:
                    targets.update(self._by_module.get(f"{module}.{name}", ()))
                continue
            base = folder
            for _ in range(level - 1):
                base = base.rsplit("/", 1)[0] if "/" in base else ""
            stem = "/".join(filter(None, [base, *module.split(".")]))
            for candidate in _path_parents(stem, base):
                found = self._by_path.get(candidate)
                if found is not None:
                    targets.add(found)
            for name in names:
                found = self._by_path.get(f"{stem}/{name}" if stem else name)
                if found is not None:
                    targets.add(found)
        if is_test_file(path):
            targets.update(self._conftests_above(folder))
        targets.discard(path)
        return targets

    def _conftests_above(self, folder: str) -> Iterator[str]:
        while True:
            candidate = f"{folder}/conftest.py" if folder else "conftest.py"
            if candidate in self.files:
                yield candidate
            if not folder:
                return
            folder = folder.rsplit("/", 1)[0] if "/" in folder else ""

    # -- the cache file -------------------------------------------------------------

    def _load(self) -> dict[str, tuple[str, list[Import]]]:
        if self.state_dir is None:
            return {}
        try:
            data = json.loads((self.state_dir / CACHE_FILE).read_text())
            if data.get("version") != CACHE_VERSION:
                return {}
            return {
                path: (blob, [(module, level, tuple(names)) for module, level, names in imports])
                for path, (blob, imports) in data["files"].items()
            }
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return {}  # a missing or damaged cache only costs parsing

    def save(self) -> None:
        if self.state_dir is None or not self._dirty:
            return
        data = {
            "version": CACHE_VERSION,
            "files": {path: [blob, imports] for path, (blob, imports) in self.files.items()},
        }
        target = self.state_dir / CACHE_FILE
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{CACHE_FILE}.{os.getpid()}.{threading.get_ident()}")
            temporary.write_text(json.dumps(data, separators=(",", ":")))
            os.replace(temporary, target)
            self._dirty = False
        except OSError:
            pass  # the next session parses again; nothing else depends on the file


def _module_names(stem: str, packages: set[str]) -> list[str]:
    """The dotted names a module at `stem` (path without .py) can be imported by."""
    parts = stem.split("/")
    names = [".".join(parts)]  # from the repository root
    for i in range(1, len(parts)):
        root = "/".join(parts[:i])
        if root not in packages:
            names.append(".".join(parts[i:]))
    return names


def _with_parents(module: str) -> Iterator[str]:
    """`a.b.c`, `a.b`, `a`: importing a submodule runs its packages' `__init__` too."""
    while module:
        yield module
        module = module.rpartition(".")[0]


def _path_parents(stem: str, base: str) -> Iterator[str]:
    """`stem` and its folders down to `base`, each a module or a package's `__init__`."""
    while True:
        yield stem
        if stem == base or "/" not in stem:
            return
        stem = stem.rsplit("/", 1)[0]
