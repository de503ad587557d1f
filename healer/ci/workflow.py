"""The GitHub Actions workflow `healer init --ci github` writes (docs/ci.md shows the same file).

Installing healer in the job: the distribution name `healer` on PyPI is an
unrelated project, so the workflow never says `pip install healer`; it
installs what installed this healer when that is a URL the runner can reach
(a git URL, recorded by pip in the distribution's direct_url.json), else the
spec the user gives with --install, else it refuses to guess.
"""

from __future__ import annotations

import json
import tomllib
from importlib import metadata
from pathlib import Path

from healer.errors import HealerError
from healer.installation import DISTRIBUTION

WORKFLOW_PATH = Path(".github/workflows/healer.yml")

TEMPLATE = """\
# healer: the pipeline of [tool.healer] in CI, with annotations, a job summary,
# SARIF for code scanning and verified fixes as a patch file and as suggested
# changes on pull requests. See docs/ci.md of healer.
name: healer

on:
  push:
    branches: [{branch}]
  pull_request:

permissions:
  contents: read
  pull-requests: write    # --suggest: fixes as suggested changes on the pull request
  security-events: write  # the SARIF upload to code scanning
  # issues: write         # with --escalate: an issue for each failure no fixer settles

jobs:
  healer:
    runs-on: ubuntu-latest
    env:
      HEALER_DB: ~/.healer-ci/healer.db   # the result cache and knowledge base, kept by actions/cache
    steps:
      - uses: actions/checkout@v4
        with:
          # A pull request's own head commit, not GitHub's merge commit: suggestions and
          # the patch file must apply to the branch.
          ref: ${{{{ github.event.pull_request.head.sha || github.sha }}}}
      - uses: actions/setup-python@v5
        with:
          python-version: "{python}"
      - uses: actions/cache@v4
        with:
          path: ~/.healer-ci
          key: healer-${{{{ runner.os }}}}-${{{{ github.ref_name }}}}-${{{{ github.sha }}}}
          restore-keys: |
            healer-${{{{ runner.os }}}}-${{{{ github.ref_name }}}}-
            healer-${{{{ runner.os }}}}-
      # With a model or an agent configured, their fixes are verified only inside the sandbox:
      # - run: sudo apt-get install -y bubblewrap
      - name: Install the project and healer
        run: |
          python -m pip install --upgrade pip
          {project}
          python -m pip install "{install}"
      - name: healer
        id: healer
        env:
          GITHUB_TOKEN: ${{{{ github.token }}}}
        run: healer ci --fix --suggest --patch "$RUNNER_TEMP/healer-fixes.patch" --sarif "$RUNNER_TEMP/healer.sarif"
      - if: always()
        uses: actions/upload-artifact@v4
        with:
          name: healer-fixes
          path: ${{{{ runner.temp }}}}/healer-fixes.patch
          if-no-files-found: ignore
      - if: always() && steps.healer.outcome != 'skipped'
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: ${{{{ runner.temp }}}}/healer.sarif
          category: healer
"""


def installed_from() -> str | None:
    """A pip spec that installs this healer on another machine: its git URL when pip recorded one."""
    try:
        text = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    try:
        record = json.loads(text)
    except json.JSONDecodeError:
        return None
    vcs = record.get("vcs_info") if isinstance(record, dict) else None
    url = record.get("url") if isinstance(record, dict) else None
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and isinstance(url, str):
        commit = vcs.get("commit_id")
        return f"git+{url}@{commit}" if isinstance(commit, str) else f"git+{url}"
    if isinstance(url, str) and url.startswith("https://"):
        return url  # an archive or wheel on a server
    return None


def project_install(root: Path) -> str:
    """How the job installs the project and its check tools: its test or dev extra when it has one."""
    if (root / "requirements-dev.txt").is_file():
        return "python -m pip install -r requirements-dev.txt"
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return "python -m pip install ruff mypy pytest  # the tools your stages run: adjust"
    try:
        extras = (
            tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("optional-dependencies", {})
        )
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        extras = {}
    for name in ("test", "tests", "dev"):
        if isinstance(extras, dict) and name in extras:
            return f"python -m pip install -e '.[{name}]'"
    return "python -m pip install -e ."


def github_workflow(root: Path, *, install: str | None, branch: str = "main", python: str = "3.12") -> str:
    """The workflow file's text; a one-line error when it is unknown how the runner gets healer."""
    spec = install or installed_from()
    if spec is None:
        raise HealerError(
            "cannot tell how the CI runner installs healer (it was installed from a local folder): "
            "give --install SPEC, e.g. --install 'git+https://github.com/OWNER/healer@v0.1.0'"
        )
    if '"' in spec or "\n" in spec:
        raise HealerError(f"--install {spec!r}: a pip requirement or URL without quotes or newlines")
    return TEMPLATE.format(branch=branch, python=python, project=project_install(root), install=spec)
