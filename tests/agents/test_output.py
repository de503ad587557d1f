"""Reading what agent CLIs print: each documented format, a banner before the JSON, garbage, `cost_from`."""

from __future__ import annotations

import json

from healer.agents.output import SUMMARY_CHARS, read_output


def test_claude_json() -> None:
    out = json.dumps({"type": "result", "subtype": "success", "is_error": False, "result": "Fixed add.",
                      "total_cost_usd": 0.042, "usage": {"input_tokens": 10, "output_tokens": 3}})  # fmt: skip
    reply = read_output("claude-json", ("a warning first\n" + out).encode())
    assert reply == reply._replace(summary="Fixed add.", cost=0.042, tokens_in=10, tokens_out=3, error=None)
    failed = json.dumps({"type": "result", "subtype": "error_max_turns", "is_error": True, "result": ""})
    assert read_output("claude-json", failed.encode()).error == "error_max_turns"


def test_codex_jsonl_keeps_the_last_message_and_sums_usage() -> None:
    events = [
        {"type": "thread.started", "thread_id": "t"},
        {"type": "item.completed", "item": {"type": "agent_message", "text": "First."}},
        {"type": "turn.completed", "usage": {"input_tokens": 5, "output_tokens": 1}},
        {"type": "item.completed", "item": {"type": "command_execution", "command": "pytest"}},
        {"type": "item.completed", "item": {"type": "agent_message", "text": "Done."}},
        {"type": "turn.completed", "usage": {"input_tokens": 7, "output_tokens": 2}},
    ]
    reply = read_output("codex-jsonl", "\n".join(map(json.dumps, events)).encode())
    assert (reply.summary, reply.tokens_in, reply.tokens_out, reply.error) == ("Done.", 12, 3, None)
    failed = read_output(
        "codex-jsonl", json.dumps({"type": "turn.failed", "error": {"message": "401 Unauthorized"}}).encode()
    )
    assert failed.error == "401 Unauthorized"


def test_gemini_and_opencode() -> None:
    gemini = {"response": "Ok.", "stats": {"models": {"m": {"tokens": {"prompt": 4, "candidates": 2}}}}}
    assert read_output("gemini-json", json.dumps(gemini).encode())[:4] == ("Ok.", None, 4, 2)
    assert read_output("gemini-json", json.dumps({"error": {"message": "quota"}}).encode()).error == "quota"
    events = [{"type": "text", "part": {"text": "Changed it."}},
              {"type": "step_finish", "part": {"tokens": {"input": 9, "output": 4}, "cost": 0.01}}]  # fmt: skip
    assert read_output("opencode-jsonl", "\n".join(map(json.dumps, events)).encode())[:4] == ("Changed it.", 0.01, 9, 4)


def test_garbage_is_kept_as_text_and_said() -> None:
    reply = read_output("claude-json", b"\x89PNG\r\n\xff\xfe not json {{{")
    assert not reply.parsed and "not json" in reply.summary
    assert read_output("codex-jsonl", b"").parsed is False


def test_a_long_reply_keeps_its_end() -> None:
    reply = read_output("text", ("x" * 10_000 + "THE END").encode())
    assert len(reply.summary) == SUMMARY_CHARS + 1 and reply.summary.endswith("THE END")


def test_cost_from_a_dotted_path() -> None:
    out = json.dumps({"result": "ok", "usage": {"cost": 0.5}}).encode()
    assert read_output("text", out, "usage.cost").cost == 0.5
    assert read_output("text", out, "usage.nothing").cost is None
    assert read_output("text", b"plain words", "usage.cost").cost is None
