"""A stage whose tool says it checked nothing is reported, never passed, never cached."""

from __future__ import annotations

import json

import pytest

from healer.diagnostics.nothing_checked import nothing_checked

from ..conftest import Repo, RunHealer


@pytest.mark.parametrize(
    "said",
    [
        "No Python files are present to be formatted. Nothing to do 😴",
        "warning: No Python files found under the given path(s)",
        "There are no .py[i] files in directory '.'",
        '[error] No files matching the pattern were found: "docs/**/*.md".',
        "No source files found.",
    ],
)
def test_what_tools_say_when_they_checked_nothing(said: str) -> None:
    assert nothing_checked(f"some preamble\n{said}\n") == said.strip()


@pytest.mark.parametrize(
    "output", ["All done! ✨ 🍰 ✨\n3 files would be left unchanged.", "", "1 file already formatted"]
)
def test_an_ordinary_pass_is_a_pass(output: str) -> None:
    assert nothing_checked(output) is None


def test_black_pointed_at_a_folder_without_python_is_no_pass(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.format]\nrun = "black --check docs"\n')
    repo.write("docs/index.md", "# docs\n")
    repo.write("app.py", "x = [1,2]\n")
    repo.commit("start")
    for _ in range(2):  # the second run is not served from a cache either
        done = healer("run", "--json")
        assert done.code == 1, done.out + done.err
        [stage] = json.loads(done.out)["stages"]
        assert stage["status"] == "error" and not stage["cached"]
        assert "checked no files" in stage["reason"] and "No Python files are present" in stage["reason"]
