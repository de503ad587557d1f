"""The `run:` steps of GitHub Actions workflows, as stages (only when asked: `from_ci`)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from healer.config.settings import Stage
from healer.detect import javascript, makefile
from healer.detect.candidate import CI, Candidate, Found
from healer.detect.check_only import replace
from healer.detect.commands import guess_kind, needs_shell, parser_for, simple_commands, tools_in
from healer.detect.effects import rewrite, ships, unknown_effect
from healer.detect.files import Unreadable, read_yaml, table
from healer.detect.names import slug
from healer.detect.versions import version_commands

WORKFLOWS = ".github/workflows"
# Lines that prepare the machine rather than check the code: dropped from a step's script.
_SETUP = re.compile(
    r"""^(?:sudo\s+)?(?:
        (?:python[0-9.]*\s+-m\s+)?pip[0-9.]*\s
      | uv\s+(?:pip\s+install|sync|venv|lock|tool\s+install|python\s+install)\b
      | (?:pipx|brew|choco|gem|cargo|go)\s+install\b
      | (?:poetry|pipenv|pdm)\s+(?:install|sync|lock)\b
      | (?:conda|mamba|micromamba)\s+(?:install|create|activate|env)\b
      | (?:npm|pnpm|bun)\s+(?:ci|install|i)\b | yarn(?:\s+install\b.*)?$ | corepack\s
      | apt(?:-get)?\s | curl\s | wget\s | rustup\s
      | python[0-9.]*\s+-m\s+venv\b | virtualenv\s | source\s | \.\s
      | git\s+(?:config|fetch|submodule)\b | pre-commit\s+install\b | bundle\s+install\b
    )""",
    re.VERBOSE,
)
# Lines that do nothing by themselves: kept inside a script, but a step of only these is skipped.
_TRIVIAL = re.compile(r"^(?:echo|printf|cd|pushd|popd|export|set|mkdir|ls|pwd|true|:)(?:\s|$)")
_SHELLS = {None, "bash", "sh"}


def detect(root: Path) -> Found:
    directory = root / WORKFLOWS
    if not directory.is_dir():
        return Found()
    paths = sorted(p for p in directory.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())
    candidates: list[Candidate] = []
    notes: list[str] = []
    for path in paths:
        rel = path.relative_to(root).as_posix()
        try:
            data = read_yaml(root, rel)
        except Unreadable as error:
            notes.append(error.note)
            continue
        for job_id, job in table(data, "jobs").items():
            defaults = table(job, "defaults", "run")
            steps = job.get("steps") if isinstance(job, dict) else None
            for index, step in enumerate(steps if isinstance(steps, list) else []):
                if not isinstance(step, dict) or not isinstance(step.get("run"), str):
                    continue  # `uses:` steps are actions: checkout, setup-python, caches...
                where = f"{rel} job {job_id} step {step.get('name') or index + 1}"
                found, note = _step(root, step, defaults, where)
                candidates += found
                notes.append(note)
    return Found(tuple(candidates), tuple(notes))


def _step(root: Path, step: dict[str, object], defaults: dict[str, object], where: str) -> tuple[list[Candidate], str]:
    script = str(step["run"])
    env = table(step, "env")
    cwd = step.get("working-directory", defaults.get("working-directory"))
    shell = step.get("shell", defaults.get("shell"))
    values = [script, str(cwd or ""), *(str(v) for v in env.values())]
    if any("${{" in value for value in values):
        return [], f"{where}: uses a ${{{{ }}}} expression, which only CI can fill in; skipped"
    if shell not in _SHELLS:
        return [], f"{where}: runs in {shell}; skipped"
    lines = [line for line in _logical_lines(script) if not _SETUP.match(line)]
    if not lines or all(_TRIVIAL.match(line) for line in lines):
        return [], f"{where}: setup step; skipped"
    if any(program == "pre-commit" for line in lines for program, _ in simple_commands(line)):
        return [], f"{where}: runs pre-commit, whose hooks are read from its own config; skipped"
    text = "\n".join(lines)
    step_name = str(step.get("name") or "")
    why = ships(text, step_name)
    if why is not None:
        return [], f"{where}: {why}; skipped (healer runs checks, not deployments)"
    keys = tools_in(text)
    env_pairs = tuple(sorted((str(k), _env_value(v)) for k, v in env.items()))
    reached, followed = _reached(root / str(cwd or "."), keys)
    why = next((w for line in lines + reached if (w := rewrite(line, followed=followed))), None)
    if why is not None:
        reached_keys = keys | {key for line in reached for key in tools_in(line)}
        found, note = replace(where, why, reached_keys, rank=CI, prefix="ci")
        folder = str(cwd) if cwd else None
        return [dataclasses.replace(c, stage=c.stage._replace(cwd=folder, env=env_pairs)) for c in found], note
    unsure = next((w for line in lines + reached if (w := unknown_effect(line, followed=followed))), None)
    first = next(simple_commands(lines[0]), ("step", []))[0]
    if len(lines) == 1:
        run, use_shell = lines[0], needs_shell(lines[0])
    else:
        # GitHub runs a script with `bash -e`: stop at the first failing line here too.
        run, use_shell = "set -e\n" + text, True
    stage = Stage(
        name=slug(step_name) or slug(first) or "step",
        run=run,
        kind=guess_kind(keys, step_name, text),
        shell=use_shell,
        env=env_pairs,
        parser=parser_for(keys),
        versions=version_commands(lines + reached),
        cwd=str(cwd) if cwd else None,
    )
    if unsure is not None:
        # Detection asks the user, and notes the answer.
        return [Candidate(stage, CI, where, keys, "ci", unsure=unsure)], ""
    return [Candidate(stage, CI, where, keys, "ci")], f"{stage.name}: {where}"


def _reached(directory: Path, keys: frozenset[str]) -> tuple[list[str], set[str]]:
    """The command lines of the Makefile targets and package.json scripts a step runs (read
    from its working directory), and the keys of those that were found and followed."""
    lines: list[str] = []
    followed: set[str] = set()
    rules = makefile.read_rules(directory) if any(k.startswith("make:") for k in keys) else None
    scripts = javascript.read_scripts(directory) if any(k.startswith("script:") for k in keys) else {}
    for key in sorted(keys):
        kind, _, name = key.partition(":")
        if kind == "make" and rules is not None and name in rules.prerequisites:
            lines += makefile.target_lines(rules, name)
            followed |= {f"make:{target}" for target in rules.prerequisites}
        elif kind == "script" and name in scripts:
            lines += javascript.script_lines(scripts, name)
            followed |= {f"script:{script}" for script in scripts}
    return lines, followed


def _env_value(value: object) -> str:
    # YAML reads `CI: true` as a boolean; the process must see the text the workflow wrote.
    return str(value).lower() if isinstance(value, bool) else str(value)


def _logical_lines(script: str) -> list[str]:
    lines: list[str] = []
    pending = ""
    for raw in script.splitlines():
        line = raw.strip()
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line and not line.startswith("#"):
            lines.append(line)
    if pending.strip():
        lines.append(pending.strip())
    return lines
