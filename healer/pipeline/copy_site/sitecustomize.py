"""Run by every Python a stage starts in one of healer's copies (this folder is first on its PYTHONPATH):
paths that lead into the user's work tree lead into the copy instead.

An editable install (`pip install -e .`) puts the work tree on `sys.path` (a
`.pth` file) or maps package names to it (setuptools' and `editables`' import
finders). Tests run in a copy would then import the user's files, not the
copy's: a fix verified there would be judged on code it does not contain.
Python runs this module after the `.pth` files, so both can be pointed at the
copy here. Then whatever `sitecustomize` the environment has of its own runs,
as it would have without this one.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# This Python's own environment may be a virtualenv inside the work tree (`.venv`): its packages are not the
# project's code, and a copy has no such folder (it is ignored), so paths into it stay as they are.
OWN = tuple(os.path.abspath(prefix) for prefix in {sys.prefix, sys.exec_prefix})


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + os.sep)


def _moved(path: str, tree: str, copy: str) -> str:
    absolute = os.path.abspath(path)
    # Only a virtualenv strictly inside the tree is kept (one made at the repository's root is the whole tree).
    if _inside(absolute, tree) and not any(own != tree and _inside(absolute, own) for own in OWN):
        return copy + absolute[len(tree) :]
    return path


def _redirect(tree: str, copy: str) -> None:
    sys.path[:] = [_moved(p, tree, copy) if isinstance(p, str) else p for p in sys.path if p != HERE]
    for finder in sys.meta_path:
        module = sys.modules.get(getattr(finder, "__module__", "") or "")
        # setuptools' editable finder: MAPPING {package: folder}, NAMESPACES {package: [folders]}.
        mapping = getattr(module, "MAPPING", None)
        if isinstance(mapping, dict):
            for name, folder in list(mapping.items()):
                if isinstance(folder, str):
                    mapping[name] = _moved(folder, tree, copy)
        namespaces = getattr(module, "NAMESPACES", None)
        if isinstance(namespaces, dict):
            for name, folders in list(namespaces.items()):
                if isinstance(folders, list):
                    namespaces[name] = [_moved(f, tree, copy) if isinstance(f, str) else f for f in folders]
        # editables' redirecting finder: {module: file or folder}.
        redirections = getattr(finder, "_redirections", None)
        if isinstance(redirections, dict):
            for name, target in list(redirections.items()):
                if isinstance(target, str):
                    redirections[name] = _moved(target, tree, copy)


def _next_sitecustomize() -> None:
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", [p for p in sys.path if p != HERE])
    if spec is None or spec.loader is None or spec.origin == os.path.abspath(__file__):
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


_tree, _copy = os.environ.get("HEALER_WORK_TREE"), os.environ.get("HEALER_COPY")
if _tree and _copy:
    _redirect(os.path.abspath(_tree), os.path.abspath(_copy))
_next_sitecustomize()
