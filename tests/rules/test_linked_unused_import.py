"""A typo that leaves its import unused is fixed by the rename, never by removing the import (issue 12).

Measured on a real library: ruff reported F401 for `from .slugify import slugify` and
F821 for `sulgify`; healer removed the import, verification accepted it, and the
pipeline stayed red. Real repositories, real ruff and pytest, through the CLI.
"""

from __future__ import annotations

import json

import pytest

from ..conftest import Repo, RunHealer

API = "from .slugify import slugify\n\n\ndef make(title: str) -> str:\n    return sulgify(title)\n"
STAGES = {
    "ruff": '[stages.lint]\nrun = "ruff check --no-cache ."\nkind = "lint"\nparser = "ruff"\n',
    "flake8": '[stages.lint]\nrun = "flake8 --isolated ."\nkind = "lint"\nparser = "flake8"\n',
}
TESTS = '[stages.test]\nrun = "python -m pytest -q -p no:cacheprovider"\nkind = "test"\n'


def project(repo: Repo, lint: str) -> None:
    repo.config(STAGES[lint] + TESTS)
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/slugify.py", "def slugify(text: str) -> str:\n    return text.lower().replace(' ', '-')\n")
    repo.write("pkg/api.py", API)
    repo.write("tests/test_api.py", "from pkg.api import make\n\n\ndef test_make():\n    assert make('A B') == 'a-b'\n")
    repo.write(".gitignore", "__pycache__/\n")
    repo.commit("start")


@pytest.mark.parametrize("lint", sorted(STAGES))
def test_the_rename_is_the_fix_and_the_import_stays(repo: Repo, healer: RunHealer, lint: str) -> None:
    project(repo, lint)
    done = healer("fix", "--offline", "--apply", "safe", "--json")

    assert done.code == 0, done.out + done.err
    assert (repo.path / "pkg/api.py").read_text() == API.replace("sulgify", "slugify")
    proposed = [p["origin"] for r in json.loads(done.out)["rounds"] for p in r["patches"]]
    assert not [origin for origin in proposed if "ruff-fix" in origin or "autofix" in origin], proposed


def test_an_unused_import_with_no_typo_near_it_is_still_removed(repo: Repo, healer: RunHealer) -> None:
    project(repo, "ruff")
    repo.write("pkg/api.py", "import os\nfrom .slugify import slugify\n\n\ndef make(title: str) -> str:\n"
               "    return slugify(title)\n")  # fmt: skip
    repo.commit("unused os")
    done = healer("fix", "--offline", "--apply", "safe")

    assert done.code == 0, done.out + done.err
    assert not (repo.path / "pkg/api.py").read_text().startswith("import os")
