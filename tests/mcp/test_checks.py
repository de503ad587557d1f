"""`healer mcp`'s tools for checking: the real server, the SDK's client, real ruff and pytest stages."""

from __future__ import annotations

import hashlib
from typing import Any

from tests.conftest import Repo

from .server import CLEAN, UNUSED, Client, project, serve

TOOLS = {"run_checks", "list_diagnostics", "propose_fixes", "show_fix", "apply_fix", "undo_fix", "history"}


def state(repo: Repo) -> tuple[str, str]:
    """The working tree's bytes and the index file: what the checking tools must leave alone."""
    files = hashlib.sha256()
    for path in sorted(repo.path.rglob("*")):
        if ".git" in path.parts or "__pycache__" in path.parts or not path.is_file():
            continue
        files.update(str(path).encode() + b"\0" + path.read_bytes())
    return files.hexdigest(), hashlib.sha256((repo.path / ".git" / "index").read_bytes()).hexdigest()


def test_the_server_lists_its_tools(repo: Repo) -> None:
    project(repo)

    async def scenario(client: Client) -> None:
        listed = (await client.session.list_tools()).tools
        assert {tool.name for tool in listed} == TOOLS
        for tool in listed:
            assert tool.description and tool.input_schema["type"] == "object", tool
            writes = tool.name in ("apply_fix", "undo_fix")
            assert tool.annotations is not None and tool.annotations.read_only_hint is not writes, tool
        run = next(tool for tool in listed if tool.name == "run_checks")
        assert set(run.input_schema["properties"]) == {"stages", "staged", "no_cache"}
        assert "required" not in run.input_schema or not run.input_schema["required"]

    serve(repo, scenario)


def test_run_checks_on_the_working_tree_and_on_the_staged_content(repo: Repo) -> None:
    project(repo)
    repo.write("app.py", UNUSED)  # in the working tree only: the staged content is the clean commit

    async def scenario(client: Client) -> None:
        async def run(**arguments: Any) -> dict[str, Any]:
            before = state(repo)
            document = await client.call("run_checks", **arguments)
            assert state(repo) == before  # a check writes neither the working tree nor the index
            return document

        worktree = await run()
        assert worktree["schema"] == "healer.run/1" and worktree["outcome"] == "failed"
        lint, test = worktree["stages"]
        assert (lint["name"], lint["status"], test["status"]) == ("lint", "failed", "skipped")
        assert [(d["file"], d["line"], d["code"]) for d in lint["diagnostics"]] == [("app.py", 1, "F401")]
        staged = await run(staged=True)
        assert staged["outcome"] == "passed", staged
        assert [stage["status"] for stage in staged["stages"]] == ["passed", "passed"]

        # Now the other way round: the mistake staged, the working tree clean again.
        repo.git("add", "app.py")
        repo.write("app.py", CLEAN)
        assert (await run(staged=True))["outcome"] == "failed"
        again = await run()
        assert again["outcome"] == "passed" and all(stage["cached"] for stage in again["stages"])
        only = await run(stages=["lint"], no_cache=True)
        assert [stage["name"] for stage in only["stages"]] == ["lint"]
        assert not only["stages"][0]["cached"]

    serve(repo, scenario)


def test_list_diagnostics_of_the_last_run(repo: Repo) -> None:
    project(repo)

    async def scenario(client: Client) -> None:
        assert await client.error("list_diagnostics") == (
            "Error executing tool list_diagnostics: no run yet in this session: call run_checks first"
        )
        repo.write("app.py", UNUSED)
        await client.call("run_checks")
        listed = await client.call("list_diagnostics")
        assert listed["outcome"] == "failed" and listed["exit_code"] == 1
        assert listed["stages"] == {"lint": "failed", "test": "skipped"}
        (found,) = listed["diagnostics"]
        assert (found["stage"], found["tool"], found["file"], found["line"], found["code"]) == (
            "lint", "ruff", "app.py", 1, "F401",
        )  # fmt: skip
        assert "`os` imported but unused" in found["message"] and found["fingerprint"]
        assert (await client.call("list_diagnostics", stage="test"))["diagnostics"] == []
        message = await client.error("list_diagnostics", stage="tests")
        assert message.endswith("no stage named 'tests' in the last run; its stages are: lint, test"), message

        repo.write("app.py", CLEAN)
        await client.call("run_checks")
        assert (await client.call("list_diagnostics"))["diagnostics"] == []  # the last run's, not the first's

    serve(repo, scenario)


def test_bad_arguments_are_one_line_tool_errors_and_the_server_goes_on(repo: Repo) -> None:
    project(repo)

    async def scenario(client: Client) -> None:
        message = await client.error("run_checks", stages=["lnt"])
        assert message == (
            "Error executing tool run_checks: no stage named 'lnt' (did you mean 'lint'?); the stages are: lint, test"
        )
        for tool in ("show_fix", "apply_fix"):
            message = await client.error(tool, fix_id="0123456789ab")
            assert message.endswith(
                "no proposed fix with id '0123456789ab'; propose fixes first, which lists their ids"
            )
        assert "no applied fix with id 'beef'" in await client.error("undo_fix", fix_id="beef")
        assert "nothing to undo" in await client.error("undo_fix")
        assert (await client.error("history", limit=0)).endswith(
            "invalid limit: Input should be greater than or equal to 1"
        )
        assert "invalid staged: Input should be a valid boolean" in await client.error("run_checks", staged="maybe")
        assert (await client.call("run_checks"))["outcome"] == "passed"  # still serving

    serve(repo, scenario)
