"""`healer rules list|show|test` as users run them: the real CLI, real git repositories, real rule files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from healer.rules.load import load_rules

from ..conftest import Repo, Result, RunHealer

RULES = """\
[[rules]]
id = "local.trailing"
description = "Strip trailing whitespace on the reported line"
action = "whitespace"
safety = "safe"
confidence = 0.8
params = { fix = ["trailing"] }
[rules.match]
tool = ["ruff", "flake8"]
code = "W29*"
file = "*.py"
stage_kind = "lint"

[[rules]]
id = "local.crash"
description = "A crash in the project's own code"
action = "rerun"
safety = "review"
confidence = 0.25
[rules.match]
tool = "python"
message = "by zero$"
"""

OVERRIDES = """\
rules:
  - id: local.crash
    enabled: false
    params: {attempts: 2}
"""

RUFF_LOG = "src/app.py:1:6: W291 [*] Trailing whitespace\nsrc/app.py:2:1: F821 Undefined name `y`\nFound 2 errors.\n"


@pytest.fixture
def project(repo: Repo) -> Repo:
    repo.write(".healer/rules/10-local.toml", RULES)
    repo.write(".healer/rules/20-overrides.yaml", OVERRIDES)
    repo.write("src/app.py", "x = 1   \ny\n")
    repo.write("ruff.log", RUFF_LOG)
    return repo


def test_list_shows_every_rule_with_its_origin_and_state(project: Repo, healer: RunHealer) -> None:
    result = healer("rules", "list")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["ID", "SAFETY", "CONFIDENCE", "ACTION", "ORIGIN"]
    by_id = {line.split()[0]: line for line in lines[1:-1]}
    assert by_id["local.trailing"].split() == [
        "local.trailing",
        "safe",
        "0.80",
        "whitespace",
        ".healer/rules/10-local.toml",
    ]
    assert by_id["local.crash"].split() == [
        "local.crash", "(disabled)", "review", "0.25", "rerun",
        ".healer/rules/10-local.toml,", "changed", "by", ".healer/rules/20-overrides.yaml",
    ]  # fmt: skip
    builtins = list(load_rules(None))
    assert lines[-1] == f"{len(builtins) + 2} rules, {len(builtins) + 1} enabled"
    for builtin in builtins:
        assert by_id[builtin.id].endswith(f"builtin:{builtin.origin.split(':', 1)[1]}")


def test_list_json(project: Repo, healer: RunHealer) -> None:
    result = healer("rules", "list", "--json")
    document = json.loads(result.out)
    assert document["schema"] == "healer.rules/1" and Path(document["root"]) == project.path.resolve()
    rules = {rule["id"]: rule for rule in document["rules"]}
    assert rules["local.crash"] == {
        "id": "local.crash",
        "description": "A crash in the project's own code",
        "action": "rerun",
        "safety": "review",
        "confidence": 0.25,
        "enabled": False,
        "params": {"attempts": 2},
        "match": {"tool": ["python"], "message": "by zero$"},
        "origin": ".healer/rules/10-local.toml",
        "changed_by": [".healer/rules/20-overrides.yaml"],
    }


def test_a_user_entry_can_disable_a_builtin_rule(repo: Repo, healer: RunHealer) -> None:
    builtin = load_rules(None).get("python.add-import")
    assert builtin is not None, "the built-in python pack must be shipped"
    repo.write(".healer/rules/off.toml", f'[[rules]]\nid = "{builtin.id}"\nenabled = false\nsafety = "risky"\n')
    shown = json.loads(healer("rules", "show", builtin.id, "--json").out)["rule"]
    assert (shown["enabled"], shown["safety"], shown["origin"]) == (False, "risky", builtin.origin)
    assert shown["changed_by"] == [".healer/rules/off.toml"]


def test_show_prints_everything(project: Repo, healer: RunHealer) -> None:
    result = healer("rules", "show", "local.trailing")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "local.trailing",
        "  Strip trailing whitespace on the reported line",
        "  action      whitespace",
        "  safety      safe",
        "  confidence  0.8",
        "  enabled     true",
        "  origin      .healer/rules/10-local.toml",
        "  match",
        '    tool = ["ruff", "flake8"]',
        '    code = ["W29*"]',
        '    file = ["*.py"]',
        '    stage_kind = ["lint"]',
        "  params",
        '    fix = ["trailing"]',
    ]
    disabled = healer("rules", "show", "local.crash").out.splitlines()
    assert disabled[0] == "local.crash  (disabled)" and "    attempts = 2" in disabled
    assert json.loads(healer("rules", "show", "local.crash", "--json").out)["rule"]["params"] == {"attempts": 2}


def test_show_an_unknown_rule(project: Repo, healer: RunHealer) -> None:
    result = healer("rules", "show", "local.trailling")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "healer: no rule named 'local.trailling' (did you mean 'local.trailing'?); `healer rules list` shows every rule\n"
    )


def test_a_broken_rule_file_is_one_line_naming_file_and_key(project: Repo, healer: RunHealer) -> None:
    project.write(".healer/rules/30-bad.toml", '[[rules]]\nid = "local.trailing"\nconfidense = 0.5\n')
    result = healer("rules", "list")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"healer: {project.path / '.healer/rules/30-bad.toml'}:3: rule #1 (local.trailing): confidense: "
        "unknown key (did you mean 'confidence'?)\n"
    )


def test_test_shows_the_match_and_the_proposed_diff(project: Repo, healer: RunHealer) -> None:
    result = healer("rules", "test", "local.trailing", "ruff.log")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "rule local.trailing matches 1 of 2 diagnostics in ruff.log (parser: ruff)",
        "note: stage_kind (lint) is not checked: a log file comes from no stage",
        "",
        "src/app.py:1:6: ruff W291: Trailing whitespace",
        "  proposes: fix trailing whitespace in src/app.py",
        "diff --git a/src/app.py b/src/app.py",
        "--- a/src/app.py",
        "+++ b/src/app.py",
        "@@ -1,2 +1,2 @@",
        "-x = 1   ",
        "+x = 1",
        " y",
    ]
    assert (project.path / "src/app.py").read_text() == "x = 1   \ny\n"  # proposed, never written


def test_test_json(project: Repo, healer: RunHealer) -> None:
    document = json.loads(healer("rules", "test", "local.trailing", "ruff.log", "--json").out)
    assert document["schema"] == "healer.rules-test/1"
    assert (document["rule"]["id"], document["logfile"], document["parser"]) == ("local.trailing", "ruff.log", "ruff")
    assert [found["code"] for found in document["diagnostics"]] == ["W291", "F821"]
    [match] = document["matches"]
    assert match["diagnostic"]["code"] == "W291"
    assert match["result"]["type"] == "proposal" and match["result"]["paths"] == ["src/app.py"]
    assert "-x = 1   \n+x = 1\n" in match["result"]["diff"]


def test_test_without_a_match_exits_1_and_shows_what_was_found(project: Repo, healer: RunHealer) -> None:
    project.write("other.log", "src/app.py:2:1: F821 Undefined name `y`\n")
    result = healer("rules", "test", "local.trailing", "other.log")
    assert result.code == 1, result.err
    assert result.out.splitlines() == [
        "rule local.trailing matches none of the 1 diagnostics in other.log (parser: ruff)",
        "note: stage_kind (lint) is not checked: a log file comes from no stage",
        "found:",
        "  src/app.py:2:1: ruff F821: Undefined name `y`",
    ]
    document = json.loads(healer("rules", "test", "local.trailing", "other.log", "--json").out)
    assert document["matches"] == [] and len(document["diagnostics"]) == 1


def run_with_stdin(repo: Repo, data: bytes, *args: str, cwd: Path | None = None) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "healer", *args], cwd=cwd or repo.path, input=data, capture_output=True, timeout=120
    )
    return Result(done.returncode, done.stdout.decode(), done.stderr.decode())


def test_test_reads_stdin_and_tolerates_bytes_that_are_not_utf8(project: Repo) -> None:
    log = b"src/app.py:1:6: W291 Trailing whitespace \xff\xfe\n"
    result = run_with_stdin(project, log, "rules", "test", "local.trailing", "-", "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["diagnostics"][0]["message"] == "Trailing whitespace \ufffd\ufffd"
    assert document["matches"][0]["result"]["type"] == "proposal"


def test_test_from_a_subfolder_places_paths_relative_to_it(project: Repo) -> None:
    # ruff run inside src/ prints paths relative to src/; the rule's action still finds the file.
    result = run_with_stdin(
        project, b"app.py:1:6: W291 Trailing whitespace\n", "rules", "test", "local.trailing", "-",
        cwd=project.path / "src",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "src/app.py:1:6: ruff W291: Trailing whitespace" in result.out
    assert "+++ b/src/app.py" in result.out


def test_test_reads_with_the_parser_of_the_rules_tool(project: Repo, healer: RunHealer) -> None:
    project.write(
        "crash.log",
        'Traceback (most recent call last):\n  File "src/app.py", line 2, in <module>\n    y\n'
        "ZeroDivisionError: division by zero\n",
    )
    result = healer("rules", "test", "local.crash", "crash.log")
    assert result.code == 0, result.err
    assert result.out.splitlines()[:2] == [
        "rule local.crash matches 1 of 1 diagnostics in crash.log (parser: traceback)",
        "note: the rule is disabled; `healer fix` does not use it",
    ]
    auto = healer("rules", "test", "local.crash", "crash.log", "--parser", "auto", "--json")
    assert json.loads(auto.out)["parser"] == "auto" and auto.code == 0


def test_test_usage_errors(project: Repo, healer: RunHealer) -> None:
    unknown_parser = healer("rules", "test", "local.trailing", "ruff.log", "--parser", "rufff")
    assert unknown_parser.code == 2
    assert unknown_parser.err.startswith("healer: unknown parser 'rufff' (did you mean 'ruff'?); one of ruff, ")
    missing = healer("rules", "test", "local.trailing", "nope.log")
    assert (missing.code, missing.err) == (2, "healer: cannot read nope.log: No such file or directory\n")
    unknown_rule = healer("rules", "test", "local.nothing", "ruff.log")
    assert unknown_rule.code == 2 and "no rule named 'local.nothing'" in unknown_rule.err


def test_outside_a_repository_the_current_folder_is_the_root(tmp_path: Path, healer: RunHealer) -> None:
    plain = tmp_path / "plain"
    (plain / ".healer" / "rules").mkdir(parents=True)
    (plain / ".healer" / "rules" / "r.toml").write_text(RULES)
    (plain / "src").mkdir()
    (plain / "src" / "app.py").write_text("x = 1   \n")
    (plain / "ruff.log").write_text(RUFF_LOG)
    result = healer("rules", "test", "local.trailing", "ruff.log", cwd=plain)
    assert result.code == 0, result.err
    assert "proposes: fix trailing whitespace in src/app.py" in result.out


# The probe action exists only in the test suite, so this runs the real CLI entry point in a
# fresh interpreter that first registers it.
WITH_PROBE = """
import sys
sys.path.insert(0, sys.argv.pop(1))
from pytest import MonkeyPatch
from tests.rules import probe_action
probe_action.register(MonkeyPatch())
from healer.main import main
sys.exit(main(sys.argv[1:]))
"""


def healer_with_probe(repo: Repo, *args: str) -> Result:
    checkout = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-c", WITH_PROBE, checkout, *args], cwd=repo.path, capture_output=True, text=True,
        timeout=120, env={**os.environ}, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return Result(done.returncode, done.stdout, done.stderr)


PROBES = """\
[[rules]]
id = "probe.raise"
description = "An action that raises"
action = "probe"
safety = "safe"
confidence = 0.5
params = { behaviour = "raise" }
match = { code = "F821" }

[[rules]]
id = "probe.report"
description = "An action that reports"
action = "probe"
safety = "review"
confidence = 0.5
params = { behaviour = "report" }
match = { code = "F821" }

[[rules]]
id = "probe.nothing"
description = "An action with nothing to say"
action = "probe"
safety = "review"
confidence = 0.5
params = { behaviour = "nothing" }
match = { code = "F821" }
"""


def test_test_shows_a_failing_action_as_an_error_and_goes_on(project: Repo) -> None:
    project.write(".healer/rules/40-probes.toml", PROBES)
    project.write("two.log", "src/app.py:2:1: F821 Undefined name `y`\nsrc/app.py:1:1: F821 Undefined name `x`\n")
    result = healer_with_probe(project, "rules", "test", "probe.raise", "two.log")
    assert result.code == 0, result.err
    errors = [line for line in result.out.splitlines() if line.startswith("  error: ")]
    assert errors == ["  error: rule probe.raise: action probe failed: RuntimeError: probe broke on two lines"] * 2
    document = json.loads(healer_with_probe(project, "rules", "test", "probe.raise", "two.log", "--json").out)
    assert [match["result"]["type"] for match in document["matches"]] == ["error", "error"]


def test_test_shows_reports_and_nothing_to_propose(project: Repo) -> None:
    project.write(".healer/rules/40-probes.toml", PROBES)
    report = healer_with_probe(project, "rules", "test", "probe.report", "ruff.log")
    assert report.code == 0, report.err
    assert report.out.splitlines()[-2:] == [
        "src/app.py:2:1: ruff F821: Undefined name `y`",
        "  reports probe at src/app.py:2: saw F821",
    ]
    nothing = healer_with_probe(project, "rules", "test", "probe.nothing", "ruff.log")
    assert nothing.code == 0 and nothing.out.splitlines()[-1] == "  nothing to propose"
    document = json.loads(healer_with_probe(project, "rules", "test", "probe.report", "ruff.log", "--json").out)
    assert document["matches"][0]["result"] == {
        "type": "report", "kind": "probe", "message": "saw F821", "file": "src/app.py", "line": 2,
    }  # fmt: skip
