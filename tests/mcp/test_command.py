"""`healer mcp` as a command: without the SDK, outside a repository; the server's stdout is the protocol's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from healer.installation import add_command
from tests.conftest import Repo, RunHealer

from .server import Client, project, serve

WITHOUT_SDK = "import sys; sys.modules['mcp'] = None; from healer.main import main; sys.exit(main(['mcp']))"
"""`healer mcp` where `import mcp` fails, as it does without the extra."""


def test_without_the_sdk_one_line_names_the_command_that_adds_it(repo: Repo) -> None:
    project(repo)
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_SDK], cwd=repo.path, capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"healer: `healer mcp` needs the MCP SDK (the mcp package); add it: {add_command('mcp')}\n"


def test_outside_a_repository_it_says_so_and_serves_nothing(healer: RunHealer, tmp_path: Path) -> None:
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    done = healer("mcp", cwd=outside)
    assert done.code == 2 and done.out == ""
    assert "not inside a git repository" in done.err and done.err.count("\n") == 1


def test_the_server_says_nothing_on_stdout_but_the_protocol(repo: Repo, tmp_path: Path) -> None:
    project(repo)
    repo.write("app.py", "import os\n")
    stderr = tmp_path / "stderr.txt"

    async def scenario(client: Client) -> None:
        # A failing run and a proposal: the paths on which stages print and the core has most to say.
        assert (await client.call("run_checks"))["outcome"] == "failed"
        assert (await client.call("propose_fixes"))["rounds"]

    serve(repo, scenario, stderr=stderr)  # fails if a line on stdout was not JSON-RPC
    assert "Traceback" not in stderr.read_text()
