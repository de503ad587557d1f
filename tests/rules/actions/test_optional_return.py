"""widen-return on real mypy output: the annotation gains `| None`, and mypy agrees afterwards."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from healer.diagnostics.diagnose import diagnose
from healer.diagnostics.diagnostic import Diagnostic
from healer.rules.actions.optional_return import run
from healer.rules.context import ActionContext

SOURCE = '''\
class Item:
    name = "bolt"


def find(items: dict[str, Item], sku: str) -> Item:
    """Look one up."""
    return items.get(sku)
'''


def mypy(folder: Path) -> tuple[int, list[Diagnostic]]:
    argv = [sys.executable, "-m", "mypy", "--no-incremental", "--strict", "shop.py"]
    done = subprocess.run(argv, cwd=folder, capture_output=True, text=True)
    found = diagnose(
        stage="typecheck",
        output=done.stdout,
        root=folder,
        cwd=folder,
        parser="mypy",
        argv=argv,
        exit_code=done.returncode,
    )
    return done.returncode, found


def test_the_annotation_is_widened_and_mypy_passes(tmp_path: Path) -> None:
    (tmp_path / "shop.py").write_bytes(SOURCE.replace("\n", "\r\n").encode())
    code, found = mypy(tmp_path)
    assert code == 1
    [diagnostic] = [d for d in found if d.code == "return-value"]
    proposal = run(ActionContext(root=tmp_path, diagnostic=diagnostic, params={}))
    assert proposal is not None
    [edit] = proposal.edits
    assert edit.before == (tmp_path / "shop.py").read_bytes()
    assert edit.after is not None
    assert b"-> Item | None:\r\n" in edit.after and b"\n" not in edit.after.replace(b"\r\n", b"")
    assert "find() can return None" in proposal.title
    (tmp_path / "shop.py").write_bytes(edit.after)
    assert mypy(tmp_path)[0] == 0


def test_another_kind_of_return_mismatch_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "shop.py").write_text("def name() -> int:\n    return 'bolt'\n")
    _code, found = mypy(tmp_path)
    [diagnostic] = [d for d in found if d.code == "return-value"]
    assert run(ActionContext(root=tmp_path, diagnostic=diagnostic, params={})) is None
