"""`healer demo`: the bundled sample project through the real tools, offline, in a throwaway repository."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from ..conftest import RunHealer

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "run.schema.json").read_text())


def test_demo_finds_each_deliberate_mistake_and_fixes_them_all(tmp_path: Path, healer: RunHealer) -> None:
    where = tmp_path / "sample"
    result = healer("demo", "--dir", str(where), "--json", cwd=tmp_path, timeout=300)
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["schema"] == "healer.fix/1"
    first = document["rounds"][0]["run"]
    jsonschema.validate(first, SCHEMA)
    jsonschema.validate(document["final"], SCHEMA)
    stages = {stage["name"]: stage for stage in first["stages"]}
    assert {name: stage["status"] for name, stage in stages.items()} == {
        "lint": "failed", "format": "failed", "typecheck": "failed", "test": "failed",
    }  # fmt: skip
    found = {(d["tool"], d["file"], d["line"], d["code"]) for s in stages.values() for d in s["diagnostics"]}
    assert ("ruff", "inventory/stock.py", 3, "F401") in found
    assert ("ruff", "inventory/pricing.py", 6, "F821") in found
    assert ("mypy", "inventory/stock.py", 25, "return-value") in found
    assert ("mypy", "inventory/pricing.py", 15, "attr-defined") in found
    assert any(d["file"] == "inventory/pricing.py" for d in stages["format"]["diagnostics"])
    assert any("Decimal" in d["message"] for d in stages["test"]["diagnostics"])
    # Every failure was fixed by rules, each fix verified before it was applied, and the pipeline ends green.
    assert document["outcome"] == "passed"
    assert all(stage["status"] == "passed" for stage in document["final"]["stages"])
    patches = {p["id"]: p for r in document["rounds"] for p in r["patches"]}
    assert document["applied"] and all(patches[i]["status"] == "verified" for i in document["applied"])
    assert all(patches[i]["source"] == "rule" for i in document["applied"])
    assert document["offline"]
    # The sample became a real repository with one commit; the fixes are in the working tree, not committed.
    assert (where / ".git").is_dir() and (where / ".gitignore").is_file()
    from ..conftest import git

    assert git(where, "log", "--oneline").count("\n") == 1
    assert sorted(git(where, "status", "--porcelain").split()) == sorted(
        ["M", "inventory/pricing.py", "M", "inventory/stock.py"]
    )


def test_demo_explains_itself_and_cleans_up(tmp_path: Path, healer: RunHealer) -> None:
    result = healer("demo", cwd=tmp_path, env={"TMPDIR": str(tmp_path)}, timeout=300)
    assert result.code == 0, result.err
    assert "4 of 4 stages caught them (lint, format, typecheck, test)" in result.out
    assert "inventory/stock.py:3:8: `os` imported but unused [F401]" in result.out
    assert "The pipeline now passes: every stage is green." in result.out
    assert "✔ applied" in result.out and "+from decimal import Decimal" in result.out
    assert "Undo with `healer undo`" not in result.out  # the repository is gone when the demo ends
    assert not list(tmp_path.glob("healer-demo-*"))


def test_demo_refuses_a_folder_in_use(tmp_path: Path, healer: RunHealer) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "precious.txt").write_text("keep me")
    result = healer("demo", "--dir", str(busy), cwd=tmp_path)
    assert result.code == 2
    assert "already exists and is not an empty folder" in result.err
    assert (busy / "precious.txt").read_text() == "keep me"


def test_demo_names_a_missing_tool_and_how_to_install_it(tmp_path: Path) -> None:
    from healer.commands.demo import explain
    from healer.pipeline.result import RunResult, StageResult

    run = RunResult(
        (
            StageResult("lint", "lint", "error", "ruff check .", reason="stage 'lint': command not found: 'ruff'"),
            StageResult("test", "test", "failed", "pytest"),
        ),
        1.0,
        str(tmp_path),
    )
    lines = explain(run)
    assert "The demo could not run stage 'lint': stage 'lint': command not found: 'ruff'" in lines
    from healer.installation import Installation, add_command

    assert f"Install the sample's tools with: {add_command('demo')}" in lines
    pipx = Installation("pipx", "/home/u/.local/share/pipx/venvs/healer", "/x/bin/python")
    assert add_command("demo", pipx) == "pipx inject git-healer ruff mypy pytest"


def test_rerunning_the_kept_demo_is_served_from_the_cache(tmp_path: Path, healer: RunHealer) -> None:
    where = tmp_path / "sample"
    assert healer("demo", "--dir", str(where), cwd=tmp_path, timeout=300).code == 0
    again = healer("run", "--json", cwd=where, timeout=300)
    assert again.code == 0
    assert all(stage["cached"] for stage in json.loads(again.out)["stages"])


def test_demo_into_an_impossible_place_is_one_line(tmp_path: Path, healer: RunHealer) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = healer("demo", "--dir", str(blocker / "sub"), cwd=tmp_path)
    assert result.code == 2
    assert result.err.startswith("healer: cannot create the demo folder") and "Traceback" not in result.err
