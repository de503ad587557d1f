"""`healer doctor`: cheap local checks that healer can work in this repository."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import healer
from healer.cache.tools import main_command
from healer.errors import HealerError
from healer.kb.location import database_path
from healer.pipeline.environment import stage_env
from healer.pipeline.process import resolve
from healer.snapshot.git import git, git_dir, repo_root

if TYPE_CHECKING:
    import argparse

VERSION_TIMEOUT = 5.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _version(executable: str) -> str:
    try:
        done = subprocess.run(
            [executable, "--version"],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=VERSION_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "version unknown"
    text = (done.stdout or done.stderr).decode("utf-8", "replace").strip().splitlines()
    return text[0] if text and done.returncode == 0 else "version unknown"


def _hooks(root: Path) -> Check:
    configured = git(["config", "--get", "core.hooksPath"], root, check=False).decode().strip()
    hooks = (root / configured) if configured else git_dir(root) / "hooks"
    installed = [
        name for name in ("pre-commit", "pre-push")
        if (hooks / name).is_file() and "healer" in (hooks / name).read_text("utf-8", "replace")
    ]  # fmt: skip
    if installed:
        return Check("git hooks", True, f"healer runs on {', '.join(installed)} ({hooks})")
    return Check("git hooks", True, "not installed (healer runs when you call it)")


def checks(start: Path) -> list[Check]:
    found: list[Check] = []
    git_version = _version("git")
    found.append(Check("git", git_version != "version unknown", git_version))
    try:
        root = repo_root(start)
    except HealerError as error:
        found.append(Check("repository", False, str(error)))
        return found
    found.append(Check("repository", True, str(root)))
    from healer.config.load import load_config

    try:
        config = load_config(root)
    except HealerError as error:
        found.append(Check("configuration", False, str(error)))
        config = None
    if config is not None:
        source = "detected (no configuration written yet)" if config.source == "detected" else config.source
        found.append(Check("configuration", bool(config.stages), f"{len(config.stages)} stages, {source}"))
        seen: dict[str, str] = {}
        for stage in config.stages:
            command = main_command(stage)
            env = stage_env(stage)
            where = resolve(command, env.get("PATH")) if "/" not in command else str(root / (stage.cwd or "") / command)
            if where is None or not Path(where).exists():
                found.append(Check(f"stage {stage.name}", False, f"command not found: {command}"))
                continue
            version = seen.setdefault(where, _version(where))
            found.append(Check(f"stage {stage.name}", True, f"{command}: {version} ({where})"))
    found.append(_hooks(root))
    db = database_path()
    try:
        from healer.kb.store import Store

        with Store(db) as store:
            notices = "; ".join(store.notices)
        found.append(Check("knowledge base", True, f"{db}{'; ' + notices if notices else ''}"))
    except HealerError as error:
        found.append(Check("knowledge base", False, str(error)))
    found.append(Check("model", True, "none configured: fixes come from rules and past fixes only, offline"))
    return found


def execute(args: argparse.Namespace) -> int:
    results = checks(Path.cwd())
    if args.json:
        print(json.dumps({"healer_version": healer.__version__, "checks": [asdict(c) for c in results]}, indent=2))
    else:
        print(f"healer {healer.__version__} (Python {sys.version.split()[0]})")
        width = max(len(check.name) for check in results)
        for check in results:
            print(f"{'ok ' if check.ok else 'BAD'}  {check.name:<{width}}  {check.detail}")
    return 0 if all(check.ok for check in results) else 1
