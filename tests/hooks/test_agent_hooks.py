"""`healer install --agent` / `healer uninstall --agent`: each agent's documented file, merged, idempotent,
taken back byte for byte, and never written where it must not be."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from healer.hooks import agents
from healer.hooks.agents import AGENTS, with_healer, without_healer

from ..conftest import Repo, RunHealer
from .agent_schemas import SCHEMAS, check_settings

NAMES = sorted(AGENTS)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _ours(agent: str, document: object) -> list[dict[str, object]]:
    return [handler for handler in check_settings(agent, document) if "healer" in str(handler["command"])]


def test_the_cli_knows_the_agents_the_core_writes() -> None:
    from healer.main import build_parser

    install = build_parser()._subparsers._group_actions[0].choices["install"]  # type: ignore[union-attr]
    [option] = [action for action in install._actions if action.dest == "agents"]
    assert sorted(option.choices) == NAMES  # type: ignore[arg-type]
    assert set(SCHEMAS) == set(AGENTS)


@pytest.mark.parametrize("agent", NAMES)
def test_install_writes_the_agents_documented_file_and_a_second_install_changes_no_byte(
    repo: Repo, healer: RunHealer, agent: str
) -> None:
    path = repo.path / SCHEMAS[agent]["file"]
    done = healer("install", "--agent", agent)
    assert done.code == 0, done.err
    assert done.out.splitlines() == [f"{agent}: created {SCHEMAS[agent]['file']} (with healer's "
                                     f"{SCHEMAS[agent]['event']} hook)"]  # fmt: skip
    [handler] = _ours(agent, json.loads(path.read_text()))
    assert f"hook agent-stop --agent {agent}" in str(handler["command"])
    assert path.read_bytes().endswith(b"}\n")
    assert _mode(path) == 0o666 & ~_umask()
    assert not (repo.path / ".git" / "hooks" / "pre-commit").exists()  # --agent alone: no git hook
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    again = healer("install", "--agent", agent)
    assert again.code == 0, again.err
    assert again.out.splitlines() == [f"{agent}: unchanged {SCHEMAS[agent]['file']} (healer's "
                                      f"{SCHEMAS[agent]['event']} hook is there)"]  # fmt: skip
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


@pytest.mark.parametrize("agent", NAMES)
def test_uninstall_deletes_the_file_healer_created_and_its_folder(repo: Repo, healer: RunHealer, agent: str) -> None:
    path = repo.path / SCHEMAS[agent]["file"]
    healer("install", "--agent", agent)
    done = healer("uninstall", "--agent", agent)
    assert done.code == 0, done.err
    assert done.out.startswith(f"{agent}: removed {SCHEMAS[agent]['file']}")
    assert not path.exists() and not path.parent.exists()
    again = healer("uninstall", "--agent", agent)
    assert again.code == 0 and f"{agent}: absent" in again.out


def test_plain_install_still_writes_only_the_git_hooks(repo: Repo, healer: RunHealer) -> None:
    assert healer("install").code == 0
    assert (repo.path / ".git" / "hooks" / "pre-commit").exists()
    assert not any((repo.path / SCHEMAS[agent]["file"]).parent.exists() for agent in NAMES)
    both = healer("install", "--agent", "claude", "--hook", "pre-push")
    assert both.code == 0, both.err
    assert "claude: created" in both.out and "pre-push: unchanged" in both.out


CLAUDE_SETTINGS = """\
{
    "$schema": "https://json.schemastore.org/claude-code-settings.json",
    "permissions": {
        "allow": ["Bash(npm run lint)", "Read(~/.zshrc)"],
        "deny": ["Read(./.env)"]
    },
    "env": {"FOO": "bär"},
    "hooks": {
        "PostToolUse": [
            {
                "matcher": "Edit|Write",
                "hooks": [{"type": "command", "command": "prettier --write \\"$FILE\\""}]
            }
        ],
        "Stop": [
            {
                "hooks": [
                    {"type": "command", "command": "say done", "timeout": 5}
                ]
            }
        ]
    },
    "someFutureKey": {"nested": [1, 2.50, null, true]}
}
"""


def test_install_merges_with_existing_settings_and_uninstall_puts_back_every_byte(
    repo: Repo, healer: RunHealer
) -> None:
    path = repo.write(".claude/settings.json", CLAUDE_SETTINGS)
    path.chmod(0o600)
    original = path.read_bytes()
    done = healer("install", "--agent", "claude")
    assert done.code == 0, done.err
    assert done.out.splitlines() == ["claude: updated .claude/settings.json (added healer's Stop hook)"]
    merged = json.loads(path.read_text())
    expected = json.loads(original)
    assert len(_ours("claude", merged)) == 1
    assert merged["hooks"]["Stop"][:-1] == expected["hooks"]["Stop"]  # the user's Stop hook still runs, first
    merged["hooks"]["Stop"].pop()
    assert merged == expected  # every other key, value and order kept
    assert _mode(path) == 0o600
    text = path.read_text()
    assert text.startswith(CLAUDE_SETTINGS.split('        "Stop"')[0])  # untouched up to the Stop list
    assert '\n            {\n                "hooks": [\n                    {\n' in text  # its 4-space indent
    assert healer("install", "--agent", "claude").out.startswith("claude: unchanged")
    assert healer("uninstall", "--agent", "claude").out.splitlines() == [
        "claude: updated .claude/settings.json (removed healer's Stop hook)"
    ]
    assert path.read_bytes() == original
    assert _mode(path) == 0o600


STYLES = [
    "{}",
    "{}\n",
    '{"model": "opus"}',
    '{"model":"opus","hooks":{"PreToolUse":[]}}',
    '{\n  "model": "opus"\n}\n',
    '{\r\n\t"model": "opus",\r\n\t"hooks": {\r\n\t\t"SessionStart": [{"hooks": [{"type": "command", "command": "x"}]}]'
    "\r\n\t}\r\n}\r\n",
    '\ufeff{\n    "hooks": {\n        "Stop": []\n    , "PreCompact": [  ]  }\n}',
    '{\n  "a": [\n    1,\n    2\n  ],\n  "hooks": {"Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "y"}]}]}\n}',
]


def _handlers(agent: str, document: dict[str, object]) -> list[object]:
    entries = document["hooks"][AGENTS[agent].event]  # type: ignore[index]
    if AGENTS[agent].grouped:
        return [handler for group in entries for handler in group["hooks"]]
    return list(entries)


@pytest.mark.parametrize("agent", NAMES)
@pytest.mark.parametrize("original", STYLES)
def test_with_and_without_healer_are_inverse_and_idempotent(agent: str, original: str) -> None:
    spec = AGENTS[agent]
    data = original.encode()
    added = with_healer(spec, data)
    assert with_healer(spec, added) == added
    assert added.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    if b"\r\n" in data:  # Windows line ends stay Windows line ends, in what healer adds too
        assert added.count(b"\n") == added.count(b"\r\n") > data.count(b"\r\n")
    document = json.loads(added.decode("utf-8-sig"))
    assert _handlers(agent, document)[-1] == spec.handler
    before = json.loads(data.decode("utf-8-sig"))
    removed = without_healer(spec, added)
    hooks = before.get("hooks")
    if before == spec.skeleton:
        assert removed is None  # nothing of the person's was in it: the file goes
    elif hooks == {} or (isinstance(hooks, dict) and hooks.get(spec.event) == []):
        # An empty "hooks" or event list goes with healer's entry; all else is as it was.
        assert removed is not None
        left = json.loads(removed.decode("utf-8-sig"))
        if hooks == {}:
            assert left == {key: value for key, value in before.items() if key != "hooks"}
        else:
            assert left == {**before, "hooks": {k: v for k, v in hooks.items() if k != spec.event}}
    else:
        assert removed == data
    assert without_healer(spec, data) == data  # nothing of healer's in it: nothing changes


def test_a_changed_healer_entry_is_rewritten_and_every_entry_of_healers_is_removed() -> None:
    spec = AGENTS["claude"]
    edited = with_healer(spec, None).replace(b'"timeout": 600', b'"timeout": 5')
    assert with_healer(spec, edited) == with_healer(spec, None)
    twice = json.loads(edited)
    twice["hooks"]["Stop"].append({"hooks": [dict(spec.handler)]})
    assert without_healer(spec, json.dumps(twice).encode()) is None
    # healer's handler moved into a group of the person's: only the handler goes
    shared = {"hooks": {"Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "say"}, spec.handler]}]}}
    left = without_healer(spec, json.dumps(shared, indent=2).encode())
    assert left is not None
    assert json.loads(left) == {"hooks": {"Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "say"}]}]}}
    # another agent's command, or one that only mentions healer, is not healer's
    other = {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "healer hook agent-stop --agent codex"}]}]}}
    assert without_healer(spec, json.dumps(other).encode()) == json.dumps(other).encode()


def test_invalid_json_is_refused_naming_the_file_and_line_and_nothing_is_written(repo: Repo, healer: RunHealer) -> None:
    path = repo.write(".claude/settings.json", '{\n  "permissions": {},\n  "hooks": {,}\n}\n')
    original = path.read_bytes()
    done = healer("install", "--agent", "cursor", "--agent", "claude")
    assert done.code == 2
    [line] = done.err.splitlines()
    assert line.startswith("healer: .claude/settings.json: not valid JSON at line 3, column 13: ")
    assert "nothing was written" in line
    assert path.read_bytes() == original
    assert not (repo.path / ".cursor").exists()  # all or nothing: the other agent's file is not written either
    assert healer("uninstall", "--agent", "claude").code == 2
    assert path.read_bytes() == original


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[]", "expected a JSON object at the top"),
        ('{"hooks": []}', '"hooks" is not an object'),
        ('{"hooks": {"Stop": {}}}', '"hooks"."Stop" is not a list'),
    ],
)
def test_json_that_is_not_the_agents_shape_is_refused(repo: Repo, healer: RunHealer, text: str, problem: str) -> None:
    path = repo.write(".claude/settings.json", text)
    done = healer("install", "--agent", "claude")
    assert done.code == 2
    assert done.err.strip() == (
        f"healer: .claude/settings.json: {problem}, which is not how Claude Code reads it; fix the file, then run "
        "the command again (nothing was written)"
    )
    assert path.read_text() == text


def test_a_settings_file_linked_outside_the_repository_is_refused(
    repo: Repo, healer: RunHealer, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.json"
    outside.write_text('{"model": "opus"}\n')
    (repo.path / ".claude").mkdir()
    (repo.path / ".claude" / "settings.json").symlink_to(outside)
    done = healer("install", "--agent", "claude")
    assert done.code == 2
    [line] = done.err.splitlines()
    assert line.startswith("healer: .claude/settings.json leads outside the repository") and str(outside) in line
    assert outside.read_text() == '{"model": "opus"}\n'
    assert not list(tmp_path.glob("*.healer-tmp")) and not list((repo.path / ".claude").glob(".*"))


def test_an_agent_folder_linked_outside_the_repository_is_refused(
    repo: Repo, healer: RunHealer, tmp_path: Path
) -> None:
    outside = tmp_path / "shared-cursor"
    outside.mkdir()
    (repo.path / ".cursor").symlink_to(outside)
    done = healer("install", "--agent", "cursor")
    assert done.code == 2 and "leads outside the repository" in done.err
    assert list(outside.iterdir()) == []


def test_a_dangling_link_is_refused(repo: Repo, healer: RunHealer) -> None:
    (repo.path / ".gemini").mkdir()
    (repo.path / ".gemini" / "settings.json").symlink_to(repo.path / "gone.json")
    done = healer("install", "--agent", "gemini")
    assert done.code == 2 and "does not exist" in done.err
    assert not (repo.path / "gone.json").exists()


def test_a_link_inside_the_repository_is_followed_and_stays_a_link(repo: Repo, healer: RunHealer) -> None:
    shared = repo.write("config/claude.json", '{"model": "opus"}\n')
    (repo.path / ".claude").mkdir()
    link = repo.path / ".claude" / "settings.json"
    link.symlink_to(Path("..") / "config" / "claude.json")
    assert healer("install", "--agent", "claude").code == 0
    assert link.is_symlink() and _ours("claude", json.loads(shared.read_text()))
    assert healer("uninstall", "--agent", "claude").code == 0
    assert link.is_symlink() and shared.read_text() == '{"model": "opus"}\n'


def test_a_read_only_file_is_left_alone(repo: Repo, healer: RunHealer) -> None:
    path = repo.write(".codex/hooks.json", '{"hooks": {}}\n')
    path.chmod(0o444)
    done = healer("install", "--agent", "codex")
    assert done.code == 2
    assert done.err.strip() == (
        "healer: .codex/hooks.json is read-only; healer leaves it as it is (make it writable, then run the command "
        "again; nothing was written)"
    )
    assert path.read_text() == '{"hooks": {}}\n' and _mode(path) == 0o444
    path.chmod(0o644)
    assert healer("install", "--agent", "codex").code == 0
    path.chmod(0o444)
    assert healer("uninstall", "--agent", "codex").code == 2
    assert _ours("codex", json.loads(path.read_text()))


def test_a_file_changed_while_healer_edits_it_is_not_overwritten(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    path = repo.write(".claude/settings.json", '{"model": "opus"}\n')
    real_edit = agents._edit

    def edit_then_someone_writes(*args: object, **kwargs: object) -> bytes | None:
        result = real_edit(*args, **kwargs)  # type: ignore[arg-type]
        path.write_text('{"model": "sonnet"}\n')
        return result

    monkeypatch.setattr(agents, "_edit", edit_then_someone_writes)
    with pytest.raises(agents.HealerError, match="changed while healer was editing it"):
        agents.install(repo.path, ["claude"])
    assert path.read_text() == '{"model": "sonnet"}\n'
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temporary file left


def test_a_folder_where_the_file_goes_is_refused(repo: Repo, healer: RunHealer) -> None:
    (repo.path / ".cursor" / "hooks.json").mkdir(parents=True)
    done = healer("install", "--agent", "cursor")
    assert done.code == 2 and "is a folder" in done.err


def test_install_says_what_the_agent_still_needs(repo: Repo, healer: RunHealer) -> None:
    bare = {"PATH": os.pathsep.join(p for p in ("/usr/bin", "/bin") if Path(p, "git").exists())}
    done = healer("install", "--agent", "codex", env=bare)
    assert done.code == 0, done.err
    assert done.err.splitlines() == [
        f"healer: note: {AGENTS['codex'].note}",
        "healer: note: the agents run `healer` from PATH, and there is none on this PATH; install healer where the "
        "agent finds it (pipx, uv tool) or start the agent with healer's virtualenv active",
    ]
    assert healer("install", "--agent", "codex").err == ""  # unchanged, and healer is on the tests' PATH
