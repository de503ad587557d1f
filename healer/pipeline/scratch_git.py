"""A throwaway git repository for a stage that needs one while it runs in one of healer's copies.

The pre-commit framework (and prek) will not run outside a git repository: it asks git for the
top level and lists the files to check with `git ls-files`. healer's copies (the index shadow, the
verification sandboxes) are plain folders that git is kept from searching above, so such a stage
failed there with "not a git repository", and every fix whose files it checks failed verification.

For such a stage the copy gets a repository of its own, outside it, for the length of the stage:
an empty git directory in the temporary folder, the copy as its work tree, and every file of the
copy added to its index. Nothing of the user's repository is reachable from it (GIT_DIR points at
the scratch directory), and it is removed when the stage ends.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_repository(copy: Path, env: Mapping[str, str]) -> Iterator[dict[str, str]]:
    """The variables that make git see `copy` as the work tree of a new repository holding all its files."""
    folder = Path(tempfile.mkdtemp(prefix="healer-git-"))
    variables = {"GIT_DIR": str(folder / "git"), "GIT_WORK_TREE": str(copy)}
    run_env = {**env, **variables, "GIT_CONFIG_NOSYSTEM": "1"}
    try:
        for args in (["init", "--quiet"], ["add", "--all", "--", "."]):
            subprocess.run(["git", *args], cwd=copy, env=run_env, check=True, capture_output=True, timeout=300)
        yield variables
    finally:
        shutil.rmtree(folder, ignore_errors=True)
