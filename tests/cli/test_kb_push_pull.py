"""`healer kb push` / `healer kb pull` as the real CLI: two developers' clones of one bare repository, each with
their own knowledge base; a fix one accepts is pushed, pulled by the other and replayed there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from healer.kb.share import content_name

from ..cache.webdav import WebDav, free_port, start_webdav
from ..conftest import RunHealer
from ..kb.sharing import BROKEN, Developer, fake_token, local_state, team


def accept_a_fix(healer: RunHealer, developer: Developer, name: str = "shop.py", text: str = BROKEN) -> str:
    """Break `name` with an unused import and let `healer fix --apply safe` take it out: a fix a person accepted."""
    developer.write(name, text)
    done = healer("fix", "--apply", "safe", "--json", cwd=developer.path, env=developer.env, timeout=300)
    assert done.code == 0, done.out + done.err
    applied = [p["id"] for r in json.loads(done.out)["rounds"] for p in r["patches"] if p["status"] == "verified"]
    assert len(applied) == 1, done.out
    return str(applied[0])


def kb(healer: RunHealer, developer: Developer, *args: str, via: str = "git") -> dict[str, Any]:
    done = healer("kb", *args, "--json", cwd=developer.path, env=developer.env)
    assert done.code == 0, done.err
    document: dict[str, Any] = json.loads(done.out)
    assert document["schema"] == "healer.kb/1" and document["via"] == via
    return document


def test_a_fix_accepted_by_one_developer_is_replayed_for_another(tmp_path: Path, healer: RunHealer) -> None:
    crew = team(tmp_path)
    a, b = crew.clone("a"), crew.clone("b")
    fix = accept_a_fix(healer, a)
    before_a = local_state(a)
    pushed = kb(healer, a, "push")
    assert pushed == {
        "schema": "healer.kb/1", "command": "push", "via": "git", "where": "origin (refs/healer/kb)", "accepted": 1,
        "sent": 1, "already_shared": 0, "shared_total": 1, "withheld": [], "attempts": 1,
    }  # fmt: skip
    assert local_state(a) == before_a
    again = healer("kb", "push", cwd=a.path, env=a.env)
    assert again.out == "nothing new to push to origin (refs/healer/kb): it has this repository's fixes (1 shared)\n"

    b.write("shop.py", BROKEN)  # the same mistake in the other clone
    before_b = local_state(b)
    text = healer("kb", "pull", cwd=b.path, env=b.env)
    assert (
        text.code == 0
        and text.out == "pulled 1 new fix from origin (refs/healer/kb) (1 entry: 0 already here, 0 refused)\n"
    )
    second = kb(healer, b, "pull")
    assert second["added"] == [] and second["already_here"] == 1 and second["entries"] == 1 and second["refused"] == []
    assert local_state(b) == before_b

    proposed = healer("fix", "--offline", "--json", cwd=b.path, env=b.env, timeout=300)
    patches = [p for r in json.loads(proposed.out)["rounds"] for p in r["patches"]]
    assert [(p["id"], p["status"]) for p in patches] == [(fix, "verified")]
    seen = patches[0]["seen_before"]
    assert seen["patch"] == fix and seen["repo"].startswith("shared:"), seen  # the replay fixer found it
    assert seen["repo"] == "shared:" + b.git("rev-list", "--max-parents=0", "HEAD").strip()
    assert (b.path / "shop.py").read_text() == BROKEN  # proposed, not applied


def test_two_developers_pushing_at_once_lose_no_fix(tmp_path: Path, healer: RunHealer) -> None:
    crew = team(tmp_path, files=("one.py", "two.py"))
    a, b = crew.clone("a"), crew.clone("b")
    fixes = {accept_a_fix(healer, a, "one.py"), accept_a_fix(healer, b, "two.py")}
    assert len(fixes) == 2
    pushes = [
        subprocess.Popen(
            [sys.executable, "-m", "healer", "kb", "push", "--json"],
            cwd=developer.path,
            env={**os.environ, **developer.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for developer in (a, b)
    ]
    reports = []
    for process in pushes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        reports.append(json.loads(out))
    assert sorted(report["sent"] for report in reports) == [1, 1]
    assert max(report["shared_total"] for report in reports) == 2
    c = crew.clone("c")
    pulled = kb(healer, c, "pull")
    assert sorted(pulled["added"]) == sorted(fixes)


def test_a_fix_whose_diff_holds_a_secret_is_withheld(tmp_path: Path, healer: RunHealer) -> None:
    crew = team(tmp_path)
    a = crew.clone("a")
    token = fake_token(7)
    fix = accept_a_fix(healer, a, text=f'import os\n\nTOKEN = "{token}"\n')  # the token is in the diff's context
    text = healer("kb", "push", cwd=a.path, env=a.env)
    assert text.code == 0 and text.out == (f"withheld 1 fix whose diff holds what looks like a secret: {fix}\n"), (
        text.out
    )
    document = kb(healer, a, "push")
    assert document["withheld"] == [fix] and document["sent"] == 0 and document["accepted"] == 1
    assert a.git("ls-remote", "origin", "refs/healer/kb") == ""  # nothing was pushed at all


def test_invalid_entries_on_the_ref_are_refused_each_named(tmp_path: Path, healer: RunHealer) -> None:
    crew = team(tmp_path)
    a, b, mallory = crew.clone("a"), crew.clone("b"), crew.clone("mallory")
    good = accept_a_fix(healer, a)
    kb(healer, a, "push")
    # Someone commits hand-made files to the ref: broken JSON, an unsafe path, a renamed entry, a secret.
    mallory.git("fetch", "-q", "origin", "refs/healer/kb:refs/healer/kb-remote")
    tree = mallory.git("ls-tree", "refs/healer/kb-remote")
    valid = json.loads(mallory.git("cat-file", "blob", tree.split()[2]))
    escape = json.dumps(valid | {"diff": valid["diff"].replace("shop.py", "../escape.py")}).encode()
    secret = json.dumps(valid | {"title": f"token {fake_token(9)}"}).encode()
    bad = {
        content_name(b"{not json"): b"{not json",
        content_name(escape): escape,
        "0" * 64 + ".json": b"{}",
        content_name(secret): secret,
    }
    lines = [tree.strip()]
    for name, data in bad.items():
        sha = mallory.git("hash-object", "-w", "--stdin", input=data).strip()
        lines.append(f"100644 blob {sha}\t{name}")
    folder = mallory.git("mktree", input=f"100644 blob {sha}\tinside.json\n".encode()).strip()
    lines.append(f"040000 tree {folder}\tfolder")
    new_tree = mallory.git("mktree", input=("\n".join(lines) + "\n").encode()).strip()
    commit = mallory.git("commit-tree", new_tree, "-p", "refs/healer/kb-remote", "-m", "hand-made").strip()
    mallory.git("push", "-q", "origin", f"{commit}:refs/healer/kb")

    text = healer("kb", "pull", cwd=b.path, env=b.env)
    assert text.code == 0, text.err
    out = text.out.splitlines()
    assert out[0] == "pulled 1 new fix from origin (refs/healer/kb) (6 entries: 0 already here, 5 refused)"
    refused = {line.split(":", 1)[0].removeprefix("refused "): line.split(": ", 1)[1] for line in out[1:]}
    assert refused == {
        content_name(b"{not json"): refused[content_name(b"{not json")],
        content_name(escape): "diff: ../escape.py: escapes the repository (..)",
        "0" * 64 + ".json": "its name is not the sha256 of its content (changed after it was shared)",
        content_name(secret): "title: holds what looks like a secret",
        "folder": "not a plain file (tree 040000)",
    }
    assert refused[content_name(b"{not json")].startswith("not JSON")
    document = kb(healer, crew.clone("c"), "pull")
    assert document["added"] == [good] and len(document["refused"]) == 5
    assert {one["name"] for one in document["refused"]} == {*bad, "folder"}


def test_without_the_remote_push_and_pull_say_so_in_one_line(tmp_path: Path, healer: RunHealer) -> None:
    crew = team(tmp_path)
    a = crew.clone("a")
    for command in ("push", "pull"):
        done = healer("kb", command, "--remote", "upstream", cwd=a.path, env=a.env)
        assert done.code == 2 and done.out == "" and len(done.err.splitlines()) == 1, done.err
        assert "has no git remote 'upstream' (its remotes: origin)" in done.err
    a.git("remote", "remove", "origin")
    done = healer("kb", "push", cwd=a.path, env=a.env)
    assert done.code == 2 and len(done.err.splitlines()) == 1 and "(it has none)" in done.err


def test_pull_before_anyone_pushed_and_push_with_nothing_accepted(tmp_path: Path, healer: RunHealer) -> None:
    crew = team(tmp_path)
    a = crew.clone("a")
    assert healer("kb", "pull", cwd=a.path, env=a.env).out == "nothing shared yet on origin (refs/healer/kb)\n"
    assert kb(healer, a, "pull") | {"schema": None} == {
        "schema": None, "command": "pull", "via": "git", "where": "origin (refs/healer/kb)", "shared": False,
        "entries": 0, "added": [], "already_here": 0, "refused": [],
    }  # fmt: skip
    assert healer("kb", "push", cwd=a.path, env=a.env).out == "no accepted fixes in this repository to share\n"
    assert a.git("ls-remote", "origin", "refs/healer/kb") == ""


# -- through the remote cache -------------------------------------------------------------


@pytest.fixture
def webdav(tmp_path: Path) -> Iterator[WebDav]:
    """A real nginx WebDAV location on 127.0.0.1, as tests/cache uses: a team's remote cache."""
    yield from start_webdav(tmp_path / "nginx")


def test_through_the_remote_cache_a_fix_reaches_another_clone(
    tmp_path: Path, healer: RunHealer, webdav: WebDav
) -> None:
    crew = team(tmp_path, config=f'[remote_cache]\nurl = "{webdav.url}"\n')
    a, b = crew.clone("a"), crew.clone("b")
    fix = accept_a_fix(healer, a)
    pushed = kb(healer, a, "push", via="remote-cache")  # the default when a remote cache is configured
    assert (pushed["where"], pushed["sent"], pushed["shared_total"]) == (f"{webdav.url} (remote cache)", 1, 1)
    assert len(webdav.files("cas")) == 1 and len(webdav.files("ac")) == 1  # the entry, and the index listing it
    assert kb(healer, a, "push", via="remote-cache")["sent"] == 0
    assert a.git("ls-remote", "origin", "refs/healer/kb") == ""  # the git ref is not used

    b.write("shop.py", BROKEN)
    pulled = kb(healer, b, "pull", via="remote-cache")
    assert pulled["added"] == [fix] and pulled["refused"] == []
    assert kb(healer, b, "pull", via="remote-cache")["added"] == []
    proposed = healer("fix", "--offline", "--json", cwd=b.path, env=b.env, timeout=300)
    patches = [p for r in json.loads(proposed.out)["rounds"] for p in r["patches"]]
    assert [(p["id"], p["seen_before"]["patch"]) for p in patches] == [(fix, fix)]

    # A damaged entry is refused by name; --via git still works beside the remote cache.
    (entry,) = webdav.files("cas")
    entry.write_bytes(entry.read_bytes()[:-5])
    c = crew.clone("c")
    damaged = kb(healer, c, "pull", via="remote-cache")
    assert damaged["added"] == [] and [one["name"] for one in damaged["refused"]] == [entry.name + ".json"]
    assert kb(healer, a, "push", "--via", "git", via="git")["sent"] == 1


def test_the_remote_cache_down_is_one_line(tmp_path: Path, healer: RunHealer) -> None:
    crew = team(tmp_path, config=f'[remote_cache]\nurl = "http://127.0.0.1:{free_port()}"\n')
    a = crew.clone("a")
    accept_a_fix(healer, a)
    for command in ("push", "pull"):
        done = healer("kb", command, cwd=a.path, env=a.env)
        assert done.code == 2 and len(done.err.splitlines()) == 1, done.err
        assert "cannot be used: connection refused" in done.err
    done = healer("kb", "pull", cwd=a.path, env={**a.env, "HEALER_OFFLINE": "1"})
    assert done.code == 2 and "the remote cache is not used here: HEALER_OFFLINE is set" in done.err
