"""One parser per tool output format, each a pure `parse(text) -> list[Finding]`."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers import (
    black,
    eslint,
    flake8,
    generic,
    isort,
    mypy,
    pip,
    pyright,
    pytest,
    ruff,
    traceback,
    tsc,
    unittest,
)

Parse = Callable[[str], list[Finding]]

PARSERS: Mapping[str, Parse] = {
    "ruff": ruff.parse,
    "flake8": flake8.parse,
    "mypy": mypy.parse,
    "pyright": pyright.parse,
    "pytest": pytest.parse,
    "unittest": unittest.parse,
    "traceback": traceback.parse,
    "pip": pip.parse,
    "tsc": tsc.parse,
    "eslint": eslint.parse,
    "black": black.parse,
    "isort": isort.parse,
    "generic": generic.parse,
}
"""Every parser by the name a stage's `parser` option uses."""

AUTO_ORDER: tuple[str, ...] = (
    "pytest",
    "unittest",
    "traceback",
    "ruff",
    "flake8",
    "mypy",
    "pyright",
    "tsc",
    "eslint",
    "black",
    "isort",
    "pip",
)
"""What "auto" tries, most specific first: where two parsers read the same line
(ruff's concise format and flake8's are identical), the earlier one names it."""

TOOL_NAMES: Mapping[str, str] = {"traceback": traceback.TOOL, "unittest": unittest.TOOL, "generic": generic.TOOL}
"""The `Finding.tool` a parser reports, where it differs from the parser's name; where two report one tool
(a unittest run's failures are the interpreter's tracebacks), the first is the one that reads that tool's logs."""

__all__ = ["AUTO_ORDER", "PARSERS", "TOOL_NAMES", "Parse"]
