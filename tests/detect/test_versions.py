from __future__ import annotations

from healer.detect.versions import version_commands


def test_one_version_command_per_tool_in_order_of_first_use() -> None:
    lines = ["ruff check . && mypy src", "uv run pytest -q", "ruff format --check .", "python3 -m mypy tests"]
    assert version_commands(lines) == (
        "ruff --version",
        "mypy --version",
        "pytest --version",
        "python3 -m mypy --version",
    )


def test_node_tools_are_asked_through_their_local_bin_link() -> None:
    lines = ["eslint . && tsc --noEmit", "npx --no-install prettier --check .", "./node_modules/.bin/jest"]
    assert version_commands(lines) == (
        "node_modules/.bin/eslint --version",
        "node_modules/.bin/tsc --version",
        "node_modules/.bin/prettier --version",
        "./node_modules/.bin/jest --version",
    )


def test_venv_paths_are_kept_and_wrappers_have_no_version() -> None:
    assert version_commands([".venv/bin/pytest -x"]) == (".venv/bin/pytest --version",)
    assert version_commands(["echo hi", "npm run lint", "make test", "cd web"]) == ()
