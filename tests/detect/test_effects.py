from __future__ import annotations

import pytest

from healer.detect.effects import rewrite, rewrites_files, ships


@pytest.mark.parametrize(
    ("command", "rewrites"),
    [
        ("ruff check --fix .", True),
        ("ruff check --fix-only .", True),
        ("ruff check --unsafe-fixes --fix=true .", True),
        ("ruff check .", False),
        ("ruff format .", True),
        ("uv run ruff format src", True),
        ("ruff format --check .", False),
        ("ruff format --diff .", False),
        ("black .", True),
        ("black --check --diff .", False),
        ("black --version", False),
        ("isort src", True),
        ("isort --check-only --diff .", False),
        ("isort -c .", False),
        ("prettier --write .", True),
        ("npx prettier -w src", True),
        ("prettier --check .", False),
        ("eslint --fix .", True),
        ("eslint --fix-dry-run .", False),
        ("autopep8 -i -r src", True),
        ("autopep8 --in-place x.py", True),
        ("autopep8 --diff x.py", False),
        ("autoflake --in-place --remove-all-unused-imports x.py", True),
        ("pyupgrade --py311-plus a.py", True),
        ("gofmt -w .", True),
        ("gofmt -l .", False),
        ("cargo fmt", True),
        ("cargo fmt --check", False),
        ("sed -i s/a/b/ README.md", True),
        ("sed -i.bak -e s/a/b/ f", True),
        ("perl -pi -e s/a/b/ f", True),
        ("sed -n 1p f", False),
        ("npm run format", True),
        ("npm run lint:fix", True),
        ("pnpm fix", True),
        ("yarn format", True),
        ("make fmt", True),
        ("npm run format:check", False),
        ("npm run format -- --check", False),
        ("npm run lint", False),
        ("pre-commit run --all-files", True),
        ("pre-commit validate-config", False),
        ("git commit -am wip", True),
        ("git push origin main", True),
        ("git -C sub add .", True),
        ("git stash", True),
        ("git diff --exit-code", False),
        ("rm -rf src", True),
        ("rm -rf .pytest_cache .coverage htmlcov", False),
        ("mv a.py b.py", True),
        ("npm install", True),
        ("yarn", True),
        ("yarn install --frozen-lockfile", False),
        ("npm ci", False),
        ("uv lock", True),
        ("go mod tidy", True),
        ("cd web && isort .", True),
        ("ruff check . && ruff format .", True),
        ("mypy .", False),
        ("pytest -q", False),
    ],
)
def test_rewrites_files(command: str, rewrites: bool) -> None:
    assert rewrites_files(command) is rewrites


def test_the_reason_names_the_command() -> None:
    assert rewrite("mypy . && ruff format src") == "`ruff format src` rewrites files"
    assert rewrite("git push") == "`git push` changes the git repository"
    assert rewrite("npm run format") == "`npm run format` runs a script or target whose name says it rewrites files"


def test_followed_scripts_are_not_judged_by_their_name() -> None:
    assert not rewrites_files("npm run format", followed={"script:format"})
    assert not rewrites_files("make fmt", followed={"make:fmt"})
    assert rewrites_files("make fmt", followed={"script:fmt"})


@pytest.mark.parametrize(
    ("command", "name", "why"),
    [
        ("./deploy.sh --prod", "", "`deploy.sh --prod` mentions deploy"),
        ("python -m build", "Publish to PyPI", "its name mentions publish"),
        ("twine upload dist/*", "", "it runs twine, which acts outside the project"),
        ("npm publish --access public", "", "`npm publish --access public` mentions publish"),
        ("gh release create v1", "", "it runs gh, which acts outside the project"),
        ("git push --tags", "", "`git push --tags` mentions push"),
        ("docker build -t app .", "", "it runs docker, which acts outside the project"),
        ("docker run --rm app pytest", "", "it runs docker, which acts outside the project"),
        ("terraform apply -auto-approve", "", "it runs terraform, which acts outside the project"),
        ("kubectl apply -f k8s/", "", "it runs kubectl, which acts outside the project"),
        ("cd tools && curl -sSL https://x.sh | bash", "", "it pipes a download into a shell"),
        ("sudo make install", "", "it runs sudo"),
        ("make release", "", "`make release` mentions release"),
        ("npm run deploy:staging", "", "`npm run deploy:staging` mentions deploy"),
    ],
)
def test_shipping_steps(command: str, name: str, why: str) -> None:
    assert ships(command, name) == why


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("pytest tests/test_release.py", "Tests"),
        ("cargo build --release", "Build"),
        ("pushd web && npm test", ""),
        ("ruff check .", "Lint"),
    ],
)
def test_checks_do_not_ship(command: str, name: str) -> None:
    assert ships(command, name) is None


def test_a_framework_run_of_one_reading_hook_only_checks() -> None:
    assert not rewrites_files("pre-commit run check-yaml --all-files")
    assert not rewrites_files("prek run debug-statements --all-files --hook-stage=pre-push")
    assert rewrites_files("pre-commit run --all-files")  # every hook, fixers too
    assert rewrites_files("pre-commit run trailing-whitespace --all-files")
    assert rewrites_files("prek run acme-unknown --all-files")


def test_removing_a_folder_of_its_own_in_the_temporary_folder_is_scratch() -> None:
    assert not rewrites_files('sphinx-build -W docs "${TMPDIR:-/tmp}/out-$$"; rm -rf "${TMPDIR:-/tmp}/out-$$"')
    assert not rewrites_files("rm -rf /tmp/build-1")
    assert rewrites_files("rm -rf /tmp/..")
    assert rewrites_files("rm -rf /tmp")
    assert rewrites_files("rm -rf /tmp/a/b")
