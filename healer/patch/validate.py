"""What a patch may touch, and what a reviewer should know about it.

`problems` are reasons never to apply (a path outside the repository, into
.git, through a symbolic link, a binary or oversized result, a protected
file); `flags` are facts that make a patch need a person's eye (it edits
tests, adds a suppression comment, touches tool configuration...), and
`weakening` says where it changes the checks themselves (healer.patch.weakening).
"""

from __future__ import annotations

import ast
import difflib
import os
import re
import stat
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from healer.config.settings import FixSettings
from healer.globs import matcher
from healer.patch.diff import split_lines
from healer.patch.patch import FileEdit, Flag
from healer.patch.weakening import Weakening, toml, weakenings

TEST_GLOBS = ("tests/**", "test_*.py", "*_test.py", "conftest.py", "**/tests/**")
SUPPRESSION = re.compile(
    r"(noqa|type:\s*ignore|pragma:\s*no\s*cover|pylint:\s*disable|eslint-disable|@ts-ignore|@ts-expect-error|nosec)"
    r".*",
    re.IGNORECASE,
)
REQUIREMENTS = re.compile(r"(?:^|/)(?:requirements[^/]*\.txt|requirements/[^/]*\.txt)\Z")
FLAG_ORDER: tuple[Flag, ...] = (
    "edits-tests", "adds-suppression", "loosens-config", "adds-dependency", "creates-file", "deletes-file",
    "weakens-assertion", "changes-expected-value", "skips-test", "removes-test", "renames-test",
    "edits-healer-config", "edits-ci", "edits-conftest", "adds-startup-file",
)  # fmt: skip


@dataclass(frozen=True)
class Validation:
    problems: tuple[str, ...]
    """Reasons to refuse the patch, each naming its path; empty when it may be applied."""
    flags: tuple[str, ...]
    weakening: tuple[Weakening, ...] = ()
    """Where the edits change the checks themselves, each with its flag (also in `flags`)."""

    @property
    def ok(self) -> bool:
        return not self.problems


def validate(edits: Sequence[FileEdit], root: Path, settings: FixSettings | None = None) -> Validation:
    settings = settings or FixSettings()
    problems: list[str] = []
    flags: set[str] = set()
    protected = matcher(settings.protected) if settings.protected else None
    is_test = matcher(TEST_GLOBS)
    seen: set[str] = set()
    sound: list[FileEdit] = []
    for edit in edits:
        path = edit.path
        if path in seen:
            problems.append(f"{path}: edited twice in one patch")
            continue
        seen.add(path)
        problem = path_problem(root, path)
        if problem is None and protected is not None and protected(path):
            problem = f"{path}: protected by [tool.healer.fix] protected"
        if problem is None and edit.after is not None:
            problem = _content_problem(path, edit, settings.max_file_bytes)
        if problem is not None:
            problems.append(problem)
            continue
        if edit.before == edit.after:
            continue
        sound.append(edit)
        if is_test(path) and changes_test_logic(edit):
            flags.add("edits-tests")
        if edit.created:
            flags.add("creates-file")
        if edit.deleted:
            flags.add("deletes-file")
        added, removed = _changed_lines(edit)
        if _adds_suppression(added, removed):
            flags.add("adds-suppression")
        if path.rsplit("/", 1)[-1] == "pyproject.toml":
            before, after = toml(edit.before), toml(edit.after)
            # A side that exists but does not parse could hide anything: flag it for review.
            unreadable = (edit.before is not None and before is None) or (edit.after is not None and after is None)
            if unreadable or _dependencies(after or {}) - _dependencies(before or {}):
                flags.add("adds-dependency")
        elif REQUIREMENTS.search(path) and any(_requirement(line) for line in added):
            flags.add("adds-dependency")
    found = weakenings(sound, is_test)
    flags.update(weakening.flag for weakening in found)
    return Validation(tuple(problems), tuple(flag for flag in FLAG_ORDER if flag in flags), found)


def changes_test_logic(edit: FileEdit) -> bool:
    """Whether an edit to a test file can change what the tests check.

    Removing imports (a lint tool's fix of an unused one) and reformatting
    keep every assertion, fixture and skip: no test edit. An import added or
    changed can point a test at other code (`from fake import check as real`,
    a star import that shadows a name), so it counts, as does any other change,
    a file that does not parse, and every other kind of file in a test folder
    (data the tests compare against).
    """
    if not edit.path.endswith(".py") or edit.before is None or edit.after is None:
        return True
    before, after = _split_imports(edit.before), _split_imports(edit.after)
    if before is None or after is None:
        return True
    (old_imports, old_code), (new_imports, new_code) = before, after
    return old_code != new_code or not new_imports <= old_imports


def _split_imports(data: bytes) -> tuple[Counter[str], str] | None:
    """The import statements (each with where it stands: module level, which function) and the rest."""
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return None
    imports: Counter[str] = Counter()
    for node in ast.walk(tree):
        for name, value in ast.iter_fields(node):
            if isinstance(value, list) and any(isinstance(item, ast.Import | ast.ImportFrom) for item in value):
                place = f"{type(node).__name__}:{getattr(node, 'name', '')}"
                imports.update(
                    f"{place}:{ast.dump(item)}" for item in value if isinstance(item, ast.Import | ast.ImportFrom)
                )
                kept = [item for item in value if not isinstance(item, ast.Import | ast.ImportFrom)]
                setattr(node, name, kept or [ast.Pass()])
    return imports, ast.dump(tree)


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
"""Control characters, and the invisible ones git refuses in `.git` look-alikes (`.g\u200cit` on macOS)."""


def path_problem(root: Path, path: str) -> str | None:
    """Why `path` must not be written under `root`, or None.

    The path must be relative, normalised and outside .git; the file itself
    must not be a symbolic link, and no folder on the way may be a link that
    leads out of the repository (or into its .git).
    """
    if not path or "\0" in path or "\\" in path:
        return f"{path!r}: not a plain relative path"
    if _CONTROL.search(path):
        # A newline in a name forges `diff --git` headers in the diff a person reviews.
        return f"{path!r}: a control character in the path"
    if path.startswith("/") or os.path.isabs(path):
        return f"{path}: absolute path"
    parts = path.split("/")
    if ".." in parts:
        return f"{path}: escapes the repository (..)"
    if any(part in ("", ".") for part in parts):
        return f"{path}: not a normalised path"
    if any(part.lower() == ".git" for part in parts):
        return f"{path}: inside .git"
    try:
        top = root.resolve(strict=True)
    except OSError as error:
        return f"{path}: cannot resolve the repository root: {error.strerror}"
    here = root
    for depth, part in enumerate(parts):
        here = here / part
        last = depth == len(parts) - 1
        try:
            info = here.lstat()
        except FileNotFoundError:
            return None  # the rest will be created as plain folders and a file
        except OSError as error:
            return f"{path}: cannot inspect {'/'.join(parts[: depth + 1])}: {error.strerror}"
        if os.path.islink(here):
            if last:
                return f"{path}: is a symbolic link"
            target = here.resolve()
            try:
                inside = target.relative_to(top)
            except ValueError:
                return f"{path}: {'/'.join(parts[: depth + 1])} is a symbolic link leading outside the repository"
            if any(p.lower() == ".git" for p in inside.parts):
                return f"{path}: {'/'.join(parts[: depth + 1])} is a symbolic link into .git"
            if not target.is_dir():
                return f"{path}: {'/'.join(parts[: depth + 1])} is not a folder"
        elif last:
            if not stat.S_ISREG(info.st_mode):
                return f"{path}: not a regular file"
        elif not os.path.isdir(here):
            return f"{path}: {'/'.join(parts[: depth + 1])} is not a folder"
    return None


def _content_problem(path: str, edit: FileEdit, limit: int) -> str | None:
    after = edit.after or b""
    if len(after) > limit:
        return f"{path}: the result would be {len(after)} bytes, over the {limit}-byte limit (fix.max_file_bytes)"
    if b"\0" in after:
        return f"{path}: binary content (NUL byte)"
    try:
        after.decode("utf-8")
    except UnicodeDecodeError:
        # Bytes that are not UTF-8 are allowed only where the file already had them, untouched.
        old = set(split_lines(edit.before))
        for line in split_lines(after):
            if line not in old and not _is_utf8(line):
                return f"{path}: the result is not valid UTF-8 text"
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _changed_lines(edit: FileEdit) -> tuple[list[str], list[str]]:
    before = [line.decode("utf-8", "replace") for line in split_lines(edit.before)]
    after = [line.decode("utf-8", "replace") for line in split_lines(edit.after)]
    added: list[str] = []
    removed: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag != "equal":
            removed.extend(before[i1:i2])
            added.extend(after[j1:j2])
    return added, removed


def _suppressions(lines: list[str]) -> Counter[str]:
    # The marker with what follows it ("noqa: E501"), so widening a suppression counts as adding one.
    found: Counter[str] = Counter()
    for line in lines:
        for match in SUPPRESSION.finditer(line):
            found[" ".join(match.group(0).split())] += 1
    return found


def _adds_suppression(added: list[str], removed: list[str]) -> bool:
    return bool(_suppressions(added) - _suppressions(removed))


def _dependencies(data: dict[str, Any]) -> set[str]:
    """Every dependency a pyproject.toml declares, as (group, requirement) strings."""
    found: set[str] = set()

    def add(group: str, value: Any) -> None:
        if isinstance(value, list):
            found.update(f"{group}:{item}" for item in value if isinstance(item, str))
        elif isinstance(value, dict):
            found.update(f"{group}:{key}={value[key]!r}" for key in value)

    project = data.get("project")
    if isinstance(project, dict):
        add("project", project.get("dependencies"))
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for name, items in optional.items():
                add(f"optional.{name}", items)
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for name, items in groups.items():
            add(f"group.{name}", items)
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if isinstance(poetry, dict):
        add("poetry", poetry.get("dependencies"))
        for name, group in (poetry.get("group") or {}).items():
            if isinstance(group, dict):
                add(f"poetry.{name}", group.get("dependencies"))
    return found


def _requirement(line: str) -> bool:
    text = line.split("#", 1)[0].strip()
    return bool(text)
