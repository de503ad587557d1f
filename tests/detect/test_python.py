from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from healer.config.settings import Stage
from healer.detect import python
from healer.detect.candidate import Found
from healer.detect.effects import rewrites_files
from healer.detect.python_tools import TOOL_KEYS, python_stage

Files = Callable[[dict[str, str | bytes]], Path]

PYPROJECT = """
    [build-system]
    requires = ["hatchling"]
    build-backend = "hatchling.build"

    [project]
    name = "acme"
    dependencies = ["httpx>=0.27", "attrs"]

    [project.optional-dependencies]
    dev = ["Ruff>=0.4", "mypy[reports]==1.10.0", "pytest-cov"]

    [tool.ruff]
    line-length = 100
    target-version = "py311"

    [tool.ruff.lint]
    select = ["E", "F", "I"]

    [tool.ruff.format]
    quote-style = "double"

    [tool.mypy]
    files = ["src", "tests"]
    strict = true

    [tool.pytest.ini_options]
    addopts = "-ra"
    testpaths = ["tests"]
"""


def stages(found: Found) -> dict[str, Stage]:
    return {candidate.stage.name: candidate.stage for candidate in found.candidates}


def test_pyproject_sections_and_dependencies(project: Files) -> None:
    found = python.detect(project({"pyproject.toml": PYPROJECT}))
    by_name = stages(found)
    assert list(by_name) == ["ruff", "ruff-format", "mypy", "pytest"]
    assert by_name["ruff"].run == "ruff check --no-fix ."
    assert by_name["ruff"].fix == "ruff check --fix ."
    assert by_name["ruff-format"].run == "ruff format --check --diff ."
    assert by_name["ruff-format"].fix == "ruff format ."
    assert by_name["mypy"].run == "mypy src tests"
    assert by_name["pytest"].run == "pytest -q"
    assert "pyproject.toml" in by_name["ruff"].inputs
    assert "**/*.py" in by_name["mypy"].inputs
    assert found.notes == (
        "ruff: [tool.ruff] in pyproject.toml; dependency in pyproject.toml [project.optional-dependencies] dev",
        "ruff-format: [tool.ruff.format] in pyproject.toml",
        "mypy: [tool.mypy] in pyproject.toml; dependency in pyproject.toml [project.optional-dependencies] dev",
        "pytest: [tool.pytest.ini_options] in pyproject.toml",
    )


def test_setup_cfg_tox_ini_and_config_files(project: Files) -> None:
    root = project(
        {
            "setup.cfg": """
                [metadata]
                name = legacy

                [options]
                install_requires =
                    requests>=2

                [options.extras_require]
                lint =
                    isort>=5
                    black

                [flake8]
                max-line-length = 88
                extend-ignore = E203, W503
                per-file-ignores = __init__.py:F401

                [mypy]
                files = legacy, tests
                ignore_missing_imports = True

                [tool:pytest]
                addopts = --strict-markers -p no:cacheprovider %(here)s
            """,
            "tox.ini": """
                [tox]
                envlist = py311, py312, lint

                [testenv]
                deps =
                    -r requirements/test.txt
                    pytest-xdist
                commands = pytest {posargs:tests}

                [testenv:lint]
                skip_install = true
                deps = pyright
                commands =
                    pyright legacy
            """,
            "pyrightconfig.json": '{"include": ["legacy"], "typeCheckingMode": "basic"}',
        }
    )
    found = python.detect(root)
    by_name = stages(found)
    assert set(by_name) == {"flake8", "black", "isort", "mypy", "pyright", "pytest"}
    assert by_name["mypy"].run == "mypy legacy tests"
    assert by_name["black"].run == "black --check --diff ."
    assert by_name["black"].parser == "black" and by_name["isort"].parser == "isort"  # their files, in diagnostics
    assert by_name["isort"].run == "isort --check-only --diff ."
    assert by_name["flake8"].run == "flake8"
    assert by_name["pyright"].run == "pyright"
    notes = "\n".join(found.notes)
    assert "flake8: [flake8] in setup.cfg" in notes
    assert "black: dependency in setup.cfg [options.extras_require] lint" in notes
    assert "pyright: tox.ini [testenv:lint] commands; pyrightconfig.json; " in notes
    assert "pytest: [tool:pytest] in setup.cfg; tox.ini [testenv] commands" in notes


def test_requirements_files_and_poetry_groups(project: Files) -> None:
    root = project(
        {
            "pyproject.toml": """
                [tool.poetry]
                name = "svc"

                [tool.poetry.dependencies]
                python = "^3.11"

                [tool.poetry.group.dev.dependencies]
                black = "^24.3"

                [tool.poetry.dev-dependencies]
                flake8 = "*"

                [dependency-groups]
                typing = ["pyright>=1.1", {include-group = "dev"}]
            """,
            "requirements-dev.txt": """
                # tools
                -r requirements.txt
                -e .
                isort==5.13.2  # pinned
                mypy ; python_version >= "3.11"
            """,
            "requirements/test.txt": "pytest==8.2.0\npytest-cov\n",
            "tests/unit/test_api.py": "def test_ok() -> None:\n    assert True\n",
        }
    )
    found = python.detect(root)
    assert set(stages(found)) == {"black", "flake8", "isort", "mypy", "pyright", "pytest"}
    notes = "\n".join(found.notes)
    assert "black: dependency in pyproject.toml [tool.poetry.group.dev.dependencies]" in notes
    assert "flake8: dependency in pyproject.toml [tool.poetry.dev-dependencies]" in notes
    assert "pyright: dependency in pyproject.toml [dependency-groups] typing" in notes
    assert "isort: dependency in requirements-dev.txt" in notes
    assert "pytest: dependency in requirements/test.txt; tests/ holds test files" in notes


def test_pytest_dependency_without_tests_is_not_a_stage(project: Files) -> None:
    root = project({"requirements-dev.txt": "pytest\n", "tests/helpers.py": "", "src/test_x.py": ""})
    found = python.detect(root)
    assert found.candidates == ()
    assert found.notes == ("pytest: dependency in requirements-dev.txt, but no tests/test_*.py found; not added",)


def test_plugins_are_not_the_tool(project: Files) -> None:
    root = project({"requirements.txt": "pytest-cov\nflake8-bugbear\nmypy-extensions\n"})
    assert python.detect(root) == Found()


def test_mypy_ini_wins_over_pyproject_like_mypy_itself(project: Files) -> None:
    root = project(
        {
            "mypy.ini": "[mypy]\npackages = acme,acme_cli\nmodules = tools.gen\n",
            "pyproject.toml": '[tool.mypy]\nfiles = "src"\n',
            ".flake8": "[flake8]\nmax-line-length = 100\n",
            "ruff.toml": "line-length = 100\n[format]\nquote-style = 'single'\n",
            "pytest.ini": "[pytest]\naddopts = -q\n",
        }
    )
    by_name = stages(python.detect(root))
    assert by_name["mypy"].run == "mypy -p acme -p acme_cli -m tools.gen"
    assert set(by_name) == {"ruff", "ruff-format", "flake8", "mypy", "pytest"}


def test_broken_files_are_skipped_with_a_note(project: Files) -> None:
    root = project(
        {
            "pyproject.toml": '[tool.ruff\nline-length = "oops"\n',
            "setup.cfg": b"[flake8]\nmax-line-length = 88 # \xff\n",
            "tox.ini": "deps = pytest\n",
            "requirements-dev.txt": b"mypy\n\xfe\n",
            "ruff.toml": "line-length = = 3\n",
            "pyrightconfig.json": "{'include': []}",
            ".isort.cfg": "[settings]\nprofile = black\n",
        }
    )
    found = python.detect(root)
    assert [candidate.stage.name for candidate in found.candidates] == ["isort"]
    skipped = [note for note in found.notes if note.startswith("skipped")]
    assert [note.split(":")[0] for note in skipped] == [
        "skipped pyproject.toml",
        "skipped setup.cfg",
        "skipped tox.ini",
        "skipped requirements-dev.txt",
        "skipped ruff.toml",
        "skipped pyrightconfig.json",
    ]
    assert "invalid TOML" in skipped[0]
    assert "not UTF-8" in skipped[1]
    assert "invalid INI" in skipped[2]
    assert "invalid JSON" in skipped[5]


def test_every_python_stage_only_checks_and_its_fix_rewrites() -> None:
    for tool in TOOL_KEYS:
        stage = python_stage(tool)
        assert not rewrites_files(stage.command_line()), stage
        if stage.fix is not None:
            assert isinstance(stage.fix, str)
            assert rewrites_files(stage.fix), stage


def test_requirement_name_normalises() -> None:
    assert python.requirement_name("Flake8[toml] >= 7") == "flake8"
    assert python.requirement_name("pip_audit==2.7") == "pip-audit"
    assert python.requirement_name("  ") is None
