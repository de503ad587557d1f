from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from healer.detect import makefile
from healer.detect.candidate import Found
from healer.detect.detection import detect

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


REWRITING = """
PYTHON ?= python3
.PHONY: lint test check fmt
lint:
\truff check --fix .
\t$(MAKE) fmt
fmt:
\truff format .
test:
\t$(PYTHON) -m pytest -q
check: lint test
"""


def test_rewriting_targets_become_the_check_only_stages_of_their_tools(project: Files) -> None:
    found = makefile.detect(project({"Makefile": REWRITING}))
    runs = [(c.stage.name, c.stage.run, c.origin) for c in found.candidates]
    assert runs == [
        ("ruff", "ruff check --no-fix .", "Makefile target lint"),
        ("ruff-format", "ruff format --check --diff .", "Makefile target lint"),
        ("test", "make test", "Makefile target test"),
        ("pytest", "pytest -q", "Makefile target check"),
        ("ruff", "ruff check --no-fix .", "Makefile target check"),
        ("ruff-format", "ruff format --check --diff .", "Makefile target check"),
    ]
    assert found.notes[0] == (
        "ruff, ruff-format: Makefile target lint (`ruff check --fix .` rewrites files; checking instead)"
    )
    # The replacements do not claim the target: whatever runs `make lint` still rewrites.
    assert all("make:lint" not in c.covers for c in found.candidates)


def test_rewrites_reached_through_prerequisites_and_make_calls_are_caught(project: Files) -> None:
    root = project(
        {"Makefile": "test: format\n\tpytest\nformat:\n\tisort .\nlint:\n\t$(MAKE) -C . style\nstyle:\n\tblack .\n"}
    )
    found = makefile.detect(root)
    assert {(c.origin, c.stage.run) for c in found.candidates} == {
        ("Makefile target lint", "black --check --diff ."),
        ("Makefile target test", "isort --check-only --diff ."),
        ("Makefile target test", "pytest -q"),
    }


def test_rewriting_target_without_a_known_check_is_skipped(project: Files) -> None:
    found = makefile.detect(project({"Makefile": "lint:\n\tsed -i 's/\\t/    /' src/*.c\n\tgit add -A\n"}))
    assert found.candidates == ()
    assert found.notes == (
        "Makefile target lint: `sed -i 's/\\t/    /' 'src/*.c'` edits files in place; skipped (healer stages only check)",
    )


def test_detected_make_stages_never_rewrite_files(project: Files) -> None:
    root = project({"Makefile": REWRITING})
    rules = makefile.read_rules(root)
    assert rules is not None
    for stage in detect(root).stages:
        target = stage.command_line().removeprefix("make ")
        assert target == stage.command_line() or makefile.rewrite_in(rules, target) is None


def test_make_stages_declare_the_versions_of_the_tools_they_run(project: Files) -> None:
    stages = {c.stage.name: c.stage for c in makefile.detect(project({"Makefile": MAKEFILE})).candidates}
    assert stages["lint"].versions == ("ruff --version", "python3 -m mypy --version")
    assert stages["test"].versions == ("python3 -m pytest --version",)
    assert stages["check"].versions == ("ruff --version", "python3 -m mypy --version", "python3 -m pytest --version")


def test_variables_are_expanded_with_their_makefile_values(project: Files) -> None:
    rules = makefile.parse((project({"Makefile": MAKEFILE}) / "Makefile").read_text(encoding="utf-8"))
    assert rules.variables == {"PYTHON": "python3", "SRC": "src tests", "PYTHONDONTWRITEBYTECODE": "1"}
    assert makefile.expand(rules, "$(PYTHON) -m mypy $(SRC) $(OTHER)") == "python3 -m mypy src tests other"
