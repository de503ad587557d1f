"""Whether an edit keeps a Python file's syntax tree: layout and comments may change, nothing else."""

from __future__ import annotations

from healer.patch.patch import FileEdit
from healer.patch.same_code import same_code


def test_layout_and_comments_keep_the_tree() -> None:
    assert same_code(FileEdit("a.py", b"x=[1,2]\n#c\n", b"x = [1, 2]  # spaced\n\n\n# c\n"))
    assert same_code(FileEdit("a.pyi", b"def f( x ): ...\n", b"def f(x): ...\n"))
    assert same_code(FileEdit("a.py", b"if x: y = 1\n", b"if x:\n    y = 1\n"))
    assert same_code(FileEdit("a.py", b"x = f(1,\n  2)\n", b"x = f(1,\n      2)\n"))
    # Bytes are read as Python reads them: the encoding declaration decides.
    latin = b"# -*- coding: latin-1 -*-\nname = '\xe9'\n"
    assert same_code(FileEdit("a.py", latin, latin.replace(b"name =", b"name  =")))


def test_anything_else_changes_it() -> None:
    assert not same_code(FileEdit("a.py", b"import os\nx = 1\n", b"x = 1\n"))
    assert not same_code(FileEdit("a.py", b"x = f'{a:,}'\n", b"x = f'{a: ,}'\n"))  # a format spec is code
    # A docstring's trailing spaces are part of a string: removing them is not layout.
    assert not same_code(FileEdit("a.py", b'def f():\n    """Text.  \n    """\n', b'def f():\n    """Text.\n    """\n'))


def test_what_cannot_be_compared_proves_nothing() -> None:
    assert not same_code(FileEdit("a.txt", b"x=1\n", b"x = 1\n"))  # only Python has a tree to compare
    assert not same_code(FileEdit("a.py", b"def f(:\n", b"def f( :\n"))  # nor source that does not parse
    assert not same_code(FileEdit("a.py", None, b"x = 1\n"))  # nor a file created
    assert not same_code(FileEdit("a.py", b"x = 1\n", None))  # or deleted
