"""The repair corpus: every seeded breakage of tests/fixtures/repairs/ through the real `healer fix --apply all`.

Each case runs `python -m healer fix --apply all --json` as a subprocess in a fresh git
repository (real ruff, mypy and pytest) and checks the outcome its category expects (see
tests/fixing/repair_corpus.py and cases.toml). Cases with `xfail` in cases.toml are known bugs
outside the corpus and fail strictly: once fixed, the test says so. bench/repairs.py runs the
same corpus and prints the table per category with timings.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fixing.repair_corpus import CATEGORIES, Case, base_repo, healer_env, load_corpus, run_case, run_healer

PROJECTS, CASES = load_corpus()


def _param(case: Case) -> object:
    marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache per test process (each xdist worker), so mypy's standard library stays warm between cases."""
    return tmp_path_factory.mktemp("mypy-cache")


def test_the_corpus_covers_every_category_at_least_twice_in_three_projects() -> None:
    assert len(CASES) >= 40
    assert len(PROJECTS) >= 3
    for name in CATEGORIES:
        mine = [case for case in CASES if case.category == name]
        assert len(mine) >= 2, name
    assert {case.project for case in CASES} == set(PROJECTS)


@pytest.mark.parametrize("project", sorted(PROJECTS))
def test_each_base_project_passes_all_its_stages(project: str, tmp_path: Path, mypy_cache: Path) -> None:
    env = healer_env(os.environ, tmp_path / "kb.db", mypy_cache)
    root = base_repo(PROJECTS[project], tmp_path / project, env)
    done = run_healer(root, env, "run", "--json")
    assert done.document is not None, done.stderr
    assert done.code == 0 and done.document["outcome"] == "passed", done.document


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_repair_case(case: Case, tmp_path: Path, mypy_cache: Path) -> None:
    env = healer_env(os.environ, tmp_path / "kb.db", mypy_cache)
    outcome = run_case(case, PROJECTS, tmp_path, env)
    assert not outcome.problems, outcome.summary()
