"""`versions` for stages that reach their tools through a wrapper (`make lint`, `npm run lint`,
a CI script).

healer's cache identifies a stage's tools by its program (for `make lint`, only make) and the
output of its `versions` commands, memoised until the executable a command starts with changes.
So each command here starts with the tool's own executable (or the interpreter that runs it
with `-m`, whose site-packages count too): upgrading the tool then invalidates the cache.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable

from healer.detect.commands import command_keys, invocations
from healer.detect.js_tools import node_version

_NODE_TOOLS = {"eslint", "prettier", "tsc", "jest", "vitest", "mocha", "biome"}


def version_commands(lines: Iterable[str]) -> tuple[str, ...]:
    """One `--version` command per tool the command lines run, in order of first use."""
    commands: dict[str, None] = {}
    for line in lines:
        for launcher, words in invocations(line):
            program = os.path.basename(words[0])
            keys = {key for key in command_keys(program, words[1:]) if ":" not in key}
            if keys:
                commands.setdefault(_version_command(launcher, words[0], keys), None)
    return tuple(commands)


def _version_command(launcher: list[str], program: str, keys: set[str]) -> str:
    if keys & _NODE_TOOLS and "/" not in program:
        # Scripts and npx run the project's own copy, the one in node_modules/.bin.
        return node_version(program)
    return shlex.join([*launcher, program, "--version"])
