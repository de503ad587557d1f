"""`healer mcp`'s tools for fixing: propose (verified, offline), show, apply (guarded), undo, history."""

from __future__ import annotations

from typing import Any

from tests.conftest import Repo

from .server import CLEAN, UNUSED, Client, project, serve

FIXED = "\n\n" + CLEAN
"""What ruff's fix for the unused import leaves."""


async def propose(client: Client, **arguments: Any) -> dict[str, Any]:
    """The one verified patch `propose_fixes` finds for the unused import."""
    document = await client.call("propose_fixes", **arguments)
    assert document["schema"] == "healer.fix/1" and document["applied"] == []
    assert document["offline"] == "no model configured"  # offline by itself: rules and past fixes only
    (one,) = document["rounds"]
    (patch,) = one["patches"]
    assert patch["status"] == "verified" and patch["source"] == "rule" and patch["files"] == ["app.py"]
    assert len(patch["id"]) == 12 and "\n-import os" in patch["diff"]
    assert patch["verification"]["reruns"], patch
    return patch


def test_propose_show_apply_refuse_undo_and_history(repo: Repo) -> None:
    project(repo)
    # Bytes a text round trip would change: CRLF line endings and no final newline.
    original = UNUSED.replace("\n", "\r\n").rstrip("\r\n").encode()
    (repo.path / "app.py").write_bytes(original)

    async def scenario(client: Client) -> None:
        patch = await propose(client)
        assert (repo.path / "app.py").read_bytes() == original  # proposing changes no file
        shown = await client.call("show_fix", fix_id=patch["id"][:7])
        assert shown == patch

        # The user saves the file after the fix was made: applying it must refuse and write nothing.
        edited = original + b"\r\n# my edit\r\n"
        (repo.path / "app.py").write_bytes(edited)
        refused = await client.error("apply_fix", fix_id=patch["id"])
        assert refused == "Error executing tool apply_fix: app.py changed since the fix was made; rerun `healer fix`"
        assert (repo.path / "app.py").read_bytes() == edited
        (repo.path / "app.py").write_bytes(original)

        applied = await client.call("apply_fix", fix_id=patch["id"])
        assert applied == {
            "id": patch["id"],
            "title": patch["title"],
            "files": ["app.py"],
            "flags": [],
            "staged": False,
        }
        fixed = (repo.path / "app.py").read_bytes()
        assert b"import os" not in fixed and fixed.startswith(b"\r\n\r\ndef double")
        assert "changed since the fix was made" in await client.error("apply_fix", fix_id=patch["id"])
        assert (repo.path / "app.py").read_bytes() == fixed
        assert (await client.call("run_checks"))["outcome"] == "passed"

        undone = await client.call("undo_fix")
        assert undone == {
            "schema": "healer.undo/1", "id": patch["id"], "title": patch["title"], "restored": ["app.py"],
            "unchanged": [],
        }  # fmt: skip
        assert (repo.path / "app.py").read_bytes() == original
        assert "already undone" in await client.error("undo_fix", fix_id=patch["id"])

        history = await client.call("history", limit=5)
        assert history["schema"] == "healer.history/1" and history["repo"] == str(repo.path.resolve())
        fixes = [(fix["patch_id"], fix["decision"], fix["via"]) for fix in history["fixes"]]
        assert fixes == [(patch["id"], "undone", "mcp"), (patch["id"], "applied", "mcp")]
        triggers = [(run["trigger"], run["outcome"]) for run in history["runs"]]
        assert triggers == [("mcp", "passed"), ("fix", "failed")]
        assert len((await client.call("history", limit=1))["runs"]) == 1

    serve(repo, scenario)


def test_a_fix_for_the_staged_content_is_applied_and_staged(repo: Repo) -> None:
    project(repo)
    repo.write("app.py", UNUSED)
    repo.git("add", "app.py")
    repo.write("test_app.py", "this is unstaged work in progress\n")  # the staged content is what gets fixed

    async def scenario(client: Client) -> None:
        patch = await propose(client, staged=True)
        assert repo.git("show", ":app.py") == UNUSED
        applied = await client.call("apply_fix", fix_id=patch["id"])
        assert applied["staged"] is True
        assert (repo.path / "app.py").read_text() == FIXED and repo.git("show", ":app.py") == FIXED
        assert (repo.path / "test_app.py").read_text() == "this is unstaged work in progress\n"
        assert (await client.call("run_checks", staged=True))["outcome"] == "passed"

    serve(repo, scenario)


def test_a_passing_tree_proposes_nothing(repo: Repo) -> None:
    project(repo)

    async def scenario(client: Client) -> None:
        document = await client.call("propose_fixes", offline=True)
        assert document["outcome"] == "passed" and document["rounds"] == [] and document["found"] == 0
        assert document["offline"] == "--offline"

    serve(repo, scenario)
