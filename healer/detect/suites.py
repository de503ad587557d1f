"""Test suites no runner is configured for: where the test files are, and whether they are written for
pytest (test functions, plain test classes, fixtures) or for unittest (`unittest.TestCase` classes only).

Files are read with `ast`, never imported: importing a project's tests runs its code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

FOLDERS = ("tests", "test")
"""Where a project keeps its tests when nothing says otherwise, in the order looked at."""
MAX_FILES = 200
"""Test files read to tell the style; a suite's style shows in its first files."""
MAX_BYTES = 512 * 1024


@dataclass(frozen=True)
class Suite:
    folder: str
    """The folder holding the tests ("tests", "test"), or "" for test files at the top of the project."""
    files: tuple[str, ...]
    """The test files found (paths relative to the project), at most `MAX_FILES`."""
    pytest_style: bool
    """A file has a test function, a test class that is not a TestCase or a pytest import; or there is a conftest.py."""
    unittest_style: bool
    """Some file has a `TestCase` subclass."""
    package: bool
    """The folder has an `__init__.py` (unittest discovery can then name modules from the project's root)."""
    pattern: str
    """The file-name pattern the files follow, in unittest's `-p` form."""

    @property
    def unittest_only(self) -> bool:
        return self.unittest_style and not self.pytest_style


def find_suite(root: Path) -> Suite | None:
    """The project's test suite: `tests/` (or `test/`) with test files anywhere below, else test files at the top."""
    for folder in FOLDERS:
        if (root / folder).is_dir():
            files = _test_files(root, root / folder, recursive=True)
            if files:
                return _suite(root, folder, files)
    files = _test_files(root, root, recursive=False)
    return _suite(root, "", files) if files else None


def _test_files(root: Path, folder: Path, *, recursive: bool) -> list[Path]:
    found: list[Path] = []
    for pattern in ("test_*.py", "*_test.py"):
        matches = folder.rglob(pattern) if recursive else folder.glob(pattern)
        found += [path for path in matches if path.is_file() and not _hidden(path.relative_to(root))]
    return sorted(set(found))[:MAX_FILES]


def _hidden(rel: Path) -> bool:
    # Virtualenvs and caches inside the folder (`tests/.venv`) hold other projects' tests.
    return any(part.startswith(".") or part in ("venv", "node_modules", "__pycache__") for part in rel.parts)


def _suite(root: Path, folder: str, files: list[Path]) -> Suite:
    pytest_style = (root / folder / "conftest.py").is_file() or (root / "conftest.py").is_file()
    unittest_style = False
    for path in files:
        functions, cases = _styles(path)
        pytest_style |= functions
        unittest_style |= cases
    suffixed = all(path.name.endswith("_test.py") and not path.name.startswith("test") for path in files)
    pattern = "*_test.py" if suffixed else "test*.py"
    return Suite(
        folder=folder,
        files=tuple(path.relative_to(root).as_posix() for path in files),
        pytest_style=pytest_style,
        unittest_style=unittest_style,
        package=bool(folder) and (root / folder / "__init__.py").is_file(),
        pattern=pattern,
    )


def _styles(path: Path) -> tuple[bool, bool]:
    """(written for pytest, has TestCase classes) for one file; a file that cannot be read or parsed says neither."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return False, False
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return False, False
    functions = cases = False
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            functions = True
        elif isinstance(node, ast.ClassDef):
            if any(_base_name(base).endswith("TestCase") for base in node.bases):
                cases = True
            elif node.name.startswith("Test"):
                functions = True  # pytest collects plain Test* classes; unittest does not
        elif isinstance(node, ast.Import | ast.ImportFrom) and _imports_pytest(node):
            functions = True
    return functions, cases


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _imports_pytest(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] == "pytest"
    return any(alias.name.split(".")[0] == "pytest" for alias in node.names)
