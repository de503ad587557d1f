"""Shared fixes (healer.kb.share, healer.kb.share_git): the entry, its redaction and checks, the git ref's union."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from healer.kb.share import (
    ENTRY_SCHEMA,
    SharedFix,
    ShareError,
    content_name,
    import_fixes,
    outgoing,
    parse_entry,
    pull,
    push,
    read_entries,
    shared_repo,
)
from healer.kb.share_git import REF, GitShare, repository_identity
from healer.kb.store import Store
from healer.llm.redaction import redact

from .helpers import patch
from .sharing import fake_token, local_state, team


def clean(text: str) -> str:
    return redact(text).text


def accept(store: Store, repo: str, n: int, *, title: str | None = None, diff: str | None = None) -> str:
    record = patch(n)
    record = record._replace(title=title or record.title, diff=diff or record.diff)
    store.record_patches(repo, None, [record])
    store.record_decision(repo, record.patch_id, "accepted", "cli")
    return record.patch_id


def entry(**changes: object) -> tuple[str, bytes]:
    fix = SharedFix(
        patch_id="1ca6b8f9c6fa", title="remove unused import os", diff=patch(0).diff, source="rule",
        origin="ruff.autofix", safety="safe", confidence=0.95, stage="lint", flags=(), fingerprints=("fp0",),
        classes=("ruff:F401",),
    )  # fmt: skip
    document = fix.document() | changes
    data = json.dumps(document).encode()
    return content_name(data), data


def test_an_accepted_fix_is_shared_redacted_and_one_with_a_secret_in_its_diff_is_withheld(tmp_path: Path) -> None:
    token = fake_token()
    with Store(tmp_path / "kb.db") as store:
        plain = accept(store, "/a", 1, title=f"remove the import (token {token})")
        secret = accept(store, "/a", 2, diff=patch(2).diff.replace("x = 1", f'TOKEN = "{token}"'))
        undone = accept(store, "/a", 3)
        store.record_decision("/a", undone, "undone", "cli")
        accept(store, "/elsewhere", 4)  # another repository's: not this one's to share
        out = outgoing(store, "/a", clean)
    assert [fix.patch_id for fix in out.fixes] == [plain] and out.withheld == (secret,)
    shared = out.fixes[0]
    assert token not in shared.encode().decode() and "[REDACTED:github-token]" in shared.title
    assert shared.fingerprints == ("fp1",) and shared.classes == ("ruff:F401",) and shared.diff == patch(1).diff
    document = json.loads(shared.encode())
    assert document["schema"] == ENTRY_SCHEMA and "repo" not in document and "accepted" not in document
    assert shared.name == content_name(shared.encode()) and len(shared.name) == 64 + len(".json")


def test_a_valid_entry_parses_back_to_the_same_fix(tmp_path: Path) -> None:
    name, data = entry()
    fix = parse_entry(name, data, tmp_path, clean)
    assert fix.patch_id == "1ca6b8f9c6fa" and fix.fingerprints == ("fp0",) and fix.confidence == 0.95
    assert parse_entry(fix.name, fix.encode(), tmp_path, clean) == fix


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"schema": "healer.kb.fix/9"}, "schema 'healer.kb.fix/9'"),
        ({"diff": "not a diff at all"}, "diff: changes no file"),
        ({"diff": patch(0).diff.replace("src/mod0.py", "../outside.py")}, "escapes the repository"),
        ({"diff": patch(0).diff.replace("src/mod0.py", ".git/hooks/pre-commit")}, "inside .git"),
        ({"safety": "harmless"}, "safety: 'harmless' is not one of"),
        ({"source": "friend"}, "source: 'friend' is not one of"),
        ({"confidence": 7}, "confidence: must be a number from 0 to 1"),
        ({"fingerprints": []}, "fingerprints: must not be empty"),
        ({"title": None}, "title: must be a non-empty string"),
        ({"patch_id": "../../x"}, "is not a patch id"),
    ],
)
def test_an_invalid_entry_is_refused_with_its_reason(tmp_path: Path, changes: dict[str, object], reason: str) -> None:
    name, data = entry(**changes)
    with pytest.raises(ShareError, match=None) as error:
        parse_entry(name, data, tmp_path, clean)
    assert reason in str(error.value) and "\n" not in str(error.value)


def test_an_entry_whose_name_or_content_is_wrong_or_holds_a_secret_is_refused(tmp_path: Path) -> None:
    _name, data = entry()
    problems = {
        "a" * 64 + ".json": data,  # someone edited it after it was shared
        "notes.txt": data,
        content_name(b"{nope"): b"{nope",
        content_name(b"[]"): b"[]",
    }
    secret = entry(title=f"uses {fake_token(3)}")
    problems[secret[0]] = secret[1]
    fixes, refused = read_entries(problems, tmp_path, clean)
    assert fixes == []
    reasons = {one.name: one.reason for one in refused}
    assert reasons["a" * 64 + ".json"].startswith("its name is not the sha256 of its content")
    assert reasons["notes.txt"].startswith("not an entry's name")
    assert reasons[content_name(b"{nope")].startswith("not JSON")
    assert reasons[content_name(b"[]")] == "not a JSON object"
    assert reasons[secret[0]] == "title: holds what looks like a secret"


def test_importing_records_accepted_fixes_for_replay_once(tmp_path: Path) -> None:
    tag = shared_repo("abc123")
    fix = parse_entry(*entry(), tmp_path, clean)
    with Store(tmp_path / "kb.db") as store:
        assert import_fixes(store, tag, [fix]) == (["1ca6b8f9c6fa"], 0)
        assert import_fixes(store, tag, [fix]) == ([], 1)
        past = store.accepted_fixes(["fp0"])
        # Accepted here already: replay has it, nothing to add.
        own = accept(store, "/b", 5)
        mine = fix._replace(patch_id=own, fingerprints=("fp5",))
        assert import_fixes(store, tag, [mine]) == ([], 1)
        decisions = store.conn.execute("SELECT repo, decision, via FROM decisions WHERE repo = ?", (tag,)).fetchall()
    assert [(one.patch_id, one.repo, one.diff, one.fingerprints) for one in past] == [
        ("1ca6b8f9c6fa", tag, fix.diff, ("fp0",))
    ]
    assert decisions == [(tag, "accepted", "kb pull")]


# -- the git ref ------------------------------------------------------------------------


def test_push_and_pull_through_the_ref_leave_branches_index_worktree_and_stash_alone(tmp_path: Path) -> None:
    crew = team(tmp_path)
    a, b = crew.clone("a"), crew.clone("b")
    for developer in (a, b):  # a stash entry, a staged file, a changed file: each must stay as it is
        developer.write("shop.py", "x = 1\n")
        developer.git("stash", "-q")
        developer.write("staged.py", "y = 2\n")
        developer.git("add", "staged.py")
        developer.write("shop.py", "z = 3\n")
    before = local_state(a), local_state(b)
    root_a = a.path.resolve()
    with Store(a.db) as store:
        first = accept(store, str(root_a), 1)
        report = push(store, str(root_a), clean, GitShare(root_a, "origin"))
    assert (report.accepted, report.sent, report.present, report.total) == (1, 1, 0, 1)
    assert a.git("ls-remote", "origin", REF).split()[1] == REF
    assert a.git("for-each-ref", "--format=%(refname)", "refs/healer") == "refs/healer/remotes/origin/kb\n"
    root_b = b.path.resolve()
    tag = shared_repo(repository_identity(root_b))
    assert repository_identity(root_a) == repository_identity(root_b)
    with Store(b.db) as store:
        got = pull(store, root_b, tag, clean, GitShare(root_b, "origin"))
        again = pull(store, root_b, tag, clean, GitShare(root_b, "origin"))
    assert got.added == (first,) and got.found == 1 and got.refused == ()
    assert again.added == () and again.present == 1
    assert (local_state(a), local_state(b)) == before
    assert "staged.py" in b.git("diff", "--cached", "--name-only")


def test_a_push_that_loses_a_race_fetches_merges_and_keeps_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crew = team(tmp_path)
    a, b = crew.clone("a"), crew.clone("b")
    ids = {}
    for n, developer in enumerate((a, b), start=1):
        with Store(developer.db) as store:
            ids[developer.path.name] = accept(store, str(developer.path.resolve()), n)
    share_b = GitShare(b.path.resolve(), "origin")
    fetch = share_b.fetch
    calls: list[str | None] = []

    def fetch_then_a_pushes() -> str | None:
        base = fetch()
        if not calls:  # a pushes between b's fetch and b's push: b's push is not a fast-forward
            with Store(a.db) as store:
                push(store, str(a.path.resolve()), clean, GitShare(a.path.resolve(), "origin"))
        calls.append(base)
        return base

    monkeypatch.setattr(share_b, "fetch", fetch_then_a_pushes)
    with Store(b.db) as store:
        report = push(store, str(b.path.resolve()), clean, share_b)
    assert report.attempts == 2 and report.sent == 1 and report.total == 2
    c = crew.clone("c")
    root_c = c.path.resolve()
    with Store(c.db) as store:
        got = pull(store, root_c, shared_repo(repository_identity(root_c)), clean, GitShare(root_c, "origin"))
    assert sorted(got.added) == sorted(ids.values())
    # A chain of fast-forwards: each push's commit on top of the one it merged with.
    assert c.git("rev-list", "--count", "refs/healer/remotes/origin/kb") == "2\n"


def test_nothing_shared_yet_and_no_remote(tmp_path: Path) -> None:
    crew = team(tmp_path)
    a = crew.clone("a")
    root = a.path.resolve()
    assert GitShare(root, "origin").receive() is None
    with pytest.raises(ShareError, match="has no git remote 'upstream' \\(its remotes: origin\\)"):
        GitShare(root, "upstream").receive()
