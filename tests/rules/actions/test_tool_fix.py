"""tool-fix: ruff's fixer and the configured formatter run in a scratch copy; their changes come back as edits."""

from __future__ import annotations

from pathlib import Path

from healer.config.settings import Stage
from healer.rules.actions.tool_fix import run
from healer.rules.outcome import Proposal

from .helpers_hygiene import PYTHON, RUFF, apply, context, diagnostics_of, make_repo, pick, rule_params, tree

PYPROJECT = '[tool.ruff]\nline-length = 100\n[tool.ruff.lint]\nselect = ["E", "F", "W", "I"]\n'
LINT = Stage(name="lint", run=(RUFF, "check", "--no-cache", "--no-fix", "."), kind="lint", parser="ruff")


def test_ruff_fixes_the_unused_import_it_reported(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo", {"pyproject.toml": PYPROJECT, "app.py": "import os\nimport sys\n\nprint(sys.argv)\n"}
    )
    found, _ = diagnostics_of(LINT, root)
    unused = pick(found, code="F401", file="app.py")
    before = tree(root)

    result = run(context(root, unused, rule_params("ruff.autofix"), stage=LINT))

    assert tree(root) == before  # the fixer ran in the scratch copy, never in the working tree
    assert isinstance(result, Proposal)
    assert [edit.path for edit in result.edits] == ["app.py"]
    assert result.edits[0].before == before["app.py"]
    apply(root, result)
    assert (root / "app.py").read_text() == "import sys\n\nprint(sys.argv)\n"
    found, _ = diagnostics_of(LINT, root)
    assert not [item for item in found if item.code == "F401"]


def test_placeholders_are_filled_relative_to_the_stage_folder(tmp_path: Path) -> None:
    files = {"pkg/pyproject.toml": PYPROJECT, "pkg/mod.py": "import sys\nimport os\n\nprint(os, sys)\n"}
    root = make_repo(tmp_path / "repo", files)
    stage = LINT._replace(cwd="pkg")
    found, _ = diagnostics_of(stage, root)
    unsorted = pick(found, code="I001")
    assert unsorted.file == "pkg/mod.py"

    result = run(context(root, unsorted, rule_params("ruff.autofix"), stage=stage))

    assert isinstance(result, Proposal)
    assert "-- mod.py" in result.title
    apply(root, result)
    assert (root / "pkg" / "mod.py").read_text() == "import os\nimport sys\n\nprint(os, sys)\n"


def test_an_unsafe_fix_is_applied_only_when_the_params_allow_it(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"pyproject.toml": PYPROJECT, "cmp.py": "def f(x):\n    return x == None\n"})
    found, _ = diagnostics_of(LINT, root)
    none_comparison = pick(found, code="E711")
    before = tree(root)

    assert run(context(root, none_comparison, rule_params("ruff.autofix"), stage=LINT)) is None
    result = run(context(root, none_comparison, rule_params("ruff.autofix-unsafe"), stage=LINT))

    assert tree(root) == before
    assert isinstance(result, Proposal)
    apply(root, result)
    assert (root / "cmp.py").read_text() == "def f(x):\n    return x is None\n"


def test_the_format_stage_fix_command_formats_every_file(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": PYPROJECT,
        "a.py": "x = [1,2]\n",
        "b.py": "def f( y ):\n  return y\n",
        "ok.py": "z = 1\n",
    }
    root = make_repo(tmp_path / "repo", files)
    stage = Stage(
        name="format",
        run=f"{RUFF} format --no-cache --check --diff .",
        kind="format",
        fix=f"{RUFF} format --no-cache .",
        parser="ruff",
    )
    found, _ = diagnostics_of(stage, root)
    assert {item.file for item in found} == {"a.py", "b.py"}
    before = tree(root)

    result = run(context(root, found[0], rule_params("format.stage-fix"), stage=stage))

    assert tree(root) == before
    assert isinstance(result, Proposal)
    assert sorted(edit.path for edit in result.edits) == ["a.py", "b.py"]  # caches and untouched files are no edits
    apply(root, result)
    found, _ = diagnostics_of(stage, root)
    assert found == []


def test_refusals(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"pyproject.toml": PYPROJECT, "app.py": "import os\n"})
    found, _ = diagnostics_of(LINT, root)
    unused = pick(found, code="F401")
    command = rule_params("ruff.autofix")

    assert run(context(root, unused, command, stage=LINT, scratch=False)) is None  # no scratch copy to run in
    assert run(context(root, unused, {"use": "stage-fix"}, stage=None)) is None  # no stage, no fix command
    assert run(context(root, unused, {"use": "stage-fix"}, stage=LINT)) is None  # the stage has no fix command
    assert run(context(root, unused._replace(file=None), command, stage=LINT)) is None  # {file} cannot be filled
    assert run(context(root, unused, {"command": ["no-such-fixer-anywhere", "{file}"]}, stage=LINT)) is None
    outside = tmp_path / "outside.py"
    outside.write_text("import os\n")
    assert run(context(root, unused._replace(file=str(outside)), command, stage=LINT)) is None
    assert outside.read_text() == "import os\n"  # a path outside the repository is never handed to the fixer
    # The tool ran and changed nothing (E501 has no fix).
    assert run(context(root, unused._replace(code="E501"), command, stage=LINT)) is None


def test_a_fixer_that_runs_too_long_proposes_nothing(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"app.py": "import os\n"})
    found, _ = diagnostics_of(LINT, root)
    unused = pick(found, code="F401")
    # It would empty the file, but only after the timeout has ended it.
    script = "import sys, time; time.sleep(5); open(sys.argv[1], 'w').close()"
    params = {"command": [PYTHON, "-c", script, "{file}"], "timeout": 0.5}

    assert run(context(root, unused, params, stage=LINT)) is None
    quick = {"command": [PYTHON, "-c", "import sys; open(sys.argv[1], 'w').close()", "{file}"], "timeout": 30}
    result = run(context(root, unused, quick, stage=LINT))
    assert isinstance(result, Proposal) and result.edits[0].after == b""


def test_the_hygiene_pack_loads_and_names_real_actions() -> None:
    from healer.rules.actions import resolve
    from healer.rules.load import load_rules

    rules = {rule.id: rule for rule in load_rules(None) if rule.origin == "builtin:hygiene"}

    assert set(rules) >= {"ruff.autofix", "format.stage-fix", "whitespace.pycodestyle", "pytest.flaky"}
    for rule in rules.values():
        assert callable(resolve(rule.action))
    assert rules["ruff.autofix"].safety == "safe" and rules["ruff.autofix-unsafe"].safety == "review"


def test_a_stale_ignored_file_in_the_scratch_copy_is_no_edit(tmp_path: Path) -> None:
    files = {"pyproject.toml": PYPROJECT, ".gitignore": "gen.py\n", "app.py": "print(1)\n"}
    root = make_repo(tmp_path / "repo", files)
    (root / "gen.py").write_text("import os\n# as the user has it\n")
    # Ignored files survive from one use of a scratch copy to the next; this one is not the user's content.
    stale = root / ".git" / "healer" / "sandbox-0" / "gen.py"
    stale.parent.mkdir(parents=True)
    stale.write_text("import os\n# left by an earlier run\n")
    found, _ = diagnostics_of(LINT._replace(run=(RUFF, "check", "--no-cache", "--no-fix", "gen.py")), root)
    unused = pick(found, code="F401", file="gen.py")

    assert run(context(root, unused, rule_params("ruff.autofix"), stage=LINT)) is None


def test_same_ast_is_passed_on_for_verification_to_hold(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"app.py": "import os\n\nx=[1,2]\n"})
    stage = Stage(name="lint", run=(PYTHON, "-m", "flake8", "--isolated", "."), kind="lint", parser="flake8")
    found, _ = diagnostics_of(stage, root)
    spacing = pick(found, code="E231")
    # A stand-in fixer that respaces and also drops the import: the action proposes it, verification judges it.
    rewrite = {"command": [PYTHON, "-c", "import sys; open(sys.argv[1], 'w').write('x = [1, 2]\\n')", "{file}"]}

    plain = run(context(root, spacing, rewrite, stage=stage))
    guarded = run(context(root, spacing, {**rewrite, "same_ast": True}, stage=stage))

    assert isinstance(plain, Proposal) and isinstance(guarded, Proposal)
    assert (plain.same_ast, guarded.same_ast) == (False, True)
    assert guarded.edits == plain.edits and guarded.edits[0].after == b"x = [1, 2]\n"
