"""`healer hook agent-stop --agent NAME`: what a coding agent runs before it finishes (`healer install --agent`).

Reads the agent's JSON on standard input, has the core check the working tree (cached where nothing
changed; nothing in the work tree is touched) and prints the agent's documented answer
(healer.hooks.agent_stop): on standard output only that JSON, healer's own account on standard error.
Whatever goes wrong on healer's side (no repository, a broken configuration) ends with exit code 1, which
every one of these agents reports without holding the agent back.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from healer.commands.display import CliReporter
from healer.errors import HealerError
from healer.hooks.agent_stop import allow, answer, read_payload
from healer.interrupt import terminated_as_interrupt
from healer.pipeline.skip import skips_every_stage
from healer.service import Healer
from healer.workspace import NoStages, open_workspace

if TYPE_CHECKING:
    import argparse

    from healer.hooks.agent_stop import Answer


def _say(reply: Answer) -> int:
    sys.stdout.write(reply.stdout)
    sys.stdout.flush()
    if reply.stderr:
        sys.stderr.write(reply.stderr)
    return reply.exit_code


def execute(args: argparse.Namespace) -> int:
    agent = args.agent
    if agent is None:
        raise HealerError("`healer hook agent-stop` needs --agent NAME (claude, codex, cursor or gemini)")
    text = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
    payload = read_payload(agent, text)
    if skips_every_stage(os.environ):
        return _say(allow(agent, "healer: checks skipped (HEALER_SKIP=1)"))
    if payload.ended is not None:
        return _say(allow(agent))  # Cursor: the turn was aborted or failed; nothing to ask the agent
    try:
        workspace = open_workspace()
        healer = Healer(workspace, via="hook", reporter=CliReporter(None), environ=os.environ)
        with terminated_as_interrupt():
            run = healer.check(trigger="agent-stop")
    except NoStages as error:
        return _say(allow(agent, f"healer: {error}"))
    except HealerError as error:
        print(f"healer: {error}", file=sys.stderr)
        return 1
    return _say(answer(agent, payload, run, workspace.state_dir))
