"""Input globs follow .gitignore: bare patterns match at any depth, slashes anchor, ** spans folders."""

from __future__ import annotations

import pytest

from healer.globs import matcher


@pytest.mark.parametrize(
    ("patterns", "path", "expected"),
    [
        (["*.py"], "a.py", True),
        (["*.py"], "pkg/sub/a.py", True),
        (["*.py"], "a.pyc", False),
        (["*.py"], "pkg/a.py/x.txt", False),
        (["src/*.py"], "src/a.py", True),
        (["src/*.py"], "src/sub/a.py", False),
        (["src/*.py"], "lib/src/a.py", False),
        (["src/**/*.py"], "src/a.py", True),
        (["src/**/*.py"], "src/x/y/a.py", True),
        (["**/conftest.py"], "conftest.py", True),
        (["**/conftest.py"], "tests/unit/conftest.py", True),
        (["docs/"], "docs/index.md", True),
        (["docs/"], "src/docs/index.md", True),
        (["/docs/"], "src/docs/index.md", False),
        (["src/docs/"], "src/docs/a/b.md", True),
        (["/setup.cfg"], "setup.cfg", True),
        (["/setup.cfg"], "sub/setup.cfg", False),
        (["file?.txt"], "file1.txt", True),
        (["file?.txt"], "file10.txt", False),
        (["[ab].txt"], "b.txt", True),
        (["[!ab].txt"], "b.txt", False),
        (["[!ab].txt"], "c.txt", True),
        (["*.py", "pyproject.toml"], "pyproject.toml", True),
        (["*.py", "pyproject.toml"], "README.md", False),
        (["a+b(c).txt"], "a+b(c).txt", True),
        (["*.py"], "we\nird/x.py", True),
        (["src/**"], "src/new\nline/x.txt", True),
        ([], "anything/at/all", True),
    ],
)
def test_glob_semantics(patterns: list[str], path: str, expected: bool) -> None:
    assert matcher(patterns)(path) is expected
