"""The check-only stage for each JavaScript tool healer knows, shared by every source that finds one."""

from __future__ import annotations

from collections.abc import Sequence

from healer.config.settings import Stage

JS_FILES = ("**/*.js", "**/*.jsx", "**/*.mjs", "**/*.cjs")
TS_FILES = ("**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts")

TOOL_KEYS: dict[str, str] = {"tsc": "tsc", "eslint": "eslint", "prettier": "prettier"}
"""Stage name → tool key (see `commands.tools_in`)."""


def node_version(program: str) -> str:
    """The `versions` command for a tool installed in node_modules.

    The cache memoises a versions command's output until its first word's executable changes.
    `npx eslint --version` starts with npx, which does not change when eslint is upgraded (and
    would download a package that is not installed); the local bin link does change.
    """
    return f"node_modules/.bin/{program} --version"


def js_stage(tool: str, inputs: Sequence[str] = ()) -> Stage:
    """The stage for `tool` (a key of `TOOL_KEYS`); `inputs` adds its config files."""
    if tool == "tsc":
        return Stage(
            name="tsc",
            run="npx tsc --noEmit",
            kind="typecheck",
            inputs=(*TS_FILES, "**/tsconfig*.json", "package.json", *inputs),
            versions=(node_version("tsc"),),
            parser="tsc",
        )
    if tool == "eslint":
        return Stage(
            name="eslint",
            run="npx eslint .",
            kind="lint",
            inputs=(*JS_FILES, *TS_FILES, *inputs, "package.json"),
            versions=(node_version("eslint"),),
            fix="npx eslint --fix .",
            parser="eslint",
        )
    if tool == "prettier":
        # No inputs: prettier formats markdown, CSS, YAML, JSON... nearly any file may count.
        return Stage(
            name="prettier",
            run="npx prettier --check .",
            kind="format",
            versions=(node_version("prettier"),),
            fix="npx prettier --write .",
        )
    raise ValueError(f"no JavaScript stage for {tool!r}")
