"""Stages that run a hook framework (pre-commit, prek): what they need, and when their failure is not the code's.

The framework prepares each hook's environment the first time (cloning the hook's repository,
installing it), and says "An unexpected error has occurred" with exit code 3 when it cannot
(offline, a bad `rev`): that says nothing about the files, so the stage could not run, is not
cached as failed, and the reason is the framework's own line. A config the framework refuses (invalid
YAML or values, a hook id its repository does not have) exits 1 before any hook runs: that is no finding
about the files either, and the reason is one line naming the file and the hook.
"""

from __future__ import annotations

import os
import re

from healer.config.settings import Stage

CONFIG = ".pre-commit-config.yaml"

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
    if code not in (1, FRAMEWORK_ERROR) or not needs_repository(stage):
        return None
    lines = [line.strip(" |") for line in output.splitlines()]
    if code == 1:
        return _config_error(stage, lines)
    said = next((line for line in lines if _UNEXPECTED in line), None)
    if said is None:
        return None
    cause = next((line.strip() for line in lines if line.strip().startswith("fatal:")), None)
    offline = any("resolve host" in line or "unable to access" in line for line in lines)
    why = f"the hook framework could not run the hook: {said}" + (f" ({cause})" if cause else "")
    return why + ("; offline? a hook's environment is installed from its repository the first time" * offline)


_MISSING = re.compile(r"\[ERROR\] `(?P<id>[^`]+)` is not present in repository (?P<repo>.+?)\.  ")
_NOT_AT_STAGE = re.compile(r"^No hook with id `(?P<id>[^`]+)` in stage `(?P<stage>[^`]+)`")


def _config_error(stage: Stage, lines: list[str]) -> str | None:
    """One line for a config the framework refuses (exit 1 before any hook ran), naming the file and the hook."""
    hook = _hook_id(stage)
    for line in lines:
        missing = _MISSING.search(line)
        if missing:
            return f"{CONFIG}: hook {missing['id']!r} is not present in repository {missing['repo']} at its rev"
        at = _NOT_AT_STAGE.match(line)
        if at:
            return f"{CONFIG}: hook {at['id']!r} does not run at {at['stage']} (its stages)"
    if any("InvalidConfigError" in line or "InvalidManifestError" in line for line in lines):
        start = next(i for i, line in enumerate(lines) if "Invalid" in line)
        detail = " ".join(
            line.removeprefix("=====> ").removeprefix("==> ")
            for line in lines[start + 1 :]
            if line and not line.startswith(("==> File", "Check the log"))
        )
        what = "the hook repository's .pre-commit-hooks.yaml" if "InvalidManifestError" in lines[start] else CONFIG
        return f"{what} is invalid (hook {hook!r}): {' '.join(detail.split())}"
    return None


def _hook_id(stage: Stage) -> str:
    argv = stage.argv()
    return argv[argv.index("run") + 1] if "run" in argv[:-1] else stage.name
