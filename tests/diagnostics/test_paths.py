from __future__ import annotations

import os
from pathlib import Path

import pytest

from healer.diagnostics.paths import relative_to_root

ROOT = Path("/repo")


@pytest.mark.parametrize(
    ("printed", "cwd", "placed"),
    [
        ("/repo/src/a.py", ROOT, "src/a.py"),
        ("src/a.py", ROOT, "src/a.py"),
        ("a.py", ROOT / "pkg", "pkg/a.py"),
        ("../tests/t.py", ROOT / "pkg", "tests/t.py"),
        ("./x/../y.py", ROOT, "y.py"),
        ("src\\win.ts", ROOT, "src/win.ts"),
        ("/usr/lib/python3.11/json/__init__.py", ROOT, "/usr/lib/python3.11/json/__init__.py"),
        ("../outside.py", ROOT, "/outside.py"),
        ("C:\\proj\\a.py", ROOT, "C:/proj/a.py"),
        ("<frozen runpy>", ROOT, "<frozen runpy>"),
    ],
)
@pytest.mark.skipif(os.sep != "/", reason="POSIX path semantics")
def test_placement(printed: str, cwd: Path, placed: str) -> None:
    assert relative_to_root(printed, root=ROOT, cwd=cwd) == placed


def test_symlinked_root_counts_as_inside(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "src").mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(real)
    printed = str(real / "src" / "a.py")
    assert relative_to_root(printed, root=link, cwd=link) == "src/a.py"
