"""What a change reruns, and the preview of a pytest stage's affected tests."""

from __future__ import annotations

from pathlib import Path

from healer.config.settings import Config, Gate, Stage
from healer.pipeline.pytest_selection import pytest_arguments
from healer.watch.plan import PREVIEW_SUFFIX, preview_stage, stages_to_rerun

CONFIG = Config(
    stages=(
        Stage("lint", "ruff check .", inputs=("*.py",)),
        Stage("build", "make", inputs=("*.c",)),
        Stage("test", "pytest", needs=("build",), inputs=("*.py",)),
        Stage("package", "make dist", needs=("test",), inputs=("setup.cfg",)),
        Stage("anything", "true"),
    ),
    source="test",
)
ALL = CONFIG.names


def test_the_stages_whose_inputs_changed_and_those_that_need_them() -> None:
    assert stages_to_rerun(CONFIG, ALL, ["src/a.c"]) == ["build", "test", "package", "anything"]
    assert stages_to_rerun(CONFIG, ALL, ["a.py"]) == ["lint", "test", "package", "anything"]
    assert stages_to_rerun(CONFIG, ["lint", "build"], ["a.c"]) == ["build"]  # only what is watched


def test_pytest_is_recognised_when_the_stage_runs_it_directly() -> None:
    assert pytest_arguments(Stage("t", "pytest -q tests")) == ["-q", "tests"]
    assert pytest_arguments(Stage("t", "/venv/bin/pytest")) == []
    assert pytest_arguments(Stage("t", "python -m pytest -x")) == ["-x"]
    assert pytest_arguments(Stage("t", "pytest -q", shell=True)) is None
    assert pytest_arguments(Stage("t", "tox -e py")) is None
    assert pytest_arguments(Stage("t", "make test")) is None


def layout(root: Path) -> list[str]:
    tests = ["tests/test_a.py", "tests/test_b.py", "tests/unit/test_c.py", "other/test_d.py"]
    for name in tests:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("")
    return tests


def test_a_preview_runs_the_stage_on_the_affected_files_only(tmp_path: Path) -> None:
    everything = layout(tmp_path)
    gate = Gate("coverage", "TOTAL.* (\\d+)%", minimum=90)
    stage = Stage("test", "pytest -q -p no:cacheprovider", kind="test", needs=("lint",), gate=gate, timeout=60)
    found = preview_stage(stage, tmp_path, ["tests/test_b.py", "tests/unit/test_c.py"], everything)
    assert found is not None
    preview, files = found
    assert files == ("tests/test_b.py", "tests/unit/test_c.py")
    assert preview.name == "test" + PREVIEW_SUFFIX
    assert preview.argv() == ["pytest", "-q", "-p", "no:cacheprovider", "tests/test_b.py", "tests/unit/test_c.py"]
    assert preview.needs == () and preview.gate is None and preview.timeout == 60 and preview.kind == "test"


def test_a_preview_keeps_to_the_paths_and_folder_the_stage_tests(tmp_path: Path) -> None:
    everything = layout(tmp_path)
    found = preview_stage(
        Stage("t", "pytest -k fast tests"), tmp_path, ["tests/test_a.py", "other/test_d.py"], everything
    )
    assert found is not None and found[1] == ("tests/test_a.py",)
    # The folder it named is replaced, not kept beside the files: pytest would run the union, all of tests/.
    assert found[0].argv() == ["pytest", "-k", "fast", "tests/test_a.py"]
    inside = preview_stage(
        Stage("t", "pytest", cwd="tests"), tmp_path, ["tests/unit/test_c.py", "other/test_d.py"], everything
    )
    assert inside is not None
    assert inside[0].argv() == ["pytest", "unit/test_c.py"] and inside[1] == ("tests/unit/test_c.py",)


def test_no_preview_when_it_would_not_help_or_could_run_the_wrong_tests(tmp_path: Path) -> None:
    everything = layout(tmp_path)
    some = ["tests/test_a.py"]
    assert preview_stage(Stage("t", "pytest"), tmp_path, everything, everything) is None  # all of them
    assert preview_stage(Stage("t", "pytest"), tmp_path, [], everything) is None
    assert preview_stage(Stage("t", "pytest tests/test_a.py::test_one"), tmp_path, some, everything) is None
    assert preview_stage(Stage("t", "pytest --pyargs shop"), tmp_path, some, everything) is None
    assert preview_stage(Stage("t", "pytest other"), tmp_path, some, everything) is None
    assert preview_stage(Stage("t", "make test"), tmp_path, some, everything) is None
