"""The first law for `healer run`: the working tree, the index and the stash are exactly as before.

The project below is built so that naive checks would rewrite it: ruff is
configured with `fix = true`, the Makefile's lint target runs fixers, and the
package.json lint script runs `eslint --fix`. healer's detected pipeline, run
with the real tools, must leave every byte where it was.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..conftest import Repo, RunHealer

PYPROJECT = """\
[project]
name = "tidy"
version = "0"
dependencies = []

[project.optional-dependencies]
dev = ["ruff", "mypy", "pytest"]

[tool.ruff]
fix = true

[tool.ruff.lint]
select = ["F", "I"]

[tool.mypy]
strict = true
"""
MESSY = "import sys\nimport os\n\n\ndef f(x):\n    return  x\n"
CACHES = {".ruff_cache", ".mypy_cache", ".pytest_cache", "__pycache__"}


def snapshot(root: Path) -> dict[str, object]:
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] == ".git" or CACHES & set(relative.parts) or path.is_dir():
            continue
        files[str(relative)] = (hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mode)
    index = hashlib.sha256((root / ".git" / "index").read_bytes()).hexdigest()
    stash = (
        (root / ".git" / "logs" / "refs" / "stash").read_bytes() if (root / ".git/logs/refs/stash").exists() else b""
    )
    return {"files": files, "index": index, "stash": stash}


def test_detected_pipeline_with_fixers_configured_changes_nothing(repo: Repo, healer: RunHealer) -> None:
    repo.write("pyproject.toml", PYPROJECT)
    repo.write(".gitignore", "".join(f"{name}/\n" for name in sorted(CACHES)))
    repo.write("tidy/__init__.py", MESSY)
    repo.write("tests/test_tidy.py", "def test_ok() -> None:\n    assert True\n")
    repo.write("Makefile", "lint:\n\truff check --fix .\n\truff format .\n")
    repo.write("package.json", '{"name": "tidy", "scripts": {"lint": "eslint --fix ."}}\n')
    repo.commit("messy but committed")
    # Partly staged, unstaged and untracked work, and a stash entry, as a user would have.
    repo.write("tidy/__init__.py", MESSY + "y = 1\n")
    repo.git("add", "tidy/__init__.py")
    repo.write("tidy/__init__.py", MESSY + "y = 1\nz = 2\n")
    repo.write("notes.py", "import json\n")
    repo.write("scratch.txt", "stash me\n")
    repo.git("stash", "push", "-q", "--include-untracked", "--", "scratch.txt")
    before = snapshot(repo.path)
    commands = [stage["command"] for stage in json.loads(healer("stages", "--json").out)["stages"]]
    assert not [command for command in commands if "--fix" in command.replace("--no-fix", "")]
    first = healer("run", timeout=300)
    assert first.code == 1, first.out + first.err  # the mess is reported, not repaired
    assert "F401" in first.out
    healer("run", "--no-cache", timeout=300)
    assert snapshot(repo.path) == before
