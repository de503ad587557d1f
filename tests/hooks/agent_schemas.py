"""Each agent's documented hook configuration and stop-hook answer, as test data, with a small checker.

Only what each agent's reference documents, so a file healer writes that the agent would not read (a key in
the wrong place, a string where a number goes, an event it does not fire) fails the tests:

- Claude Code: https://code.claude.com/docs/en/hooks ("Configuration": `hooks` -> event -> matcher groups
  `{matcher?, hooks: [{type: "command", command, timeout? (seconds)}]}`; "Stop" decision control).
- Gemini CLI: https://geminicli.com/docs/hooks/reference (google-gemini/gemini-cli docs/hooks/reference.md:
  "Hook definition" `{matcher?, sequential?, hooks}`, "Hook configuration" `{type, command, name?, timeout?
  (milliseconds), description?}`; "AfterAgent" output `decision` "deny" with `reason`).
- Cursor: https://cursor.com/docs/agent/hooks (`{"version": 1, "hooks": {event: [{command, timeout?,
  loop_limit?}]}}`; "stop" output `followup_message`).
- Codex CLI: https://developers.openai.com/codex/hooks and openai/codex codex-rs/config/src/hook_config.rs
  (`HooksFile`: root `hooks` (and `description`); groups `{matcher?, hooks: [{type: "command", command,
  timeout? (seconds), async?, statusMessage?}]}`), codex-rs/hooks/schema/generated/stop.command.output.schema.json.
"""

from __future__ import annotations

from typing import Any

NUMBER = (int, float)

SCHEMAS: dict[str, dict[str, Any]] = {
    "claude": {
        "file": ".claude/settings.json",
        "events": {
            "PreToolUse", "PermissionRequest", "PostToolUse", "Notification", "UserPromptSubmit", "Stop",
            "SubagentStop", "PreCompact", "SessionStart", "SessionEnd",
        },
        "event": "Stop",
        "root": None,  # settings.json holds many other keys (permissions, env, model...)
        "group": {"matcher": str, "hooks": list},
        "handler": {"type": str, "command": str, "timeout": NUMBER},
        "required": {"type", "command"},
        "types": {"command"},
        "answer": {
            "continue": bool, "stopReason": str, "suppressOutput": bool, "systemMessage": str, "decision": str,
            "reason": str,
        },
        "block": {"decision": "block"},
    },
    "gemini": {
        "file": ".gemini/settings.json",
        "events": {
            "SessionStart", "SessionEnd", "BeforeAgent", "AfterAgent", "BeforeModel", "AfterModel",
            "BeforeToolSelection", "BeforeTool", "AfterTool", "PreCompress", "Notification",
        },
        "event": "AfterAgent",
        "root": None,
        "group": {"matcher": str, "sequential": bool, "hooks": list},
        "handler": {"type": str, "command": str, "name": str, "timeout": NUMBER, "description": str},
        "required": {"type", "command"},
        "types": {"command"},
        "answer": {
            "systemMessage": str, "suppressOutput": bool, "continue": bool, "stopReason": str, "decision": str,
            "reason": str, "hookSpecificOutput": dict,
        },
        "block": {"decision": "deny"},
    },
    "cursor": {
        "file": ".cursor/hooks.json",
        "events": {
            "beforeShellExecution", "afterShellExecution", "beforeMCPExecution", "afterMCPExecution",
            "beforeReadFile", "afterFileEdit", "beforeSubmitPrompt", "afterAgentResponse", "afterAgentThought",
            "stop",
        },
        "event": "stop",
        "root": {"version": int, "hooks": dict},
        "group": None,  # the event's list holds the handlers themselves
        "handler": {"command": str, "timeout": NUMBER, "loop_limit": (int, type(None))},
        "required": {"command"},
        "types": None,
        "answer": {"followup_message": str},
        "block": {},
    },
    "codex": {
        "file": ".codex/hooks.json",
        "events": {
            "PreToolUse", "PermissionRequest", "PostToolUse", "PreCompact", "PostCompact", "SessionStart",
            "UserPromptSubmit", "Stop",
        },
        "event": "Stop",
        "root": {"description": (str, type(None)), "hooks": dict},
        "group": {"matcher": str, "hooks": list},
        "handler": {"type": str, "command": str, "timeout": int, "async": bool, "statusMessage": str},
        "required": {"type", "command"},
        "types": {"command"},
        "answer": {
            "continue": bool, "decision": str, "reason": str, "stopReason": str, "suppressOutput": bool,
            "systemMessage": str,
        },
        "block": {"decision": "block"},
    },
}  # fmt: skip


def _typed(where: str, value: object, kind: Any) -> None:
    assert isinstance(value, kind) and not (kind in (int, NUMBER) and isinstance(value, bool)), (
        f"{where}: {value!r} is not {kind}"
    )


def check_settings(agent: str, document: object) -> list[dict[str, Any]]:
    """Assert `document` is as the agent documents it; the handlers of its stop event."""
    schema = SCHEMAS[agent]
    assert isinstance(document, dict), "the top is an object"
    if schema["root"] is not None:
        assert set(document) <= set(schema["root"]), f"unknown top-level keys {set(document) - set(schema['root'])}"
        for key, value in document.items():
            _typed(key, value, schema["root"][key])
    if agent == "cursor":
        assert document.get("version") == 1, "Cursor reads version 1"
    hooks = document["hooks"]
    _typed("hooks", hooks, dict)
    handlers: list[dict[str, Any]] = []
    for event, entries in hooks.items():
        if agent == "gemini" and event in ("enabled", "disabled"):
            continue  # the hooks system's own switches live beside the events
        assert event in schema["events"], f"{event} is no {agent} event"
        _typed(event, entries, list)
        for entry in entries:
            _typed(f"an entry of {event}", entry, dict)
            if schema["group"] is None:
                found = [entry]
            else:
                assert set(entry) <= set(schema["group"]), f"unknown group keys {set(entry) - set(schema['group'])}"
                for key, value in entry.items():
                    _typed(key, value, schema["group"][key])
                found = entry["hooks"]
            for handler in found:
                _typed("a handler", handler, dict)
                if "healer" in str(handler.get("command", "")):  # healer's own: every key as documented
                    unknown = set(handler) - set(schema["handler"])
                    assert not unknown, f"unknown handler keys {unknown}"
                    assert schema["required"] <= set(handler), f"a handler lacks {schema['required'] - set(handler)}"
                    for key, value in handler.items():
                        _typed(key, value, schema["handler"][key])
                    if schema["types"] is not None:
                        assert handler["type"] in schema["types"], handler["type"]
                if event == schema["event"]:
                    handlers.append(handler)
    return handlers


def check_answer(agent: str, stdout: str) -> dict[str, Any]:
    """Assert a stop hook's standard output is what the agent reads; the document ({} for none)."""
    import json

    if not stdout.strip():
        assert agent in ("claude", "codex"), f"{agent} reads JSON on standard output"
        return {}
    document = json.loads(stdout)
    schema = SCHEMAS[agent]
    assert isinstance(document, dict)
    assert set(document) <= set(schema["answer"]), f"unknown answer keys {set(document) - set(schema['answer'])}"
    for key, value in document.items():
        _typed(key, value, schema["answer"][key])
    if "decision" in document:
        assert document["decision"] in ("block", "deny", "allow"), document["decision"]
        assert document.get("reason", "").strip(), "a block needs a reason"
    return document


def blocks(agent: str, document: dict[str, Any]) -> bool:
    """Whether the answer keeps the agent working."""
    if agent == "cursor":
        return bool(document.get("followup_message"))
    return all(document.get(key) == value for key, value in SCHEMAS[agent]["block"].items())


def reason(agent: str, document: dict[str, Any]) -> str:
    return str(document["followup_message"] if agent == "cursor" else document["reason"])
