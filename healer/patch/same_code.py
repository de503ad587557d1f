"""Whether an edit changes only a Python file's layout and comments, never what the code does."""

from __future__ import annotations

import ast
import warnings

from healer.patch.patch import FileEdit

PYTHON_SUFFIXES = (".py", ".pyi")


def same_code(edit: FileEdit) -> bool:
    """True when `edit` is to a Python file that parses, before and after, to the same syntax tree.

    Comments and layout are not in the tree, so reindenting, spacing, blank
    lines and `#` fixes keep it; a removed import, a changed string or a moved
    statement does not. A file that does not parse proves nothing either way: False.
    """
    if not edit.path.endswith(PYTHON_SUFFIXES) or edit.before is None or edit.after is None:
        return False
    before, after = _tree(edit.before), _tree(edit.after)
    return before is not None and before == after


def _tree(source: bytes) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like: the tree is what counts
            return ast.dump(ast.parse(source))
    except (SyntaxError, ValueError, RecursionError):
        return None
