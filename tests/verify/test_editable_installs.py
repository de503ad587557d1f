"""With the project installed in editable mode (`pip install -e .`), a run in one of healer's copies imports the
copy's code, never the work tree's: a correct fix is verified, and a check of the staged content checks it.

The stage's interpreter is a virtualenv whose site-packages hold what an editable
install leaves there: a `.pth` file naming the work tree's `src` folder (src
layout) or its root (flat layout). Its tools come from the test environment.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from ..conftest import Repo, RunHealer

PRICES = "from json import loads\n\n\ndef parse(text: str) -> dict[str, int]:\n    return lods(text)\n"
TEST = 'from shop.prices import parse\n\n\ndef test_parse() -> None:\n    assert parse(\'{"a": 1}\') == {"a": 1}\n'


def editable_venv(where: Path, project_path: Path) -> Path:
    """A virtualenv with the project installed in editable mode, and pytest beside it; its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    [site] = list(where.glob("lib/python*/site-packages"))
    (site / "test_tools.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (site / "__editable__.shop-0.1.pth").write_text(f"{project_path}\n")
    return where / "bin" / "python"


def project(repo: Repo, tmp_path: Path, layout: str) -> Path:
    package = repo.path / "src" / "shop" if layout == "src" else repo.path / "shop"
    python = editable_venv(tmp_path / "venv", package.parent)
    repo.config(
        f'[stages.test]\nrun = ["{python}", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]\n'
        'kind = "test"\nparser = "pytest"\n\n'
        f'[stages.where]\nrun = ["{python}", "-c", "import shop.prices as p; print(p.__file__)"]\n'
    )
    (package).mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "prices.py").write_text(PRICES)
    repo.write("tests/test_prices.py", TEST)
    repo.write(".gitignore", "__pycache__/\n")
    repo.commit("start")
    return package


@pytest.mark.parametrize("layout", ["src", "flat"])
def test_a_correct_fix_is_verified_though_the_install_points_at_the_work_tree(
    repo: Repo, healer: RunHealer, tmp_path: Path, layout: str
) -> None:
    package = project(repo, tmp_path, layout)
    document = json.loads(healer("fix", "--apply", "all", "--json", timeout=240).out)
    fixes = [p for one in document["rounds"] for p in one["patches"] if "loads" in p["diff"]]
    assert fixes and fixes[0]["status"] == "verified", fixes
    assert document["outcome"] == "passed"
    assert "return loads(text)" in (package / "prices.py").read_text()


@pytest.mark.parametrize("layout", ["src", "flat"])
def test_a_check_of_the_staged_content_imports_the_shadow_copy(
    repo: Repo, healer: RunHealer, tmp_path: Path, layout: str
) -> None:
    from healer.snapshot.copies import copies_of

    package = project(repo, tmp_path, layout)
    (package / "prices.py").write_text(PRICES.replace("lods", "loads"))
    repo.git("add", "-A")
    (package / "prices.py").write_text(PRICES)  # the work tree differs: the staged content runs in the shadow
    done = healer("hook", "pre-commit", "--json")
    stages = {stage["name"]: stage for stage in json.loads(done.out)["stages"]}
    assert done.code == 0 and stages["test"]["status"] == "passed", done.out
    shadow = copies_of(repo.path, repo.path / ".git" / "healer") / "shadow"
    assert stages["where"]["output_tail"][-1].startswith(str(shadow))


def test_a_virtualenv_inside_the_work_tree_keeps_its_packages_in_a_copy(repo: Repo, healer: RunHealer) -> None:
    # The usual layout: the project's `.venv` in the repository, ignored, so no copy has it. Only the project's
    # code is the copy's; the virtualenv's own packages stay where they are.
    python = editable_venv(repo.path / ".venv", repo.path / "src")
    [site] = list((repo.path / ".venv").glob("lib/python*/site-packages"))
    (site / "venv_only.py").write_text("")
    repo.config(f'[stages.where]\nrun = ["{python}", "-c", "import venv_only, shop.prices as p; print(p.__file__)"]\n')
    repo.write(".gitignore", ".venv/\n__pycache__/\n")
    repo.write("src/shop/__init__.py", "")
    repo.write("src/shop/prices.py", "A = 1\n")
    repo.commit("start")
    repo.write("src/shop/prices.py", "A = 2\n")
    repo.git("add", "-A")
    repo.write("src/shop/prices.py", "A = 3\n")  # the work tree differs: the staged content runs in the shadow
    done = healer("hook", "pre-commit", "--json")
    stages = {stage["name"]: stage for stage in json.loads(done.out)["stages"]}
    assert done.code == 0 and stages["where"]["status"] == "passed", done.out
    assert "/shadow/src/shop/prices.py" in stages["where"]["output_tail"][-1]
