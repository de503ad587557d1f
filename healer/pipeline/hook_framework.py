"""Stages that run a hook framework (pre-commit, prek): what they need, and when their failure is not the code's.

The framework prepares each hook's environment the first time (cloning the hook's repository,
installing it), and says "An unexpected error has occurred" with exit code 3 when it cannot
(offline, a bad `rev`): that says nothing about the files, so the stage could not run, is not
cached as failed, and the reason is the framework's own line.
"""

from __future__ import annotations

import os

from healer.config.settings import Stage

_RUNNERS = frozenset({"pre-commit", "prek"})
_UNEXPECTED = "An unexpected error has occurred"
FRAMEWORK_ERROR = 3
"""pre-commit's exit code for its own errors (hooks that fail give 1)."""


def needs_repository(stage: Stage) -> bool:
    """Whether the stage runs a hook framework, which needs a git repository around the files it checks."""
    if stage.shell:
        return any(f"{name} " in stage.command_line() for name in _RUNNERS)
    argv = stage.argv()
    for i, word in enumerate(argv):
        if os.path.basename(word) in _RUNNERS:
            return True
        if word == "-m" and i + 1 < len(argv) and argv[i + 1] == "pre_commit":
            return True
    return False


def framework_error(stage: Stage, code: int, output: str) -> str | None:
    """Why the framework itself could not run the hook (its own error line, and the likely cause), or None."""
    if code != FRAMEWORK_ERROR or not needs_repository(stage):
        return None
    lines = [line.strip(" |") for line in output.splitlines()]
    said = next((line for line in lines if _UNEXPECTED in line), None)
    if said is None:
        return None
    cause = next((line.strip() for line in lines if line.strip().startswith("fatal:")), None)
    offline = any("resolve host" in line or "unable to access" in line for line in lines)
    why = f"the hook framework could not run the hook: {said}" + (f" ({cause})" if cause else "")
    return why + ("; offline? a hook's environment is installed from its repository the first time" * offline)
