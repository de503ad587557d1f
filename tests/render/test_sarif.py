"""SARIF 2.1.0 of real runs (real git, real ruff and mypy), checked against the official OASIS schema."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from healer.diagnostics.diagnostic import Diagnostic
from healer.errors import HealerError
from healer.pipeline.result import GateResult, RunResult, StageResult
from healer.render.sarif import (
    FINGERPRINT_KEY,
    Anchor,
    anchor_for,
    dumps,
    repository_path,
    sarif_document,
    write_sarif,
)
from healer.service import Healer
from healer.workspace import open_workspace
from tests.conftest import Repo

SCHEMA = json.loads((Path(__file__).parents[1] / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text())
CONFIG = """\
[tool.healer.stages.lint]
run = "ruff check --no-fix --no-cache --output-format concise ."
parser = "ruff"

[tool.healer.stages.types]
run = "mypy --no-incremental --strict --show-column-numbers app.py"
parser = "mypy"

[tool.healer.stages.missing]
run = "no-such-command-xyz --check"
"""
APP = 'import os\n\n\ndef f(x: int) -> str:\n    return x\n\n\ndef g() -> int:\n    return "no"\n'


def valid(document: dict[str, Any]) -> dict[str, Any]:
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    return document


def failing_project(repo: Repo) -> Healer:
    repo.write("pyproject.toml", '[project]\nname = "app"\nversion = "0"\n\n' + CONFIG)
    repo.write("app.py", APP)
    repo.write(".gitignore", ".mypy_cache/\n__pycache__/\n")
    repo.commit("start")
    return Healer(open_workspace(repo.path), via="cli")


def runs_by_tool(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {run["tool"]["driver"]["name"]: run for run in document["runs"]}


def test_a_real_failing_run_is_valid_sarif_with_a_run_per_tool(repo: Repo) -> None:
    core = failing_project(repo)
    run = core.check(cache="off")
    document = valid(sarif_document(run, anchor=anchor_for(repo.path, repo.path / "pyproject.toml")))
    assert document["version"] == "2.1.0"
    runs = runs_by_tool(document)
    assert list(runs) == ["ruff", "mypy", "missing"]

    ruff = runs["ruff"]
    (unused,) = ruff["results"]
    assert unused["ruleId"] == "F401" and unused["level"] == "error"
    assert unused["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "app.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1, "startColumn": 8},
    }
    assert ruff["tool"]["driver"]["rules"] == [
        {"id": "F401", "helpUri": "https://docs.astral.sh/ruff/rules/", "help": {"text": "ruff rule F401"}}
    ]
    assert ruff["invocations"][0]["exitCode"] == 1 and ruff["invocations"][0]["properties"]["stage"] == "lint"
    assert ruff["conversion"]["tool"]["driver"]["name"] == "healer"

    mypy = runs["mypy"]
    assert {r["ruleId"] for r in mypy["results"]} == {"return-value"}
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in mypy["results"]] == [5, 9]
    assert mypy["tool"]["driver"]["rules"][0]["helpUri"] == (
        "https://mypy.readthedocs.io/en/stable/_refs.html#code-return-value"
    )
    fingerprint = run.stages[1].diagnostics[0].fingerprint
    assert mypy["results"][0]["partialFingerprints"] == {FINGERPRINT_KEY: f"{fingerprint}:1"}


def test_a_stage_that_could_not_run_points_at_its_table_in_the_configuration(repo: Repo) -> None:
    core = failing_project(repo)
    run = core.check(stages=["missing"], cache="off")
    document = valid(sarif_document(run, anchor=anchor_for(repo.path, repo.path / "pyproject.toml")))
    (missing,) = document["runs"]
    (result,) = missing["results"]
    assert result["ruleId"].startswith("healer/") and result["level"] == "error"
    assert "missing" in result["message"]["text"]
    table = CONFIG.splitlines().index("[tool.healer.stages.missing]") + 5  # after the [project] table's lines
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "pyproject.toml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": table},
    }
    assert missing["invocations"][0]["executionSuccessful"] is False


def test_fingerprints_and_bytes_are_the_same_for_two_runs_of_the_same_code(repo: Repo) -> None:
    core = failing_project(repo)
    anchor = anchor_for(repo.path, repo.path / "pyproject.toml")
    first = sarif_document(core.check(cache="off"), anchor=anchor)
    second = sarif_document(core.check(cache="off"), anchor=anchor)

    def prints(document: dict[str, Any]) -> list[str]:
        return [r["partialFingerprints"][FINGERPRINT_KEY] for run in document["runs"] for r in run["results"]]

    assert prints(first) == prints(second) and len(set(prints(first))) == len(prints(first))
    # Moving the code down keeps every fingerprint: code scanning follows an alert to its new line.
    repo.write("app.py", "\n\n" + APP)
    moved = sarif_document(core.check(cache="off"), anchor=anchor)
    assert prints(moved) == prints(first)
    # Byte for byte, once the durations and cache flags (which differ between real runs) are set aside.
    strip = [{**doc, "runs": [{**r, "invocations": []} for r in doc["runs"]]} for doc in (first, second)]
    assert dumps(strip[0]) == dumps(strip[1])


def test_a_passing_stage_still_sends_its_tool_so_old_alerts_close(repo: Repo) -> None:
    core = failing_project(repo)
    repo.write("app.py", "def f(x: int) -> int:\n    return x\n")
    run = core.check(stages=["lint", "types"], cache="off")
    runs = runs_by_tool(valid(sarif_document(run)))
    assert list(runs) == ["ruff", "mypy"]
    assert runs["ruff"]["results"] == [] and runs["mypy"]["results"] == []
    assert runs["ruff"]["invocations"][0]["executionSuccessful"] is True


def stage(name: str, *diagnostics: Diagnostic, **fields: Any) -> StageResult:
    values: dict[str, Any] = {"kind": "lint", "status": "failed", "command": "ruff check .", "exit_code": 1}
    return StageResult(name=name, diagnostics=diagnostics, **(values | fields))


def diag(file: str | None, line: int | None = 3, message: str = "bad", **fields: Any) -> Diagnostic:
    values: dict[str, Any] = {"stage": "lint", "tool": "ruff", "column": 2, "code": "E1", "severity": "error"}
    return Diagnostic(file=file, line=line, message=message, fingerprint="f" * 16, **(values | fields))


def test_paths_outside_the_repository_point_at_the_anchor_and_say_where_they_were() -> None:
    run = RunResult(
        (stage("lint", diag("/repo/src/in.py"), diag("/usr/lib/x.py"), diag("../up.py"), diag("sub\\w.py")),),
        1.0,
        "/repo",
    )
    (lint,) = valid(sarif_document(run, anchor=Anchor("healer.toml", {"lint": 4})))["runs"]
    places = [r["locations"][0]["physicalLocation"] for r in lint["results"]]
    assert [p["artifactLocation"]["uri"] for p in places] == ["src/in.py", "healer.toml", "healer.toml", "sub/w.py"]
    assert places[1]["region"] == {"startLine": 4}
    assert lint["results"][1]["message"]["text"] == "bad (at /usr/lib/x.py:3:2)"
    assert lint["results"][2]["message"]["text"] == "bad (at ../up.py:3:2)"
    assert lint["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///repo/"}}


def test_repository_paths() -> None:
    assert repository_path("/repo/a/b.py", "/repo") == "a/b.py"
    assert repository_path("./a/../b.py", "/repo") == "b.py"
    assert repository_path("/repo2/b.py", "/repo") is None
    assert repository_path("C:\\work\\repo\\a.py", "C:\\work\\repo") == "a.py"
    assert repository_path("..", "/repo") is None


def test_messages_are_escaped_and_odd_paths_encoded() -> None:
    message = 'Dict entry {0} has type "x" <b>& \udcff'
    run = RunResult((stage("lint", diag("dir with space/#a%.py", line=None, message=message, column=None)),), 1.0, "/r")
    (lint,) = valid(sarif_document(run))["runs"]
    (result,) = lint["results"]
    # Braces are SARIF's placeholders: a literal one is doubled; an undecodable byte becomes U+FFFD.
    assert result["message"]["text"] == 'Dict entry {{0}} has type "x" <b>& \ufffd'
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "dir%20with%20space/%23a%25.py"
    assert physical["region"] == {"startLine": 1}  # a whole-file finding: code scanning needs a line
    dumps(sarif_document(run)).encode("utf-8")


def test_stage_failures_without_diagnostics_and_levels() -> None:
    run = RunResult(
        (
            stage("slow", command="pytest", timed_out=True, reason="after 60s"),
            stage("cov", command="coverage report", gate=GateResult("coverage", 70.0, 80.0, None, False)),
            stage("warn", diag("a.py", severity="warning"), diag("a.py", severity="info", line=4)),
            stage("later", status="skipped", reason="needs slow"),
            stage("stopped", status="cancelled"),
        ),
        1.0,
        "/r",
    )
    document = valid(sarif_document(run, anchor=Anchor("pyproject.toml")))
    by_stage = {r["invocations"][0]["properties"]["stage"]: r for r in document["runs"]}
    assert set(by_stage) == {"slow", "cov", "warn"}  # the skipped and cancelled stages' alerts stay as they were
    assert by_stage["slow"]["results"][0]["ruleId"] == "healer/timeout"
    assert by_stage["slow"]["invocations"][0]["executionSuccessful"] is False
    assert by_stage["cov"]["results"][0]["ruleId"] == "healer/gate"
    assert by_stage["cov"]["results"][0]["message"]["text"] == "stage cov: coverage is 70 (min 80)"
    assert [r["level"] for r in by_stage["warn"]["results"]] == ["warning", "note"]


def test_without_an_anchor_a_file_less_result_has_no_location_but_is_still_valid() -> None:
    run = RunResult((stage("lint", diag(None, line=None)),), 1.0, "/r")
    (lint,) = valid(sarif_document(run))["runs"]
    assert lint["results"][0]["locations"] == []


def test_write_sarif_is_atomic_and_says_what_went_wrong_in_one_line(tmp_path: Path) -> None:
    run = RunResult((stage("lint", diag("a.py")),), 1.0, "/r")
    target = tmp_path / "out.sarif"
    target.write_text("old")
    write_sarif(target, sarif_document(run))
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert os.stat(target).st_mode & 0o777 == 0o644 or os.name != "posix"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.sarif"]  # no temporary file left behind
    with pytest.raises(HealerError, match=r"^cannot write the SARIF to .*missing/out\.sarif: the folder .* not exist$"):
        write_sarif(tmp_path / "missing" / "out.sarif", sarif_document(run))
    with pytest.raises(HealerError, match=r"^cannot write the SARIF to .*: it is a folder$"):
        write_sarif(tmp_path, sarif_document(run))
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(HealerError, match=r"^cannot write the SARIF to .*: Permission denied$"):
            write_sarif(locked / "out.sarif", sarif_document(run))
