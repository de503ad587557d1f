"""flake8, black and isort projects get the tools' own fixes: through the core, verified in a copy, applied, and
the stage passes afterwards. Real repositories, real tools, no model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence

import pytest

from healer.fixers.candidate import Candidate
from healer.fixing.report import FixOptions
from healer.rules.load import load_rules
from healer.service import Healer
from healer.workspace import open_workspace
from tests.conftest import Repo, RunHealer

BIN = os.path.dirname(sys.executable)
# Where the stages look for it: beside the interpreter (conftest puts that first on PATH), then PATH.
HAS_AUTOPEP8 = shutil.which("autopep8", path=BIN + os.pathsep + os.environ.get("PATH", "")) is not None

FLAKE8 = '[stages.flake8]\nrun = "flake8 --isolated ."\nkind = "lint"\ninputs = ["**/*.py"]\nparser = "flake8"\n'
# As a user writes them: no parser named, no fix command (the per-file rules are the fix).
BLACK = '[stages.black]\nrun = "black --check --diff ."\nkind = "format"\ninputs = ["**/*.py", "pyproject.toml"]\n'
# As `healer init` wrote them before it named the parser: "generic", which reads nothing of isort's and lets "auto" read it.
ISORT = (
    '[stages.isort]\nrun = "isort --check-only --diff ."\nkind = "lint"\ninputs = ["**/*.py", "pyproject.toml"]\n'
    'parser = "generic"\n'
)

# F401 (unused import), E302 (one blank line before a def), W291 (trailing spaces): three separate fixes.
LINTED = "import os\nimport sys\n\ndef main():\n    return sys.argv  \n"
LINTED_FIXED = "import sys\n\n\ndef main():\n    return sys.argv\n"


def tool(*argv: str, cwd: Repo) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), cwd=cwd.path, capture_output=True, text=True, timeout=120, check=False)


def proposals(repo: Repo, stage: str) -> tuple[Healer, list[Candidate]]:
    core = Healer(open_workspace(repo.path), via="cli")
    run = core.check(stages=(stage,))
    assert run.outcome == "failed", run
    found = core.propose(run, fixers=core.fixers(("rules",), offline="not asked"))
    assert found.errors == []  # a missing tool, or one with nothing to do, is no error
    return core, found.candidates


def verified(candidates: Sequence[Candidate], origin: str) -> Candidate:
    chosen = [candidate for candidate in candidates if candidate.patch.origin == origin and candidate.verified]
    assert len(chosen) == 1, [(c.patch.origin, c.status, c.detail) for c in candidates]
    return chosen[0]


def test_flake8_findings_get_ruffs_fix_for_the_same_code(repo: Repo) -> None:
    repo.config(FLAKE8)
    repo.write("app.py", LINTED)
    repo.commit("start")
    core, candidates = proposals(repo, "flake8")

    unused = verified(candidates, "flake8.ruff-fix")
    assert unused.patch.safety == "safe"
    assert [edit.after for edit in unused.patch.edits] == [b"import sys\n\ndef main():\n    return sys.argv  \n"]
    spacing = verified(candidates, "flake8.ruff-fix-spacing")
    assert spacing.patch.safety == "safe" and "--preview" in spacing.patch.title
    assert [edit.after for edit in spacing.patch.edits] == [
        b"import os\nimport sys\n\n\ndef main():\n    return sys.argv  \n"
    ]
    assert (repo.path / "app.py").read_text() == LINTED  # proposing wrote nothing in the work tree

    core.apply(unused.patch)
    after = core.check(stages=("flake8",))
    assert sorted(d.code or "" for d in after.diagnostics) == ["E302", "W291"]


def test_the_fix_loop_makes_the_flake8_stage_pass(repo: Repo) -> None:
    repo.config(FLAKE8)
    repo.write("app.py", LINTED)
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/util.py", "def f( x ):\n    y=[1,2]\n    return x, y\n")  # E201, E202, E225, E231
    repo.commit("start")

    report = Healer(open_workspace(repo.path), via="cli").fix(FixOptions(offline="test", apply="safe"))

    assert report.final.outcome == "passed", [d.location() + " " + d.message for d in report.final.diagnostics]
    assert (repo.path / "app.py").read_text() == LINTED_FIXED
    assert (repo.path / "pkg/util.py").read_text() == "def f(x):\n    y = [1, 2]\n    return x, y\n"
    origins = {candidate.patch.origin for candidate in report.applied}
    assert {"flake8.ruff-fix", "flake8.ruff-fix-spacing"} <= origins
    assert tool("flake8", "--isolated", ".", cwd=repo).returncode == 0


def test_black_reports_are_fixed_by_black_on_the_reported_file(repo: Repo) -> None:
    repo.config(BLACK)
    repo.write("pyproject.toml", "[tool.black]\nline-length = 100\n")
    repo.write("src dir/my mod.py", "x = {  'a':1 }\n")
    repo.write("ok.py", "y = 1\n")
    long = "def g():\n    return ['a' * 10, 'b' * 10, 'c' * 10, 'd' * 10, 'e' * 10, 'f' * 10, 'g' * 10, 'h']\n"
    repo.write("long.py", long)  # 93 columns: within the project's line length, beyond black's default
    repo.commit("start")
    core, candidates = proposals(repo, "black")

    diagnostics = core.check(stages=("black",)).diagnostics
    assert sorted((d.tool, d.file, d.code) for d in diagnostics) == [
        ("black", "long.py", "would-reformat"),
        ("black", "src dir/my mod.py", "would-reformat"),
    ]
    fixes = sorted((c for c in candidates if c.patch.origin == "black.format-file"), key=lambda c: c.patch.paths)
    assert [(c.patch.paths, c.status) for c in fixes] == [
        (("long.py",), "verified"),
        (("src dir/my mod.py",), "verified"),
    ]
    for candidate in fixes:
        core.apply(candidate.patch)

    assert (repo.path / "src dir/my mod.py").read_text() == 'x = {"a": 1}\n'
    assert (repo.path / "long.py").read_text() == long.replace("'", '"')  # the project's line length was kept
    assert tool("black", "--check", ".", cwd=repo).returncode == 0
    assert core.check(stages=("black",)).outcome == "passed"


def test_a_file_black_cannot_parse_is_placed_and_gets_no_formatter_fix(repo: Repo) -> None:
    repo.config(BLACK)
    repo.write("broken.py", "x = 1\ndef f(:\n    pass\n")
    repo.commit("start")
    _, candidates = proposals(repo, "black")
    diagnostics = Healer(open_workspace(repo.path), via="cli").check(stages=("black",)).diagnostics
    assert [(d.file, d.line, d.code) for d in diagnostics] == [("broken.py", 2, "parse-error")]
    assert not [c for c in candidates if c.patch.origin == "black.format-file"]


def test_isort_reports_are_fixed_by_isort_on_the_reported_file(repo: Repo) -> None:
    repo.config(ISORT)
    repo.write("pyproject.toml", '[tool.isort]\nprofile = "black"\nknown_first_party = ["pkg"]\n')
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a b.py", "import sys\nimport pkg\nimport os\n\nprint(os, sys, pkg)\n")
    repo.commit("start")
    core, candidates = proposals(repo, "isort")

    diagnostics = core.check(stages=("isort",)).diagnostics
    assert [(d.tool, d.file, d.code) for d in diagnostics] == [("isort", "pkg/a b.py", "unsorted-imports")]
    fix = verified(candidates, "isort.sort-file")
    core.apply(fix.patch)

    # The project's settings were used in the copy: pkg is first party, in a section of its own.
    assert (repo.path / "pkg/a b.py").read_text() == "import os\nimport sys\n\nimport pkg\n\nprint(os, sys, pkg)\n"
    assert tool("isort", "--check-only", ".", cwd=repo).returncode == 0
    assert core.check(stages=("isort",)).outcome == "passed"


def test_all_three_stages_pass_after_one_fix_loop(repo: Repo) -> None:
    repo.config(FLAKE8 + BLACK + ISORT)
    repo.write("pyproject.toml", '[tool.isort]\nprofile = "black"\n')
    repo.write("app.py", "import sys\nimport os\n\ndef main():\n    return sys.argv  \n")
    repo.commit("start")

    report = Healer(open_workspace(repo.path), via="cli").fix(FixOptions(offline="test", apply="safe"))

    assert report.final.outcome == "passed", [d.location() + " " + d.message for d in report.final.diagnostics]
    assert (repo.path / "app.py").read_text() == "import sys\n\n\ndef main():\n    return sys.argv\n"
    for argv in (["flake8", "--isolated", "."], ["black", "--check", "."], ["isort", "--check-only", "."]):
        assert tool(*argv, cwd=repo).returncode == 0, argv


@pytest.mark.skipif(not HAS_AUTOPEP8 and not os.environ.get("CI"), reason="autopep8 is not installed")
def test_autopep8_reindents_what_ruff_cannot_fix(repo: Repo) -> None:
    repo.config(FLAKE8)
    repo.write("calc.py", "def f(a, b):\n    return a + b\n\n\nx = f(1,\n  2)\ny = f(3,\n    4)\n")  # E128 twice
    repo.commit("start")
    core, candidates = proposals(repo, "flake8")
    fix = verified(candidates, "flake8.autopep8")
    core.apply(fix.patch)
    reindented = "def f(a, b):\n    return a + b\n\n\nx = f(1,\n      2)\ny = f(3,\n      4)\n"
    assert (repo.path / "calc.py").read_text() == reindented
    assert core.check(stages=("flake8",)).outcome == "passed"


# Where autopep8 is missing, the rule runs a program that is not there: as here, with a name no machine has.
NO_AUTOPEP8 = """\
[[rules]]
id = "flake8.autopep8"
params = { command = ["autopep8-not-installed", "--in-place", "--select", "{code}", "--", "{file}"], same_ast = true }
"""


def test_without_autopep8_its_rule_proposes_nothing_and_reports_no_error(repo: Repo) -> None:
    repo.config(FLAKE8)
    repo.write(".healer/rules/no-autopep8.toml", NO_AUTOPEP8)
    repo.write("calc.py", "def f(a,\n    b):\n    return a + b\n")
    repo.commit("start")
    core, candidates = proposals(repo, "flake8")  # asserts no error was recorded
    assert not [c for c in candidates if c.patch.origin == "flake8.autopep8"]
    # The rule was asked: it matches both findings, and only autopep8 could have fixed them.
    found = core.check(stages=("flake8",)).diagnostics
    assert sorted(d.code or "" for d in found) == ["E125", "E128"]
    rules = load_rules(repo.path)
    assert all("flake8.autopep8" in [rule.id for rule in rules.matching(d, "lint")] for d in found)
    assert candidates == []


# A user's project: the three stages in pyproject.toml, no parser or fix command named.
PYPROJECT = """
[project]
name = "demo"
version = "0"

[tool.isort]
profile = "black"

[tool.healer.stages.flake8]
run = "flake8 --isolated ."
kind = "lint"
inputs = ["**/*.py"]

[tool.healer.stages.black]
run = "black --check ."
kind = "format"
inputs = ["**/*.py", "pyproject.toml"]

[tool.healer.stages.isort]
run = "isort --check-only ."
kind = "lint"
inputs = ["**/*.py", "pyproject.toml"]
"""
# A repository rule that claims layout only but lets ruff remove unused imports on the way.
TOO_BROAD = """
[[rules]]
id = "local.blank-lines"
description = "Blank lines by ruff, and whatever else ruff fixes in E3 and F401."
action = "tool-fix"
safety = "safe"
confidence = 0.99
params = { command = ["ruff", "check", "--isolated", "--preview", "--fix", "--select", "E3,F401", "--", "{file}"], same_ast = true }
[rules.match]
tool = ["flake8"]
code = ["E302"]
"""
BROKEN = {
    "app.py": "import sys\nimport os\n\ndef main():\n    return sys.argv  \n",  # F401, E302, W291; black; isort
    "spacing.py": "def f( x ):\n    y=[1,2]\n    return x, y\n",  # E201, E202, E225, E231; black
    "quotes.py": "name = 'black'\n",  # black alone
    "sorts.py": "import sys\nimport json\n\nprint(json, sys)\n",  # isort alone
}
FIXED = {
    "app.py": "import sys\n\n\ndef main():\n    return sys.argv\n",
    "spacing.py": "def f(x):\n    y = [1, 2]\n    return x, y\n",
    "quotes.py": 'name = "black"\n',
    "sorts.py": "import json\nimport sys\n\nprint(json, sys)\n",
}


def test_healer_fix_offline_apply_all_makes_a_flake8_black_isort_project_pass(repo: Repo, healer: RunHealer) -> None:
    repo.write("pyproject.toml", PYPROJECT)
    repo.write(".healer/rules/local.toml", TOO_BROAD)
    for name, text in BROKEN.items():
        repo.write(name, text)
    repo.commit("start")
    for argv in (["flake8", "--isolated", "."], ["black", "--check", "."], ["isort", "--check-only", "."]):
        assert tool(*argv, cwd=repo).returncode == 1, argv  # each kind of breakage is there

    done = healer("fix", "--offline", "--apply", "all", "--json", timeout=300)

    report = json.loads(done.out)
    assert (done.code, report["outcome"]) == (0, "passed"), done.err
    first = report["rounds"][0]
    found = {(d["stage"], d["file"], d["code"]) for stage in first["run"]["stages"] for d in stage["diagnostics"]}
    assert {("black", name, "would-reformat") for name in ("app.py", "spacing.py", "quotes.py")} <= found
    assert {("isort", name, "unsorted-imports") for name in ("app.py", "sorts.py")} <= found
    assert {("flake8", "app.py", "F401"), ("flake8", "spacing.py", "E231")} <= found
    # The rule said layout only and its fix removed an import: verification failed it, nothing applied it.
    broad = [p for p in first["patches"] if p["origin"] == "local.blank-lines"]
    assert [(p["status"], p["files"]) for p in broad] == [("failed", ["app.py"])]
    assert "changes the code" in broad[0]["detail"] and broad[0]["verification"]["reruns"] == []
    assert broad[0]["id"] not in report["applied"]
    origins = {p["origin"] for one in report["rounds"] for p in one["patches"] if p["id"] in report["applied"]}
    assert origins <= {"flake8.ruff-fix", "flake8.ruff-fix-spacing", "whitespace.pycodestyle", "black.format-file",
                       "isort.sort-file"}  # fmt: skip
    assert {name: (repo.path / name).read_text() for name in FIXED} == FIXED
    for argv in (["flake8", "--isolated", "."], ["black", "--check", "."], ["isort", "--check-only", "."]):
        assert tool(*argv, cwd=repo).returncode == 0, argv
    assert healer("run", "--no-cache").code == 0


def test_each_black_fix_names_its_own_file(repo: Repo, healer: RunHealer) -> None:
    repo.config(BLACK)
    repo.write("one.py", "x = [1,2]\n")
    repo.write("two.py", "y = {'a':1}\n")
    repo.commit("start")

    done = healer("fix", "--offline")
    fixes = [line.strip() for line in done.out.splitlines() if line.strip().startswith("fixes black:")]
    assert sorted(line.split()[2] for line in fixes) == ["one.py", "two.py"], done.out
