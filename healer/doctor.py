"""Whether healer can work in a repository: git, the configuration, each stage's tool, the hooks, the knowledge
base, the model. The only request it makes asks the configured model for one word (`offline`: none), and it
runs no program of the repository's own (the project's scripts may do anything when run)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from healer.cache.tools import main_command
from healer.config.settings import Config, Stage
from healer.detect.detection import pipeline_of
from healer.errors import HealerError
from healer.hooks.location import hooks_directory, husky_script
from healer.hooks.shim import MARKER
from healer.kb.location import database_path
from healer.kb.store import Store
from healer.llm.offline import offline_reason
from healer.llm.probe import probe
from healer.pipeline.environment import stage_env
from healer.process import resolve, run_briefly
from healer.snapshot.git import repo_root

VERSION_TIMEOUT = 5.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _version(executable: str) -> str:
    try:
        code, out, err = run_briefly([executable, "--version"], timeout=VERSION_TIMEOUT)
    except OSError:
        return "version unknown"
    if code is None:
        return "version unknown (no answer to --version)"
    text = (out or err).decode("utf-8", "replace").strip().splitlines()
    return text[0] if text and code == 0 else "version unknown"


def _stage_check(stage: Stage, root: Path, seen: dict[str, str]) -> Check:
    name = f"stage {stage.name}"
    cwd = root / stage.cwd if stage.cwd else root
    if not cwd.is_dir():
        return Check(name, False, f"folder {stage.cwd} is not a folder in the repository")
    command = main_command(stage)
    where = resolve(command, stage_env(stage).get("PATH")) if os.sep not in command else str(cwd / command)
    if where is None or not os.path.lexists(where):
        return Check(name, False, f"command not found: {command}")
    if os.path.isdir(where):
        return Check(name, False, f"{command} is a folder, not a program")
    if not os.access(where, os.X_OK):
        return Check(name, False, f"{command} is not executable (chmod +x?)")
    resolved = Path(where).resolve()
    if resolved == root.resolve() or root.resolve() in resolved.parents:
        # The project's own scripts may do anything when run (deploy, rewrite files): never run them here.
        return Check(name, True, f"{command}: a program of the repository ({where})")
    version = seen.setdefault(where, _version(where))
    return Check(name, True, f"{command}: {version} ({where})")


def _hooks(root: Path) -> Check:
    hooks = hooks_directory(root)
    installed = []
    for name in ("pre-commit", "pre-push"):
        husky = husky_script(hooks, name)
        places = [hooks / name, hooks / f"{name}.legacy", *([husky] if husky else [])]
        if any(place.is_file() and MARKER in place.read_text("utf-8", "replace") for place in places):
            installed.append(name)
    if installed:
        return Check("git hooks", True, f"healer runs on {', '.join(installed)} ({hooks})")
    return Check("git hooks", True, "not installed (healer runs when you call it; `healer install` adds the hooks)")


def _model(config: Config | None, *, offline: bool) -> Check:
    if config is None or not config.llm.model:
        return Check("model", True, "none configured: fixes come from rules and past fixes only, offline")
    llm = config.llm
    where = f" at {llm.api_base}" if llm.api_base else ""
    if llm.api_key_env and not os.environ.get(llm.api_key_env):
        return Check("model", False, f"{llm.model}{where}: llm.api_key_env names {llm.api_key_env}, which is not set")
    reason = offline_reason(config, flag=offline)
    if reason is not None:
        return Check("model", True, f"{llm.model}{where}; not asked ({reason})")
    answered, detail = probe(llm)
    return Check("model", answered, f"{llm.model}{where}: {detail}")


def checks(start: Path, *, offline: bool = False) -> list[Check]:
    found: list[Check] = []
    git_version = _version("git")
    found.append(Check("git", git_version != "version unknown", git_version))
    try:
        root = repo_root(start)
    except HealerError as error:
        found.append(Check("repository", False, str(error)))
        return found
    config: Config | None
    found.append(Check("repository", True, str(root)))
    try:
        config = pipeline_of(root)
    except HealerError as error:
        found.append(Check("configuration", False, str(error)))
        config = None
    if config is not None:
        source = "detected (no configuration written yet)" if config.source == "detected" else config.source
        found.append(Check("configuration", bool(config.stages), f"{len(config.stages)} stages, {source}"))
        seen: dict[str, str] = {}
        found.extend(_stage_check(stage, root, seen) for stage in config.stages)
    found.append(_hooks(root))
    db = database_path()
    try:
        with Store(db) as store:
            notices = "; ".join(store.notices)
        found.append(Check("knowledge base", True, f"{db}{'; ' + notices if notices else ''}"))
    except HealerError as error:
        found.append(Check("knowledge base", False, str(error)))
    found.append(_model(config, offline=offline))
    return found
