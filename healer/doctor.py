"""Whether healer can work in a repository: git, the configuration, the Python and each tool the stages run, the
hooks, the knowledge base, the model, and which optional parts are not installed (with the command that adds
each). The only request it makes asks the configured model for one word (`offline`: none), and it runs no
program of the repository's own (the project's scripts may do anything when run)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from healer.agents.presets import PRESETS
from healer.agents.run import resolve as resolve_agent
from healer.cache.tools import main_command
from healer.config.settings import Config, SandboxSettings, Stage
from healer.detect.commands import tools_in
from healer.detect.detection import pipeline_of
from healer.detect.files import Unreadable, read_yaml
from healer.errors import HealerError
from healer.hooks.location import hooks_directory, husky_script
from healer.hooks.shim import MARKER
from healer.installation import EXTRAS, Installation, add_command, installation, tool_command
from healer.kb.location import database_path
from healer.kb.store import Store
from healer.llm.offline import litellm_installed, model_unavailable, offline_reason
from healer.llm.probe import probe
from healer.pipeline import jail
from healer.pipeline.environment import stage_env
from healer.pipeline.interpreter import Interpreter, project_interpreter
from healer.process import resolve, run_briefly
from healer.snapshot.git import repo_root

VERSION_TIMEOUT = 5.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    optional: bool = False
    """An optional part that is not installed: said, with the command that adds it, but not a fault."""


def _version(executable: str) -> str:
    try:
        code, out, err = run_briefly([executable, "--version"], timeout=VERSION_TIMEOUT)
    except OSError:
        return "version unknown"
    if code is None:
        return "version unknown (no answer to --version)"
    text = [line.strip() for line in (out or err).decode("utf-8", "replace").splitlines() if line.strip()]
    # The first line that names a version: isort draws a banner above its "VERSION 9.0.2".
    versioned = next((line for line in text if any(c.isdigit() for c in line)), text[0] if text else None)
    return versioned if versioned is not None and code == 0 else "version unknown"


# Programs stages run that come from PyPI, by the distribution that installs them.
PYTHON_TOOLS: dict[str, str] = {
    name: name
    for name in (
        "ruff", "black", "isort", "flake8", "mypy", "pyright", "pytest", "pylint", "bandit", "tox", "nox",
        "pre-commit", "prek", "mkdocs", "coverage", "codespell", "yamllint", "pip-audit", "vulture", "pydocstyle",
        "autopep8", "basedpyright",
    )
} | {"sphinx-build": "sphinx", "sphinx": "sphinx", "py.test": "pytest", "dmypy": "mypy"}  # fmt: skip


def _program(stage: Stage, root: Path, env: Mapping[str, str]) -> tuple[str, str | None]:
    """The program a stage starts and where it is (None: not found)."""
    cwd = root / stage.cwd if stage.cwd else root
    command = main_command(stage)
    where = resolve(command, stage_env(stage, env).get("PATH")) if os.sep not in command else str(cwd / command)
    return command, where if where is not None and os.path.lexists(where) else None


def _module(stage: Stage) -> str | None:
    """The tool a stage runs as `python -m TOOL`, when it is one installed from PyPI."""
    argv = stage.argv()
    if len(argv) > 2 and os.path.basename(argv[0]).startswith("python") and argv[1] == "-m":
        return argv[2] if argv[2] in PYTHON_TOOLS else None
    return None


def _importable(python: str, module: str, env: Mapping[str, str]) -> bool:
    probe = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
    try:
        code, _, _ = run_briefly([python, "-c", probe], env=env, timeout=VERSION_TIMEOUT)
    except OSError:
        return True  # unknown: the stage says for itself
    return code != 1


def missing_tools(root: Path, config: Config, where: Installation | None = None) -> dict[str, str]:
    """Stage name → why its tool cannot start here ("pyright not installed (pip install pyright)"), for
    the stages whose program (or `python -m` module) is not installed; runs nothing of the project's."""
    interpreter = project_interpreter(root, config.links)
    found: dict[str, str] = {}
    for stage in config.stages:
        command, place = _program(stage, root, interpreter.environ)
        if place is None:
            package = PYTHON_TOOLS.get(os.path.basename(command))
            install = f" ({tool_command(package, where)})" if package else ""
            found[stage.name] = f"{command} not installed{install}" if package else f"command not found: {command}"
            continue
        module = _module(stage)
        if module is not None and not _importable(place, module, stage_env(stage, interpreter.environ)):
            # A module is imported by the Python that runs it: it goes there, not beside healer.
            found[stage.name] = f"{module} not installed for {place} ({place} -m pip install {PYTHON_TOOLS[module]})"
    return found


def _stage_check(stage: Stage, root: Path, seen: dict[str, str], env: Mapping[str, str]) -> Check:
    name = f"stage {stage.name}"
    cwd = root / stage.cwd if stage.cwd else root
    if not cwd.is_dir():
        return Check(name, False, f"folder {stage.cwd} is not a folder in the repository")
    command, where = _program(stage, root, env)
    if where is None:
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


def _beside_healer(env: Mapping[str, str]) -> str:
    # Where `healer demo` looks for the sample's tools, and where an extra's programs are installed: healer's
    # own scripts folder, even when stages never see it (an environment of healer's own).
    return os.pathsep.join([env.get("PATH", os.defpath), os.path.dirname(sys.executable)])


HOOK_IDS = ("healer", "healer-pre-push")
"""The hooks of healer's .pre-commit-hooks.yaml."""


def _uses_framework(root: Path) -> bool:
    try:
        config = read_yaml(root, ".pre-commit-config.yaml")
    except Unreadable:
        return False
    repos = config.get("repos") if isinstance(config, dict) else None
    for repo in repos if isinstance(repos, list) else ():
        hooks = repo.get("hooks") if isinstance(repo, dict) else None
        if any(isinstance(hook, dict) and hook.get("id") in HOOK_IDS for hook in hooks or ()):
            return True
    return False


def _framework(root: Path, env: Mapping[str, str], where: Installation) -> Check | None:
    """The pre-commit framework, when .pre-commit-config.yaml runs healer's hooks: healer never imports it, but
    those hooks run only where it is installed."""
    if not (root / ".pre-commit-config.yaml").is_file() or not _uses_framework(root):
        return None
    found = resolve("pre-commit", _beside_healer(env))
    if found is None:
        add = tool_command("pre-commit", where)
        detail = f"not found: .pre-commit-config.yaml runs healer's hooks through it; add it: {add}"
        return Check("pre-commit framework", True, detail, True)
    return Check("pre-commit framework", True, f"{_version(found)} ({found}) runs healer's hooks")


def _model(config: Config | None, *, offline: bool) -> Check:
    if config is None or not config.llm.model:
        return Check("model", True, "none configured: fixes come from rules and past fixes only, offline")
    llm = config.llm
    where = f" at {llm.api_base}" if llm.api_base else ""
    missing = model_unavailable()
    if missing is not None:
        return Check("model", False, f"{llm.model}{where}: the model fixer is {missing}")
    if llm.api_key_env and not os.environ.get(llm.api_key_env):
        return Check("model", False, f"{llm.model}{where}: llm.api_key_env names {llm.api_key_env}, which is not set")
    reason = offline_reason(config, flag=offline)
    if reason is not None:
        return Check("model", True, f"{llm.model}{where}; not asked ({reason})")
    answered, detail = probe(llm)
    return Check("model", answered, f"{llm.model}{where}: {detail}")


def _sandbox(config: Config | None, env: Mapping[str, str]) -> Check:
    """Which OS sandbox jails untrusted patches' checks, proven by a probe: a write outside and a connection
    to the machine's loopback must both fail inside it."""
    settings = config.sandbox if config is not None else SandboxSettings()
    choice = jail.choose(settings, env)
    if choice.jail is None and choice.problem is None:
        return Check("sandbox", True, 'off (sandbox.mode = "off"): a model\'s patches are verified unjailed')
    if choice.jail is None:
        required = settings.mode == "required"
        then = "no fixer that needs it is asked" if required else "a model's patches are shown unverified"
        return Check("sandbox", False, f"{choice.problem}; {then}", optional=not required)
    proven = jail.probe(choice.jail)
    if not proven.works:
        return Check("sandbox", False, f"{choice.jail.kind} does not hold: {proven.detail}")
    return Check("sandbox", True, f"{choice.jail.kind}, {proven.detail.split(': ', 1)[-1]}")


def _installation(where: Installation) -> Check:
    kinds = {
        "pre-commit": "the pre-commit framework's environment for its hook",
        "pipx": "an environment of its own (pipx)",
        "uv tool": "an environment of its own (uv tool)",
        "virtualenv": "a virtualenv" + (" (the active one)" if where.active else ""),
        "system": "the system's Python",
    }
    imported = f"; imported from the checkout {where.source}" if where.source else ""
    return Check("installation", True, f"{kinds[where.kind]}: {where.prefix}{imported}")


def _python(interpreter: Interpreter) -> Check:
    return Check("python", interpreter.python is not None, interpreter.describe())


def _optional_parts(env: Mapping[str, str], where: Installation) -> list[Check]:
    """The extras, each installed or not, and the one command that adds a missing one here."""
    found: list[Check] = []
    if litellm_installed():
        try:
            version = f"litellm {metadata.version('litellm')}"
        except metadata.PackageNotFoundError:
            version = "litellm"
        found.append(Check("model fixer", True, f"{version} (healer[llm])"))
    else:
        found.append(
            Check("model fixer", True, f"not installed: it needs litellm; add it: {add_command('llm', where)}", True)
        )
    tools = EXTRAS["demo"]
    missing = [tool for tool in tools if resolve(tool, _beside_healer(env)) is None]
    if missing:
        detail = f"{', '.join(missing)} not found (`healer demo` runs them); add them: {add_command('demo', where)}"
        found.append(Check("demo tools", True, detail, True))
    else:
        found.append(Check("demo tools", True, f"{', '.join(tools)} found (`healer demo`)"))
    return found


# Fixers a stage's findings rely on, beyond the stage's own tool: (tool key, program, what it fixes).
FIXER_TOOLS = (
    ("flake8", "ruff", "flake8's unused imports, whitespace and blank lines (ruff's fixer for the same codes)"),
    ("flake8", "autopep8", "flake8's indentation and long lines"),
)


def _fixer_tools(config: Config, env: Mapping[str, str], where: Installation) -> list[Check]:
    """The programs the rules fix a configured stage's findings with, when they are not installed."""
    found: list[Check] = []
    for key, program, fixes in FIXER_TOOLS:
        stage = next((s for s in config.stages if key in tools_in(s.command_line())), None)
        # The fixer runs where the stage does: its PATH, not healer's own folder.
        if stage is not None and resolve(program, stage_env(stage, env).get("PATH")) is None:
            detail = f"{program} not found: {fixes} are fixed with it; add it: {tool_command(program, where)}"
            found.append(Check(f"{key} fixes", True, detail, True))
    return found


def _agents(config: Config | None, env: Mapping[str, str]) -> list[Check]:
    """Each configured agent's program and version; and the known agent CLIs installed but not configured."""
    found: list[Check] = []
    path = env.get("PATH")
    configured = set()
    for settings in config.agents if config is not None else ():
        agent = resolve_agent(settings)
        configured.add(agent.program)
        program = resolve(agent.program, path) if agent.argv else None
        if program is None:
            found.append(Check(f"agent {agent.name}", False, f"{agent.program or '(no command)'} not found on PATH"))
            continue
        network = "any host" if agent.network else "no network" if agent.network is False else (
            ", ".join(agent.hosts) or "no network"
        )  # fmt: skip
        detail = f"{_version(program)} ({program}); network: {network}"
        found.append(Check(f"agent {agent.name}", True, detail))
    spare = []
    for preset in PRESETS.values():
        program = resolve(preset.argv[0], path)
        if program is not None and preset.argv[0] not in configured:
            spare.append(f"{preset.name} {_version(program)}")
    if spare:
        detail = f'{"; ".join(spare)}: add [agents.NAME] with preset = "NAME" to let `healer fix --agent` use it'
        found.append(Check("agent CLIs", True, detail, True))
    return found


def checks(start: Path, *, offline: bool = False) -> list[Check]:
    found: list[Check] = []
    where = installation()
    found.append(_installation(where))
    git_version = _version("git")
    found.append(Check("git", git_version != "version unknown", git_version))
    try:
        root = repo_root(start)
    except HealerError as error:
        found.append(Check("repository", False, str(error)))
        found.extend(_optional_parts(os.environ, where))
        return found
    config: Config | None
    found.append(Check("repository", True, str(root)))
    try:
        config = pipeline_of(root)
    except HealerError as error:
        found.append(Check("configuration", False, str(error)))
        config = None
    interpreter = project_interpreter(root, config.links if config is not None else ())
    if config is not None:
        source = "detected (no configuration written yet)" if config.source == "detected" else config.source
        found.append(Check("configuration", bool(config.stages), f"{len(config.stages)} stages, {source}"))
        found.append(_python(interpreter))
        seen: dict[str, str] = {}
        found.extend(_stage_check(stage, root, seen, interpreter.environ) for stage in config.stages)
        found.extend(_fixer_tools(config, interpreter.environ, where))
    found.append(_hooks(root))
    framework = _framework(root, interpreter.environ, where)
    if framework is not None:
        found.append(framework)
    db = database_path()
    try:
        with Store(db) as store:
            notices = "; ".join(store.notices)
        found.append(Check("knowledge base", True, f"{db}{'; ' + notices if notices else ''}"))
    except HealerError as error:
        found.append(Check("knowledge base", False, str(error)))
    found.append(_model(config, offline=offline))
    found.append(_sandbox(config, interpreter.environ))
    found.extend(_agents(config, interpreter.environ))
    found.extend(_optional_parts(interpreter.environ, where))
    return found
