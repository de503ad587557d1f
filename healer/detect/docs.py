"""Documentation builds a project configures: MkDocs (mkdocs.yml) and Sphinx (a conf.py under docs/ or doc/).

Each becomes a `build` stage that fails on warnings (`mkdocs build --strict`, `sphinx-build -W`). The output
goes to a folder of its own under the system's temporary folder, removed when the build ends, never into the
project: the working tree is checked in place, and a `site/` or `_build/` appearing there would be untracked
content that changes every other stage's cache key (MkDocs' sitemap carries the build date) and that watch
mode would see change.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from healer.config.settings import Stage
from healer.detect.candidate import CONFIGURED, Candidate, Found
from healer.detect.files import existing

MKDOCS_CONFIGS = ("mkdocs.yml", "mkdocs.yaml")
SPHINX_SOURCES = ("docs", "doc", "docs/source", "doc/source")
"""Folders whose conf.py makes a Sphinx project, in the order looked at."""


def detect(root: Path) -> Found:
    candidates: list[Candidate] = []
    notes: list[str] = []
    for config in existing(root, MKDOCS_CONFIGS)[:1]:
        args = ["build", "--strict"] + (["--config-file", config] if config != "mkdocs.yml" else [])
        stage = _stage("mkdocs", "mkdocs", args, "--site-dir")
        candidates.append(Candidate(stage, CONFIGURED, f"mkdocs ({config})", frozenset({"mkdocs"}), "docs"))
        notes.append(f"mkdocs: {config}; built with --strict into a temporary folder, not site/")
    source = next((folder for folder in SPHINX_SOURCES if (root / folder / "conf.py").is_file()), None)
    if source is not None:
        # --keep-going: every warning is reported, not only the first that -W turns into an error.
        stage = _stage("sphinx", "sphinx-build", ["-W", "--keep-going", "-b", "html", source], "")
        where = f"{source}/conf.py"
        candidates.append(Candidate(stage, CONFIGURED, f"sphinx ({where})", frozenset({"sphinx"}), "docs"))
        notes.append(f"sphinx: {where}; built with -W into a temporary folder, not {source}/_build")
    return Found(tuple(candidates), tuple(notes))


def _stage(name: str, program: str, args: list[str], output_flag: str) -> Stage:
    # `$$` (the shell's process id) keeps two builds running at once (the working tree and a copy) apart; the
    # folder goes whatever the build's outcome, and the build's exit status is the stage's.
    out = '"${TMPDIR:-/tmp}/healer-' + name + '-$$"'
    build = shlex.join([program, *args]) + (f" {output_flag} " if output_flag else " ") + out
    return Stage(
        name=f"docs-{name}",
        run=f"{build}; status=$?; rm -rf {out}; exit $status",
        shell=True,
        kind="build",
        # No inputs: the pages include the README, read docstrings from the code (mkdocstrings, autodoc)
        # and embed any file; every change may change the build.
        versions=(f"{program} --version",),
    )
