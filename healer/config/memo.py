"""A memo of the validated configuration, so a run can skip parsing TOML.

Reading and validating pyproject.toml costs a run several milliseconds
(tomllib and its datetime import, then validation); a hook that finds nothing
to do has tens in all. The memo lives in the repository's git directory, in
`marshal` format (built in, nothing to import), and is trusted only while
healer's version, the record layout and the stat of every file that decides
the configuration are unchanged. A file modified in the last two seconds is
not memoised: its modification time could still hide a same-size rewrite.
"""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path
from typing import Any

import healer
from healer.config.settings import (
    AgentSettings,
    BlockSettings,
    Config,
    EmailSettings,
    FixSettings,
    Gate,
    LLMSettings,
    NotifySettings,
    Project,
    RemoteCacheSettings,
    SandboxSettings,
    Stage,
    WebhookSettings,
    WorkflowSettings,
    WorkflowStep,
)
from healer.config.workspaces import watched

FILES = ("healer.toml", "pyproject.toml")
MEMO = "config.marshal"
RACY_SECONDS = 2.0


def _stamp(root: Path, extra: tuple[str, ...] = ()) -> tuple[Any, ...] | None:
    parts: list[Any] = [
        healer.__version__, Stage._fields, Gate._fields, Config._fields, FixSettings._fields, SandboxSettings._fields,
        AgentSettings._fields, WorkflowSettings._fields, NotifySettings._fields, WebhookSettings._fields,
        EmailSettings._fields,
    ]  # fmt: skip
    parts.append(BlockSettings._fields)
    parts.append(RemoteCacheSettings._fields)
    parts.append(Project._fields)
    now = time.time()
    # A monorepo's project folders and files decide the configuration too (healer.config.workspaces.watched).
    for name in (*FILES, *extra):
        try:
            info = os.stat(root / name)
        except FileNotFoundError:
            parts.append((name, None))
            continue
        except OSError:
            return None
        if now - info.st_mtime < RACY_SECONDS:
            return None
        parts.append((name, info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino))
    return tuple(parts)


def _pack(stage: Stage) -> tuple[Any, ...]:
    return tuple(
        tuple(value) if name == "gate" and value is not None else value for name, value in stage._asdict().items()
    )


def _unpack(values: tuple[Any, ...]) -> Stage:
    fields = dict(zip(Stage._fields, values, strict=True))
    if fields["gate"] is not None:
        fields["gate"] = Gate(*fields["gate"])
    return Stage(**fields)


def _llm(data: dict[str, Any]) -> LLMSettings:
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    return LLMSettings(**values)


def _sandbox(data: list[Any]) -> SandboxSettings:
    mode, read, write, network = data
    return SandboxSettings(mode, tuple(read), tuple(write), network)


def _agent(data: list[Any]) -> AgentSettings:
    values: list[Any] = [tuple(v) if isinstance(v, list) else v for v in data]
    return AgentSettings(*values)


def _workflow(data: list[Any]) -> WorkflowSettings:
    name, kind, steps, attempts, timeout = data
    return WorkflowSettings(name, kind, tuple(WorkflowStep(*step) for step in steps), attempts, timeout)


def _notify(data: list[Any]) -> NotifySettings:
    desktop, rate_limit, webhook, email = data
    mail: list[Any] | None = None if email is None else [tuple(v) if isinstance(v, list) else v for v in email]
    return NotifySettings(
        desktop,
        rate_limit,
        None if webhook is None else WebhookSettings(*webhook),
        None if mail is None else EmailSettings(*mail),
    )


def _pack_notify(notify: NotifySettings) -> list[Any]:
    email = None if notify.email is None else [list(v) if isinstance(v, tuple) else v for v in notify.email]
    return [notify.desktop, notify.rate_limit, None if notify.webhook is None else list(notify.webhook), email]


def recall(root: Path, state_dir: Path) -> Config | None:
    try:
        data = marshal.loads((state_dir / MEMO).read_bytes())
        stamp = _stamp(root, tuple(data["files"]))
        if stamp is None or data["stamp"] != stamp:
            return None
        stages = tuple(_unpack(values) for values in data["stages"])
        fix = data["fix"]
        return Config(
            stages=stages,
            source=data["source"],
            path=Path(data["path"]),
            jobs=data["jobs"],
            links=tuple(data["links"]),
            fix=FixSettings(tuple(fix[0]), *fix[1:]),
            llm=_llm(data["llm"]),
            history=data["history"],
            pre_push=data["pre_push"],
            sandbox=_sandbox(data["sandbox"]),
            agents=tuple(_agent(agent) for agent in data["agents"]),
            workflows=tuple(_workflow(flow) for flow in data["workflows"]),
            notify=_notify(data["notify"]),
            projects=tuple(
                Project(name, folder, source, tuple(names)) for name, folder, source, names in data["projects"]
            ),
            blocking=BlockSettings(*data["blocking"]),
            remote_cache=None if data["remote_cache"] is None else RemoteCacheSettings(*data["remote_cache"]),
        )
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        return None


def remember(root: Path, state_dir: Path, config: Config) -> None:
    """Memoise a configuration read from a file (never a detected one: detection reads many files)."""
    files = watched(config)
    stamp = _stamp(root, files)
    if stamp is None or config.path is None or any(project.source == "detected" for project in config.projects):
        return
    data = {
        "stamp": stamp,
        "files": list(files),
        "projects": [[p.name, p.folder, p.source, list(p.stages)] for p in config.projects],
        "source": config.source,
        "path": str(config.path),
        "jobs": config.jobs,
        "links": list(config.links),
        "stages": [_pack(stage) for stage in config.stages],
        "fix": tuple(config.fix),
        "llm": {k: list(v) if isinstance(v, tuple) else v for k, v in config.llm._asdict().items()},
        "history": config.history,
        "pre_push": config.pre_push,
        "sandbox": [list(v) if isinstance(v, tuple) else v for v in config.sandbox],
        "agents": [[list(v) if isinstance(v, tuple) else v for v in agent] for agent in config.agents],
        "workflows": [
            [f.name, f.kind, [list(step) for step in f.steps], f.max_attempts, f.timeout] for f in config.workflows
        ],
        "notify": _pack_notify(config.notify),
        "blocking": list(config.blocking),
        "remote_cache": None if config.remote_cache is None else list(config.remote_cache),
    }
    target = state_dir / MEMO
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{MEMO}.{os.getpid()}")
        temporary.write_bytes(marshal.dumps(data))
        os.replace(temporary, target)
    except (OSError, ValueError):
        pass  # a memo that cannot be written only costs the next run its parse
