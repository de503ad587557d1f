"""The real `healer mcp` in a subprocess, driven by the MCP SDK's own client over stdio."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.types import CallToolResult

from tests.conftest import Repo

LINT = '[stages.lint]\nrun = "ruff check --no-fix --no-cache ."\nkind = "lint"\ninputs = ["*.py"]\nparser = "ruff"\n'
TESTS = (
    '[stages.test]\nrun = "python -m pytest -q -p no:cacheprovider"\nkind = "test"\ninputs = ["*.py"]\n'
    'parser = "pytest"\nneeds = ["lint"]\n'
)
CLEAN = "def double(x: int) -> int:\n    return 2 * x\n"
UNUSED = "import os\n\n\n" + CLEAN
TEST = "from app import double\n\n\ndef test_double() -> None:\n    assert double(2) == 4\n"


def project(repo: Repo) -> None:
    """A committed project that passes: a module, its test, ruff and pytest stages."""
    repo.config(LINT + "\n" + TESTS)
    repo.write("app.py", CLEAN)
    repo.write("test_app.py", TEST)
    repo.write(".gitignore", "__pycache__/\n")
    repo.commit("start")


class Client:
    """A session with the server."""

    def __init__(self, session: ClientSession) -> None:
        self.session = session

    async def call(self, tool: str, **arguments: Any) -> dict[str, Any]:
        """A tool's structured result; fails the test when the tool reports an error."""
        result = await self.session.call_tool(tool, arguments)
        assert not result.is_error, text(result)
        assert isinstance(result.structured_content, dict), result
        # The text content is the same document, for clients that read only text.
        assert json.loads(text(result)) == result.structured_content
        return result.structured_content

    async def error(self, tool: str, **arguments: Any) -> str:
        """A tool's error message, which must be one line."""
        result = await self.session.call_tool(tool, arguments)
        assert result.is_error, result
        message = text(result)
        assert "\n" not in message and "Traceback" not in message, message
        return message


def text(result: CallToolResult) -> str:
    return "".join(block.text for block in result.content if block.type == "text")


def serve(repo: Repo, scenario: Callable[[Client], Awaitable[None]], stderr: Path | None = None) -> None:
    """Start `healer mcp` in the repository, run `scenario` with a client, and end the server."""

    async def main() -> None:
        server = StdioServerParameters(
            command=sys.executable, args=["-m", "healer", "mcp"], cwd=str(repo.path), env=dict(os.environ)
        )
        garbage: list[Exception] = []

        async def heard(message: object) -> None:
            if isinstance(message, Exception):  # a line on the server's stdout that is not JSON-RPC
                garbage.append(message)

        with open(stderr or os.devnull, "w") as log:
            async with (
                stdio_client(server, errlog=log) as (read, write),
                ClientSession(read, write, message_handler=heard) as session,
            ):
                await session.initialize()
                with anyio.fail_after(240):
                    await scenario(Client(session))
                assert garbage == []  # every line on the server's stdout was the protocol's

    anyio.run(main)
