"""The names a stage's `parser` option accepts, without importing any parser.

Configuration is validated on every run, and loading all parsers to learn
their names would cost that run tens of milliseconds;
tests/diagnostics/test_names.py keeps this list equal to the registry.
"""

PARSER_NAMES: tuple[str, ...] = (
    "ruff", "flake8", "mypy", "pyright", "pytest", "unittest", "traceback", "pip", "tsc", "eslint", "black", "isort",
    "generic", "auto",
)  # fmt: skip
