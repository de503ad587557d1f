"""What a command does besides checking: rewriting the working tree, or reaching outside it.

healer's first law is that a check never modifies the user's working tree, so every command
detection proposes is asked these questions first. A command nobody here knows passes; the
tools, modes and verbs known to write must not.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Collection

from healer.detect.commands import command_keys, make_targets, simple_commands
from healer.detect.hook_catalog import READER_IDS

# Formatters that rewrite in place unless told to check: (program, subcommand or "") → the
# flags that make them only check (an empty set: no such flag, the command always rewrites).
_UNLESS_CHECKING: dict[tuple[str, str], frozenset[str]] = {
    ("ruff", "format"): frozenset({"--check", "--diff"}),
    ("black", ""): frozenset({"--check", "--diff", "-c", "--code"}),
    ("isort", ""): frozenset({"--check", "--check-only", "-c", "--diff", "--stdout"}),
    ("rustfmt", ""): frozenset({"--check"}),
    ("cargo", "fmt"): frozenset({"--check"}),
    ("cargo", "fix"): frozenset(),
    ("terraform", "fmt"): frozenset({"-check", "--check"}),
    ("taplo", "fmt"): frozenset({"--check"}),
    ("taplo", "format"): frozenset({"--check"}),
    ("stylua", ""): frozenset({"--check"}),
    ("dprint", "fmt"): frozenset(),
    ("go", "fmt"): frozenset(),
    ("go", "fix"): frozenset(),
    ("pyupgrade", ""): frozenset(),
    ("add-trailing-comma", ""): frozenset(),
    ("reorder-python-imports", ""): frozenset(),
}
# Tools that only check unless given one of these flags.
_WRITE_FLAGS: dict[str, frozenset[str]] = {
    "prettier": frozenset({"--write", "-w"}),
    "autopep8": frozenset({"-i", "--in-place"}),
    "autoflake": frozenset({"-i", "--in-place"}),
    "yapf": frozenset({"-i", "--in-place"}),
    "docformatter": frozenset({"-i", "--in-place"}),
    "gofmt": frozenset({"-w"}),
    "goimports": frozenset({"-w"}),
    "shfmt": frozenset({"-w", "--write"}),
    "clang-format": frozenset({"-i"}),
    "codespell": frozenset({"-w", "--write-changes"}),
    "biome": frozenset({"--write", "--apply", "--apply-unsafe"}),
    "djlint": frozenset({"--reformat"}),
    "find": frozenset({"-delete"}),
}
# `--fix` means "rewrite" to ruff, eslint, stylelint, markdownlint, cargo clippy and more.
_FIX_FLAGS = frozenset({"--fix", "--fix-only", "--unsafe-fixes"})
_QUERIES = frozenset({"--version", "-V", "--help", "-h"})
_IN_PLACE_EDITORS = {"sed", "gsed", "perl"}
_GIT_WRITES = {
    "add", "am", "apply", "checkout", "cherry-pick", "clean", "commit", "merge", "mv", "pull",
    "push", "rebase", "reset", "restore", "revert", "rm", "stash", "switch", "tag",
}  # fmt: skip
_PRE_COMMIT_READS = {"validate-config", "validate-manifest", "sample-config", "help"}
# Package-manager verbs that may rewrite the lockfile or the manifest (`npm ci` never does).
_LOCK_WRITES: dict[str, set[str]] = {
    "npm": {"install", "i", "in", "add", "update", "up", "upgrade", "uninstall", "remove", "rm", "un", "dedupe"},
    "pnpm": {"install", "i", "add", "remove", "rm", "update", "up", "upgrade", "dedupe"},
    "yarn": {"", "install", "add", "remove", "upgrade", "up", "dedupe"},
    "bun": {"install", "i", "add", "remove", "rm", "update"},
    "uv": {"lock", "add", "remove"},
    "poetry": {"lock", "add", "remove", "update"},
    "pdm": {"lock", "add", "remove", "update"},
    "cargo": {"update", "add", "remove"},
}  # fmt: skip
_FROZEN = {"--frozen-lockfile", "--immutable", "--frozen", "--locked"}
# Caches and reports tools write anyway: deleting them first does not touch the user's work.
_SCRATCH = re.compile(
    r"(?:\./)?(?:\.(?:pytest|mypy|ruff)_cache|\.coverage(?:\.\S*)?|coverage\.xml|htmlcov|\.hypothesis"
    r"|(?:\S+/)?__pycache__|\.tox|\.nox)/?"
    r"|(?:\$\{TMPDIR:-/tmp\}|\$TMPDIR|/tmp)/(?!\.\.?/?$)[^/\s]+/?"  # a folder of its own in the temporary folder
)
_FIXER_WORDS = {"fix", "fixes", "autofix", "format", "fmt", "reformat", "autoformat", "prettify", "write"}
_CHECK_WORDS = {"check", "verify", "diff", "dry", "ci"}


def rewrites_files(text: str, *, followed: Collection[str] = ()) -> bool:
    """Whether a command line would modify the working tree (or the repository)."""
    return rewrite(text, followed=followed) is not None


def rewrite(text: str, *, followed: Collection[str] = ()) -> str | None:
    """Why a command line would modify the working tree, or None when nothing known does.

    A package.json script or Makefile target it runs is judged by its name ("format", "lint:fix"),
    unless its key is in `followed`: the caller reads that script's or target's body itself.
    """
    for program, args in simple_commands(text):
        if _QUERIES & set(args):
            continue
        why = _writes(program, args)
        if why is None:
            keys = set(command_keys(program, args)) - set(followed)
            named = [key for key in sorted(keys) if ":" in key and _fixer_name(key, args)]
            why = "runs a script or target whose name says it rewrites files" if named else None
        if why is not None:
            command = shlex.join([program, *args])
            return f"`{command if len(command) <= 60 else command[:57] + '...'}` {why}"
    return None


def _writes(program: str, args: list[str]) -> str | None:
    positional = [arg for arg in args if not arg.startswith("-")]
    first = positional[0] if positional else ""
    flags = {arg.split("=")[0] for arg in args if arg.startswith("-")}
    for sub in (first, ""):
        checks = _UNLESS_CHECKING.get((program, sub))
        if checks is not None and not checks & flags:
            return "rewrites files"
    if flags & _FIX_FLAGS or flags & _WRITE_FLAGS.get(program, frozenset()):
        return "rewrites files"
    if program in _IN_PLACE_EDITORS and any(_in_place(arg) for arg in args):
        return "edits files in place"
    if program in ("rm", "mv") and not (program == "rm" and all(_SCRATCH.fullmatch(p) for p in positional)):
        return "deletes or moves files"
    if program == "git" and _git_verb(args) in _GIT_WRITES:
        return "changes the git repository"
    if program in ("pre-commit", "prek") and first not in _PRE_COMMIT_READS and not _runs_a_reader(positional):
        return f"runs {program}, whose hooks may rewrite files"
    if program == "go" and (positional[:2] == ["mod", "tidy"] or first == "get"):
        return "may rewrite go.mod"
    verbs = _LOCK_WRITES.get(program, set())
    if (first in verbs or (program == "npm" and positional[:2] == ["audit", "fix"])) and not flags & _FROZEN:
        return "may rewrite the lockfile or the manifest"
    return None


def _runs_a_reader(positional: list[str]) -> bool:
    # `pre-commit run check-yaml`: one hook known to only read (its arguments are in the config, which
    # detection read before proposing it).
    return positional[:1] == ["run"] and len(positional) == 2 and positional[1] in READER_IDS


def _in_place(arg: str) -> bool:
    # sed -i, sed -i.bak, sed -Ei, perl -pi -e: an `i` among the short options.
    if arg.startswith("--"):
        return arg.split("=")[0] == "--in-place"
    return arg.startswith("-") and "i" in arg[1:].split(".")[0]


def _git_verb(args: list[str]) -> str:
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-C", "-c"):
            skip = True
        elif not arg.startswith("-"):
            return arg
    return ""


def _fixer_name(key: str, args: list[str]) -> bool:
    if "--check" in args:  # `npm run format -- --check`
        return False
    words = set(re.split(r"[^a-z0-9]+", key.partition(":")[2].lower()))
    return bool(words & _FIXER_WORDS) and not words & _CHECK_WORDS


# Words in a step's name or command that say it ships something rather than checks it.
_SHIPPING = re.compile(r"(?<![a-z])(deploy|publish|release|upload|push)(?:ment|ing|ed|es|s)?(?![a-z])", re.IGNORECASE)
_PIPE_TO_SHELL = re.compile(r"\b(?:curl|wget)\b[^|\n]*\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b")
_SUDO = re.compile(r"(?<![\w./-])sudo(?![\w.-])")
# Programs that act on machines, clusters or accounts outside the project.
_OUTSIDE = {
    "docker", "docker-compose", "podman", "kubectl", "helm", "terraform", "tofu", "pulumi", "ansible-playbook",
    "aws", "gcloud", "az", "ssh", "scp", "rsync", "twine", "gh", "vercel", "netlify", "firebase", "heroku",
    "flyctl", "fly", "wrangler", "serverless", "sls",
}  # fmt: skip


def ships(text: str, name: str = "") -> str | None:
    """Why a CI step looks like deploying, publishing or acting outside the project, or None."""
    match = _SHIPPING.search(name)
    if match:
        return f"its name mentions {match.group(1).lower()}"
    if _PIPE_TO_SHELL.search(text):
        return "it pipes a download into a shell"
    if _SUDO.search(text):
        return "it runs sudo"
    for program, args in simple_commands(text):
        if program in _OUTSIDE:
            return f"it runs {program}, which acts outside the project"
        positional = [arg for arg in args if not arg.startswith("-")]
        # The program, its subcommand and the scripts or targets it runs; not its file
        # arguments (`pytest tests/test_release.py` checks, it does not release).
        words = [program, *(positional[:1] if positional and "/" not in positional[0] else [])]
        words += [key.partition(":")[2] for key in command_keys(program, args) if ":" in key]
        if program in ("make", "gmake"):
            words += make_targets(args)
        for word in words:
            match = _SHIPPING.search(word)
            if match:
                return f"`{shlex.join([program, *args])[:60]}` mentions {match.group(1).lower()}"
    return None


# Programs that only read or print (or write only under a build folder of their own): with the known
# checks (commands.command_keys) they are the commands whose effect healer knows.
_READS_ONLY = {
    "echo", "printf", "cd", "pushd", "popd", "export", "set", "mkdir", "ls", "pwd", "true", "false", ":",
    "test", "[", "cat", "head", "tail", "grep", "wc", "diff", "cmp", "which", "type", "sleep", "exit",
    "sphinx-build", "check-manifest", "pydocstyle", "vulture", "codespell", "yamllint", "shellcheck",
    "hadolint", "actionlint", "markdownlint", "stylelint",
}  # fmt: skip
_READING_VERBS = {
    "git": {"diff", "status", "log", "show", "ls-files", "rev-parse", "describe", "grep", "blame"},
    "twine": {"check"},
    "coverage": {"report", "xml", "html", "json", "combine", "erase", "debug"},
    "mkdocs": {"build"},
    "cargo": {"test", "check", "clippy", "build", "doc"},
    "go": {"test", "vet", "build"},
}  # fmt: skip


def unknown_effect(text: str, *, followed: Collection[str] = ()) -> str | None:
    """Why healer cannot tell what a command line changes, or None when every command in it is known.

    Asked after `rewrite`: a command known to write never gets here. A script or target whose
    body was read (`followed`) is judged by that body; `python scripts/x.py`, `./tool.sh` or a
    program healer does not know could do anything, so only the user can say it is a check.
    """
    for program, args in simple_commands(text):
        if _QUERIES & set(args) or program in _READS_ONLY:
            continue
        keys = set(command_keys(program, args))
        known = {key for key in keys if ":" not in key or key in followed}
        if keys and known == keys:
            continue
        positional = [arg for arg in args if not arg.startswith("-")]
        if (positional[0] if positional else "") in _READING_VERBS.get(program, set()):
            continue
        command = shlex.join([program, *args])
        return f"`{command if len(command) <= 60 else command[:57] + '...'}` is not a check healer knows"
    return None
