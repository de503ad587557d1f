"""The resolved pipeline configuration as plain, immutable data.

Records on the path of every run are `typing.NamedTuple`s rather than
dataclasses: on Python 3.11 importing `dataclasses` and defining a class with
it costs about 30 ms for healer's records, and a hook that finds nothing to do
must answer in tens of milliseconds. NamedTuples are just as typed and immutable.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any, Literal, NamedTuple

StageKind = Literal["lint", "format", "typecheck", "test", "build", "security", "other"]
STAGE_KINDS: tuple[str, ...] = ("lint", "format", "typecheck", "test", "build", "security", "other")

GateOp = Literal["min", "max"]


class Gate(NamedTuple):
    """A metric read from a stage's output (or a report file) that must meet a threshold."""

    metric: str
    pattern: str
    """Regular expression whose first group is the metric's number."""
    minimum: float | None = None
    maximum: float | None = None
    file: str | None = None
    """Read the metric from this file (relative to the stage's directory) instead of the output."""


class Stage(NamedTuple):
    """One check of the pipeline, as the user configured it (or as detection proposed it)."""

    name: str
    run: tuple[str, ...] | str
    """An argv, or a command line: split like a POSIX shell unless `shell` is true."""
    kind: str = "other"
    shell: bool = False
    inputs: tuple[str, ...] = ()
    """Globs of the files that matter to the stage; empty means every file."""
    needs: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    env_inputs: tuple[str, ...] = ()
    """Names of environment variables whose values change the stage's result."""
    versions: tuple[str, ...] = ()
    """Commands whose output identifies the tool versions the stage depends on."""
    timeout: float | None = None
    fix: tuple[str, ...] | str | None = None
    parser: str | None = None
    gate: Gate | None = None
    cwd: str | None = None
    cache: bool = True
    isolate: bool = False
    """Run in a throwaway copy even where the working tree is checked in place: the stage checks by rewriting
    files (a pre-commit fixer hook), and what it rewrote there is its finding (healer.pipeline.private_copy)."""
    hooks: tuple[str, ...] = ()
    """The git hooks that run it ("pre-commit", "pre-push"); empty: both (a pre-commit config's hook limited to
    `stages: [pre-push]` says so). `healer run`, watch and CI run every stage."""
    files: str = "whole"
    """"each": the command is given the files its `inputs` select (at `{files}` in `run`, else appended), in
    batches, and each file's result is cached on its own (healer.pipeline.per_file); "whole": it checks the
    project itself and is cached as one result."""

    def argv(self) -> list[str]:
        """The command to execute."""
        return _argv(self.run, self.shell)

    def fix_argv(self) -> list[str] | None:
        return None if self.fix is None else _argv(self.fix, self.shell)

    def command_line(self) -> str:
        """The command as a person would type it."""
        return self.run if isinstance(self.run, str) else shlex.join(self.run)

    def to_dict(self) -> dict[str, Any]:
        """Every key resolved, as JSON-ready data (used by `healer stages --json` and the cache key)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "command": self.command_line(),
            "argv": self.argv(),
            "shell": self.shell,
            "inputs": list(self.inputs),
            "needs": list(self.needs),
            "env": dict(self.env),
            "env_inputs": list(self.env_inputs),
            "versions": list(self.versions),
            "timeout": self.timeout,
            "fix": None if self.fix is None else (self.fix if isinstance(self.fix, str) else list(self.fix)),
            "parser": self.parser,
            "cwd": self.cwd,
            "cache": self.cache,
            "isolate": self.isolate,
            "hooks": list(self.hooks),
            "files": self.files,
            "gate": None
            if self.gate is None
            else {
                "metric": self.gate.metric,
                "pattern": self.gate.pattern,
                "min": self.gate.minimum,
                "max": self.gate.maximum,
                "file": self.gate.file,
            },
        }


def _argv(run: tuple[str, ...] | str, shell: bool) -> list[str]:
    if shell:
        line = run if isinstance(run, str) else shlex.join(run)
        return ["/bin/sh", "-c", line]
    return shlex.split(run) if isinstance(run, str) else list(run)


FILES_MODES: tuple[str, ...] = ("whole", "each")
"""`files`: a stage checks the project as a whole, or is given its files and cached per file."""


HookApply = Literal["off", "safe"]
HOOK_APPLY: tuple[str, ...] = ("off", "safe")


PRE_PUSH: tuple[str, ...] = ("every-commit", "tips")
"""`pre_push`: the pre-push hook checks every commit a push brings to the remote, or only each pushed ref's tip."""


class FixSettings(NamedTuple):
    """`[tool.healer.fix]`: the limits healer keeps to when it proposes and applies fixes."""

    protected: tuple[str, ...] = ()
    """Globs of files no fix may touch."""
    max_file_bytes: int = 1048576
    """A fix that would leave a file larger than this is refused."""
    rounds: int = 5
    """At most this many rounds of fix and recheck."""
    hook_apply: str = "off"
    """"safe": the pre-commit hook applies verified safe fixes and stages them; "off": it only reports."""
    time_per_failure: float | None = None
    """Seconds of verification one failure may take, all its candidates together; when they are spent, its
    remaining candidates are reported as not verified (a hanging or very slow suite cannot hold a fix forever).
    None: 60 s, or twice the slowest stage of the failing run if that is longer (see healer.fixing.verification)."""


class LLMSettings(NamedTuple):
    """`[tool.healer.llm]`: the model the fixer asks, and the limits it keeps to. No model, no call."""

    model: str | None = None
    """A litellm model string: "ollama/qwen2.5-coder", "openai/gpt-4o-mini", "anthropic/claude-...", ..."""
    api_base: str | None = None
    """An OpenAI-compatible server or a local one (ollama's http://127.0.0.1:11434)."""
    api_key_env: str | None = None
    """The environment variable holding the key; unset: the provider's usual one (OPENAI_API_KEY, ...)."""
    timeout: float = 30.0
    """Seconds per request (litellm's own default, 600 s, would hold a commit for ten minutes)."""
    max_attempts: int = 3
    """Fix attempts per failure; each sees why the previous one failed verification."""
    retries: int = 2
    """Retries of a request that timed out, was rate limited or met a provider error."""
    budget_per_run: float = 0.25
    """Dollars one healer command may spend."""
    budget_per_day: float = 2.0
    """Dollars all healer commands may spend from local midnight."""
    temperature: float = 0.0
    fallbacks: tuple[str, ...] = ()
    """Models asked, in order, when the previous one cannot answer."""
    max_prompt_tokens: int = 6000
    max_reply_tokens: int = 2048
    deny: tuple[str, ...] = ()
    """Globs of files never sent to a model, beyond the built-in ones (.env*, *.pem, id_*, ...)."""
    hooks: bool = False
    """True: the git hooks ask the model too (slower commits); false: hooks use rules and past fixes only."""


SANDBOX_MODES: tuple[str, ...] = ("auto", "required", "off")
"""`sandbox.mode`: jail untrusted code when the OS offers a sandbox, always (else verify nothing), or never."""


class SandboxSettings(NamedTuple):
    """`[tool.healer.sandbox]`: the OS sandbox in which the checks of an untrusted patch (a model's) run."""

    mode: str = "auto"
    """"auto": jailed where a sandbox works, else such patches are shown unverified and never applied;
    "required": the same, and a fix that would need one fails when none works; "off": run them unjailed."""
    read: tuple[str, ...] = ()
    """Paths the jailed checks may read that the sandbox hides (the home folder is hidden): tool caches, a
    virtualenv outside the repository. Absolute, or starting with `~/`."""
    write: tuple[str, ...] = ()
    """Paths they may also write, beyond their copy: whatever untrusted code writes there stays."""
    network: bool = False
    """True: the jailed checks reach the network; false: only a loopback of their own."""


class AgentSettings(NamedTuple):
    """`[tool.healer.agents.NAME]`: a coding-agent CLI healer may ask to fix failures (healer.agents)."""

    name: str
    preset: str | None = None
    """A known CLI (healer.agents.presets: claude, codex, gemini, aider, opencode, copilot), or None with `command`."""
    command: tuple[str, ...] = ()
    """The argv template, with `{prompt}` or `{prompt_file}` where the prompt goes (no placeholder: on stdin);
    empty: the preset's."""
    output: str | None = None
    """How to read what it prints (healer.agents.output: claude-json, codex-jsonl, gemini-json, text); None: the
    preset's, else text."""
    timeout: float = 600.0
    """Seconds one run of it may take; then its whole process group is ended."""
    max_attempts: int = 2
    """Runs of it per group of failures, each told why the last did not pass."""
    env: tuple[str, ...] = ()
    """Names of environment variables passed to it (its API key); nothing else of the user's environment is."""
    cost_from: str | None = None
    """Where its JSON output says what the run cost, as a dotted path (`total_cost_usd`, `usage.cost`)."""
    network: bool | None = None
    """True: it reaches any host; false: none; None: only `hosts`."""
    hosts: tuple[str, ...] = ()
    """The hosts it may reach when `network` is None (empty: the preset's)."""
    home: tuple[str, ...] = ()
    """Files and folders of the home folder copied into its private home (its login); empty: the preset's."""


WORKFLOW_KINDS: tuple[str, ...] = ("sequential", "parallel", "iterative")
STEP_ROLES: tuple[str, ...] = ("implement", "review", "refine")


class WorkflowStep(NamedTuple):
    agent: str
    role: str = "implement"
    """implement: make a fix; review: judge the last one (approve, or say what to change); refine: improve it."""


class WorkflowSettings(NamedTuple):
    """`[tool.healer.workflows.NAME]`: how agents work together on the same failures (healer.fixers.workflow)."""

    name: str
    kind: str
    """sequential (steps in order), parallel (every agent on the same failures, best verified first), iterative
    (one agent told each verdict until it passes)."""
    steps: tuple[WorkflowStep, ...] = ()
    """sequential: the steps; parallel: one implement step per agent; iterative: one."""
    max_attempts: int | None = None
    """iterative: runs of the agent (None: the agent's own max_attempts); other kinds: runs in all."""
    timeout: float | None = None
    """Seconds the whole workflow may take for one group of failures (None: no limit beyond each agent's)."""


WEBHOOK_FORMATS: tuple[str, ...] = ("slack", "json")
"""`notify.webhook.format`: Slack-compatible `{"text": ..., "blocks": [...]}`, or healer's own JSON body."""


class WebhookSettings(NamedTuple):
    """`[tool.healer.notify.webhook]`: where `healer ci` posts its result."""

    url: str | None = None
    """The URL; a Slack webhook's URL is itself a secret, so `url_env` is the better place for one."""
    url_env: str | None = None
    """The environment variable holding the URL (a CI secret)."""
    format: str = "slack"
    timeout: float = 10.0


class EmailSettings(NamedTuple):
    """`[tool.healer.notify.email]`: who `healer ci` mails its result to, through which SMTP server."""

    host: str
    sender: str
    """`from` in the configuration."""
    to: tuple[str, ...]
    port: int = 587
    starttls: bool = True
    """True: the connection is encrypted (STARTTLS, the server's certificate checked) before anything is sent;
    a server that does not offer it gets nothing."""
    user: str | None = None
    password_env: str | None = None
    """The environment variable holding the password (never the password itself)."""
    timeout: float = 10.0


class NotifySettings(NamedTuple):
    """`[tool.healer.notify]`: telling people when a stage goes red or green again (healer.notify)."""

    desktop: bool = False
    """True: watch mode and the TUI show a desktop notification when a stage goes red, and green again."""
    rate_limit: float = 3600.0
    """Seconds within which a failure (by fingerprint) is told once per channel; 0: every time."""
    webhook: WebhookSettings | None = None
    email: EmailSettings | None = None


BLOCK: tuple[str, ...] = ("all", "new")
"""`block`: every failure blocks, or only the diagnostics the base does not have (healer.pipeline.baseline)."""


class BlockSettings(NamedTuple):
    """`block` and `base` in `[tool.healer]`: which findings stop a commit, a push or a run."""

    block: str = "all"
    """"new": a diagnostic blocks only when the base does not have it (adopting healer in a repository that
    already has findings); "all": every failure blocks."""
    base: str | None = None
    """The ref whose findings are pre-existing (its merge-base with what is checked), such as "origin/main";
    None: the merge-base with the upstream branch (pre-push: what the remote has; CI: a pull request's base)."""


class Project(NamedTuple):
    """One project of a monorepo (`workspaces`, healer.config.workspaces): its folder and its qualified stages."""

    name: str
    """What its stages' names start with (`api` in `api:test`): the folder's name, or the `name` given."""
    folder: str
    """Its folder, relative to the repository root (POSIX)."""
    source: str
    """Where its stages came from: its own configuration file, or "detected" (in its folder)."""
    stages: tuple[str, ...] = ()
    """The qualified names of its stages, in pipeline order."""


REMOTE_CACHE_MODES: tuple[str, ...] = ("read", "read-write")
"""`remote_cache.mode`: only take results from the server (developers), or also put there those run (CI)."""


class RemoteCacheSettings(NamedTuple):
    """`[tool.healer.remote_cache]`: stage results shared through a Bazel remote-cache HTTP server
    (bazel-remote, BuildBuddy, an nginx WebDAV location; healer.cache.remote)."""

    url: str | None = None
    """The server's base URL (`/ac/` and `/cas/` are below it)."""
    url_env: str | None = None
    """The environment variable holding the URL instead (one with credentials in it); unset: no remote cache."""
    mode: str = "read"
    """"read" or "read-write"; the environment variable HEALER_REMOTE_CACHE (off, read, read-write) overrides it."""
    header: str = "Authorization"
    """The request header `token_env`'s value is sent in (BuildBuddy: x-buildbuddy-api-key)."""
    token_env: str | None = None
    """The environment variable holding that header's whole value (never the token itself in configuration)."""
    timeout: float = 5.0
    """Seconds to wait for an answer."""
    connect_timeout: float = 0.08
    """Seconds to wait for a connection: a server that is down costs a run this much, once."""


class Config(NamedTuple):
    """The pipeline for one repository."""

    stages: tuple[Stage, ...]
    source: str
    """Where the stages came from: a file path, or "detected"."""
    path: Path | None = None
    jobs: int | None = None
    notes: tuple[str, ...] = ()
    """Remarks from detection (what was found and where), shown by `healer stages`."""
    links: tuple[str, ...] = ()
    """Untracked paths (a virtualenv, node_modules) made visible in the shadow tree where hooks run."""
    fix: FixSettings = FixSettings()
    llm: LLMSettings = LLMSettings()
    history: bool = True
    """False: nothing about this repository's runs and fixes is recorded in the knowledge base
    (the content-keyed result cache still is; it holds no history)."""
    pre_push: str = "every-commit"
    """"tips": the pre-push hook checks only the newest commit of each pushed ref (see PRE_PUSH)."""
    sandbox: SandboxSettings = SandboxSettings()
    agents: tuple[AgentSettings, ...] = ()
    workflows: tuple[WorkflowSettings, ...] = ()
    notify: NotifySettings = NotifySettings()
    blocking: BlockSettings = BlockSettings()
    projects: tuple[Project, ...] = ()
    """The projects of a monorepo, whose stages (qualified `name:stage`) follow the root's own in `stages`."""
    remote_cache: RemoteCacheSettings | None = None
    """A shared result cache on a server; None: results stay on this machine."""

    def agent(self, name: str) -> AgentSettings | None:
        return next((agent for agent in self.agents if agent.name == name), None)

    def workflow(self, name: str) -> WorkflowSettings | None:
        return next((flow for flow in self.workflows if flow.name == name), None)

    def stage(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(stage.name for stage in self.stages)
