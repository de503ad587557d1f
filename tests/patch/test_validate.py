"""What a patch may touch (problems) and what needs a reviewer (flags)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from healer.config.settings import FixSettings
from healer.patch.patch import FileEdit
from healer.patch.validate import validate


def problems(root: Path, *edits: FileEdit, settings: FixSettings | None = None) -> tuple[str, ...]:
    return validate(edits, root, settings).problems


def flags(root: Path, *edits: FileEdit) -> tuple[str, ...]:
    result = validate(edits, root)
    assert result.problems == ()
    return result.flags


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/etc/passwd", "/etc/passwd: absolute path"),
        ("../outside.py", "../outside.py: escapes the repository"),
        ("src/../../outside.py", "escapes the repository"),
        (".git/hooks/pre-commit", ".git/hooks/pre-commit: inside .git"),
        ("sub/.git/config", "inside .git"),
        (".GIT/config", "inside .git"),
        ("src//a.py", "not a normalised path"),
        ("./a.py", "not a normalised path"),
        ("", "not a plain relative path"),
        # Security review F7: a newline forges `diff --git` headers in the diff a person reviews.
        ("notes.txt\ndiff --git a/README b/README", "a control character in the path"),
        ("tab\tname.py", "a control character in the path"),
        (".g\u200cit/config", "a control character in the path"),
    ],
)
def test_paths_outside_the_work_tree_are_refused(tmp_path: Path, path: str, reason: str) -> None:
    found = problems(tmp_path, FileEdit(path, None, b"x\n"))
    assert len(found) == 1 and reason in found[0]


def test_symbolic_links(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "inside").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (root / "out").symlink_to(tmp_path / "elsewhere")
    (root / "in").symlink_to(root / "inside")
    (root / "dotgit").symlink_to(root / ".git", target_is_directory=True)
    (root / ".git").mkdir()
    (root / "inside" / "real.py").write_text("x\n")
    (root / "link.py").symlink_to(root / "inside" / "real.py")
    assert (
        "out is a symbolic link leading outside the repository" in problems(root, FileEdit("out/a.py", None, b"x\n"))[0]
    )
    assert "dotgit is a symbolic link into .git" in problems(root, FileEdit("dotgit/config", None, b"x\n"))[0]
    assert "link.py: is a symbolic link" in problems(root, FileEdit("link.py", b"x\n", b"y\n"))[0]
    assert problems(root, FileEdit("in/new.py", None, b"x\n")) == ()


def test_content_limits(tmp_path: Path) -> None:
    assert "binary content" in problems(tmp_path, FileEdit("a.bin", None, b"a\0b"))[0]
    assert "not valid UTF-8" in problems(tmp_path, FileEdit("a.txt", b"ok\n", b"ok\n\xff\n"))[0]
    # Latin-1 bytes the file already had, left untouched, are not the fix's doing.
    assert problems(tmp_path, FileEdit("a.txt", b"caf\xe9\nold\n", b"caf\xe9\nnew\n")) == ()
    small = FixSettings(max_file_bytes=10)
    assert "over the 10-byte limit" in problems(tmp_path, FileEdit("a.txt", None, b"x" * 11), settings=small)[0]
    assert problems(tmp_path, FileEdit("a.txt", None, b"x" * 10), settings=small) == ()


def test_protected_globs(tmp_path: Path) -> None:
    settings = FixSettings(protected=("migrations/**", "*.lock"))
    assert "protected" in problems(tmp_path, FileEdit("migrations/0001.py", b"a\n", b"b\n"), settings=settings)[0]
    assert "protected" in problems(tmp_path, FileEdit("sub/poetry.lock", b"a\n", b"b\n"), settings=settings)[0]
    assert problems(tmp_path, FileEdit("src/a.py", b"a\n", b"b\n"), settings=settings) == ()


def test_every_problem_is_reported_with_its_path(tmp_path: Path) -> None:
    found = problems(
        tmp_path, FileEdit("../a", None, b""), FileEdit("ok.py", None, b"x\n"), FileEdit(".git/x", None, b"")
    )
    assert [p.split(":")[0] for p in found] == ["../a", ".git/x"]


@pytest.mark.parametrize(
    "path",
    ["tests/test_a.py", "test_a.py", "pkg/a_test.py", "conftest.py", "pkg/tests/helpers.py", "tests/data/x.json"],
)
def test_test_files_are_flagged(tmp_path: Path, path: str) -> None:
    assert "edits-tests" in flags(tmp_path, FileEdit(path, b"a\n", b"b\n"))


def test_source_files_are_not_flagged(tmp_path: Path) -> None:
    assert flags(tmp_path, FileEdit("src/testing.py", b"a = 1\n", b"a = 2\n")) == ()


@pytest.mark.parametrize(
    "line",
    [
        "import os  # noqa: F401",
        "x = f()  # type: ignore[call]",
        "if x:  # pragma: no cover",
        "# pylint: disable=all",
        "// eslint-disable-next-line",
        "// @ts-ignore",
        "// @ts-expect-error",
        "run(cmd)  # nosec",
    ],
)
def test_added_suppressions_are_flagged(tmp_path: Path, line: str) -> None:
    assert flags(tmp_path, FileEdit("a.py", b"x = 1\n", f"x = 1\n{line}\n".encode())) == ("adds-suppression",)


def test_suppressions_kept_or_removed_are_not_flagged(tmp_path: Path) -> None:
    before = b"import os  # noqa: F401\nx=1\n"
    assert flags(tmp_path, FileEdit("a.py", before, b"import os  # noqa: F401\nx = 1\n")) == ()
    assert flags(tmp_path, FileEdit("a.py", before, b"import os  # noqa: F401\n")) == ()
    assert flags(tmp_path, FileEdit("a.py", before, b"x = 1\n")) == ()
    # Widening one is adding one.
    assert flags(tmp_path, FileEdit("a.py", before, b"import os  # noqa: F401, E501\nx=1\n")) == ("adds-suppression",)


PYPROJECT = b"""\
[project]
name = "p"
dependencies = ["requests"]

[tool.ruff]
line-length = 88

[tool.black]
line-length = 88
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (b"line-length = 88\n\n[tool.black]", b"line-length = 200\n\n[tool.black]", ("loosens-config",)),
        (
            b"[tool.ruff]\nline-length = 88\n",
            b"[tool.ruff]\nline-length = 88\n[tool.ruff.lint]\nignore = ['E']\n",
            ("loosens-config",),
        ),
        (b'dependencies = ["requests"]', b'dependencies = ["requests", "left-pad"]', ("adds-dependency",)),
        (b'dependencies = ["requests"]', b"dependencies = []", ()),
        # Every tool's table: `black --check` passes with a longer line length as ruff does.
        (b"[tool.black]\nline-length = 88", b"[tool.black]\nline-length = 100", ("loosens-config",)),
        (b'name = "p"', b'name = "q"', ()),
        (b"[tool.ruff]", b"[tool.ruff", ("loosens-config", "adds-dependency")),
    ],
)
def test_pyproject_sections(tmp_path: Path, old: bytes, new: bytes, expected: tuple[str, ...]) -> None:
    assert old in PYPROJECT
    assert flags(tmp_path, FileEdit("pyproject.toml", PYPROJECT, PYPROJECT.replace(old, new))) == expected


@pytest.mark.parametrize(
    "name",
    [
        "setup.cfg",
        "tox.ini",
        ".flake8",
        "mypy.ini",
        "ruff.toml",
        ".ruff.toml",
        ".pre-commit-config.yaml",
        ".coveragerc",
        "pytest.ini",
    ],
)
def test_tool_config_files_are_flagged(tmp_path: Path, name: str) -> None:
    assert flags(tmp_path, FileEdit(name, b"a\n", b"b\n")) == ("loosens-config",)


def test_requirements(tmp_path: Path) -> None:
    assert flags(tmp_path, FileEdit("requirements-dev.txt", b"pytest\n", b"pytest\nhypothesis\n")) == (
        "adds-dependency",
    )
    assert flags(tmp_path, FileEdit("requirements.txt", b"pytest\n", b"pytest\n# a comment\n")) == ()


def test_created_and_deleted_files_are_flagged(tmp_path: Path) -> None:
    assert flags(tmp_path, FileEdit("new.py", None, b"x\n"), FileEdit("old.py", b"x\n", None)) == (
        "creates-file",
        "deletes-file",
    )


def test_symlinked_root_is_fine(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "alias")
    assert problems(tmp_path / "alias", FileEdit("a.py", None, b"x\n")) == ()


@pytest.mark.parametrize(
    ("before", "after", "flagged"),
    [
        (
            "import os\nimport sys\n\n\ndef test() -> None:\n    assert sys\n",
            "import sys\n\n\ndef test() -> None:\n    assert sys\n",
            False,
        ),
        ("def test() -> None:\n    import os\n    assert 1\n", "def test() -> None:\n    assert 1\n", False),
        (
            "import os\n\n\ndef test() -> None:\n    import re\n    assert re\n",
            "def test() -> None:\n    import re\n    assert re\n",
            False,
        ),
        ("def test():\n    assert 1\n", "def test():\n    assert  1   # same code\n", False),
        (
            "from src.calc import add\n\n\ndef test():\n    assert add(1)\n",
            "from src.fake import always as add\n\n\ndef test():\n    assert add(1)\n",
            True,
        ),
        (
            "def test():\n    assert add(1)\n",
            "from unittest.mock import MagicMock as add\n\n\ndef test():\n    assert add(1)\n",
            True,
        ),
        (
            "from a import b\n\n\ndef test():\n    assert b\n",
            "from a import b\nfrom tests.plugin import *\n\n\ndef test():\n    assert b\n",
            True,
        ),
        ("def test():\n    assert 1\n", "def test():\n    assert 2\n", True),
        ("def test(:\n", "def test():\n    pass\n", True),
    ],
)
def test_only_removing_imports_or_reformatting_a_test_is_no_test_edit(
    tmp_path: Path, before: str, after: str, flagged: bool
) -> None:
    found = flags(tmp_path, FileEdit("tests/test_a.py", before.encode(), after.encode()))
    assert ("edits-tests" in found) is flagged
