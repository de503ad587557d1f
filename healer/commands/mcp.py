"""`healer mcp`: serve healer's tools to an MCP client (an editor, an agent) over stdio.

The server is a front end of its own (healer.mcp), started by module name as
`healer.main` starts the terminal UI: only this command imports it, and with
it the `mcp` SDK, an optional extra.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from healer.errors import HealerError
from healer.installation import add_command

if TYPE_CHECKING:
    import argparse

SERVER = "healer.mcp.server"


def execute(args: argparse.Namespace) -> int:
    try:
        server = importlib.import_module(SERVER)
    except ModuleNotFoundError as error:
        if error.name != "mcp" and not (error.name or "").startswith("mcp."):
            raise
        raise HealerError(f"`healer mcp` needs the MCP SDK (the mcp package); add it: {add_command('mcp')}") from None
    code: int = server.serve()
    return code
