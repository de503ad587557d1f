"""Fake coding-agent CLIs, installed on PATH under the real names, for healer's agent fixer to drive.

Each fake is a small Python script that honours the flags healer's preset
passes (and refuses to run without them, with a usage error and exit code 2,
as the real tool would refuse an unknown invocation), acts out one scenario
in its working directory (the copy healer gives it), and prints the real
tool's documented output format: Claude Code's one JSON result object,
Codex's JSON lines of events, Gemini CLI's headless JSON. The scenario is
baked into the script when a test writes it: the fake sees only the
environment healer passes, by design.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

FLAGS = {
    "claude": ["-p", "--output-format", "json", "--dangerously-skip-permissions"],
    "codex": ["exec", "--json", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox"],
    "gemini": ["-p", "--output-format", "json", "--yolo"],
}

_HEAD = """#!{python}
import json, os, sys, time
from pathlib import Path

TOOL = {tool!r}
FLAGS = {flags!r}
SCENARIO = {scenario!r}
ARGS = {args!r}
argv = sys.argv[1:]
if argv == ["--version"]:
    print({{"claude": "2.0.14 (Claude Code)", "codex": "codex-cli 0.46.0", "gemini": "0.9.0"}}[TOOL])
    sys.exit(0)
for flag in FLAGS:
    if flag not in argv:
        print(f"{{TOOL}}: usage error: missing {{flag}} in {{argv}}", file=sys.stderr)
        sys.exit(2)
prompt = argv[argv.index("-p") + 1] if "-p" in argv else argv[-1]
Path(os.environ.get("HOME", "/nonexistent"), "seen-prompt.txt").write_text(prompt) if os.environ.get("HOME") else None
log = ARGS.get("log")
if log:
    # What the fake saw, for the test to read (written where the test allows: sandbox.write).
    with open(log, "a") as handle:
        handle.write(json.dumps({{"tool": TOOL, "scenario": SCENARIO, "cwd": os.getcwd(), "prompt": prompt,
                                  "env": sorted(os.environ), "home": os.environ.get("HOME")}}) + "\\n")


def say(text, cost=0.0123, error=False):
    if TOOL == "claude":
        print(json.dumps({{"type": "result", "subtype": "error_during_execution" if error else "success",
                          "is_error": error, "duration_ms": 1200, "num_turns": 3, "result": text,
                          "session_id": "fake-session", "total_cost_usd": cost,
                          "usage": {{"input_tokens": 1500, "output_tokens": 210}}}}))
    elif TOOL == "codex":
        print(json.dumps({{"type": "thread.started", "thread_id": "fake-thread"}}))
        print(json.dumps({{"type": "turn.started"}}))
        if error:
            print(json.dumps({{"type": "turn.failed", "error": {{"message": text}}}}))
        else:
            print(json.dumps({{"type": "item.completed", "item": {{"id": "item_1", "type": "agent_message",
                                                                  "text": text}}}}))
            print(json.dumps({{"type": "turn.completed", "usage": {{"input_tokens": 900, "cached_input_tokens": 0,
                                                                   "output_tokens": 120}}}}))
    else:
        body = {{"response": text, "stats": {{"models": {{"gemini-2.5-pro": {{"tokens": {{"prompt": 800,
                                                                                    "candidates": 90}}}}}}}}}}
        if error:
            body["error"] = {{"type": "ApiError", "message": text}}
        print(json.dumps(body))


def edit(path, old, new):
    target = Path(path)
    target.write_text(target.read_text().replace(old, new))

"""

SCENARIOS = {
    "fix": 'edit("calc.py", "a - b", "a + b")\nsay("Changed add to add its arguments instead of subtracting.")\n',
    "wrong": 'edit("calc.py", "a - b", "a * b")\nsay("Multiplied.")\n',
    "edit-test": 'edit("test_calc.py", "== 5", "== -1")\nsay("Adjusted the expected value in the test.")\n',
    "hang": "time.sleep(3600)\n",
    "escape": (
        'try:\n    Path(ARGS["outside"]).write_text("escaped")\nexcept OSError as error:\n'
        '    print("could not write outside:", error, file=sys.stderr)\n'
        'edit("calc.py", "a - b", "a + b")\nsay("Fixed add.")\n'
    ),
    "garbage": 'edit("calc.py", "a - b", "a + b")\nsys.stdout.buffer.write(b"\\x89PNG\\r\\n\\x1a\\n\\xff\\xfe not json at all {{{\\n")\n',
    "nothing": "pass\n",
    "not-logged-in": 'say("Invalid API key · Please run /login", cost=0.0, error=True)\nsys.exit(1)\n',
    "flood": (
        'edit("calc.py", "a - b", "a + b")\nchunk = b"x" * 65536 + b"\\n"\n'
        'for _ in range(800):\n    sys.stdout.buffer.write(chunk)\nsay("Fixed add, loudly.")\n'
    ),
    "many-files": (
        'edit("calc.py", "a - b", "a + b")\nPath("generated").mkdir()\n'
        'for n in range(500):\n    Path(f"generated/mod_{n}.py").write_text(f"X = {n}\\n")\nsay("Fixed, and more.")\n'
    ),
    "deletes": 'edit("calc.py", "a - b", "a + b")\nos.remove("test_calc.py")\nsay("Removed the failing test.")\n',
    "symlink": 'os.symlink("/etc/passwd", "calc_link.py")\nedit("calc.py", "a - b", "a + b")\nsay("Linked.")\n',
    "creates-cache": (
        'edit("calc.py", "a - b", "a + b")\nPath("__pycache__").mkdir(exist_ok=True)\n'
        'Path("__pycache__/calc.cpython-311.pyc").write_bytes(b"\\x00\\x01")\nsay("Fixed add.")\n'
    ),
    "network": (
        # Through the proxy variables healer sets: the allowed host answers, another is refused; and directly.
        "import socket, urllib.request, urllib.error\nresults = []\n"
        'for url in (ARGS["allowed"], "http://evil.example/"):\n'
        "    try:\n        results.append(str(urllib.request.urlopen(url, timeout=5).status))\n"
        "    except urllib.error.HTTPError as error:\n        results.append(str(error.code))\n"
        "    except OSError as error:\n        results.append(type(error).__name__)\n"
        'try:\n    socket.create_connection(("127.0.0.1", int(ARGS["port"])), timeout=2).close()\n'
        '    results.append("direct-connected")\nexcept OSError:\n    results.append("direct-refused")\n'
        'edit("calc.py", "a - b", "a + b")\nsay("network: " + " ".join(results))\n'
    ),
    "echo-prompt": 'edit("calc.py", "a - b", "a + b")\nsay(prompt)\n',
    "reviewer-rejects": 'say("CHANGES\\nThe fix is right, but add a docstring to add saying it adds.")\n',
    "reviewer-approves": 'say("APPROVE\\nLooks right.")\n',
    "refiner": (
        'text = Path("calc.py").read_text()\n'
        'if "a + b" not in text:\n    edit("calc.py", "a - b", "a + b")\n'
        'if "Return the sum" not in text:\n'
        '    edit("calc.py", "-> int:\\n", "-> int:\\n    \\"\\"\\"Return the sum of a and b.\\"\\"\\"\\n")\n'
        'say("Added the docstring the reviewer asked for.")\n'
    ),
    "retry": (
        # Wrong first, right once told why (the prompt then carries the verdict).
        'if "previous change is already in the files" in prompt:\n    edit("calc.py", "a * b", "a + b")\n'
        '    say("Now adds.")\nelse:\n    edit("calc.py", "a - b", "a * b")\n    say("Multiplied.")\n'
    ),
}


def install(folder: Path, tool: str, scenario: str, **args: str) -> Path:
    """Write the fake `tool` (claude, codex or gemini) acting out `scenario` into `folder`; its path."""
    folder.mkdir(parents=True, exist_ok=True)
    script = _HEAD.format(python=sys.executable, tool=tool, flags=FLAGS[tool], scenario=scenario, args=args)
    target = folder / tool
    target.write_text(script + SCENARIOS[scenario])
    target.chmod(0o755)
    return target


def logged(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
