"""Reading rule files: built-in packs, user files in TOML and YAML, overrides, and every error named by file and key."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from healer.patch.patch import SAFETY_CLASSES
from healer.rules import load
from healer.rules.actions import ACTIONS
from healer.rules.load import RuleError, builtin_packs, load_rules, user_rule_files
from healer.rules.rule import Match

COMPLETE = """\
[[rules]]
id = "local.trailing"
description = "Strip trailing whitespace"
action = "whitespace"
safety = "safe"
confidence = 0.8
params = { scope = "line", fix = ["trailing"] }
[rules.match]
tool = ["ruff", "Flake8"]
code = "W29*"
message = "whitespace"
file = ["*.py", "src/**/*.pyi"]
stage_kind = ["lint", "format"]
"""

COMPLETE_YAML = """\
rules:
  - id: local.trailing
    description: Strip trailing whitespace
    action: whitespace
    safety: safe
    confidence: 0.8
    params: {scope: line, fix: [trailing]}
    match:
      tool: [ruff, Flake8]
      code: W29*
      message: whitespace
      file: ["*.py", "src/**/*.pyi"]
      stage_kind: [lint, format]
"""

PACK = """\
[[rules]]
id = "pack.one"
description = "The first built-in rule"
action = "whitespace"
safety = "safe"
confidence = 0.9
params = { fix = ["trailing"], scope = "line" }
[rules.match]
tool = "ruff"
code = ["W291"]

[[rules]]
id = "pack.two"
description = "The second built-in rule"
action = "rerun"
safety = "review"
confidence = 0.5
[rules.match]
stage_kind = "test"
"""


def user_file(root: Path, name: str, text: str | bytes) -> Path:
    path = root / ".healer" / "rules" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def packs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A built-in packs folder of the test's own, so override tests do not depend on the shipped packs."""
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "demo.toml").write_text(PACK)
    monkeypatch.setattr(load, "PACKS", folder)
    return folder


def test_every_shipped_pack_loads_and_is_valid() -> None:
    rules = load_rules(None)
    packs = builtin_packs()
    origins = {rule.origin for rule in rules}
    for pack in packs:
        # Every pack with an entry shows up under its own name.
        if "[[rules]]" in pack.read_text():
            assert f"builtin:{pack.stem}" in origins, pack
    for rule in rules:
        assert rule.origin.startswith("builtin:")
        assert rule.action in ACTIONS and rule.safety in SAFETY_CLASSES and 0 <= rule.confidence <= 1
        assert not rule.match.empty and rule.description.strip()


def test_only_toml_files_sit_in_the_packs_folder() -> None:
    # package data ships packs/*.toml and nothing else: any other file would work from a checkout only.
    folder = Path(load.__file__).parent / "packs"
    strays = [path.name for path in folder.iterdir() if path.suffix != ".toml"] if folder.is_dir() else []
    assert strays == []


def test_a_complete_user_rule(tmp_path: Path, packs: Path) -> None:
    user_file(tmp_path, "local.toml", COMPLETE)
    rule = load_rules(tmp_path).get("local.trailing")
    assert rule is not None
    assert (rule.description, rule.action, rule.safety, rule.confidence, rule.enabled) == (
        "Strip trailing whitespace", "whitespace", "safe", 0.8, True,
    )  # fmt: skip
    assert rule.params == {"scope": "line", "fix": ["trailing"]}
    assert rule.origin == ".healer/rules/local.toml" and rule.changed_by == ()
    assert rule.match == Match(
        tools=("ruff", "flake8"),
        codes=("W29*",),
        message=re.compile("whitespace"),
        files=("*.py", "src/**/*.pyi"),
        stage_kinds=("lint", "format"),
    )


def test_yaml_and_toml_read_the_same(tmp_path: Path, packs: Path) -> None:
    user_file(tmp_path / "t", "a.toml", COMPLETE)
    user_file(tmp_path / "y", "a.yaml", COMPLETE_YAML)
    from_toml = load_rules(tmp_path / "t").get("local.trailing")
    from_yaml = load_rules(tmp_path / "y").get("local.trailing")
    assert from_toml is not None and from_yaml is not None
    assert from_yaml.origin == ".healer/rules/a.yaml"
    assert from_yaml.to_dict() == {**from_toml.to_dict(), "origin": ".healer/rules/a.yaml"}


def test_builtins_first_then_user_files_in_sorted_order(tmp_path: Path, packs: Path) -> None:
    user_file(tmp_path, "b.yml", "rules:\n  - {id: pack.one, confidence: 0.3}\n")
    user_file(tmp_path, "a.toml", '[[rules]]\nid = "pack.one"\nconfidence = 0.7\nsafety = "risky"\n')
    user_file(tmp_path, "notes.txt", "not a rule file")
    assert [path.name for path in user_rule_files(tmp_path)] == ["a.toml", "b.yml"]
    rule = load_rules(tmp_path).get("pack.one")
    assert rule is not None
    assert (rule.confidence, rule.safety) == (0.3, "risky")  # b.yml read last, a.toml's safety kept
    assert rule.origin == "builtin:demo"
    assert rule.changed_by == (".healer/rules/a.toml", ".healer/rules/b.yml")


def test_a_one_line_entry_disables_a_builtin_rule(tmp_path: Path, packs: Path) -> None:
    user_file(tmp_path, "off.toml", '[[rules]]\nid = "pack.two"\nenabled = false\n')
    rules = load_rules(tmp_path)
    assert [rule.id for rule in rules] == ["pack.one", "pack.two"]  # still listed, in place
    two = rules.get("pack.two")
    assert two is not None and not two.enabled and two.action == "rerun" and two.safety == "review"


def test_match_and_params_merge_by_their_keys(tmp_path: Path, packs: Path) -> None:
    user_file(
        tmp_path,
        "narrow.toml",
        """\
        [[rules]]
        id = "pack.one"
        params = { scope = "file" }
        [rules.match]
        file = "src/*.py"
        """,
    )
    rule = load_rules(tmp_path).get("pack.one")
    assert rule is not None
    assert rule.match == Match(tools=("ruff",), codes=("W291",), files=("src/*.py",))
    assert rule.params == {"fix": ["trailing"], "scope": "file"}


def test_without_a_root_only_builtins_are_read(tmp_path: Path, packs: Path) -> None:
    user_file(tmp_path, "local.toml", COMPLETE)
    assert [rule.id for rule in load_rules(None)] == ["pack.one", "pack.two"]
    assert len(load_rules(tmp_path)) == 3


def test_empty_files_hold_no_rules(tmp_path: Path, packs: Path) -> None:
    user_file(tmp_path, "a.toml", "")
    user_file(tmp_path, "b.yaml", "# nothing yet\n")
    assert len(load_rules(tmp_path)) == 2


def test_two_packs_cannot_define_one_id(tmp_path: Path, packs: Path) -> None:
    (packs / "other.toml").write_text(PACK.split("\n\n")[1])
    with pytest.raises(RuleError) as caught:
        load_rules(None)
    assert str(caught.value) == (
        f"{packs / 'other.toml'}:2: rule #1 (pack.two): id: duplicate id 'pack.two': builtin:demo already defines it"
    )


BAD_TOML = [
    pytest.param(
        COMPLETE.replace("description =", "descripton ="),
        "local.toml:3: rule #1 (local.trailing): descripton: unknown key (did you mean 'description'?)",
        id="unknown-key",
    ),
    pytest.param(
        COMPLETE.replace("code =", "codes ="),
        "local.toml:10: rule #1 (local.trailing): match.codes: unknown key (did you mean 'code'?)",
        id="unknown-match-key",
    ),
    pytest.param(
        COMPLETE.replace("confidence = 0.8", 'confidence = "high"'),
        "local.toml:6: rule #1 (local.trailing): confidence: expected a number from 0 to 1, got string 'high'",
        id="confidence-type",
    ),
    pytest.param(
        COMPLETE.replace("confidence = 0.8", "confidence = 1.5"),
        "local.toml:6: rule #1 (local.trailing): confidence: must be from 0 to 1, got 1.5",
        id="confidence-range",
    ),
    pytest.param(
        COMPLETE.replace("confidence = 0.8", "confidence = true"),
        "local.toml:6: rule #1 (local.trailing): confidence: expected a number from 0 to 1, got boolean true",
        id="confidence-bool",
    ),
    pytest.param(
        COMPLETE.replace('message = "whitespace"', 'message = "white(space"'),
        "local.toml:11: rule #1 (local.trailing): match.message: invalid regular expression 'white(space': "
        "missing ), unterminated subpattern at position 5",
        id="bad-regex",
    ),
    pytest.param(
        COMPLETE.replace('action = "whitespace"', 'action = "whitespaces"'),
        "local.toml:4: rule #1 (local.trailing): action: unknown action 'whitespaces' (did you mean 'whitespace'?); "
        "one of " + ", ".join(sorted(ACTIONS)),
        id="unknown-action",
    ),
    pytest.param(
        COMPLETE.replace('safety = "safe"', 'safety = "saf"'),
        "local.toml:5: rule #1 (local.trailing): safety: unknown safety 'saf' (did you mean 'safe'?); "
        "one of safe, review, risky",
        id="bad-safety",
    ),
    pytest.param(
        COMPLETE.replace("enabled", "x").replace("params =", 'enabled = "yes"\nparams ='),
        "local.toml:7: rule #1 (local.trailing): enabled: expected true or false, got string 'yes'",
        id="enabled-type",
    ),
    pytest.param(
        COMPLETE.replace("params = {", "params = 3 #"),
        "local.toml:7: rule #1 (local.trailing): params: expected a table, got number 3",
        id="params-type",
    ),
    pytest.param(
        COMPLETE + COMPLETE,
        "local.toml:15: rule #2 (local.trailing): id: duplicate id 'local.trailing': "
        "rule #1 of this file already has it",
        id="duplicate-id",
    ),
    pytest.param(
        COMPLETE.split("[rules.match]")[0] + "[rules.match]\n",
        "local.toml:8: rule #1 (local.trailing): match: empty: give at least one of tool, code, message, file, stage_kind",
        id="empty-match",
    ),
    pytest.param(
        COMPLETE.split("[rules.match]")[0],
        "local.toml:1: rule #1 (local.trailing): match: missing (a new rule needs id, description, action, safety, "
        "confidence, match; no loaded rule has this id)",
        id="no-match",
    ),
    pytest.param(
        '[[rules]]\nid = "new.rule"\nenabled = false\n',
        "local.toml:1: rule #1 (new.rule): description: missing (a new rule needs id, description, action, safety, "
        "confidence, match; no loaded rule has this id)",
        id="incomplete-new-rule",
    ),
    pytest.param(
        COMPLETE.replace('id = "local.trailing"', 'id = "Local.Trailing"'),
        "local.toml:2: rule #1: id: 'Local.Trailing' is not a rule id: lowercase letters, digits, '.', '_' and '-'",
        id="bad-id",
    ),
    pytest.param(
        COMPLETE.replace('id = "local.trailing"\n', ""),
        "local.toml:1: rule #1: id: missing: every rule needs an id",
        id="no-id",
    ),
    pytest.param(
        COMPLETE.replace('code = "W29*"', 'code = ["W*9"]'),
        "local.toml:10: rule #1 (local.trailing): match.code: 'W*9': '*' may only end a code, as a prefix (\"W29*\")",
        id="star-inside-code",
    ),
    pytest.param(
        COMPLETE.replace('tool = ["ruff", "Flake8"]', "tool = []"),
        "local.toml:9: rule #1 (local.trailing): match.tool: expected a non-empty string or array of non-empty "
        "strings, got an array",
        id="empty-tool-list",
    ),
    pytest.param(
        COMPLETE.replace('"lint", "format"', '"lint", "tests"'),
        "local.toml:13: rule #1 (local.trailing): match.stage_kind: unknown stage kind 'tests' (did you mean 'test'?); "
        "one of lint, format, typecheck, test, build, security, other",
        id="stage-kind",
    ),
    pytest.param(
        COMPLETE.replace('"*.py"', '""'),
        "local.toml:12: rule #1 (local.trailing): match.file: expected a non-empty string or array of non-empty "
        "strings, got an array",
        id="empty-glob",
    ),
    pytest.param(
        COMPLETE.replace("[[rules]]", "[[rule]]").replace("[rules.match]", "[rule.match]"),
        "local.toml:1: rule: unknown key (did you mean 'rules'?)",
        id="top-level-key",
    ),
    pytest.param(
        'rules = "all of them"\n',
        "local.toml:1: rules: expected a list of rules ([[rules]] tables), got string 'all of them'",
        id="rules-not-a-list",
    ),
    pytest.param(
        COMPLETE.replace("confidence = 0.8", "confidence = 0.8 0.9"),
        "local.toml:6: invalid TOML: Expected newline or end of document after a statement",
        id="malformed-toml",
    ),
    pytest.param(
        b"[[rules]]\n# caf\xe9\n",
        "local.toml:2: not valid UTF-8 (byte 0xe9)",
        id="not-utf8",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_TOML)
def test_toml_errors_name_file_line_entry_and_key(
    tmp_path: Path, packs: Path, text: str | bytes, expected: str
) -> None:
    path = user_file(tmp_path, "local.toml", text)
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    assert str(caught.value) == f"{path.parent}/{expected}"
    assert "\n" not in str(caught.value)
    assert caught.value.exit_code == 2


BAD_YAML = [
    pytest.param(
        COMPLETE_YAML.replace("    safety:", "    safty:"),
        "local.yaml:5: rule #1 (local.trailing): safty: unknown key (did you mean 'safety'?)",
        id="unknown-key",
    ),
    pytest.param(
        COMPLETE_YAML.replace("      message: whitespace", "      message: '['"),
        "local.yaml:11: rule #1 (local.trailing): match.message: invalid regular expression '[': "
        "unterminated character set at position 0",
        id="bad-regex",
    ),
    pytest.param(
        COMPLETE_YAML.replace("confidence: 0.8", "confidence: 2"),
        "local.yaml:6: rule #1 (local.trailing): confidence: must be from 0 to 1, got 2",
        id="confidence-range",
    ),
    pytest.param(
        COMPLETE_YAML + COMPLETE_YAML.replace("rules:\n", ""),
        "local.yaml:14: rule #2 (local.trailing): id: duplicate id 'local.trailing': rule #1 of this file already has it",
        id="duplicate-id",
    ),
    pytest.param(
        "rules:\n  - id: x\n   bad: [indent\n",
        "local.yaml:3: invalid YAML: expected <block end>, but found '<block mapping start>'",
        id="malformed",
    ),
    pytest.param(
        "- id: x\n",
        "local.yaml: expected a table with a `rules` list, got an array",
        id="top-level-list",
    ),
    pytest.param(
        "rules:\n  - just a string\n",
        "local.yaml:2: rule #1: expected a table, got string 'just a string'",
        id="entry-not-a-table",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_YAML)
def test_yaml_errors_name_file_line_entry_and_key(tmp_path: Path, packs: Path, text: str, expected: str) -> None:
    path = user_file(tmp_path, "local.yaml", text)
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    assert str(caught.value) == f"{path.parent}/{expected}"


def test_an_override_is_checked_like_a_new_rule(tmp_path: Path, packs: Path) -> None:
    path = user_file(tmp_path, "x.toml", '[[rules]]\nid = "pack.one"\nsafety = "yolo"\n')
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    assert str(caught.value) == (
        f"{path}:3: rule #1 (pack.one): safety: unknown safety 'yolo'; one of safe, review, risky"
    )


def test_an_override_cannot_empty_the_match(tmp_path: Path, packs: Path) -> None:
    path = user_file(tmp_path, "x.yaml", "rules:\n  - id: pack.one\n    match: {}\n")
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    assert str(caught.value).startswith(f"{path}:3: rule #1 (pack.one): match: empty")
