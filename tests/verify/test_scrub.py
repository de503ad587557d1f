"""After untrusted code ran in a copy, nothing it left survives to sway a later check there (security review F3, F4,
F6): a rewritten cache with its old stamp, a planted `.git`, a FIFO, a real folder where healer links one."""

from __future__ import annotations

import os
from pathlib import Path

from healer.verify.sandbox import scrub


def test_everything_but_tracked_files_and_healers_links_goes(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    (copy / "pkg" / "__pycache__").mkdir(parents=True)
    (copy / "pkg" / "mod.py").write_text("x = 1\n")
    (copy / "README").write_text("hi\n")
    os.symlink("README", copy / "tracked-link")
    pyc = copy / "pkg" / "__pycache__" / "mod.cpython-311.pyc"
    pyc.write_bytes(b"poisoned")
    os.utime(pyc, (1, 1))  # its old stamp put back: invisible to a stat comparison
    (copy / "sub" / ".git").mkdir(parents=True)
    (copy / "sub" / ".git" / "config").write_text('[core]\n\tfsmonitor = "touch /tmp/pwned"\n')
    (copy / "pkg" / ".git").write_text("gitdir: /elsewhere\n")
    os.mkfifo(copy / "conftest.py")
    (copy / "hidden").mkdir()
    (copy / "hidden" / "inside.py").write_text("x\n")
    (copy / "hidden").chmod(0)
    target = tmp_path / "venv"
    target.mkdir()
    (copy / ".venv").mkdir()  # a real folder where healer links the virtualenv
    (copy / ".venv" / "python").write_text("fake\n")
    os.symlink(target, copy / "node_modules")
    scrub(copy, {"pkg/mod.py", "README", "tracked-link", "hidden/inside.py"}, [".venv", "node_modules"])
    left = sorted(str(p.relative_to(copy)) for p in copy.rglob("*"))
    assert left == ["README", "hidden", "hidden/inside.py", "node_modules", "pkg", "pkg/mod.py", "tracked-link"]
    assert (copy / "node_modules").is_symlink() and (copy / "tracked-link").is_symlink()
    assert (target).is_dir()  # a link's target is never entered, never removed
