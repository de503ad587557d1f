from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from healer.detect import detect, makefile
from healer.detect.candidate import Found

Files = Callable[[dict[str, str | bytes]], Path]

MAKEFILE = """
PYTHON ?= python3
SRC := src tests
export PYTHONDONTWRITEBYTECODE = 1

.PHONY: install lint test check fmt

install:
\t$(PYTHON) -m pip install -e '.[dev]'

lint:
\t@ruff check $(SRC)
\t-$(PYTHON) -m mypy \\
\t\t$(SRC)

test: install
\t$(PYTHON) -m pytest -q

check: lint test

fmt: ; ruff format $(SRC)

%.html: %.md
\tpandoc $< -o $@
"""


def test_rules_are_parsed_from_the_makefile(project: Files) -> None:
    rules = makefile.parse((project({"Makefile": MAKEFILE}) / "Makefile").read_text(encoding="utf-8"))
    assert rules.prerequisites["check"] == ["lint", "test"]
    assert rules.recipes["lint"] == ["ruff check $(SRC)", "$(PYTHON) -m mypy $(SRC)"]
    assert rules.recipes["fmt"] == ["ruff format $(SRC)"]
    assert "PYTHON ?" not in rules.prerequisites
    assert ".PHONY" not in rules.prerequisites
    assert "%.html" not in rules.prerequisites


def test_lint_and_test_targets_become_make_stages(project: Files) -> None:
    found = makefile.detect(project({"Makefile": MAKEFILE}))
    stages = {c.stage.name: c for c in found.candidates}
    assert set(stages) == {"lint", "test", "check"}
    assert stages["lint"].stage.run == "make lint"
    assert stages["lint"].stage.kind == "lint"
    assert stages["lint"].covers == {"make:lint", "ruff-check", "mypy"}
    assert stages["test"].stage.parser == "pytest"
    assert stages["check"].covers == {"make:check", "make:lint", "make:test", "make:install"} | {
        "ruff-check",
        "mypy",
        "pytest",
    }
    assert found.notes == (
        "lint: target 'lint' in Makefile",
        "test: target 'test' in Makefile",
        "check: target 'check' in Makefile",
    )


def test_aggregate_check_target_is_dropped_and_tools_are_not_repeated(project: Files) -> None:
    root = project(
        {
            "Makefile": MAKEFILE,
            "pyproject.toml": "[tool.ruff]\nline-length = 99\n[tool.mypy]\nstrict = true\n",
        }
    )
    detection = detect(root)
    assert [(s.name, s.run) for s in detection.stages] == [
        ("lint", "make lint"),
        ("test", "make test"),
    ]
    assert "Makefile target check: already run by lint, test; not added" in (detection.notes)
    assert "ruff ([tool.ruff] in pyproject.toml): already run by lint; not added" in (detection.notes)


def test_check_with_its_own_recipe_is_kept(project: Files) -> None:
    root = project({"GNUmakefile": "check:\n\tpytest\n", "Makefile": "lint:\n\tflake8\n"})
    found = makefile.detect(root)
    assert [(c.stage.name, c.stage.kind) for c in found.candidates] == [("check", "test")]


def test_makefile_without_check_targets(project: Files) -> None:
    found = makefile.detect(project({"Makefile": "all:\n\tcc main.c\n"}))
    assert found.candidates == ()
    assert found.notes == ("Makefile: no lint, test, check target; nothing taken from it",)


def test_non_utf8_makefile_is_skipped(project: Files) -> None:
    found = makefile.detect(project({"Makefile": b"lint:\n\techo \xe9\n"}))
    assert found == Found(notes=("skipped Makefile: not UTF-8 (byte 12)",))
