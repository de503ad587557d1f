"""Validation of raw TOML data into a `Config`: every key checked, every error named."""

from __future__ import annotations

import difflib
import math
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from healer.agents.presets import OUTPUTS, PRESETS
from healer.config.errors import ConfigError
from healer.config.settings import (
    BLOCK,
    FILES_MODES,
    HOOK_APPLY,
    PRE_PUSH,
    REMOTE_CACHE_MODES,
    SANDBOX_MODES,
    STAGE_KINDS,
    STEP_ROLES,
    WEBHOOK_FORMATS,
    WORKFLOW_KINDS,
    AgentSettings,
    BlockSettings,
    Config,
    EmailSettings,
    FixSettings,
    Gate,
    LLMSettings,
    NotifySettings,
    RemoteCacheSettings,
    SandboxSettings,
    Stage,
    WebhookSettings,
    WorkflowSettings,
    WorkflowStep,
)
from healer.globs import check as check_glob

STAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

TOP_KEYS = (
    "stages", "jobs", "link", "fix", "llm", "history", "pre_push", "sandbox", "agents", "workflows", "notify",
    "block", "base",
    "remote_cache",
    "workspaces",
)  # fmt: skip
STAGE_KEYS = (
    "run", "kind", "shell", "inputs", "needs", "env", "env_inputs", "versions",
    "timeout", "fix", "parser", "gate", "cwd", "cache", "isolate", "hooks",
    "files",
)  # fmt: skip
GATE_KEYS = ("metric", "pattern", "min", "max", "file")
SANDBOX_KEYS = ("mode", "read", "write", "network")
FIX_KEYS = ("protected", "max_file_bytes", "rounds", "hook_apply", "time_per_failure")
LLM_KEYS = (
    "model", "api_base", "api_key_env", "timeout", "max_attempts", "retries", "budget_per_run", "budget_per_day",
    "temperature", "fallbacks", "max_prompt_tokens", "max_reply_tokens", "deny", "hooks",
)  # fmt: skip
AGENT_KEYS = (
    "preset", "command", "output", "timeout", "max_attempts", "env", "cost_from", "network", "hosts", "home",
)  # fmt: skip
WORKFLOW_KEYS = ("kind", "steps", "agents", "agent", "max_attempts", "timeout")
NOTIFY_KEYS = ("desktop", "rate_limit", "webhook", "email")
WEBHOOK_KEYS = ("url", "url_env", "format", "timeout")
EMAIL_KEYS = ("host", "port", "starttls", "user", "password_env", "from", "to", "timeout")
REMOTE_CACHE_KEYS = ("url", "url_env", "mode", "header", "token_env", "timeout", "connect_timeout")
HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+$")
HOST = re.compile(
    r"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$"
)
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Metrics a gate can read without a pattern: the line each well-known tool prints.
KNOWN_METRICS = {
    # coverage.py / pytest-cov: "TOTAL    120    12    90%" (branch columns optional)
    "coverage": r"^TOTAL\b.*?(\d+(?:\.\d+)?)%\s*$",
}

GIT_HOOKS = ("pre-commit", "pre-push")
"""The git hooks a stage may be limited to (`hooks`)."""


def _close(word: str, choices: Sequence[str]) -> list[str]:
    return difflib.get_close_matches(word, choices, n=1)


class _Validator:
    def __init__(self, path: Path, text: str, prefix: str) -> None:
        self.path = path
        self.text = text
        self.prefix = prefix

    def fail(self, key: str, problem: str, *, search: str | None = None) -> ConfigError:
        return ConfigError(self.path, self.full(key), problem, self.line_of(search or key))

    def full(self, key: str) -> str:
        if not key:
            return self.prefix
        return f"{self.prefix}.{key}" if self.prefix else key

    def line_of(self, key: str) -> int | None:
        """Best-effort line number of a key; tomllib does not report positions.

        A key is looked for as its own table header first, then as an
        assignment inside the nearest enclosing table that has a header.
        """
        lines = self.text.splitlines()
        parts = key.split(".") if key else []
        for cut in range(len(parts), -1, -1):
            table, rest = parts[:cut], parts[cut:]
            start = 0
            if table or self.prefix:
                start_line = self._header_line(lines, self.full(".".join(table)))
                if start_line is None:
                    continue
                if not rest:
                    return start_line
                start = start_line
            if not rest:
                continue
            leaf = re.compile(rf"^\s*[\"']?{re.escape(rest[0])}[\"']?\s*[=.]")
            for number in range(start, len(lines)):
                if lines[number].lstrip().startswith("["):
                    break  # the next table: the key is not in this one
                if leaf.match(lines[number]):
                    return number + 1
        return None

    @staticmethod
    def _header_line(lines: list[str], table: str) -> int | None:
        header = re.compile(rf"^\s*\[+\s*{re.escape(table)}\s*\]+")
        for number, line in enumerate(lines, 1):
            if header.match(line):
                return number
        return None

    def check_keys(self, table: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
        for key in table:
            if key not in allowed:
                close = _close(key, allowed)
                hint = f" (did you mean '{close[0]}'?)" if close else f"; known keys: {', '.join(allowed)}"
                raise self.fail(f"{where}.{key}" if where else key, f"unknown key{hint}")


def _expect(v: _Validator, key: str, value: Any, check: Callable[[Any], bool], what: str) -> None:
    if not check(value):
        raise v.fail(key, f"expected {what}, got {describe_value(value)}")


def describe_value(value: Any) -> str:
    """A TOML/YAML value as an error message names it ("string 'x'", "an array")."""
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, int | float):
        return f"number {value}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if value is None:
        return "nothing"
    return type(value).__name__


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _command(v: _Validator, key: str, value: Any) -> tuple[str, ...] | str:
    if isinstance(value, str):
        if not value.strip():
            raise v.fail(key, "the command is empty")
        try:
            shlex.split(value)
        except ValueError as error:
            raise v.fail(key, f"cannot split the command line: {error}") from None
        return value
    if _is_str_list(value):
        if not value or not value[0]:
            raise v.fail(key, "the command is empty")
        return tuple(value)
    raise v.fail(key, f"expected a command (string or array of strings), got {describe_value(value)}")


def _gate(v: _Validator, where: str, raw: Any) -> Gate:
    _expect(v, where, raw, lambda x: isinstance(x, dict), "a table")
    v.check_keys(raw, GATE_KEYS, where)
    metric = raw.get("metric")
    _expect(v, f"{where}.metric", metric, lambda x: isinstance(x, str) and bool(x), "a metric name")
    pattern = raw.get("pattern", KNOWN_METRICS.get(metric))
    if pattern is None:
        known = ", ".join(KNOWN_METRICS)
        raise v.fail(
            f"{where}.pattern",
            f"metric '{metric}' is not built in ({known}); give a `pattern` whose first group is the number",
            search=where,
        )
    _expect(v, f"{where}.pattern", pattern, lambda x: isinstance(x, str), "a regular expression")
    try:
        compiled = re.compile(pattern, re.MULTILINE)
    except re.error as error:
        raise v.fail(f"{where}.pattern", f"invalid regular expression: {error}") from None
    if compiled.groups < 1:
        raise v.fail(f"{where}.pattern", "the pattern needs a group that captures the number")
    bounds: dict[str, float | None] = {}
    for name in ("min", "max"):
        value = raw.get(name)
        if value is not None:
            number = lambda x: isinstance(x, int | float) and not isinstance(x, bool)  # noqa: E731
            _expect(v, f"{where}.{name}", value, number, "a number")
        bounds[name] = None if value is None else float(value)
    if bounds["min"] is None and bounds["max"] is None:
        raise v.fail(where, "a gate needs `min` or `max`")
    file = raw.get("file")
    if file is not None:
        _expect(v, f"{where}.file", file, lambda x: isinstance(x, str) and bool(x), "a file path")
    return Gate(metric, pattern, bounds["min"], bounds["max"], file)


def _stage(v: _Validator, name: str, raw: Any, parsers: tuple[str, ...]) -> Stage:
    where = f"stages.{name}"
    if not STAGE_NAME.match(name):
        raise v.fail(where, "a stage name uses letters, digits, '.', '_' and '-' only")
    _expect(v, where, raw, lambda x: isinstance(x, dict), "a table")
    v.check_keys(raw, STAGE_KEYS, where)
    if "run" not in raw:
        raise v.fail(f"{where}.run", "missing: the command this stage runs", search=where)
    run = _command(v, f"{where}.run", raw["run"])
    kind = raw.get("kind", "other")
    if kind not in STAGE_KINDS:
        close = _close(str(kind), STAGE_KINDS)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise v.fail(f"{where}.kind", f"unknown kind {kind!r}{hint}; one of {', '.join(STAGE_KINDS)}")
    shell = raw.get("shell", False)
    _expect(v, f"{where}.shell", shell, lambda x: isinstance(x, bool), "true or false")
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("inputs", "needs", "env_inputs", "versions"):
        value = raw.get(key, [])
        _expect(v, f"{where}.{key}", value, _is_str_list, "an array of strings")
        lists[key] = tuple(value)
    for name in lists["env_inputs"]:
        if not ENV_NAME.match(name):
            raise v.fail(f"{where}.env_inputs", f"{name!r} is not an environment variable name")
    for pattern in lists["inputs"]:
        problem = check_glob(pattern)
        if problem:
            raise v.fail(f"{where}.inputs", problem)
    env = raw.get("env", {})
    _expect(v, f"{where}.env", env, lambda x: isinstance(x, dict), "a table of strings")
    for key, value in env.items():
        if not ENV_NAME.match(key):
            # "A=B" as a name would reach the process as the variable A with the value "B=...".
            raise v.fail(
                f"{where}.env", f"{key!r} is not an environment variable name (letters, digits and '_', "
                "not starting with a digit)",
            )  # fmt: skip
        _expect(v, f"{where}.env.{key}", value, lambda x: isinstance(x, str), "a string")
    timeout = raw.get("timeout")
    if timeout is not None:
        positive = lambda x: isinstance(x, int | float) and not isinstance(x, bool) and 0 < x < math.inf  # noqa: E731
        _expect(v, f"{where}.timeout", timeout, positive, "a positive number of seconds")
    fix = raw.get("fix")
    fix_command = None if fix is None else _command(v, f"{where}.fix", fix)
    parser = raw.get("parser")
    if parser is not None and parser not in parsers:
        close = _close(str(parser), parsers)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise v.fail(f"{where}.parser", f"unknown parser {parser!r}{hint}; one of {', '.join(parsers)}")
    cwd = raw.get("cwd")
    if cwd is not None:
        relative = lambda x: isinstance(x, str) and bool(x) and not Path(x).is_absolute() and ".." not in Path(x).parts  # noqa: E731
        _expect(v, f"{where}.cwd", cwd, relative, "a folder inside the repository")
    cache = raw.get("cache", True)
    _expect(v, f"{where}.cache", cache, lambda x: isinstance(x, bool), "true or false")
    isolate = raw.get("isolate", False)
    _expect(v, f"{where}.isolate", isolate, lambda x: isinstance(x, bool), "true or false")
    hooks = raw.get("hooks", [])
    known_hooks = lambda x: isinstance(x, list) and all(h in GIT_HOOKS for h in x)  # noqa: E731
    _expect(v, f"{where}.hooks", hooks, known_hooks, f"a list of {' and '.join(GIT_HOOKS)}")
    gate = None if "gate" not in raw else _gate(v, f"{where}.gate", raw["gate"])
    files = raw.get("files", "whole")
    _per_file(v, where, files, run, lists["inputs"], shell=shell, isolate=isolate, gate=gate is not None)
    return Stage(
        name=name,
        run=run,
        kind=kind,
        shell=shell,
        inputs=lists["inputs"],
        needs=lists["needs"],
        env=tuple(sorted(env.items())),
        env_inputs=lists["env_inputs"],
        versions=lists["versions"],
        timeout=None if timeout is None else float(timeout),
        fix=fix_command,
        parser=parser,
        gate=gate,
        cwd=cwd,
        cache=cache,
        isolate=isolate,
        hooks=tuple(dict.fromkeys(hooks)),
        files=files,
    )


def _per_file(
    v: _Validator,
    where: str,
    files: Any,
    run: tuple[str, ...] | str,
    inputs: tuple[str, ...],
    *,
    shell: bool,
    isolate: bool,
    gate: bool,
) -> None:
    """`files`: "whole" or "each"; a per-file stage needs globs that select its files, and no whole-run gate."""
    _one_of(v, f"{where}.files", files, FILES_MODES)
    if files == "whole":
        if any("{files}" in part for part in ([run] if isinstance(run, str) else run)):
            raise v.fail(f"{where}.run", '{files} is replaced only in a stage with files = "each"')
        return
    selectors = [p for p in inputs if any(c in p.rstrip("/").rsplit("/", 1)[-1] for c in "*?[")]
    if not selectors:
        raise v.fail(
            f"{where}.files", 'files = "each" needs inputs with a glob that selects the files to check, such as "*.py"'
        )
    if isolate or gate:
        other = "isolate" if isolate else "gate"
        raise v.fail(f"{where}.files", f'files = "each" cannot be combined with {other} (it judges the whole run)')
    parts = [] if isinstance(run, str) and shell else shlex.split(run) if isinstance(run, str) else list(run)
    if any("{files}" in part and part != "{files}" for part in parts):
        raise v.fail(f"{where}.run", "{files} must be an argument of its own")


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _globs(v: _Validator, key: str, value: Any) -> list[str]:
    """An array of valid globs, or a one-line error naming `key`."""
    _expect(v, key, value, _is_str_list, "an array of globs")
    for pattern in value:
        problem = check_glob(pattern)
        if problem:
            raise v.fail(key, problem)
    return list(value)


def _fix(v: _Validator, raw: Any) -> FixSettings:
    _expect(v, "fix", raw, lambda x: isinstance(x, dict), "a table")
    v.check_keys(raw, FIX_KEYS, "fix")
    defaults = FixSettings()
    protected = _globs(v, "fix.protected", raw.get("protected", []))
    max_file_bytes = raw.get("max_file_bytes", defaults.max_file_bytes)
    _expect(
        v, "fix.max_file_bytes", max_file_bytes, lambda x: _is_whole(x) and x > 0, "a positive whole number of bytes"
    )
    rounds = raw.get("rounds", defaults.rounds)
    _expect(v, "fix.rounds", rounds, lambda x: _is_whole(x) and x >= 1, "a whole number of at least 1")
    hook_apply = raw.get("hook_apply", defaults.hook_apply)
    if hook_apply not in HOOK_APPLY:
        close = _close(str(hook_apply), HOOK_APPLY)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise v.fail("fix.hook_apply", f"unknown value {hook_apply!r}{hint}; one of {', '.join(HOOK_APPLY)}")
    budget = raw.get("time_per_failure")
    if budget is not None:
        positive = lambda x: _number(x) and 0 < x < math.inf  # noqa: E731
        _expect(v, "fix.time_per_failure", budget, positive, "a positive number of seconds")
    return FixSettings(
        protected=tuple(protected),
        max_file_bytes=max_file_bytes,
        rounds=rounds,
        hook_apply=hook_apply,
        time_per_failure=None if budget is None else float(budget),
    )


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _llm(v: _Validator, raw: Any) -> LLMSettings:
    _expect(v, "llm", raw, lambda x: isinstance(x, dict), "a table")
    v.check_keys(raw, LLM_KEYS, "llm")
    defaults = LLMSettings()
    model = raw.get("model")
    if model is not None:
        _expect(v, "llm.model", model, _text, 'a litellm model name, such as "ollama/qwen2.5-coder"')
    api_base = raw.get("api_base")
    if api_base is not None:
        _expect(
            v, "llm.api_base", api_base, lambda x: _text(x) and "://" in x, 'a URL, such as "http://127.0.0.1:11434"'
        )
    key_env = raw.get("api_key_env")
    if key_env is not None:
        _expect(v, "llm.api_key_env", key_env, lambda x: isinstance(x, str) and bool(ENV_NAME.match(x)),
                "the name of an environment variable (keys are never written in configuration)")  # fmt: skip
    timeout = raw.get("timeout", defaults.timeout)
    _expect(v, "llm.timeout", timeout, lambda x: _number(x) and 0 < x <= 3600, "a number of seconds (0 to 3600)")
    attempts = raw.get("max_attempts", defaults.max_attempts)
    _expect(v, "llm.max_attempts", attempts, lambda x: _is_whole(x) and 1 <= x <= 20, "a whole number from 1 to 20")
    retries = raw.get("retries", defaults.retries)
    _expect(v, "llm.retries", retries, lambda x: _is_whole(x) and 0 <= x <= 10, "a whole number from 0 to 10")
    per_run = raw.get("budget_per_run", defaults.budget_per_run)
    _expect(v, "llm.budget_per_run", per_run, lambda x: _number(x) and x >= 0, "a number of dollars (0 or more)")
    per_day = raw.get("budget_per_day", defaults.budget_per_day)
    _expect(v, "llm.budget_per_day", per_day, lambda x: _number(x) and x >= 0, "a number of dollars (0 or more)")
    temperature = raw.get("temperature", defaults.temperature)
    _expect(v, "llm.temperature", temperature, lambda x: _number(x) and 0 <= x <= 2, "a number from 0 to 2")
    fallbacks = raw.get("fallbacks", [])
    _expect(v, "llm.fallbacks", fallbacks, lambda x: _is_str_list(x) and all(map(_text, x)), "an array of model names")
    prompt_cap = raw.get("max_prompt_tokens", defaults.max_prompt_tokens)
    _expect(
        v, "llm.max_prompt_tokens", prompt_cap, lambda x: _is_whole(x) and x >= 500, "a whole number of at least 500"
    )
    reply_cap = raw.get("max_reply_tokens", defaults.max_reply_tokens)
    _expect(v, "llm.max_reply_tokens", reply_cap, lambda x: _is_whole(x) and x >= 100, "a whole number of at least 100")
    deny = _globs(v, "llm.deny", raw.get("deny", []))
    hooks = raw.get("hooks", defaults.hooks)
    _expect(v, "llm.hooks", hooks, lambda x: isinstance(x, bool), "true or false")
    return LLMSettings(
        model=model.strip() if model else None,
        api_base=api_base,
        api_key_env=key_env,
        timeout=float(timeout),
        max_attempts=attempts,
        retries=retries,
        budget_per_run=float(per_run),
        budget_per_day=float(per_day),
        temperature=float(temperature),
        fallbacks=tuple(fallbacks),
        max_prompt_tokens=prompt_cap,
        max_reply_tokens=reply_cap,
        deny=tuple(deny),
        hooks=hooks,
    )


def _sandbox(v: _Validator, raw: Any) -> SandboxSettings:
    _expect(v, "sandbox", raw, lambda x: isinstance(x, dict), "a table")
    v.check_keys(raw, SANDBOX_KEYS, "sandbox")
    mode = raw.get("mode", "auto")
    if mode not in SANDBOX_MODES:
        close = _close(str(mode), SANDBOX_MODES)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise v.fail("sandbox.mode", f"unknown value {mode!r}{hint}; one of {', '.join(SANDBOX_MODES)}")
    paths = {}
    for key in ("read", "write"):
        value = raw.get(key, [])
        _expect(v, f"sandbox.{key}", value, _is_str_list, 'an array of paths, such as ["~/.cache/pre-commit"]')
        for path in value:
            if not (path.startswith("~/") or Path(path).is_absolute()) or ".." in Path(path).parts:
                raise v.fail(f"sandbox.{key}", f"{path!r} is not an absolute path or one starting with '~/'")
        paths[key] = tuple(value)
    network = raw.get("network", False)
    _expect(v, "sandbox.network", network, lambda x: isinstance(x, bool), "true or false")
    return SandboxSettings(mode=mode, read=paths["read"], write=paths["write"], network=network)


def _one_of(v: _Validator, key: str, value: Any, choices: Sequence[str]) -> None:
    if value not in choices:
        close = _close(str(value), choices)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise v.fail(key, f"unknown value {value!r}{hint}; one of {', '.join(choices)}")


def _agent(v: _Validator, name: str, raw: Any) -> AgentSettings:
    where = f"agents.{name}"
    _expect(v, where, raw, lambda x: isinstance(x, dict), "a table")
    v.check_keys(raw, AGENT_KEYS, where)
    if not STAGE_NAME.match(name) or name in ("model", "rules", "replay"):
        raise v.fail(where, "an agent's name is letters, digits, '_', '-' or '.', and not model, rules or replay")
    preset, command = raw.get("preset"), raw.get("command")
    if preset is not None:
        _one_of(v, f"{where}.preset", preset, sorted(PRESETS))
    if command is not None:
        words = command
        if isinstance(command, str):
            try:
                words = shlex.split(command)
            except ValueError as error:
                raise v.fail(f"{where}.command", f"cannot split the command: {error}") from None
        _expect(v, f"{where}.command", words, lambda x: _is_str_list(x) and bool(x) and all(x),
                'a command, such as ["my-agent", "--message", "{prompt}"]')  # fmt: skip
        command = tuple(words)
    if preset is None and command is None:
        raise v.fail(where, f"give a preset ({', '.join(sorted(PRESETS))}) or a command")
    output = raw.get("output")
    if output is not None:
        _one_of(v, f"{where}.output", output, OUTPUTS)
    defaults = AgentSettings(name)
    timeout = raw.get("timeout", defaults.timeout)
    _expect(v, f"{where}.timeout", timeout, lambda x: _number(x) and 0 < x <= 86400, "a number of seconds")
    attempts = raw.get("max_attempts", defaults.max_attempts)
    _expect(v, f"{where}.max_attempts", attempts, lambda x: _is_whole(x) and 1 <= x <= 20, "a whole number, 1 to 20")
    env = raw.get("env", [])
    _expect(v, f"{where}.env", env, lambda x: _is_str_list(x) and all(ENV_NAME.match(n) for n in x),
            'an array of environment variable names, such as ["ANTHROPIC_API_KEY"]')  # fmt: skip
    cost_from = raw.get("cost_from")
    if cost_from is not None:
        _expect(v, f"{where}.cost_from", cost_from, lambda x: _text(x) and all(x.split(".")),
                'a dotted path into its JSON output, such as "usage.cost"')  # fmt: skip
    network = raw.get("network")
    if network is not None:
        _expect(v, f"{where}.network", network, lambda x: isinstance(x, bool), "true or false")
    hosts = raw.get("hosts", [])
    _expect(v, f"{where}.hosts", hosts, lambda x: _is_str_list(x) and all(HOST.match(h) for h in x),
            'an array of host names, such as ["api.anthropic.com", "*.openai.com"]')  # fmt: skip
    home = raw.get("home", [])
    _expect(v, f"{where}.home", home, lambda x: _is_str_list(x) and all(h.startswith("~/") for h in x),
            'an array of paths under the home folder, such as ["~/.config/my-agent/auth.json"]')  # fmt: skip
    if any(".." in Path(h).parts for h in home):
        raise v.fail(f"{where}.home", "a path with '..' in it")
    return AgentSettings(
        name=name,
        preset=preset,
        command=command or (),
        output=output,
        timeout=float(timeout),
        max_attempts=attempts,
        env=tuple(env),
        cost_from=cost_from,
        network=network,
        hosts=tuple(hosts),
        home=tuple(home),
    )


def _workflow(v: _Validator, name: str, raw: Any, agents: Sequence[str]) -> WorkflowSettings:
    where = f"workflows.{name}"
    _expect(v, where, raw, lambda x: isinstance(x, dict), "a table")
    v.check_keys(raw, WORKFLOW_KEYS, where)
    kind = raw.get("kind")
    if kind is None:
        raise v.fail(where, f"no kind; one of {', '.join(WORKFLOW_KINDS)}")
    _one_of(v, f"{where}.kind", kind, WORKFLOW_KINDS)
    known = (*agents, "model")

    def agent_name(key: str, value: Any) -> str:
        _expect(v, key, value, _text, "the name of an agent")
        if value not in known:
            close = _close(value, known)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise v.fail(key, f"no agent named {value!r}{hint}; agents are [agents.NAME] tables, or model")
        return str(value)

    steps: list[WorkflowStep] = []
    if kind == "sequential":
        raw_steps = raw.get("steps")
        _expect(v, f"{where}.steps", raw_steps, lambda x: isinstance(x, list) and bool(x),
                'an array of steps, such as [{agent = "claude", role = "implement"}, ...]')  # fmt: skip
        for number, step in enumerate(raw_steps):
            key = f"{where}.steps"
            _expect(v, key, step, lambda x: isinstance(x, dict), "a table {agent = ..., role = ...} for each step")
            v.check_keys(step, ("agent", "role"), key)
            role = step.get("role", "implement")
            _one_of(v, key, role, STEP_ROLES)
            if number == 0 and role != "implement":
                raise v.fail(key, "the first step must implement (there is nothing to review or refine yet)")
            steps.append(WorkflowStep(agent_name(key, step.get("agent")), role))
    elif kind == "parallel":
        names = raw.get("agents")
        _expect(v, f"{where}.agents", names, lambda x: _is_str_list(x) and len(x) >= 2,
                'an array of two or more agents, such as ["claude", "codex"]')  # fmt: skip
        steps = [WorkflowStep(agent_name(f"{where}.agents", n)) for n in names]
    else:
        steps = [WorkflowStep(agent_name(f"{where}.agent", raw.get("agent")))]
    attempts = raw.get("max_attempts")
    if attempts is not None:
        _expect(
            v, f"{where}.max_attempts", attempts, lambda x: _is_whole(x) and 1 <= x <= 50, "a whole number, 1 to 50"
        )
    timeout = raw.get("timeout")
    if timeout is not None:
        _expect(v, f"{where}.timeout", timeout, lambda x: _number(x) and 0 < x <= 86400, "a number of seconds")
    return WorkflowSettings(name, kind, tuple(steps), attempts, None if timeout is None else float(timeout))


def _env_name(v: _Validator, key: str, value: Any, what: str) -> str:
    _expect(v, key, value, lambda x: isinstance(x, str) and bool(ENV_NAME.match(x)),
            f"the name of the environment variable holding {what} (never {what} itself)")  # fmt: skip
    return str(value)


def _url_or_env(v: _Validator, where: str, raw: dict[str, Any], example: str) -> tuple[str | None, str | None]:
    """A server's address as `url` or as `url_env` (the variable holding it), exactly one of them, checked."""
    url, url_env = raw.get("url"), raw.get("url_env")
    if (url is None) == (url_env is None):
        raise v.fail(where, "give `url_env` (the environment variable holding the URL) or `url`, one of them")
    if url is not None:
        web = lambda x: isinstance(x, str) and x.startswith(("https://", "http://")) and not any(map(str.isspace, x))  # noqa: E731
        _expect(v, f"{where}.url", url, web, f'an http(s) URL, such as "{example}"')
    if url_env is not None:
        _env_name(v, f"{where}.url_env", url_env, "the URL")
    return url, url_env


def _webhook(v: _Validator, raw: Any) -> WebhookSettings:
    where = "notify.webhook"
    _expect(v, where, raw, lambda x: isinstance(x, dict), "a table")
    v.check_keys(raw, WEBHOOK_KEYS, where)
    url, url_env = _url_or_env(v, where, raw, "https://hooks.slack.com/services/...")
    kind = raw.get("format", "slack")
    _one_of(v, f"{where}.format", kind, WEBHOOK_FORMATS)
    timeout = raw.get("timeout", WebhookSettings().timeout)
    _expect(v, f"{where}.timeout", timeout, lambda x: _number(x) and 0 < x <= 300, "a number of seconds (up to 300)")
    return WebhookSettings(url=url, url_env=url_env, format=kind, timeout=float(timeout))


def _addresses(v: _Validator, key: str, value: Any) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    _expect(v, key, values, lambda x: _is_str_list(x) and bool(x) and all(ADDRESS.match(a) for a in x),
            'an address or an array of addresses, such as ["team@example.com"]')  # fmt: skip
    return tuple(values)


def _email(v: _Validator, raw: Any) -> EmailSettings:
    where = "notify.email"
    _expect(v, where, raw, lambda x: isinstance(x, dict), "a table")
    if "password" in raw:
        raise v.fail(f"{where}.password", "a password is never written in configuration; name the environment "
                     "variable holding it in `password_env`")  # fmt: skip
    v.check_keys(raw, EMAIL_KEYS, where)
    for key in ("host", "from", "to"):
        if key not in raw:
            raise v.fail(f"{where}.{key}", "missing: an email needs host, from and to", search=where)
    host = raw["host"]
    _expect(v, f"{where}.host", host, lambda x: _text(x) and "://" not in x and not any(c.isspace() for c in x),
            'a host name, such as "smtp.example.com"')  # fmt: skip
    sender = _addresses(v, f"{where}.from", raw["from"])
    if len(sender) != 1:
        raise v.fail(f"{where}.from", "one address")
    to = _addresses(v, f"{where}.to", raw["to"])
    defaults = EmailSettings(host, sender[0], to)
    port = raw.get("port", defaults.port)
    _expect(v, f"{where}.port", port, lambda x: _is_whole(x) and 1 <= x <= 65535, "a port number from 1 to 65535")
    starttls = raw.get("starttls", defaults.starttls)
    _expect(v, f"{where}.starttls", starttls, lambda x: isinstance(x, bool), "true or false")
    user, password_env = raw.get("user"), raw.get("password_env")
    if user is not None:
        _expect(v, f"{where}.user", user, _text, "a user name")
        if password_env is None:
            raise v.fail(f"{where}.password_env", "missing: `user` is set, so name the environment variable "
                         "holding its password", search=f"{where}.user")  # fmt: skip
    if password_env is not None:
        _env_name(v, f"{where}.password_env", password_env, "the password")
        if user is None:
            raise v.fail(f"{where}.user", "missing: `password_env` is set, so give the user it logs in as",
                         search=f"{where}.password_env")  # fmt: skip
    timeout = raw.get("timeout", defaults.timeout)
    _expect(v, f"{where}.timeout", timeout, lambda x: _number(x) and 0 < x <= 300, "a number of seconds (up to 300)")
    return defaults._replace(port=port, starttls=starttls, user=user, password_env=password_env, timeout=float(timeout))


def _notify(v: _Validator, raw: Any) -> NotifySettings:
    _expect(v, "notify", raw, lambda x: isinstance(x, dict), "a table")
    v.check_keys(raw, NOTIFY_KEYS, "notify")
    defaults = NotifySettings()
    desktop = raw.get("desktop", defaults.desktop)
    _expect(v, "notify.desktop", desktop, lambda x: isinstance(x, bool), "true or false")
    rate_limit = raw.get("rate_limit", defaults.rate_limit)
    _expect(v, "notify.rate_limit", rate_limit, lambda x: _number(x) and 0 <= x < math.inf,
            "a number of seconds (0: no limit)")  # fmt: skip
    return NotifySettings(
        desktop=desktop,
        rate_limit=float(rate_limit),
        webhook=None if "webhook" not in raw else _webhook(v, raw["webhook"]),
        email=None if "email" not in raw else _email(v, raw["email"]),
    )


BASE_REF = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/@{}^~-]*$")
"""`base`: a ref or revision git can name (`origin/main`, `main@{u}`), never an option (`-...`) or a range."""


def _blocking(v: _Validator, data: Mapping[str, Any]) -> BlockSettings:
    block = data.get("block", "all")
    if block not in BLOCK:
        close = _close(str(block), BLOCK)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise v.fail("block", f"unknown value {describe_value(block)}{hint}; one of {', '.join(BLOCK)}")
    base = data.get("base")
    if base is not None:
        ref = lambda x: isinstance(x, str) and bool(BASE_REF.match(x)) and ".." not in x  # noqa: E731
        _expect(v, "base", base, ref, 'a git ref, such as "origin/main"')
    return BlockSettings(block=block, base=base)


def _remote_cache(v: _Validator, raw: Any) -> RemoteCacheSettings:
    where = "remote_cache"
    _expect(v, where, raw, lambda x: isinstance(x, dict), "a table")
    for secret in ("token", "password"):
        if secret in raw:
            raise v.fail(f"{where}.{secret}", f"a {secret} is never written in configuration; name the environment "
                         "variable holding it in `token_env`")  # fmt: skip
    v.check_keys(raw, REMOTE_CACHE_KEYS, where)
    url, url_env = _url_or_env(v, where, raw, "http://cache.example.com:8080")
    if url is not None and "@" in url.partition("://")[2].partition("/")[0]:
        why = "credentials are never written in configuration; put the URL in a variable named by `url_env`"
        raise v.fail(f"{where}.url", why)
    defaults = RemoteCacheSettings()
    mode = raw.get("mode", defaults.mode)
    _one_of(v, f"{where}.mode", mode, REMOTE_CACHE_MODES)
    header = raw.get("header", defaults.header)
    _expect(v, f"{where}.header", header, lambda x: isinstance(x, str) and bool(HEADER_NAME.match(x)),
            'an HTTP header name, such as "Authorization" or "x-buildbuddy-api-key"')  # fmt: skip
    token_env = raw.get("token_env")
    if token_env is not None:
        _env_name(v, f"{where}.token_env", token_env, "the header's value")
    timeout = raw.get("timeout", defaults.timeout)
    _expect(v, f"{where}.timeout", timeout, lambda x: _number(x) and 0 < x <= 300, "a number of seconds (up to 300)")
    connect = raw.get("connect_timeout", defaults.connect_timeout)
    _expect(v, f"{where}.connect_timeout", connect, lambda x: _number(x) and 0 < x <= 60,
            "a number of seconds (up to 60)")  # fmt: skip
    return RemoteCacheSettings(url=url, url_env=url_env, mode=mode, header=header, token_env=token_env,
                               timeout=float(timeout), connect_timeout=float(connect))  # fmt: skip


def _check_graph(v: _Validator, stages: tuple[Stage, ...]) -> None:
    names = {stage.name for stage in stages}
    for stage in stages:
        for need in stage.needs:
            if need not in names:
                close = _close(need, sorted(names))
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise v.fail(f"stages.{stage.name}.needs", f"no stage named {need!r}{hint}")
            if need == stage.name:
                raise v.fail(f"stages.{stage.name}.needs", "a stage cannot need itself")
    needs = {stage.name: stage.needs for stage in stages}
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = " -> ".join([*path[path.index(name) :], name])
            raise v.fail(f"stages.{name}.needs", f"the stages depend on each other in a cycle: {cycle}")
        state[name] = 1
        for need in needs[name]:
            visit(need, [*path, name])
        state[name] = 2

    for stage in stages:
        visit(stage.name, [])


def validate(data: Mapping[str, Any], *, path: Path, text: str, prefix: str, parsers: tuple[str, ...]) -> Config:
    """Turn the `[tool.healer]` table (or a whole healer.toml) into a `Config`."""
    v = _Validator(path, text, prefix)
    if not isinstance(data, dict):
        raise v.fail("", f"expected a table, got {describe_value(data)}")
    v.check_keys(data, TOP_KEYS, "")
    jobs = data.get("jobs")
    if jobs is not None:
        positive = lambda x: isinstance(x, int) and not isinstance(x, bool) and x > 0  # noqa: E731
        _expect(v, "jobs", jobs, positive, "a positive whole number")
    links = data.get("link", [])
    _expect(v, "link", links, _is_str_list, "an array of paths")
    for link in links:
        inside = link.strip("/") and not Path(link).is_absolute() and ".." not in Path(link).parts
        if not inside:
            raise v.fail("link", f"{link!r} is not a path inside the repository")
    history = data.get("history", True)
    _expect(v, "history", history, lambda x: isinstance(x, bool), "true or false")
    pre_push = data.get("pre_push", "every-commit")
    if pre_push not in PRE_PUSH:
        close = _close(str(pre_push), PRE_PUSH)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise v.fail("pre_push", f"unknown value {pre_push!r}{hint}; one of {', '.join(PRE_PUSH)}")
    raw_stages = data.get("stages")
    if raw_stages is None and "workspaces" in data:
        raw_stages = {}  # a monorepo's root may have no stages of its own (healer.config.workspaces)
    if raw_stages is None:
        raise v.fail("stages", "no stages configured; add a [stages.NAME] table with a `run` command", search="stages")
    _expect(v, "stages", raw_stages, lambda x: isinstance(x, dict), "a table of [stages.NAME] tables")
    if not raw_stages and "workspaces" not in data:
        raise v.fail("stages", "no stages configured; add a [stages.NAME] table with a `run` command")
    stages = tuple(_stage(v, name, raw, parsers) for name, raw in raw_stages.items())
    _check_graph(v, stages)
    fix = FixSettings() if "fix" not in data else _fix(v, data["fix"])
    llm = LLMSettings() if "llm" not in data else _llm(v, data["llm"])
    sandbox = SandboxSettings() if "sandbox" not in data else _sandbox(v, data["sandbox"])
    raw_agents = data.get("agents", {})
    _expect(v, "agents", raw_agents, lambda x: isinstance(x, dict), "a table of [agents.NAME] tables")
    agents = tuple(_agent(v, name, raw) for name, raw in raw_agents.items())
    raw_flows = data.get("workflows", {})
    _expect(v, "workflows", raw_flows, lambda x: isinstance(x, dict), "a table of [workflows.NAME] tables")
    names = [agent.name for agent in agents]
    workflows = tuple(_workflow(v, name, raw, names) for name, raw in raw_flows.items())
    clash = sorted(set(names) & {flow.name for flow in workflows})
    if clash:
        raise v.fail(f"workflows.{clash[0]}", "a workflow cannot have the name of an agent")
    notify = NotifySettings() if "notify" not in data else _notify(v, data["notify"])
    blocking = _blocking(v, data)
    remote_cache = None if "remote_cache" not in data else _remote_cache(v, data["remote_cache"])
    return Config(
        stages=stages,
        source=str(path),
        path=path,
        jobs=jobs,
        links=tuple(links),
        fix=fix,
        llm=llm,
        history=history,
        pre_push=pre_push,
        sandbox=sandbox,
        agents=agents,
        workflows=workflows,
        notify=notify,
        remote_cache=remote_cache,
        blocking=blocking,
    )
