"""What pre-commit and lefthook users try first: `run --all-files`, `healer help`, a quiet `healer stages`,
`healer stats` in straight columns, and `healer kb export` of this repository only."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from rich.cells import cell_len

from healer.kb.store import Store
from healer.main import build_parser, fast_run_args

from ..conftest import Repo, RunHealer
from ..kb.helpers import diagnostic, patch, run

PASSING = '[stages.lint]\nrun = ["python", "-c", "print(1)"]\n'


def test_run_all_files_is_accepted_and_changes_nothing(repo: Repo, healer: RunHealer) -> None:
    repo.config(PASSING)
    repo.commit()
    plain = json.loads(healer("run", "--json").out)
    every = healer("run", "--all-files", "--json")
    assert every.code == 0, every.err
    assert [s["name"] for s in json.loads(every.out)["stages"]] == [s["name"] for s in plain["stages"]]
    assert "changes nothing: healer run always checks every file" in " ".join(healer("run", "--help").out.split())
    for argv in (["run", "--all-files"], ["run", "lint", "--all-files", "-j", "2"]):
        fast = fast_run_args(argv)
        assert fast is not None and vars(fast) == vars(build_parser().parse_args(argv))
    assert healer("run", "--files", "a.py").code == 2  # only --all-files: --files would promise a subset


def test_help_is_the_same_as_dash_dash_help(healer: RunHealer) -> None:
    top = healer("help")
    assert top.code == 0 and top.out == healer("--help").out and "help" in top.out
    for command in (("run",), ("kb", "export"), ("rules", "test"), ("help",)):
        asked = healer("help", *command)
        assert asked.code == 0 and asked.out == healer(*command, "--help").out, command
        assert asked.out.startswith("usage: healer " + " ".join(command))
    wrong = healer("help", "nope")
    assert wrong.code == 2 and "invalid choice: 'nope'" in wrong.err


DETECTED = '[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n[tool.mypy]\nstrict = true\n'


def test_stages_keeps_detection_notes_behind_verbose(repo: Repo, healer: RunHealer) -> None:
    repo.write("pyproject.toml", DETECTED)
    repo.commit()
    quiet = healer("stages")
    assert quiet.code == 0 and "note:" not in quiet.out
    assert quiet.out.splitlines()[-1] == "(2 detection notes: `healer stages --verbose` shows them)"
    verbose = healer("stages", "--verbose").out
    assert "note: ruff: [tool.ruff] in pyproject.toml" in verbose and "note: mypy" in verbose
    assert "(2 detection notes" not in verbose
    assert healer("stages", "-v").out == verbose
    assert json.loads(healer("stages", "--json").out)["notes"]  # programs still get them
    assert "note: ruff: [tool.ruff] in pyproject.toml" in healer("init", "--print").out  # init says them once


NAMES = ("lint", "a-very-long-stage-name-from-a-monorepo.typecheck", "тесты", "测试阶段", "cafe\u0301")


def _right_edges(line: str, count: int) -> list[int]:
    """Where, in terminal cells, the last `count` words of `line` end."""
    ends = [cell_len(line[: match.end()]) for match in re.finditer(r"\S+", line)]
    return ends[-count:]


def test_stats_columns_line_up_with_long_and_non_ascii_names(repo: Repo, healer: RunHealer) -> None:
    here = str(repo.path.resolve())
    now = time.time()
    with Store() as store:
        first = store.record_run(run("failed", "passed", "passed", "failed", "passed", repo=here, names=NAMES,
                                     started=now - 100, diagnostics=(diagnostic(1),)))  # fmt: skip
        store.record_run(run(*["passed"] * 5, repo=here, names=NAMES, started=now - 50))
        store.record_patches(here, first, [patch(1), patch(2, origin="модель-gpt", source="model")])
        store.record_flaky(here, "test", "tests/test_io.py::test_read", "passed on rerun")
        for _ in range(12):
            store.record_flaky(here, "test", "tests/test_ß.py::test_wide[测试]", "passed on rerun")
    result = healer("stats")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    stages = lines[lines.index("stages:") + 1 : lines.index("fixes:")]
    assert len(stages) == 1 + len(NAMES) and all(any(name in line for line in stages) for name in NAMES)
    assert len({tuple(_right_edges(line, 4)) for line in stages}) == 1, "\n".join(stages)
    assert len({cell_len(line) for line in stages}) == 1
    fixes = lines[lines.index("fixes:") + 1 : lines.index("flaky tests (passed on rerun):")]
    assert any("model модель-gpt" in line for line in fixes)
    assert len({tuple(_right_edges(line, 5)) for line in fixes}) == 1, "\n".join(fixes)
    flaky = lines[lines.index("flaky tests (passed on rerun):") + 1 :]
    counts = [line for line in flaky if "×" in line]
    assert len(counts) == 2 and len({cell_len(line[: line.index("×")]) for line in counts}) == 1
    assert len({cell_len(line[: line.index("(last")]) for line in counts}) == 1


def fill(repo: Repo) -> str:
    here = str(repo.path.resolve())
    with Store() as store:
        mine = store.record_run(run("failed", repo=here, diagnostics=(diagnostic(1),)))
        store.record_patches(here, mine, [patch(1)])
        store.record_decision(here, patch(1).id, "accepted", "cli")
        store.record_flaky(here, "test", "tests/test_mine.py::test_x", "passed on rerun")
        theirs = store.record_run(run("failed", repo="/somewhere/else", diagnostics=(diagnostic(7),)))
        store.record_patches("/somewhere/else", theirs, [patch(7)])
        store.record_decision("/somewhere/else", patch(7).id, "accepted", "cli")
        store.record_flaky("/somewhere/else", "test", "tests/test_theirs.py::test_y", "passed on rerun")
        store.record_model_call("/somewhere/else", model="m", prompt_tokens=1, completion_tokens=1, cost=0.0,
                                latency=1.0, prompt_hash="h", ok=True)  # fmt: skip
    return here


def test_kb_export_writes_this_repository_unless_asked_for_all(repo: Repo, healer: RunHealer, tmp_path: Path) -> None:
    here = fill(repo)
    mine = [json.loads(line) for line in healer("kb", "export").out.splitlines()]
    assert mine and {row["repo"] for row in mine if "repo" in row} == {here}
    assert [row["file"] for row in mine if row["table"] == "diagnostics"] == ["src/mod1.py"]
    assert {row["table"] for row in mine} >= {"runs", "run_stages", "diagnostics", "patches", "decisions", "flaky"}
    every = [json.loads(line) for line in healer("kb", "export", "--all-repositories").out.splitlines()]
    assert {row["repo"] for row in every if "repo" in row} == {here, "/somewhere/else"}
    assert sorted(row["file"] for row in every if row["table"] == "diagnostics") == ["src/mod1.py", "src/mod7.py"]
    assert any(row["table"] == "model_calls" for row in every) and not any(r["table"] == "model_calls" for r in mine)
    assert healer("kb", "export", "--all-repos").out.count("\n") == len(every)

    dump = tmp_path / "mine.jsonl"
    written = healer("kb", "export", str(dump))
    assert written.code == 0 and f"exported {len(mine)} rows to {dump} ({here})" in written.err
    other = {"HEALER_DB": str(tmp_path / "other.db")}
    assert healer("kb", "import", str(dump), env=other).code == 0
    assert healer("kb", "export", "--all-repositories", env=other).out.count("\n") == len(mine)

    outside = tmp_path / "plain"
    outside.mkdir()
    refused = healer("kb", "export", cwd=outside)
    assert refused.code == 2 and "--all-repositories" in refused.err and refused.out == ""
    assert healer("kb", "export", "--all-repositories", cwd=outside).out.count("\n") == len(every)
