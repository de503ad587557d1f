from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from healer.config.settings import Stage
from healer.detect import github_actions
from healer.detect.candidate import Found
from healer.detect.detection import detect

Files = Callable[[dict[str, str | bytes]], Path]

WORKFLOW = """
name: CI
on:
  push:
    branches: [main]
  pull_request:

jobs:
  test:
    runs-on: ${{ matrix.os }}
    strategy:
      fail-fast: false
      matrix:
        os: [ubuntu-latest, macos-latest]
        python: ["3.11", "3.12"]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python }}
      - name: Install dependencies
        run: |
          python -m pip install --upgrade pip
          pip install -e ".[test]"
      - name: Show versions
        run: echo "python ${{ matrix.python }}"
      - name: Run tests
        run: pytest -q --cov=acme --cov-report=xml -n ${{ matrix.workers }}
      - name: Lint
        run: ruff check --output-format=github .
      - name: Type check
        env:
          MYPY_FORCE_COLOR: 1
          CI: true
        run: |
          # strict on the package only
          mypy --strict src/acme
          mypy tests
      - name: Audit
        run: pip-audit --strict
      - run: python -m build
      - name: Secrets
        env:
          TOKEN: ${{ secrets.PYPI_TOKEN }}
        run: twine check dist/*
  frontend:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: web
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - name: ESLint
        run: npx eslint . --max-warnings=0
      - name: Windows only
        shell: pwsh
        run: Get-ChildItem
      - name: Go to folder
        run: cd web
"""


def by_name(found: Found) -> dict[str, Stage]:
    return {c.stage.name: c.stage for c in found.candidates}


def test_run_steps_become_stages(project: Files) -> None:
    found = github_actions.detect(project({".github/workflows/ci.yml": WORKFLOW}))
    stages = by_name(found)
    assert list(stages) == ["lint", "type-check", "audit", "build", "eslint"]
    assert stages["lint"].run == "ruff check --output-format=github ."
    assert stages["lint"].kind == "lint"
    assert stages["lint"].parser == "ruff"
    assert not stages["lint"].shell
    assert stages["type-check"].shell
    assert stages["type-check"].run == "set -e\nmypy --strict src/acme\nmypy tests"
    assert stages["type-check"].kind == "typecheck"
    assert stages["type-check"].env == (("CI", "true"), ("MYPY_FORCE_COLOR", "1"))
    assert stages["audit"].kind == "security"
    assert stages["build"].run == "python -m build"
    assert stages["build"].kind == "build"
    assert stages["eslint"].cwd == "web"
    assert stages["eslint"].kind == "lint"


def test_skipped_steps_are_noted(project: Files) -> None:
    notes = github_actions.detect(project({".github/workflows/ci.yml": WORKFLOW})).notes
    where = ".github/workflows/ci.yml job"
    assert f"{where} test step Install dependencies: setup step; skipped" in notes
    expression = "uses a ${{ }} expression, which only CI can fill in; skipped"
    assert f"{where} test step Show versions: {expression}" in notes
    assert f"{where} test step Run tests: {expression}" in notes
    assert f"{where} test step Secrets: {expression}" in notes
    assert f"{where} frontend step 2: setup step; skipped" in notes
    assert f"{where} frontend step Windows only: runs in pwsh; skipped" in notes
    assert f"{where} frontend step Go to folder: setup step; skipped" in notes


def test_ci_is_read_only_when_asked(project: Files) -> None:
    root = project({".github/workflows/ci.yml": WORKFLOW})
    detection = detect(root)
    assert detection.stages == ()
    assert detection.notes == (".github/workflows: not read (ask for CI steps with from_ci)",)
    assert [s.name for s in detect(root, from_ci=True).stages] == [
        "eslint",
        "lint",
        "type-check",
        "build",
        "audit",
    ]


def test_ci_steps_lose_to_local_definitions(project: Files) -> None:
    root = project(
        {
            ".github/workflows/test.yaml": """
                on: push
                jobs:
                  checks:
                    runs-on: ubuntu-latest
                    steps:
                      - run: make lint
                      - run: pytest
                      - name: Docs
                        run: sphinx-build -W docs docs/_build
            """,
            "Makefile": ".PHONY: lint\nlint:\n\tflake8 src\n",
            "pytest.ini": "[pytest]\n",
        }
    )
    detection = detect(root, from_ci=True)
    assert [(s.name, s.run) for s in detection.stages] == [
        ("lint", "make lint"),
        ("pytest", "pytest -q"),
        ("docs", "sphinx-build -W docs docs/_build"),
    ]
    assert ".github/workflows/test.yaml job checks step 1: already run by lint; not added" in detection.notes


def test_broken_workflow_is_skipped(project: Files) -> None:
    root = project(
        {
            ".github/workflows/bad.yml": "jobs:\n  a:\n    steps: [\n",
            ".github/workflows/good.yml": "jobs:\n  a:\n    steps:\n      - run: tox -e py\n",
            ".github/workflows/README.md": "not a workflow",
        }
    )
    found = github_actions.detect(root)
    assert [c.stage.run for c in found.candidates] == ["tox -e py"]
    assert found.notes[0].startswith("skipped .github/workflows/bad.yml: invalid YAML")


SHIPPING = """
on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh --prod
      - name: Publish package
        run: python -m build
      - run: twine upload dist/*
      - run: npm publish
      - run: git push origin HEAD:gh-pages
      - run: docker build -t app .
      - run: terraform apply -auto-approve
      - run: kubectl rollout restart deploy/app
      - run: |
          pytest -q
          cd tools && curl -sSL https://get.example.com | sh
      - run: sudo systemctl restart app
"""


def test_deploy_like_steps_are_skipped(project: Files) -> None:
    found = github_actions.detect(project({".github/workflows/release.yml": SHIPPING}))
    assert found.candidates == ()
    where = ".github/workflows/release.yml job release step"
    skipped = "; skipped (healer runs checks, not deployments)"
    assert found.notes == (
        f"{where} 1: `deploy.sh --prod` mentions deploy{skipped}",
        f"{where} Publish package: its name mentions publish{skipped}",
        f"{where} 3: it runs twine, which acts outside the project{skipped}",
        f"{where} 4: `npm publish` mentions publish{skipped}",
        f"{where} 5: `git push origin HEAD:gh-pages` mentions push{skipped}",
        f"{where} 6: it runs docker, which acts outside the project{skipped}",
        f"{where} 7: it runs terraform, which acts outside the project{skipped}",
        f"{where} 8: it runs kubectl, which acts outside the project{skipped}",
        f"{where} 9: it pipes a download into a shell{skipped}",
        f"{where} 10: it runs sudo{skipped}",
    )


REWRITING = """
on: push
jobs:
  style:
    runs-on: ubuntu-latest
    steps:
      - name: Format
        run: ruff format . && ruff check --fix .
      - name: Prettier
        working-directory: web
        env:
          CI: true
        run: npx prettier --write .
      - name: Tidy
        run: sed -i 's/  *$//' README.md
      - run: make lint
      - run: npm run format
      - run: npm test
"""


def test_rewriting_steps_become_check_only_stages_or_are_skipped(project: Files) -> None:
    root = project(
        {
            ".github/workflows/style.yml": REWRITING,
            "Makefile": "lint:\n\tblack .\n",
            "package.json": '{"scripts": {"format": "prettier --check .", "test": "jest"}}',
        }
    )
    found = github_actions.detect(root)
    stages = [(c.stage.name, c.stage.run, c.stage.cwd, c.stage.env) for c in found.candidates]
    assert stages == [
        ("ruff", "ruff check --no-fix .", None, ()),
        ("ruff-format", "ruff format --check --diff .", None, ()),
        ("prettier", "npx prettier --check .", "web", (("CI", "true"),)),
        ("black", "black --check --diff .", None, ()),
        ("npm", "npm run format", None, ()),
        ("npm", "npm test", None, ()),
    ]
    where = ".github/workflows/style.yml job style step"
    assert found.notes[0] == f"ruff, ruff-format: {where} Format (`ruff format .` rewrites files; checking instead)"
    assert f"{where} Tidy: `sed -i 's/  *$//' README.md` edits files in place; skipped (healer stages only check)" in (
        found.notes
    )
    assert f"black: {where} 4 (`black .` rewrites files; checking instead)" in found.notes
    # The script's body was read: `npm run format` checks here, whatever its name says.
    assert found.candidates[-2].stage.versions == ("node_modules/.bin/prettier --version",)
    assert found.candidates[-1].stage.versions == ("node_modules/.bin/jest --version",)


def test_ci_stages_declare_the_versions_of_the_tools_they_run(project: Files) -> None:
    stages = by_name(github_actions.detect(project({".github/workflows/ci.yml": WORKFLOW})))
    assert stages["lint"].versions == ("ruff --version",)
    assert stages["type-check"].versions == ("mypy --version",)
    assert stages["eslint"].versions == ("node_modules/.bin/eslint --version",)
    assert stages["build"].versions == ("python -m build --version",)
