"""How bench/real_projects.py judges one repaired case: the tree after the repair against the clean original.

A tree is every tracked file and every untracked file git does not ignore, as {path: bytes}. The
verdict needs the original (clean) tree, the broken one, the one after the repair, whether the
pipeline passes afterwards, and (typo kinds) the misspelt identifier the breakage introduced:

- "healed": the pipeline passes and every file means what the original meant: byte-identical, or a
  Python file whose syntax tree equals the original's once module-level imports are read as a set
  of bindings (`from m import a, b` = `from m import b` + `from m import a`, in any order). `exact`
  says whether the whole tree is also byte-identical to the original.
- "partial": the pipeline is still red and what the repair changed changes no file's meaning (the
  imports re-sorted, whitespace): a style finding the breakage caused was fixed, the breakage left.
  Counted apart from "wrong" because it harms nothing; the issue's strict "applied and still red"
  counts both.
- "wrong": the repair changed something else and the pipeline is still red; or it is a logic-flip case
  and what it changed does not restore the original (only the original's meaning may come back for
  an operator flipped: anything else passing the tests is a wrong fix hidden by weak tests); or it
  is a typo kind and the misspelt identifier survives in a changed file while the pipeline passes
  (in any file where the original does not have it: the code was bent towards the mistake, a
  definition renamed to the typo or the typo defined).
- "different": the pipeline passes, the repair is not wrong by the rules above, but some file means
  something other than the original (a whole `import threading` added where `from threading import
  Condition` was removed and the uses rewritten, say). Not counted as healed, listed for a person to
  judge; never counted as wrong automatically, since equivalence beyond the syntax tree is undecidable.
- "untouched": the repair changed nothing and the pipeline is red (the bench says whether anything
  was proposed).
- "green-untouched": nothing changed and the pipeline passes: the breakage did not reproduce (a flaky
  red); reported, never counted as healed.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field

VERDICTS = ("healed", "different", "partial", "wrong", "untouched", "green-untouched")


@dataclass(frozen=True)
class Verdict:
    verdict: str
    exact: bool = False
    changed: tuple[str, ...] = ()
    """Files the repair changed, added or removed (against the broken tree)."""
    meaning: tuple[str, ...] = field(default=())
    """Files that differ from the original in meaning (empty for healed)."""
    reason: str = ""


def _bindings(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [f"import {alias.name} as {alias.asname}" for alias in node.names]
    module = "." * node.level + (node.module or "")
    return [f"from {module} import {alias.name} as {alias.asname}" for alias in node.names]


def meaning(data: bytes) -> str | None:
    """A Python file's syntax tree, module-level imports as a sorted list of bindings; None if it does not parse."""
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return None
    imports: list[str] = []
    rest: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.extend(_bindings(node))
        else:
            rest.append(ast.dump(node))
    return "\n".join(["# imports", *sorted(imports), "# statements", *rest])


def same_meaning(path: str, one: bytes | None, other: bytes | None) -> bool:
    if one == other:
        return True
    if one is None or other is None or not path.endswith(".py"):
        return False
    first = meaning(one)
    return first is not None and first == meaning(other)


def identifiers(data: bytes) -> set[str]:
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return set(data.decode("utf-8", "replace").replace(".", " ").split())
    return tree_identifiers(tree)


def tree_identifiers(tree: ast.AST) -> set[str]:
    """Every name, attribute, definition, parameter and import (dotted, and its first part) in a tree."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, ast.alias):
            found.update((node.name, node.name.split(".")[0], node.asname or ""))
    return found


def judge(
    kind: str,
    original: Mapping[str, bytes],
    broken: Mapping[str, bytes],
    after: Mapping[str, bytes],
    green: bool,
    typo: str | None = None,
) -> Verdict:
    """The verdict for a repaired tree (see the module's docstring for the rules)."""
    paths = sorted(set(original) | set(broken) | set(after))
    changed = tuple(path for path in paths if broken.get(path) != after.get(path))
    differs = tuple(path for path in paths if not same_meaning(path, original.get(path), after.get(path)))
    exact = all(original.get(path) == after.get(path) for path in paths)
    if not changed:
        if green:
            return Verdict("green-untouched", reason="nothing changed and the pipeline passes")
        return Verdict("untouched", reason="nothing changed")
    if not green:
        if all(same_meaning(path, broken.get(path), after.get(path)) for path in changed):
            return Verdict("partial", False, changed, differs, "a style-only change, and the pipeline is still red")
        return Verdict("wrong", False, changed, differs, "changed files and the pipeline is still red")
    if kind == "logic-flip" and differs:
        return Verdict("wrong", False, changed, differs, "a logic flip repaired into something not the original")
    if typo is not None:
        kept = [
            path
            for path in paths
            if path.endswith(".py")
            and typo in identifiers(after.get(path) or b"")
            and typo not in identifiers(original.get(path) or b"")
        ]
        if kept:
            return Verdict("wrong", False, changed, differs, f"the typo `{typo}` survives in {', '.join(kept)}")
    if differs:
        return Verdict("different", False, changed, differs, f"means something else: {', '.join(differs)}")
    return Verdict("healed", exact, changed)
