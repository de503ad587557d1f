"""The layers docs/DESIGN.md describes are the layers the code has: no import goes up, none goes in a circle,
no front end imports another, and imports inside functions happen only where the start-up path needs them.

The imports are read with `ast` from the source (the folders tui/, hooks/ and rules/ as the subpackages
they are installed as), so a deferred import inside a function counts like any other; only imports under
`if TYPE_CHECKING:` are left out of the cycle check, since they never run (the layers count them: a type
named from a higher layer is a dependency on it all the same).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"healer": "healer", "tui": "healer.tui", "hooks": "healer.hooks", "rules": "healer.rules"}
DESIGN = ROOT / "docs" / "DESIGN.md"


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder, package in FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[0] == "sample":
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join([package, *parts])] = path
    return found


MODULES = _modules()


def _type_checking_only(tree: ast.Module) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        test = node.test if isinstance(node, ast.If) else None
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            skipped.update(id(sub) for sub in ast.walk(node))
    return skipped


def _owner(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(name: str, *, typing_too: bool = False) -> Iterator[tuple[str, int]]:
    """(imported healer module, line) for each import that runs, at the top or inside a function; with
    `typing_too`, also those only type checkers see."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = set() if typing_too else _type_checking_only(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            targets = [source, *(f"{source}.{alias.name}" for alias in node.names)]
        for target in targets:
            owner = _owner(target)
            if owner is not None and owner != name and target.startswith("healer"):
                yield owner, node.lineno


def deferred(name: str) -> Iterator[tuple[str, int]]:
    """(imported module, line) for each import inside a function of `name`, of any module at all."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for sub in ast.walk(node):
            if id(sub) in skipped:
                continue
            if isinstance(sub, ast.Import):
                yield from ((alias.name, sub.lineno) for alias in sub.names)
            elif isinstance(sub, ast.ImportFrom):
                yield ("." * sub.level + (sub.module or ""), sub.lineno)


def layers() -> list[tuple[int, str, list[str]]]:
    """The layer table of docs/DESIGN.md: (number, name, members), a member being a module or a package."""
    text = DESIGN.read_text(encoding="utf-8")
    block = re.search(r"```layers\n(.*?)```", text, re.S)
    assert block, f"{DESIGN} has no ```layers block"
    found = []
    for line in block.group(1).splitlines():
        number, name, members = re.fullmatch(r"(\d+) ([\w -]+): (.+)", line.strip()).groups()  # type: ignore[union-attr]
        found.append((int(number), name, members.split()))
    return found


def layer_of(name: str, table: list[tuple[int, str, list[str]]]) -> int:
    """The layer of the most specific member naming `name` (a module, or the package holding it)."""
    best: tuple[int, int] | None = None
    for number, _, members in table:
        for member in members:
            if name == member or name.startswith(member + "."):
                depth = member.count(".")
                if best is None or depth > best[0]:
                    best = (depth, number)
    assert best is not None, f"{name} is in no layer of {DESIGN}; add it to the ```layers block"
    return best[1]


def test_every_module_is_in_a_layer_and_imports_only_its_own_or_lower_layers() -> None:
    table = layers()
    upward = []
    for name in MODULES:
        mine = layer_of(name, table)
        # A type named from a higher layer is a dependency on it too, even if it never runs.
        for target, line in imports(name, typing_too=True):
            theirs = layer_of(target, table)
            if theirs > mine:
                upward.append(
                    f"{MODULES[name].relative_to(ROOT)}:{line}: {name} (layer {mine}) imports {target} (layer {theirs})"
                )
    assert not upward, "imports that go up a layer:\n" + "\n".join(upward)


def test_no_import_cycles() -> None:
    graph = {name: {target for target, _ in imports(name)} for name in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        # Tarjan's strongly connected components: any component of two or more modules is a cycle.
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in graph:
        if name not in index:
            visit(name)
    assert not cycles, f"import cycles: {cycles}"


FRONT_ENDS = ("healer.commands", "healer.tui")


def test_no_front_end_imports_another() -> None:
    crossing = []
    for name in MODULES:
        home = next((front for front in FRONT_ENDS if name == front or name.startswith(front + ".")), None)
        if home is None:
            continue
        for target, line in imports(name):
            other = next((front for front in FRONT_ENDS if target == front or target.startswith(front + ".")), None)
            if other is not None and other != home:
                crossing.append(f"{MODULES[name].relative_to(ROOT)}:{line}: {name} imports {target}")
    assert not crossing, "\n".join(crossing)


def test_imports_inside_functions_are_only_at_the_start_up_paths_boundaries() -> None:
    """Elsewhere, a module's imports are at its top, where a reader looks for them."""
    text = DESIGN.read_text(encoding="utf-8")
    block = re.search(r"```deferred\n(.*?)```", text, re.S)
    assert block, f"{DESIGN} has no ```deferred block"
    allowed = set(block.group(1).split())
    unknown = sorted(member for member in allowed if _owner(member) is None)
    assert not unknown, f"{DESIGN} lists modules that do not exist: {unknown}"
    found = []
    for name in MODULES:
        if any(name == member or name.startswith(member + ".") for member in allowed):
            continue
        for target, line in deferred(name):
            found.append(f"{MODULES[name].relative_to(ROOT)}:{line}: {name} imports {target} in a function")
    assert not found, "\n".join(found)
