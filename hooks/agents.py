"""healer's hook in each coding agent's own configuration: the agent runs healer's checks before it finishes.

One entry per agent, in the project's file the agent documents, on the event it fires when it is about
to end its turn:

- Claude Code: `.claude/settings.json`, `hooks.Stop`, a matcher group `{"hooks": [{"type": "command",
  "command": ..., "timeout": 600}]}` (seconds) - https://code.claude.com/docs/en/hooks
- Gemini CLI: `.gemini/settings.json`, `hooks.AfterAgent`, a group `{"hooks": [{"name": "healer",
  "type": "command", "command": ..., "timeout": 600000, ...}]}` (milliseconds) -
  https://geminicli.com/docs/hooks/reference (google-gemini/gemini-cli docs/hooks/reference.md)
- Cursor: `.cursor/hooks.json`, `{"version": 1, "hooks": {"stop": [{"command": ..., "timeout": 600}]}}`
  - https://cursor.com/docs/agent/hooks
- Codex CLI: `.codex/hooks.json`, `hooks.Stop`, a group `{"hooks": [{"type": "command", "command": ...,
  "timeout": 600, "statusMessage": ...}]}` (seconds) - https://developers.openai.com/codex/hooks

The command calls `healer` from PATH (the file is usually committed, like a husky script, so it names no
interpreter of this machine): `healer hook agent-stop --agent NAME` (see `agent_stop.py`). healer's entry
is recognised by that command, so `without_healer` removes exactly it: its handler, the group healer added
around it, and the `hooks` / event containers that are left empty. Every other key, and every byte
outside the entry, stays as it was (`json_text.py`): after `with_healer`, `without_healer` gives back the
original bytes unless the file held an empty `hooks` object or event list (which it then leaves out), and
None (delete the file) when nothing is left but what healer writes for a file of its own.

Files are written atomically (a temporary file beside the target, then `os.replace`), keeping the file's
mode, only inside the work tree: a path that leads out of it through a symbolic link, a read-only file, or
one that is not valid JSON are refused with one line naming the file, and nothing at all is written.
Nothing here prints; the commands turn outcomes into lines.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from healer.errors import HealerError

from . import json_text
from .json_text import InvalidJson, Node

STOP_COMMAND = "hook agent-stop --agent"
TIMEOUT = 600
"""Seconds an agent waits for the checks (a whole test suite may run when nothing was cached)."""


class Agent(NamedTuple):
    name: str
    title: str
    path: str
    """The project's file, relative to the work tree (with `/`)."""
    event: str
    handler: dict[str, Any]
    grouped: bool
    """True: the event's list holds matcher groups `{"hooks": [handler, ...]}`; False (Cursor): handlers."""
    skeleton: dict[str, Any]
    """What a file healer creates holds besides its hook; a file left with only this is deleted."""
    note: str = ""
    """What the person must still do for the agent to run the hook, said after installing."""


def command(name: str, project_dir: str | None = None) -> str:
    directory = f'-C "${project_dir}" ' if project_dir else ""
    return f"healer {directory}{STOP_COMMAND} {name}"


AGENTS: dict[str, Agent] = {
    agent.name: agent
    for agent in (
        Agent(
            "claude", "Claude Code", ".claude/settings.json", "Stop",
            {"type": "command", "command": command("claude", "CLAUDE_PROJECT_DIR"), "timeout": TIMEOUT},
            grouped=True, skeleton={},
        ),
        Agent(
            "codex", "Codex", ".codex/hooks.json", "Stop",
            {
                "type": "command", "command": command("codex"), "timeout": TIMEOUT,
                "statusMessage": "healer: checking the project",
            },
            grouped=True, skeleton={},
            note="Codex runs a project's hooks once the project is trusted and you have reviewed and trusted "
            "this hook in /hooks",
        ),
        Agent(
            "cursor", "Cursor", ".cursor/hooks.json", "stop",
            {"command": command("cursor"), "timeout": TIMEOUT},
            grouped=False, skeleton={"version": 1},
        ),
        Agent(
            "gemini", "Gemini CLI", ".gemini/settings.json", "AfterAgent",
            {
                "name": "healer", "type": "command", "command": command("gemini", "GEMINI_PROJECT_DIR"),
                "timeout": TIMEOUT * 1000, "description": "healer: the project's checks before the agent finishes",
            },
            grouped=True, skeleton={},
            note="Gemini CLI runs hooks when its hooks system is enabled (/settings, or /hooks panel to see them)",
        ),
    )
}  # fmt: skip

GROUP_KEYS = frozenset({"hooks", "matcher", "sequential"})
"""A matcher group with only these keys and no handler left is healer's own, and goes with its handler."""


class ShapeError(ValueError):
    """The file is JSON but not the shape the agent documents where healer's entry goes."""


def _is_ours(agent: Agent, handler: object) -> bool:
    if not isinstance(handler, dict):
        return False
    found = handler.get("command")
    pattern = rf"\bhealer\b.*\s{re.escape(STOP_COMMAND)} {agent.name}(\s|$)"
    return isinstance(found, str) and re.search(pattern, found) is not None


class Located(NamedTuple):
    value: dict[str, Any]
    node: Node
    container: Node
    """The array holding the handler (a group's `hooks`, or Cursor's event list)."""
    position: int
    group: int | None
    """The group's index in the event list (grouped agents)."""


def _decode(data: bytes) -> tuple[str, str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ShapeError(f"not UTF-8 text (byte {error.start})") from None
    if text.startswith(json_text.BOM):
        return json_text.BOM, text[1:]
    return "", text


def _load(text: str) -> tuple[dict[str, Any], Node]:
    value, root = json_text.load(text)
    if not isinstance(value, dict):
        raise ShapeError("expected a JSON object at the top")
    return value, root


def _event(agent: Agent, value: dict[str, Any], root: Node) -> tuple[list[Any], Node] | None:
    hooks = value.get("hooks")
    if hooks is None:
        return None
    if not isinstance(hooks, dict):
        raise ShapeError('"hooks" is not an object')
    events = hooks.get(agent.event)
    if events is None:
        return None
    if not isinstance(events, list):
        raise ShapeError(f'"hooks"."{agent.event}" is not a list')
    member = root.member("hooks")
    assert member is not None
    event = member.value.member(agent.event)
    assert event is not None
    return events, event.value


def _find(agent: Agent, value: dict[str, Any], root: Node) -> list[Located]:
    found = _event(agent, value, root)
    if found is None:
        return []
    events, node = found
    located = []
    for index, item in enumerate(events):
        if not agent.grouped:
            if _is_ours(agent, item):
                located.append(Located(item, node.items[index], node, index, None))
            continue
        handlers = item.get("hooks") if isinstance(item, dict) else None
        if not isinstance(handlers, list):
            continue
        member = node.items[index].member("hooks")
        assert member is not None
        for position, handler in enumerate(handlers):
            if _is_ours(agent, handler):
                located.append(Located(handler, member.value.items[position], member.value, position, index))
    return located


def _entry(agent: Agent) -> dict[str, Any]:
    return {"hooks": [agent.handler]} if agent.grouped else agent.handler


def fresh(agent: Agent) -> bytes:
    """The file healer writes where there was none."""
    document = {**agent.skeleton, "hooks": {agent.event: [_entry(agent)]}}
    return (json_text.render(document, json_text.Style("  ", "\n", ": ", True), "") + "\n").encode()


def with_healer(agent: Agent, existing: bytes | None) -> bytes:
    """The file's bytes with healer's hook in it: `existing` itself when it is there as healer writes it."""
    if existing is None:
        return fresh(agent)
    bom, text = _decode(existing)
    value, root = _load(text)
    style = json_text.style_of(text, root)
    found = _find(agent, value, root)
    if found:
        if found[0].value == agent.handler:
            return existing
        text = json_text.replace(text, found[0].node, agent.handler, style)  # as this version writes it
    else:
        text = _added(agent, text, value, root, style)
    value, root = _load(text)
    if not any(one.value == agent.handler for one in _find(agent, value, root)):  # pragma: no cover
        raise ShapeError("healer could not add its hook to it")
    return (bom + text).encode()


def _added(agent: Agent, text: str, value: dict[str, Any], root: Node, style: json_text.Style) -> str:
    entry = _entry(agent)
    found = _event(agent, value, root)
    if found is not None:
        return json_text.append(text, found[1], lambda indent: json_text.render(entry, style, indent), style)
    member = root.member("hooks")
    if member is None:
        wanted = {agent.event: [entry]}
        return json_text.append(text, root, lambda indent: json_text.member_text("hooks", wanted, style, indent), style)
    return json_text.append(
        text, member.value, lambda indent: json_text.member_text(agent.event, [entry], style, indent), style
    )


def without_healer(agent: Agent, existing: bytes) -> bytes | None:
    """The file's bytes without healer's hook (`existing` itself when it has none); None when nothing else is
    left in it (healer made it: delete it)."""
    bom, text = _decode(existing)
    value, root = _load(text)
    if not _find(agent, value, root):
        return existing
    while found := _find(agent, value, root):
        one = found[-1]
        text = json_text.remove(text, one.container, one.position)
        value, root = _load(text)
        if one.group is not None:
            text, value, root = _without_empty_group(agent, text, value, root, one.group)
    text, value, root = _without_empty_containers(agent, text, value, root)
    if value == agent.skeleton:
        return None
    return (bom + text).encode()


def _without_empty_group(
    agent: Agent, text: str, value: dict[str, Any], root: Node, index: int
) -> tuple[str, dict[str, Any], Node]:
    found = _event(agent, value, root)
    assert found is not None
    events, node = found
    group = events[index]
    if isinstance(group, dict) and group.get("hooks") == [] and set(group) <= GROUP_KEYS:
        text = json_text.remove(text, node, index)
        value, root = _load(text)
    return text, value, root


def _member_index(node: Node, key: str) -> int:
    return max(index for index, member in enumerate(node.members) if member.key == key)


def _without_empty_containers(
    agent: Agent, text: str, value: dict[str, Any], root: Node
) -> tuple[str, dict[str, Any], Node]:
    found = _event(agent, value, root)
    if found is not None and not found[0]:
        hooks = root.member("hooks")
        assert hooks is not None
        text = json_text.remove(text, hooks.value, _member_index(hooks.value, agent.event))
        value, root = _load(text)
    if value.get("hooks") == {}:
        text = json_text.remove(text, root, _member_index(root, "hooks"))
        value, root = _load(text)
    return text, value, root


def installed(agent: Agent, existing: bytes | None) -> bool:
    """Whether the file holds healer's hook (False for a file healer cannot read as the agent's)."""
    if existing is None:
        return False
    try:
        value, root = _load(_decode(existing)[1])
        return bool(_find(agent, value, root))
    except (InvalidJson, ShapeError):
        return False


# -- the files --------------------------------------------------------------------------------------


class Outcome(NamedTuple):
    agent: str
    path: Path
    status: str
    """created, updated, unchanged (install); removed, updated, absent (uninstall)."""
    detail: str = ""


class _Plan(NamedTuple):
    agent: Agent
    shown: str
    target: Path
    """The file to write: the path itself, or where a symbolic link inside the work tree leads."""
    before: bytes | None
    after: bytes | None
    mode: int | None


def _target(root: Path, agent: Agent) -> tuple[Path, str]:
    path = root / agent.path
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    if os.path.commonpath([real_root, real]) != real_root:
        raise HealerError(
            f"{agent.path} leads outside the repository (to {real}) through a symbolic link; healer writes only "
            "inside the work tree and leaves it alone"
        )
    if os.path.islink(path) and not os.path.exists(path):
        raise HealerError(f"{agent.path} is a symbolic link to {real}, which does not exist; healer leaves it alone")
    if os.path.isdir(real):
        raise HealerError(f"{agent.path} is a folder, not {agent.title}'s settings file")
    return Path(real), agent.path


def _read(path: Path, shown: str) -> tuple[bytes | None, int | None]:
    try:
        data = path.read_bytes()
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None, None
    except OSError as error:
        raise HealerError(f"cannot read {shown}: {error.strerror or error}") from None
    return data, mode


def _edit(agent: Agent, shown: str, before: bytes | None, adding: bool) -> bytes | None:
    try:
        if adding:
            return with_healer(agent, before)
        return before if before is None else without_healer(agent, before)
    except InvalidJson as error:
        raise HealerError(
            f"{shown}: {error} (line {error.line}); fix the file, then run the command again (nothing was written)"
        ) from None
    except ShapeError as error:
        raise HealerError(
            f"{shown}: {error}, which is not how {agent.title} reads it; fix the file, then run the command again "
            "(nothing was written)"
        ) from None


def _plan(root: Path, names: Iterable[str], adding: bool) -> list[_Plan]:
    plans = []
    for name in dict.fromkeys(names):
        agent = AGENTS.get(name)
        if agent is None:
            raise HealerError(f"unknown agent {name!r}; healer knows {', '.join(AGENTS)}")
        target, shown = _target(root, agent)
        before, mode = _read(target, shown)
        after = _edit(agent, shown, before, adding)
        if after != before and mode is not None and not mode & stat.S_IWUSR:
            raise HealerError(
                f"{shown} is read-only; healer leaves it as it is (make it writable, then run the command again; "
                "nothing was written)"
            )
        plans.append(_Plan(agent, shown, target, before, after, mode))
    return plans


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _unchanged_since(plan: _Plan) -> None:
    if _read(plan.target, plan.shown)[0] != plan.before:
        raise HealerError(f"{plan.shown} changed while healer was editing it; run the command again")


def _write(plan: _Plan, data: bytes) -> None:
    """Atomically, beside the file, with its mode (a new file: the umask's)."""
    folder = plan.target.parent
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{plan.target.name}.", suffix=".healer-tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, plan.mode if plan.mode is not None else 0o666 & ~_umask())
        _unchanged_since(plan)
        os.replace(temporary, plan.target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _remove(plan: _Plan, root: Path) -> None:
    _unchanged_since(plan)
    plan.target.unlink()
    folder = plan.target.parent
    if folder != Path(os.path.realpath(root)):
        with contextlib.suppress(OSError):
            folder.rmdir()  # the agent's folder, when healer's file was all it held


def _apply(plans: list[_Plan], root: Path, adding: bool) -> list[Outcome]:
    outcomes = []
    for plan in plans:
        agent, shown = plan.agent, plan.shown
        where = f"{agent.event} hook"
        try:
            if plan.after == plan.before:
                status = "unchanged" if adding else "absent"
                detail = f"healer's {where} is there" if adding else f"no healer {where} in it"
            elif plan.after is None:
                _remove(plan, root)
                status, detail = "removed", f"healer made it for its {where}; nothing else was in it"
            else:
                _write(plan, plan.after)
                if not adding:
                    status, detail = "updated", f"removed healer's {where}"
                elif plan.before is None:
                    status, detail = "created", f"with healer's {where}"
                elif installed(agent, plan.before):
                    status, detail = "updated", f"healer's {where} rewritten as this version writes it"
                else:
                    status, detail = "updated", f"added healer's {where}"
        except OSError as error:
            raise HealerError(f"cannot write {shown}: {error.strerror or error}") from None
        outcomes.append(Outcome(agent.name, Path(shown), status, detail))
    return outcomes


def install(root: Path, names: Iterable[str]) -> list[Outcome]:
    """Add healer's hook to each named agent's file in the work tree at `root`: all of them, or (HealerError)
    none when one cannot be."""
    return _apply(_plan(root, names, adding=True), root, adding=True)


def uninstall(root: Path, names: Iterable[str]) -> list[Outcome]:
    """Remove healer's hook from each named agent's file: all of them, or (HealerError) none."""
    return _apply(_plan(root, names, adding=False), root, adding=False)
