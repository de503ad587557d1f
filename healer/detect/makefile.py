"""Makefile targets that run checks, read from the rule lines (make itself is never run)."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from healer.config.settings import Stage
from healer.detect.candidate import MIRRORED, TARGET, Candidate, Found
from healer.detect.check_only import replace
from healer.detect.commands import guess_kind, parser_for, tools_in
from healer.detect.effects import rewrite
from healer.detect.files import Unreadable, existing, read_text
from healer.detect.versions import version_commands

MAKEFILES = ("GNUmakefile", "makefile", "Makefile")
"""GNU make's own search order: the first one present is the one `make` reads."""
TARGETS = ("lint", "test", "check")
_VARIABLE = re.compile(r"\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]")
_ASSIGNMENT = re.compile(r"(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(\+|\?|::?|!)?=\s*(.*)")


@dataclass
class Rules:
    """What a Makefile says about each target: its prerequisites and its recipe lines."""

    prerequisites: dict[str, list[str]] = field(default_factory=dict)
    recipes: dict[str, list[str]] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    """Variables assigned at the top level (conditionals ignored: the last assignment wins)."""


def detect(root: Path) -> Found:
    found = existing(root, MAKEFILES)
    if not found:
        return Found()
    rel = found[0]
    try:
        rules = parse(read_text(root, rel))
    except Unreadable as error:
        return Found(notes=(error.note,))
    candidates: list[Candidate] = []
    notes: list[str] = []
    for target in TARGETS:
        if target not in rules.prerequisites:
            continue
        origin = f"{rel} target {target}"
        lines = target_lines(rules, target)
        why = rewrite_in(rules, target)
        if why is not None:
            keys = {key for line in lines for key in tools_in(line)}
            replacements, note = replace(origin, why, keys, rank=MIRRORED, prefix="make")
            candidates += replacements
            notes.append(note)
            continue
        covers = _covers(rules, target, set())
        tools = covers - {f"make:{target}"}
        stage = Stage(
            name=target,
            run=shlex.join(["make", target]),
            kind=target if target != "check" else guess_kind(tools, target),
            parser=parser_for(tools),
            versions=version_commands(lines),
        )
        candidates.append(Candidate(stage, TARGET, origin, covers, "make", f"make:{target}"))
        notes.append(f"{target}: target {target!r} in {rel}")
    if not candidates and not notes:
        notes.append(f"{rel}: no {', '.join(TARGETS)} target; nothing taken from it")
    return Found(tuple(candidates), tuple(notes))


def read_rules(directory: Path) -> Rules | None:
    """The rules of the Makefile make would read in `directory`; None if none is usable."""
    found = existing(directory, MAKEFILES)
    try:
        return parse(read_text(directory, found[0])) if found else None
    except Unreadable:
        return None


def parse(text: str) -> Rules:
    """The explicit rules of a Makefile (pattern rules, variables and directives ignored)."""
    rules = Rules()
    current: list[str] = []
    for line in _logical_lines(text):
        if line.startswith("\t"):
            command = line.strip().lstrip("@-+").strip()
            for target in current:
                if command and not command.startswith("#"):
                    rules.recipes.setdefault(target, []).append(command)
            continue
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        current = []
        assignment = _ASSIGNMENT.fullmatch(line.strip())
        if assignment:
            name, operator, value = assignment.groups()
            appended = f"{rules.variables.get(name, '')} {value}".strip()
            rules.variables[name] = appended if operator == "+" else value.strip()
            continue
        rule = _rule(line)
        if rule is None:
            continue
        targets, prerequisites, inline = rule
        for target in targets:
            rules.prerequisites.setdefault(target, []).extend(prerequisites)
            if inline:
                rules.recipes.setdefault(target, []).append(inline)
        current = targets
    return rules


def _logical_lines(text: str) -> list[str]:
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = pending + raw.lstrip() if pending else raw
        if line.endswith("\\"):
            pending = line[:-1].rstrip() + " "
            continue
        lines.append(line)
        pending = ""
    if pending:
        lines.append(pending)
    return lines


def _rule(line: str) -> tuple[list[str], list[str], str] | None:
    """(targets, prerequisites, inline recipe) of a rule line; None for anything else."""
    head, colon, tail = line.partition(":")
    if not colon or "=" in head or tail.startswith("=") or tail.startswith(":="):
        return None
    if head.split() and head.split()[0] in ("ifeq", "ifneq", "ifdef", "ifndef", "define"):
        return None
    tail = tail.removeprefix(":")
    tail, _, inline = tail.partition(";")
    if "=" in tail:  # a target-specific variable, not a rule
        return None
    targets = [t for t in head.split() if not t.startswith(".") and "%" not in t]
    prerequisites = [p for p in tail.replace("|", " ").split() if "%" not in p]
    return (targets, prerequisites, inline.strip()) if targets else None


def expand(rules: Rules, command: str) -> str:
    """A recipe line with the Makefile's own variables filled in (two levels deep), and any
    other variable replaced by its name in lower case: `$(PYTHON) -m mypy` → `python -m mypy`."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return _VARIABLE.sub(lambda inner: inner.group(1).lower(), rules.variables.get(name, name.lower()))

    return _VARIABLE.sub(value, command.replace("$$", "$"))


def target_lines(rules: Rules, target: str) -> list[str]:
    """The expanded recipe lines `make <target>` runs: its prerequisites' first, then its own
    and those of the targets they `$(MAKE)`, each target once."""
    lines: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        seen.add(name)
        for other in rules.prerequisites.get(name, []):
            if other in rules.prerequisites and other not in seen:
                visit(other)
        for command in rules.recipes.get(name, []):
            line = expand(rules, command)
            lines.append(line)
            for key in sorted(tools_in(line)):
                other = key.removeprefix("make:")
                if key.startswith("make:") and other in rules.prerequisites and other not in seen:
                    visit(other)

    visit(target)
    return lines


def rewrite_in(rules: Rules, target: str) -> str | None:
    """Why `make <target>` would rewrite files, following what it runs; None when it checks."""
    followed = {f"make:{name}" for name in rules.prerequisites}
    for line in target_lines(rules, target):
        why = rewrite(line, followed=followed)
        if why is not None:
            return why
    return None


def _covers(rules: Rules, target: str, seen: set[str]) -> frozenset[str]:
    """Tool keys run by a target, its prerequisites and the targets its recipe `make`s."""
    seen.add(target)
    keys = {f"make:{target}"}
    for command in rules.recipes.get(target, []):
        keys |= tools_in(expand(rules, command))
    others = list(rules.prerequisites.get(target, []))
    others += [key.removeprefix("make:") for key in keys if key.startswith("make:")]
    for other in others:
        if other in rules.prerequisites and other not in seen:
            keys |= _covers(rules, other, seen)
    return frozenset(keys)
