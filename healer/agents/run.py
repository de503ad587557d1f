"""One run of one agent CLI in a copy of the project, jailed, and what it changed there.

The agent never sees the user's tree: it works in an isolated copy
(healer.verify.sandbox), with the files no model may see (`llm.deny`)
removed from it, a private home holding only its own login files (copied
in; whatever it writes there is thrown away), an environment of PATH, the
locale and the variables it is configured to receive, and, through the OS
sandbox (healer.pipeline.jail), writes confined to the copy and its home
and network only as its settings allow. Its claims are not trusted: the
diff of its copy (healer.agents.changes) is all healer takes, and that goes
through the same admission and verification as every fixer's patch.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from healer.agents.changes import changes, scan
from healer.agents.invoke import Invocation, invoke
from healer.agents.output import AgentReply, read_output
from healer.agents.presets import PRESETS
from healer.config.settings import AgentSettings, SandboxSettings
from healer.llm.redact import denied
from healer.patch.patch import FileEdit
from healer.pipeline.egress import Egress, open_egress
from healer.pipeline.jail import Jail, choose
from healer.pipeline.jail_paths import hidden, needed
from healer.process import resolve as resolve_program
from healer.verify.sandbox import OutsideCopy, scrub, write_in_copy

LOCALE = ("LANG", "LC_ALL", "LC_CTYPE", "TZ")
HOME_FILE_CAP = 8 << 20
"""A login file larger than this is not copied into the agent's home (a history, not a credential)."""
PROMPT_FILE = "healer-prompt.md"


class Agent(NamedTuple):
    """An agent's settings with its preset's defaults filled in."""

    name: str
    argv: tuple[str, ...]
    output: str
    timeout: float
    max_attempts: int
    env: tuple[str, ...]
    fixed_env: tuple[tuple[str, str], ...]
    home: tuple[str, ...]
    network: bool | None
    hosts: tuple[str, ...]
    cost_from: str | None

    @property
    def program(self) -> str:
        return self.argv[0]


def resolve(settings: AgentSettings) -> Agent:
    preset = PRESETS.get(settings.preset or "")
    return Agent(
        name=settings.name,
        argv=settings.command or (preset.argv if preset else ()),
        output=settings.output or (preset.output if preset else "text"),
        timeout=settings.timeout,
        max_attempts=settings.max_attempts,
        env=tuple(dict.fromkeys((*(preset.env if preset else ()), *settings.env))),
        fixed_env=preset.fixed_env if preset else (),
        home=settings.home or (preset.home if preset else ()),
        network=settings.network,
        hosts=settings.hosts or (preset.hosts if preset else ()),
        cost_from=settings.cost_from,
    )


class AgentRun(NamedTuple):
    agent: str
    edits: tuple[FileEdit, ...]
    """What it changed in its copy, from the content it was given (with `start` already in it)."""
    reply: AgentReply
    problem: str | None
    """Why nothing it did can be used, in one line naming it (not installed, timed out, a symlink out)."""
    notes: tuple[str, ...]
    """What else to say of the run (it exited non-zero, printed 50 MB, its output was not JSON)."""
    seconds: float
    """The whole run: the copy prepared, the agent, its changes read."""
    printed: int
    jailed: bool
    agent_seconds: float = 0.0
    """Of `seconds`, the agent's own process (its start, its model, its tools)."""


class Where(NamedTuple):
    """The content the agent works on and what it may see of the machine."""

    copy: Path
    original: Path
    """The content the copy was made from (read only)."""
    tracked: Collection[str]
    ignored: Callable[[Sequence[str]], set[str]]
    links: Sequence[str]
    """Paths in the copy that healer linked in (a virtualenv, `link`): never part of a change."""
    deny: Sequence[str]
    environ: Mapping[str, str]
    """The user's environment, which the agent's variables are picked from."""
    path: str
    """PATH for the agent: the project's, so it finds the stages' tools."""
    stage_commands: Sequence[Sequence[str]] = ()
    """The commands it is asked to rerun: what they need is made visible in the jail."""
    work_tree: Path | None = None
    """The user's repository, hidden from the agent wherever it lies (only the links healer made into it, such
    as a virtualenv, stay visible)."""


def run_agent(
    agent: Agent,
    prompt: str,
    where: Where,
    sandbox: SandboxSettings,
    *,
    files: Sequence[str] = (),
    start: Sequence[FileEdit] = (),
    cancel: threading.Event | None = None,
) -> AgentRun:
    """Run `agent` with `prompt` in `where.copy` (holding `start` first); the edits it made, or why there are none."""
    began = time.monotonic()
    name = agent.name
    if not agent.argv:
        return _failed(agent, "has no command", began)
    if resolve_program(agent.program, where.path) is None:
        return _failed(agent, f"could not start: {agent.program} is not installed (not found on PATH)", began)
    try:
        for edit in start:
            write_in_copy(where.copy, edit.path, edit.after)
    except OutsideCopy as error:
        return _failed(agent, f"cannot be given the fix to continue from: {error}", began)
    _hide_denied(where.copy, where.tracked, where.deny)
    with _private_home(agent, where.environ) as home:
        stdin, argv = _argv(agent, prompt, home, files)
        env = _environment(agent, where, home)
        choice = choose(sandbox, {**where.environ, "PATH": where.path})
        if choice.problem is not None:
            why = f"was not run: its processes are untrusted and run only in an OS sandbox, and {choice.problem}"
            return _failed(agent, why, began)
        before = scan(where.copy, where.links)
        try:
            ran, refused = _run_jailed(agent, argv, env, stdin, where, home, choice.jail, cancel)
            found = changes(
                where.copy, before, where.original, where.tracked, where.ignored, skip=where.links,
                also=[e.path for e in start],
            )  # fmt: skip
        finally:
            # Whatever happened (Ctrl-C included), nothing the agent left may sway a later check in the copy.
            scrub(where.copy, where.tracked, where.links)
        jailed = choice.jail is not None
    reply = read_output(agent.output, ran.stdout, agent.cost_from)
    problem = _problem(name, agent, ran, found.problems)
    notes = _notes(name, agent, ran, reply)
    if refused:
        shown = ", ".join(refused[:5]) + (f" and {len(refused) - 5} more" if len(refused) > 5 else "")
        notes += (f"{name} tried to reach {shown}: refused (not in agents.{name}.hosts)",)
    edits = () if problem else found.edits
    if problem is None and not edits:
        problem = f"{name} changed nothing" + (f" ({reply.error})" if reply.error else "")
    seconds = time.monotonic() - began
    return AgentRun(name, edits, reply, problem, notes, seconds, ran.printed, jailed, ran.seconds)


def _run_jailed(
    agent: Agent,
    argv: list[str],
    env: dict[str, str],
    stdin: bytes | None,
    where: Where,
    home: Path,
    jail: Jail | None,
    cancel: threading.Event | None,
) -> tuple[Invocation, tuple[str, ...]]:
    """The agent's run in the jail (network only through the allowlist, the user's repository hidden), and the
    hosts its allowlist refused."""
    with _network(agent, jail) as gate:
        if jail is not None:
            jail = replace(jail, network=bool(agent.network))
            hide = [str(where.work_tree)] if where.work_tree is not None else []
            argv, env = jail.wrap(
                argv, where.copy, env, [str(where.copy), str(home)], _visible(where, env), egress=gate, hide=hide
            )
        try:
            ran = invoke(argv, where.copy, env, stdin=stdin, timeout=agent.timeout, cancel=cancel)
        finally:
            if jail is not None:
                jail.done(env)
        return ran, gate.refused if gate is not None else ()


def _failed(agent: Agent, why: str, began: float) -> AgentRun:
    return AgentRun(agent.name, (), AgentReply(""), f"{agent.name} {why}", (), time.monotonic() - began, 0, False)


def _problem(name: str, agent: Agent, ran: Invocation, problems: Sequence[str]) -> str | None:
    if ran.missing is not None:
        return f"{name} could not start: {agent.program}: {ran.missing} (is it installed and on PATH?)"
    if ran.cancelled:
        return f"{name} was interrupted"
    if ran.timed_out:
        return f"{name} ran out of its {agent.timeout:g} s (agents.{name}.timeout) and was ended with all it started"
    if problems:
        return f"{name}: {problems[0]}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
    if ran.code == 1 and "bwrap: execvp" in ran.stderr:
        return f"{name} could not start in the sandbox: {ran.stderr.strip().splitlines()[-1][:200]}"
    return None


def _notes(name: str, agent: Agent, ran: Invocation, reply: AgentReply) -> tuple[str, ...]:
    notes = []
    if ran.code not in (0, None):
        said = ran.stderr.strip().splitlines()
        notes.append(f"{name} exited with code {ran.code}" + (f": {said[-1][:200]}" if said else ""))
    if reply.error:
        notes.append(f"{name} says it failed: {reply.error}")
    if not reply.parsed:
        notes.append(f"{name}'s output was not {agent.output} as expected; it is kept as text")
    if ran.printed > len(ran.stdout) + 65536:
        notes.append(f"{name} printed {ran.printed} bytes; healer kept the first {len(ran.stdout)}")
    return tuple(notes)


def _argv(agent: Agent, prompt: str, home: Path, files: Sequence[str]) -> tuple[bytes | None, list[str]]:
    argv: list[str] = []
    placed = False
    for word in agent.argv:
        if word == "{files}":
            argv += list(files)
            continue
        if "{prompt_file}" in word:
            target = home / PROMPT_FILE
            target.write_text(prompt, encoding="utf-8")
            word = word.replace("{prompt_file}", str(target))
            placed = True
        if "{prompt}" in word:
            word = word.replace("{prompt}", prompt)
            placed = True
        argv.append(word)
    return (None if placed else prompt.encode()), argv


def _environment(agent: Agent, where: Where, home: Path) -> dict[str, str]:
    env = {"PATH": where.path, "HOME": str(home), "TERM": "dumb", "NO_COLOR": "1", "PWD": str(where.copy)}
    env.update({name: where.environ[name] for name in LOCALE if where.environ.get(name)})
    env.update({name: where.environ[name] for name in agent.env if where.environ.get(name)})
    env.update(dict(agent.fixed_env))
    return env


@contextmanager
def _network(agent: Agent, jail: Jail | None) -> Iterator[Egress | None]:
    """The allowlisting proxy for an agent that may reach only its hosts; None when it reaches all or none."""
    if jail is None or agent.network is not None or not agent.hosts:
        yield None
        return
    with open_egress(agent.hosts) as gate:
        yield gate


def _visible(where: Where, env: Mapping[str, str]) -> list[str]:
    folders = hidden(env) + ([str(where.work_tree)] if where.work_tree is not None else [])
    seen: list[str] = [str(where.work_tree / link) for link in where.links] if where.work_tree is not None else []
    for command in where.stage_commands:
        seen += needed(list(command), where.copy, env, folders)
    return seen


def _hide_denied(copy: Path, tracked: Collection[str], deny: Sequence[str]) -> None:
    """Remove from the copy the files no model may see (`.env`, keys): an agent reads whatever is there."""
    for path in tracked:
        if denied(path, deny):
            (copy / path).unlink(missing_ok=True)
    for name in os.listdir(copy):
        if name not in tracked and denied(name, deny) and os.path.isfile(copy / name):
            (copy / name).unlink(missing_ok=True)


@contextmanager
def _private_home(agent: Agent, environ: Mapping[str, str]) -> Iterator[Path]:
    """A home folder of the agent's own: its login files copied in, the rest of the user's home out of reach."""
    real = environ.get("HOME") or os.path.expanduser("~")
    home = Path(tempfile.mkdtemp(prefix=f"healer-agent-{agent.name}-"))
    try:
        for wanted in agent.home:
            source = Path(real) / wanted.removeprefix("~/")
            target = home / wanted.removeprefix("~/")
            try:
                if source.is_file() and source.stat().st_size <= HOME_FILE_CAP:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, target)
                    target.chmod(0o600)
            except OSError:
                continue  # unreadable: the agent says it is not logged in, in its own words
        yield home
    finally:
        shutil.rmtree(home, ignore_errors=True)
