"""`healer init --ci github`: the workflow file, as docs/ci.md shows it, and commands healer really takes."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from healer.ci.workflow import TEMPLATE, github_workflow, installed_from
from healer.main import build_parser
from tests.conftest import Repo, RunHealer

ROOT = Path(__file__).resolve().parents[2]
SPEC = "git+https://github.com/OWNER/healer@v0.1.0"


def test_docs_show_the_file_init_writes() -> None:
    shown = re.search(r"```yaml\n(.*?)```", (ROOT / "docs/ci.md").read_text(), re.S)
    assert shown is not None
    assert shown[1] == TEMPLATE.format(
        branch="main", python="3.12", project="python -m pip install -e '.[test]'", install=SPEC
    )


def test_the_workflow_is_yaml_whose_healer_step_parses(repo: Repo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "x"\n[project.optional-dependencies]\ntest = ["pytest"]\n')
    document = yaml.safe_load(github_workflow(repo.path, install=SPEC))
    steps = document["jobs"]["healer"]["steps"]
    install = next(step for step in steps if step.get("name") == "Install the project and healer")
    assert "pip install -e '.[test]'" in install["run"] and f'"{SPEC}"' in install["run"]
    command = next(step for step in steps if step.get("id") == "healer")["run"]
    words = shlex.split(command)
    assert words[:2] == ["healer", "ci"]
    args = build_parser().parse_args(["ci", "run", *words[2:]])
    assert args.fix and args.suggest and args.patch and args.sarif
    assert "pip install healer" not in github_workflow(repo.path, install=SPEC)


def test_init_writes_it_once(repo: Repo, healer: RunHealer) -> None:
    repo.git("commit", "-q", "--allow-empty", "-m", "start")
    done = healer("init", "--ci", "github", "--install", SPEC)
    assert done.code == 0, done.err
    written = repo.path / ".github/workflows/healer.yml"
    assert "branches: [main]" in written.read_text()
    written.write_text("# mine\n")
    again = healer("init", "--ci", "github", "--install", SPEC)
    assert again.code == 2 and "exists; edit it, or use --force" in again.err
    assert written.read_text() == "# mine\n"
    assert healer("init", "--ci", "github", "--install", SPEC, "--force").code == 0
    assert written.read_text() != "# mine\n"


def test_init_refuses_to_guess_the_install(repo: Repo, healer: RunHealer) -> None:
    if installed_from() is None:  # this healer came from a local folder, as in the suite's own venv
        done = healer("init", "--ci", "github")
        assert done.code == 2 and "give --install SPEC" in done.err and len(done.err.splitlines()) == 1
        assert not (repo.path / ".github").exists()
    bad = healer("init", "--ci", "github", "--install", 'x"; rm -rf ~')
    assert bad.code == 2 and "without quotes" in bad.err
    printed = healer("init", "--ci", "github", "--install", SPEC, "--print")
    assert printed.code == 0 and printed.out.startswith("# healer:") and not (repo.path / ".github").exists()
    assert healer("init", "--install", SPEC).code == 2
