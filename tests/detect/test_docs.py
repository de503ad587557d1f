"""Documentation builds as `build` stages, only when configured, writing nothing into the project."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from healer.detect import docs
from healer.detect.detection import detect
from healer.detect.effects import rewrites_files

Files = Callable[[dict[str, str | bytes]], Path]


def test_mkdocs_and_sphinx_are_build_stages(project: Files) -> None:
    root = project({"mkdocs.yml": "site_name: x\n", "doc/conf.py": "project = 'x'\n"})
    found = docs.detect(root)
    stages = {c.stage.name: c.stage for c in found.candidates}
    assert list(stages) == ["docs-mkdocs", "docs-sphinx"]
    assert (
        stages["docs-mkdocs"]
        .command_line()
        .startswith('mkdocs build --strict --site-dir "${TMPDIR:-/tmp}/healer-mkdocs-$$"; status=$?; rm -rf ')
    )
    assert stages["docs-sphinx"].command_line().startswith("sphinx-build -W --keep-going -b html doc ")
    assert all(s.kind == "build" and s.shell and s.inputs == () for s in stages.values())
    # The build's own output is out of the tree and removed: nothing a check may not do.
    assert not any(rewrites_files(s.command_line()) for s in stages.values())
    assert found.notes == (
        "mkdocs: mkdocs.yml; built with --strict into a temporary folder, not site/",
        "sphinx: doc/conf.py; built with -W into a temporary folder, not doc/_build",
    )


def test_only_when_configured(project: Files) -> None:
    assert docs.detect(project({"docs/index.md": "# x\n", "docs/index.rst": "x\n"})) == docs.Found()
    sources = docs.detect(project({"mkdocs.yaml": "site_name: x\n", "docs/source/conf.py": ""})).candidates
    assert "--config-file mkdocs.yaml" in sources[0].stage.command_line()
    assert " -b html docs/source " in sources[1].stage.command_line()


def test_a_makefile_target_that_builds_the_docs_is_the_one_kept(project: Files) -> None:
    root = project({"docs/conf.py": "", "Makefile": "check:\n\tsphinx-build -W -b html docs docs/_build\n"})
    detection = detect(root)
    assert [s.name for s in detection.stages] == ["check"]
    assert "sphinx (docs/conf.py): already run by check; not added" in detection.notes


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        # The test extra installs both: in CI a missing one is a broken set-up, not a reason to skip.
        assert not os.environ.get("CI"), f"{name} is not installed, though the test extra names it"
        pytest.skip(f"{name} is not installed")
    return found


@pytest.mark.parametrize(
    ("program", "files", "broken"),
    [
        (
            "mkdocs",
            {"mkdocs.yml": "site_name: x\n", "docs/index.md": "# hi\n"},
            {"mkdocs.yml": "site_name: x\nnav:\n  - missing.md\n"},
        ),
        (
            "sphinx-build",
            {"docs/conf.py": "project = 'x'\n", "docs/index.rst": "Hi\n==\n"},
            {"docs/index.rst": "Hi\n==\n\n.. toctree::\n\n   nope\n"},
        ),
    ],
)
def test_the_build_runs_fails_on_warnings_and_leaves_nothing_behind(
    tmp_path: Path, program: str, files: dict[str, str], broken: dict[str, str]
) -> None:
    _tool(program)
    temp = tmp_path / "temp"
    temp.mkdir()
    root = tmp_path / "project"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (stage,) = detect(root).stages
    env = {**os.environ, "TMPDIR": str(temp)}

    def build() -> int:
        return subprocess.run(stage.argv(), cwd=root, env=env, capture_output=True, timeout=120, check=False).returncode

    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    assert build() == 0
    for rel, text in broken.items():
        (root / rel).write_text(text)
    assert build() != 0
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    assert list(temp.iterdir()) == []
