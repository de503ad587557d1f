"""The code a model needs to see: windows of source around failures, read safely from a copy of the project.

A small file is shown whole (the model then sees every import and name); a
large one as the enclosing function of each failing line, plus its imports.
Files are read only from inside the project folder, never through a symlink
that leaves it, never when a deny glob matches, and only when they are UTF-8.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from healer.llm.redact import denied

WHOLE_FILE_LINES = 200
WINDOW = 20
MAX_FUNCTION_LINES = 120
MAX_READ_BYTES = 1_000_000

_PY_FRAME = re.compile(r'File "(?P<path>[^"\n]+)", line (?P<line>\d+)')
_PYTEST_FRAME = re.compile(r"^(?P<path>[^\s:\"'][^:\n]*\.py):(?P<line>\d+): ", re.MULTILINE)
_COPY_PREFIX = re.compile(r"^.*?/[^/]+-[0-9a-f]{12}/(?:shadow|sandbox-\d+)/")
"""A path inside one of healer's copies of the repository (healer.snapshot.copies): the repository's own."""
_THIRD_PARTY = ("site-packages/", "dist-packages/", ".venv/", "venv/", ".tox/", ".nox/")


@dataclass(frozen=True)
class Excerpt:
    path: str
    first: int
    last: int
    total: int
    text: str

    def render(self) -> str:
        where = "whole file" if self.first == 1 and self.last == self.total else f"lines {self.first}-{self.last}"
        fence = "````" if "```" in self.text else "```"
        body = self.text if self.text.endswith("\n") else self.text + "\n"
        return f"{self.path} ({where} of {self.total})\n{fence}\n{body}{fence}"


def read_source(root: Path, path: str, deny: Sequence[str]) -> str | None:
    """The text of `path` under `root`, or None when it must not or cannot be shown."""

    if not path or path.startswith("/") or ".." in Path(path).parts or denied(path, deny):
        return None
    target = root / path
    try:
        real = target.resolve()
        if not real.is_relative_to(root.resolve()) or not target.is_file():
            return None
        inside = real.relative_to(root.resolve()).as_posix()
        if denied(inside, deny) or inside.startswith(".git/"):
            return None  # a symlinked folder must not lead around a deny glob, nor into git's own files
        data = target.read_bytes()[: MAX_READ_BYTES + 1]
    except OSError:
        return None
    if len(data) > MAX_READ_BYTES or b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def excerpts(path: str, text: str, lines: Sequence[int], *, window: int = WINDOW) -> list[Excerpt]:
    """What to show of one file for failures at `lines`: all of it when small, else merged windows."""
    rows = text.splitlines(keepends=True)
    total = len(rows)
    if total <= WHOLE_FILE_LINES or not lines:
        shown = rows if total <= WHOLE_FILE_LINES else rows[: 2 * window]
        return [Excerpt(path, 1, len(shown), total, "".join(shown))]
    spans: list[tuple[int, int]] = []
    imports = _import_block(text) if path.endswith(".py") else 0
    if imports:
        spans.append((1, imports))
    for line in lines:
        enclosing = _enclosing(text, line) if path.endswith(".py") else None
        if enclosing and enclosing[1] - enclosing[0] < MAX_FUNCTION_LINES:
            spans.append(enclosing)
        else:
            spans.append((max(1, line - window), min(total, line + window)))
    merged: list[tuple[int, int]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 2:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return [Excerpt(path, first, last, total, "".join(rows[first - 1 : last])) for first, last in merged]


def span_of_test(text: str, node_id: str) -> tuple[int, int] | None:
    """The lines of the test function a pytest node id names (`tests/x.py::Class::test_y[param]`)."""
    parts = [part.split("[", 1)[0] for part in node_id.split("::")[1:]]
    if not parts:
        return None
    try:
        body: list[ast.stmt] = ast.parse(text).body
    except (SyntaxError, ValueError):
        return None
    found: ast.AST | None = None
    for name in parts:
        kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        found = next((n for n in body if isinstance(n, kinds) and n.name == name), None)
        if found is None:
            return None
        body = found.body if isinstance(found, ast.ClassDef) else []
    assert found is not None
    return _span(found)


def imported_code(text: str, path: str, root: Path) -> list[tuple[str, tuple[str, ...]]]:
    """The project modules a test file imports, with the names it takes from each: the code under test,
    which an assertion's traceback does not show (`from shop.cart import total` -> ("src/shop/cart.py", ("total",)))."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    found: dict[str, tuple[str, ...]] = {}
    here = Path(path).parent
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = here.joinpath(*[".."] * (node.level - 1)) if node.level else None
            modules = [(node.module or "", tuple(alias.name for alias in node.names))]
        elif isinstance(node, ast.Import):
            base = None
            modules = [(alias.name, ()) for alias in node.names]
        else:
            continue
        for module, names in modules:
            target = _module_file(root, module, base)
            if target is not None and target != path:
                found[target] = tuple(dict.fromkeys((*found.get(target, ()), *names)))
    return list(found.items())


def definitions(text: str, names: Sequence[str]) -> list[int]:
    """The first line of each top-level function or class called one of `names`."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return [node.lineno for node in tree.body if isinstance(node, kinds) and node.name in names]


def _module_file(root: Path, module: str, base: Path | None) -> str | None:
    parts = [part for part in module.split(".") if part]
    places = [base] if base is not None else [Path(""), Path("src")]
    for place in places:
        for candidate in (place.joinpath(*parts).with_suffix(".py") if parts else None,
                          place.joinpath(*parts, "__init__.py")):  # fmt: skip
            if candidate is None:
                continue
            try:  # relative_to refuses a relative import that climbs out of the project
                if (root / candidate).is_file():
                    relative = (root / candidate).resolve().relative_to(root.resolve())
                    return relative.as_posix()
            except (OSError, ValueError):
                continue
    return None


def project_frames(output: str, root: Path, limit: int = 4) -> list[tuple[str, int]]:
    """The project's own frames in the tracebacks of `output` (not the standard library's or a dependency's),
    innermost last, at most `limit`, as (path relative to the root, line)."""
    frames: list[tuple[int, str, int]] = []
    for pattern in (_PY_FRAME, _PYTEST_FRAME):
        for match in pattern.finditer(output):
            frames.append((match.start(), match.group("path"), int(match.group("line"))))
    found: dict[tuple[str, int], None] = {}
    base = str(root).rstrip("/") + "/"
    for _, raw, line in sorted(frames):
        path = _COPY_PREFIX.sub("", raw.replace("\\", "/"))
        if path.startswith(base):
            path = path[len(base) :]
        path = path.removeprefix("./")
        if path.startswith("/") or ".." in path.split("/") or any(part in path for part in _THIRD_PARTY):
            continue
        if (root / path).is_file():
            found[(path, line)] = None
    return list(found)[-limit:]


def _span(node: ast.AST) -> tuple[int, int]:
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])  # type: ignore[attr-defined]
    return first, node.end_lineno or node.lineno  # type: ignore[attr-defined]


def _enclosing(text: str, line: int) -> tuple[int, int] | None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    best: tuple[int, int] | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first, last = _span(node)
            if first <= line <= last and (best is None or last - first < best[1] - best[0]):
                best = (first, last)
    return best


def _import_block(text: str) -> int:
    """The last line of the module's leading imports (0 when there are none, or they run long)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return 0
    last = 0
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            last = node.end_lineno or node.lineno
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            break
    return last if last <= 40 else 0
