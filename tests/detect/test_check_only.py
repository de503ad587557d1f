from __future__ import annotations

from healer.detect.candidate import MIRRORED
from healer.detect.check_only import check_only, replace


def test_known_tools_have_a_check_only_stage() -> None:
    runs = {key: stage.run if (stage := check_only(key)) else None for key in ("ruff-format", "eslint", "jest")}
    assert runs == {"ruff-format": "ruff format --check --diff .", "eslint": "npx eslint .", "jest": None}


def test_replace_proposes_each_known_tool_and_covers_only_that_tool() -> None:
    candidates, note = replace(
        "Makefile target lint", "`black .` rewrites files", {"black", "make:fmt", "mypy"}, rank=MIRRORED, prefix="make"
    )
    assert [(c.stage.name, c.covers) for c in candidates] == [("black", {"black"}), ("mypy", {"mypy"})]
    assert note == "black, mypy: Makefile target lint (`black .` rewrites files; checking instead)"


def test_replace_without_known_tools_skips() -> None:
    assert replace("x", "`sed -i s/a/b/ f` edits files in place", {"script:gen"}, rank=MIRRORED, prefix="npm") == (
        [],
        "x: `sed -i s/a/b/ f` edits files in place; skipped (healer stages only check)",
    )
