"""Which files a pre-commit hook looks at (its `files` regex and `types`), as globs for a stage's inputs."""

from __future__ import annotations

import re
from collections.abc import Sequence

from healer.detect.files import strings

TYPE_GLOBS: dict[str, tuple[str, ...]] = {
    "python": ("**/*.py", "**/*.pyi"),
    "pyi": ("**/*.pyi",),
    "cython": ("**/*.pyx", "**/*.pxd"),
    "jupyter": ("**/*.ipynb",),
    "javascript": ("**/*.js", "**/*.mjs", "**/*.cjs"),
    "jsx": ("**/*.jsx",),
    "ts": ("**/*.ts", "**/*.mts", "**/*.cts"),
    "tsx": ("**/*.tsx",),
    "vue": ("**/*.vue",),
    "json": ("**/*.json",),
    "yaml": ("**/*.yaml", "**/*.yml"),
    "toml": ("**/*.toml",),
    "ini": ("**/*.ini", "**/*.cfg"),
    "markdown": ("**/*.md", "**/*.markdown"),
    "rst": ("**/*.rst",),
    "html": ("**/*.html", "**/*.htm"),
    "css": ("**/*.css",),
    "scss": ("**/*.scss",),
    "sql": ("**/*.sql",),
    "shell": ("**/*.sh", "**/*.bash"),
    "go": ("**/*.go",),
    "rust": ("**/*.rs",),
    "c": ("**/*.c", "**/*.h"),
    "c++": ("**/*.cpp", "**/*.cc", "**/*.cxx", "**/*.hpp", "**/*.hh", "**/*.h"),
    "java": ("**/*.java",),
    "ruby": ("**/*.rb",),
    "dockerfile": ("**/Dockerfile", "**/Dockerfile.*", "**/*.dockerfile"),
}
# Types every file (or most) has: they narrow nothing a glob can express.
_GENERIC_TYPES = {"file", "text", "binary", "executable", "non-executable", "symlink", "directory"}
_PART = r"(?:[\w-]|\\\.)+"
"""A path component of a `files` regex: word characters, dashes and escaped dots."""
_DIRS = re.compile(rf"\^(?:\((?P<alts>{_PART}(?:\|{_PART})*)\)|(?P<dir>{_PART}))(?P<sub>(?:/{_PART})*)/")
_EXTS = re.compile(r"(?:\.\*)?\\\.(?:\((?P<alts>\w+(?:\|\w+)*)\)|(?P<ext>\w+))\$")


def hook_inputs(hook: dict[str, object]) -> tuple[tuple[str, ...], str]:
    """Globs for a hook's `files` and `types`, and a note when they cannot be expressed.

    Globs may match more than the hook would (a superset only costs a cache miss); they never
    match less, or healer would reuse a result that the change made stale.
    """
    files = hook.get("files")
    dirs: Sequence[str] = ("",)
    extensions: list[str] | None = None
    if isinstance(files, str) and files not in ("", ".*", "^"):
        parsed = _files_globs(files)
        if parsed is None:
            return (), f"files {files!r} is not expressible as globs, so every file counts"
        dirs, extensions = parsed
    types = strings(hook.get("types")) + strings(hook.get("types_or"))
    specific = [t for t in types if t not in _GENERIC_TYPES]
    if extensions is not None:
        patterns = [f"**/*.{extension}" for extension in extensions]
    elif specific:
        unknown = [t for t in specific if t not in TYPE_GLOBS]
        if unknown:
            return (), f"types {', '.join(unknown)} are not expressible as globs"
        patterns = list(dict.fromkeys(g for t in specific for g in TYPE_GLOBS[t]))
    elif dirs == ("",):
        return (), ""
    else:
        patterns = ["**"]
    globs = [f"{d}/{p}" if d else p for d in dirs for p in patterns]
    return tuple(dict.fromkeys(globs)), ""


def _files_globs(pattern: str) -> tuple[list[str], list[str] | None] | None:
    """(directories, extensions) for the simple `files` regexes; None for anything else."""
    dirs = [""]
    rest = pattern
    match = _DIRS.match(rest)
    if match:
        heads = match["alts"].split("|") if match["alts"] else [match["dir"]]
        dirs = [(head + match["sub"]).replace("\\.", ".") for head in heads]
        rest = rest[match.end() :]
    if rest in ("", ".*"):
        return (dirs, None) if match else None
    ext = _EXTS.fullmatch(rest)
    if ext is None:
        return None
    return dirs, ext["alts"].split("|") if ext["alts"] else [ext["ext"]]
