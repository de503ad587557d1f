"""bench/real_projects.py does not rot: its breakages are what they say, its judge classifies right, one real case runs.

The judge and the breakages are checked on small synthetic inputs; one real case (six, one
unused import) runs the whole bench end to end with the real healer, ruff and pytest. Nothing here
asserts a time or how well healer does: that is the benchmark's table.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import real_projects  # noqa: E402 (bench/ goes on sys.path first, as when the bench runs)
from real_inject import KINDS, Source, sites  # noqa: E402
from real_judge import VERDICTS, judge, meaning  # noqa: E402

ORIGINAL = b'''"""A module."""

import math
from collections import OrderedDict, deque

from .helpers import scale


def area(radius):
    total = math.pi * radius * radius
    return scale(total) + 1


class Box:
    def __init__(self):
        self._items = deque()

    def size(self):
        if len(self._items) < 3:
            return len(self._items)
        return OrderedDict(size=len(self._items))
'''
TEST = b"""import pytest


@pytest.fixture
def box():
    return 1


def test_area(tmp_path, box):
    assert tmp_path.exists() and box
"""


def _sources() -> list[Source]:
    module = Source.parse("pkg/shapes.py", ORIGINAL, is_test=False)
    test = Source.parse("tests/test_shapes.py", TEST, is_test=True)
    assert module is not None and test is not None
    return [module, test]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_finds_sites_and_each_edit_does_what_it_says(kind: str) -> None:
    found = sites(kind, _sources(), ("pkg",), "1")
    assert found, kind
    originals = {source.path: source.data for source in _sources()}
    for breakage in found:
        original = originals[breakage.file]
        broken = breakage.apply(original)
        assert broken != original
        if kind == "syntax":
            with pytest.raises(SyntaxError):
                ast.parse(broken)
            continue
        ast.parse(broken)  # every other kind leaves code that parses
        if kind == "whitespace":
            assert meaning(broken) == meaning(original)
        elif kind == "unused-import":
            assert meaning(broken) != meaning(original) and b"\nimport " in broken
        elif breakage.typo is not None:
            assert breakage.typo.encode() in broken and breakage.typo.encode() not in original


def test_removing_an_import_drops_one_name_or_the_whole_line() -> None:
    found = {b.what: b for b in sites("stdlib-import-removed", _sources(), ("pkg",), "1")}
    assert set(found) == {
        "removed `import math`",
        "removed `OrderedDict` from `from collections import OrderedDict, deque`",
        "removed `deque` from `from collections import OrderedDict, deque`",
    }
    one = found["removed `deque` from `from collections import OrderedDict, deque`"].apply(ORIGINAL)
    assert b"from collections import OrderedDict\n" in one
    project = sites("project-import-removed", _sources(), ("pkg",), "1")
    assert [b.what for b in project] == ["removed `from .helpers import scale`"]
    # the line goes with one of the blank lines around it, so the import block keeps its layout
    assert b"deque\n\n\ndef area" in project[0].apply(ORIGINAL)


def test_logic_flips_only_touch_the_operator_and_never_tests() -> None:
    flips = sites("logic-flip", _sources(), ("pkg",), "1")
    assert {b.file for b in flips} == {"pkg/shapes.py"}
    assert b"len(self._items) <= 3" in next(b for b in flips if "<" in b.what).apply(ORIGINAL)
    assert b"scale(total) - 1" in next(b for b in flips if "+" in b.what).apply(ORIGINAL)


def test_a_fixture_typo_renames_the_parameter_only() -> None:
    typos = sites("fixture-typo", _sources(), ("pkg",), "1")
    assert {b.what.split("`")[1] for b in typos} == {"tmp_path", "box"}
    for typo in typos:
        changed = [
            pair for pair in zip(TEST.splitlines(), typo.apply(TEST).splitlines(), strict=True) if pair[0] != pair[1]
        ]
        assert [before for before, _ in changed] == [b"def test_area(tmp_path, box):"]


def _trees(after: bytes, broken: bytes | None = None) -> tuple[dict[str, bytes], dict[str, bytes], dict[str, bytes]]:
    typo = ORIGINAL.replace(b"scale(total)", b"sacle(total)")
    return {"m.py": ORIGINAL}, {"m.py": broken or typo}, {"m.py": after}


def test_judge_healed_exact_and_healed_with_the_imports_written_otherwise() -> None:
    verdict = judge("name-typo", *_trees(ORIGINAL), green=True, typo="sacle")
    assert (verdict.verdict, verdict.exact) == ("healed", True)
    regrouped = ORIGINAL.replace(
        b"from collections import OrderedDict, deque\n",
        b"from collections import deque\nfrom collections import OrderedDict\n",
    )
    verdict = judge("stdlib-import-removed", *_trees(regrouped), green=True)
    assert (verdict.verdict, verdict.exact) == ("healed", False)


def test_judge_wrong_when_red_after_a_change_or_the_typo_survives_or_a_flip_is_bent() -> None:
    broken = ORIGINAL.replace(b"scale(total)", b"sacle(total)")
    added = broken.replace(b"import math\n", b"import math\nimport os\n")
    assert judge("name-typo", *_trees(added, broken), green=False, typo="sacle").verdict == "wrong"
    towards_typo = broken.replace(b"from .helpers import scale", b"from .helpers import scale as sacle")
    verdict = judge("name-typo", *_trees(towards_typo, broken), green=True, typo="sacle")
    assert verdict.verdict == "wrong" and "sacle" in verdict.reason
    flipped = ORIGINAL.replace(b"< 3", b"<= 3")
    bent = flipped.replace(b"<= 3", b"<= 2")
    assert judge("logic-flip", *_trees(bent, flipped), green=True).verdict == "wrong"
    assert judge("logic-flip", *_trees(ORIGINAL, flipped), green=True).verdict == "healed"


def test_judge_partial_when_only_the_style_changed_and_the_pipeline_is_still_red() -> None:
    broken = ORIGINAL.replace(b"import math\n", b"import math\nimport json\n")
    resorted = broken.replace(b"import math\nimport json\n", b"import json\nimport math\n")
    verdict = judge("unused-import", *_trees(resorted, broken), green=False)
    assert verdict.verdict == "partial" and verdict.changed == ("m.py",)
    assert judge("unused-import", *_trees(ORIGINAL, broken), green=True).verdict == "healed"


def test_judge_different_untouched_and_a_breakage_that_did_not_reproduce() -> None:
    rewritten = ORIGINAL.replace(b"math.pi * radius * radius", b"math.pi * radius**2")
    assert judge("attribute-typo", *_trees(rewritten), green=True).verdict == "different"
    broken = _trees(ORIGINAL)[1]["m.py"]
    assert judge("name-typo", *_trees(broken), green=False).verdict == "untouched"
    assert judge("name-typo", *_trees(broken), green=True).verdict == "green-untouched"
    assert set(VERDICTS) >= {"healed", "different", "partial", "wrong", "untouched", "green-untouched"}


def test_a_real_case_runs_end_to_end_and_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = real_projects.main(
        [
            "--project", "six", "--kind", "unused-import", "--cases-per-kind", "1", "--jobs", "1",
            "--failures", str(tmp_path / "failures"), "--json", str(tmp_path / "cases.json"),
        ]
    )  # fmt: skip
    assert len(records) == 1
    record = records[0]
    assert (record.project, record.kind, record.file) == ("six", "unused-import", "test_six.py")
    assert record.verdict in VERDICTS and record.peer in VERDICTS
    assert record.what.startswith("added `import ")
    out = capsys.readouterr().out
    assert "unused-import" in out and "undo byte for byte" in out and "wrong fixes applied" in out
    assert (tmp_path / "cases.json").read_text().count('"kind": "unused-import"') == 1
