"""JavaScript and TypeScript checks: package.json scripts, tsc and eslint."""

from __future__ import annotations

import shlex
from pathlib import Path

from healer.config.settings import Stage
from healer.detect.candidate import CONFIGURED, EXPLICIT, MIRRORED, Candidate, Found
from healer.detect.check_only import replace
from healer.detect.commands import name_kind, parser_for, simple_commands, tools_in
from healer.detect.effects import rewrite
from healer.detect.files import Unreadable, existing, read_json, table
from healer.detect.js_tools import js_stage
from healer.detect.names import slug
from healer.detect.versions import version_commands

# Checked in this order: the first lockfile present names the package manager.
LOCKFILES = (
    ("pnpm-lock.yaml", "pnpm"),
    ("yarn.lock", "yarn"),
    ("bun.lock", "bun"),
    ("bun.lockb", "bun"),
    ("package-lock.json", "npm"),
    ("npm-shrinkwrap.json", "npm"),
)
CHECK_SCRIPTS = (
    "lint",
    "test",
    "typecheck",
    "type-check",
    "tsc",
    "check-types",
    "types:check",
    "build",
    "format:check",
    "format-check",
    "check:format",
    "check-format",
    "prettier:check",
    "prettier-check",
    "fmt:check",
)
_FORMATTERS = ("format", "prettier", "fmt")
"""Scripts that usually rewrite files; taken only when their command is in check mode."""
# Script runners that hide which tool they run: the script's name says what it checks.
_DELEGATORS = {"turbo", "nx", "lerna", "npm-run-all", "run-s", "run-p", "wireit"}
_IMPLIED = {"lint": "eslint", "typecheck": "tsc", "format": "prettier"}
ESLINT_CONFIGS = (
    "eslint.config.js",
    "eslint.config.mjs",
    "eslint.config.cjs",
    "eslint.config.ts",
    "eslint.config.mts",
    "eslint.config.cts",
    ".eslintrc",
    ".eslintrc.js",
    ".eslintrc.cjs",
    ".eslintrc.json",
    ".eslintrc.yaml",
    ".eslintrc.yml",
)
_PLACEHOLDER = "no test specified"


def detect(root: Path) -> Found:
    if not (root / "package.json").is_file():
        return Found()
    try:
        data = read_json(root, "package.json")
    except Unreadable as error:
        return Found(notes=(error.note,))
    if not isinstance(data, dict):
        return Found(notes=("skipped package.json: not a JSON object",))
    manager, manager_note = package_manager(root, data)
    notes = [manager_note]
    scripts = scripts_of(data)
    candidates: list[Candidate] = []
    for name in sorted(scripts):
        body = scripts[name]
        if not _is_check(name, body):
            continue
        if name == "test" and _PLACEHOLDER in body:
            notes.append('package.json script "test" is npm\'s placeholder; not added')
            continue
        where = f"package.json script {name!r}"
        why = rewrite_in(scripts, name)
        if why is not None:
            keys = {key for line in script_lines(scripts, name) for key in tools_in(line)}
            replacements, note = replace(where, why, keys, rank=MIRRORED, prefix=manager)
            candidates += replacements
            notes.append(note)
            continue
        candidates.append(_script_candidate(name, scripts, manager))
        notes.append(f"{slug(name)}: script {name!r} in package.json, run with {manager}")
    dependencies = set(table(data, "dependencies")) | set(table(data, "devDependencies"))
    tsc, note = _tsc(root, dependencies)
    notes.append(note)
    candidates += tsc
    eslint, note = _eslint(root, "eslintConfig" in data)
    notes.append(note)
    candidates += eslint
    return Found(tuple(candidates), tuple(n for n in notes if n))


def package_manager(root: Path, package: dict[str, object]) -> tuple[str, str]:
    """The package manager's command and a note saying how it was chosen."""
    for lockfile, manager in LOCKFILES:
        if (root / lockfile).is_file():
            return manager, f"package manager: {manager} ({lockfile})"
    declared = package.get("packageManager")
    if isinstance(declared, str):
        manager = declared.partition("@")[0]
        if manager in ("npm", "pnpm", "yarn", "bun"):
            return manager, f"package manager: {manager} (packageManager in package.json)"
    return "npm", "package manager: npm (no lockfile found)"


def scripts_of(package: object) -> dict[str, str]:
    """The `scripts` of a parsed package.json, name → command line."""
    return {name: body for name, body in table(package, "scripts").items() if isinstance(body, str)}


def read_scripts(directory: Path) -> dict[str, str]:
    """The scripts of the package.json in `directory`; empty if there is none usable."""
    if not (directory / "package.json").is_file():
        return {}
    try:
        return scripts_of(read_json(directory, "package.json"))
    except Unreadable:
        return {}


def script_lines(scripts: dict[str, str], name: str) -> list[str]:
    """The command lines `npm run <name>` runs: its pre and post scripts, the script, and the
    scripts it runs in turn, each once.

    npm and yarn 1 run `pre<name>` and `post<name>` by themselves; they count even for package
    managers that do not, since one of those may be what the user runs.
    """
    lines: list[str] = []
    seen: set[str] = set()

    def visit(script: str) -> None:
        for part in (f"pre{script}", script, f"post{script}"):
            if part in seen or part not in scripts:
                continue
            seen.add(part)
            lines.append(scripts[part])
            for key in sorted(tools_in(scripts[part])):
                if key.startswith("script:"):
                    visit(key.removeprefix("script:"))

    visit(name)
    return lines


def rewrite_in(scripts: dict[str, str], name: str) -> str | None:
    """Why `npm run <name>` would rewrite files, following the scripts it runs; None if it checks."""
    followed = {f"script:{other}" for other in scripts}
    for line in script_lines(scripts, name):
        why = rewrite(line, followed=followed)
        if why is not None:
            return why
    return None


def run_script(manager: str, name: str) -> str:
    words = ("yarn", name) if manager == "yarn" else (manager, "run", name)
    return shlex.join(words)


def _is_check(name: str, body: str) -> bool:
    if name in CHECK_SCRIPTS:
        return True
    # `"format": "prettier --check ."` checks; `"format": "prettier --write ."` would rewrite.
    return name in _FORMATTERS and "--check" in body.split() and "--write" not in body.split()


def _script_candidate(name: str, scripts: dict[str, str], manager: str) -> Candidate:
    kind = name_kind(name)
    lines = script_lines(scripts, name)
    tools = {key for line in lines for key in tools_in(line)}
    if not {key for key in tools if ":" not in key} and kind in _IMPLIED and _delegates(scripts[name]):
        tools |= {_IMPLIED[kind]}
    return Candidate(
        stage=Stage(
            name=slug(name) or "script",
            run=run_script(manager, name),
            kind=kind,
            parser=parser_for(tools),
            versions=version_commands(lines),
        ),
        rank=EXPLICIT,
        origin=f"package.json script {name!r}",
        covers=frozenset(tools | {f"script:{name}"}),
        prefix=manager,
        key=f"script:{name}",
    )


def _delegates(body: str) -> bool:
    return any(program in _DELEGATORS for program, _ in simple_commands(body))


def _tsc(root: Path, dependencies: set[str]) -> tuple[list[Candidate], str]:
    if not (root / "tsconfig.json").is_file():
        return [], ""
    if "typescript" not in dependencies:
        return [], "tsc: tsconfig.json found but typescript is not a dependency; not added"
    stage = js_stage("tsc")
    candidate = Candidate(stage, CONFIGURED, "tsc (tsconfig.json)", frozenset({"tsc"}), "npx")
    return [candidate], "tsc: tsconfig.json and typescript in package.json"


def _eslint(root: Path, in_package: bool) -> tuple[list[Candidate], str]:
    configs = existing(root, ESLINT_CONFIGS)
    if not configs and not in_package:
        return [], ""
    where = configs[0] if configs else "eslintConfig in package.json"
    stage = js_stage("eslint", configs)
    candidate = Candidate(stage, CONFIGURED, f"eslint ({where})", frozenset({"eslint"}), "npx")
    return [candidate], f"eslint: {where}"
