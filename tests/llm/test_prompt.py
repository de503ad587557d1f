"""What a model is shown: the failures, the code around them, the failing test, traceback frames, past fixes,
earlier attempts; never a denied file; always under the token cap."""

from __future__ import annotations

from pathlib import Path

from healer.diagnostics.diagnostic import Diagnostic
from healer.llm.cluster import Cluster, clusters
from healer.llm.prompt import build_prompt
from healer.pipeline.result import RunResult, StageResult


def words(text: str) -> int:
    return len(text.split())


def diagnostic(file: str | None, line: int | None, message: str, fingerprint: str, **more: str) -> Diagnostic:
    return Diagnostic("test", "pytest", file, line, None, more.pop("code", None), message, "error", fingerprint, **more)


def stage(output: str, *found: Diagnostic) -> StageResult:
    return StageResult("test", "test", "failed", "pytest -q", exit_code=1, output=output, diagnostics=found)


def write(root: Path, name: str, text: str) -> None:
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text)


BIG = "".join(f"def helper_{n}(x: int) -> int:\n    return x + {n}\n\n\n" for n in range(200))


def test_the_prompt_holds_failure_code_test_and_frames(tmp_path: Path) -> None:
    write(tmp_path, "pkg/calc.py", "import math\n\n" + BIG + "def broken(x: int) -> int:\n    return x / 0\n")
    write(tmp_path, "tests/test_calc.py", "from pkg.calc import broken\n\n\ndef test_broken():\n    assert broken(1)\n")
    line = 2 + BIG.count("\n") + 2
    output = (
        f'Traceback (most recent call last):\n  File "{tmp_path}/tests/test_calc.py", line 5, in test_broken\n'
        f'  File "{tmp_path}/.cache/healer/copies/repo-0123456789ab/sandbox-0/pkg/calc.py", line {line}, in broken\n'
        '  File "/usr/lib/python3.11/fractions.py", line 10, in f\nZeroDivisionError: division by zero\n'
    )
    found = diagnostic("tests/test_calc.py", 5, "ZeroDivisionError: division by zero", "f1",
                       node_id="tests/test_calc.py::test_broken")  # fmt: skip
    cluster = clusters(RunResult((stage(output, found),), 1.0, str(tmp_path)))[0]
    prompt = build_prompt(cluster, tmp_path, deny=(), cap=6000, count=words)
    text = prompt.messages[1]["content"]
    assert "tests/test_calc.py:5 [pytest] in test tests/test_calc.py::test_broken" in text
    assert "def test_broken():" in text  # the test file is small: shown whole
    # The frame inside the copy is mapped back to the project file: its function, with the imports; not all of it.
    assert "def broken(x: int) -> int:\n    return x / 0" in text and "import math" in text
    assert "helper_100" not in text and f"lines {line - 1}-{line}" in text
    assert "fractions.py" not in text.split("Output of")[0]  # the standard library's frame shows no code
    assert prompt.files == ("tests/test_calc.py", "pkg/calc.py")
    assert prompt.messages[0]["role"] == "system" and "SEARCH" in prompt.messages[0]["content"]


def test_denied_files_are_never_shown(tmp_path: Path) -> None:
    write(tmp_path, ".env", "DATABASE_PASSWORD=hunter2\n")
    write(tmp_path, "keys/server.pem", "-----BEGIN PRIVATE KEY-----\nabc\n")
    write(tmp_path, "app.py", "x = 1\n")
    found = [
        diagnostic(".env", 1, "bad line", "a"),
        diagnostic("keys/server.pem", 1, "bad key", "b"),
        diagnostic("app.py", 1, "bad", "c"),
        diagnostic("config/secrets.toml", 1, "bad", "d"),
    ]
    write(tmp_path, "config/secrets.toml", "token = 'abc'\n")
    cluster = Cluster("x", "test", tuple(found), (stage(""),))
    prompt = build_prompt(cluster, tmp_path, deny=(".env*", "*.pem", "config/secrets.toml"), cap=6000, count=words)
    text = prompt.messages[1]["content"]
    assert "hunter2" not in text and "BEGIN PRIVATE KEY" not in text and "token = " not in text
    assert prompt.files == ("app.py",)


def test_symlinks_out_of_the_project_and_binary_files_are_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("SECRET_OUTSIDE = 1\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link.py").symlink_to(outside)
    (root / "blob.py").write_bytes(b"\0\1\2binary")
    (root / "latin.py").write_bytes(b"x = '\xe9'\n")
    found = [
        diagnostic("link.py", 1, "m", "a"),
        diagnostic("blob.py", 1, "m", "b"),
        diagnostic("latin.py", 1, "m", "c"),
    ]
    prompt = build_prompt(Cluster("x", "test", tuple(found), (stage(""),)), root, deny=(), cap=6000, count=words)
    assert "SECRET_OUTSIDE" not in prompt.messages[1]["content"] and prompt.files == ()


def test_the_cap_drops_the_least_useful_parts_first(tmp_path: Path) -> None:
    write(tmp_path, "app.py", BIG)
    output = "\n".join(f"log line {n} " + "word " * 20 for n in range(500))
    found = diagnostic("app.py", 300, "NameError: name 'y' is not defined", "f")
    cluster = Cluster("app.py", "test", (found,), (stage(output, found),))
    past = ["--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-a\n+b\n" * 30]
    feedback = ["first try " * 300, "second try: assert 6 == 5"]
    roomy = build_prompt(cluster, tmp_path, deny=(), cap=100_000, count=words, past=past, feedback=feedback)
    assert roomy.dropped == () and "first try" in roomy.messages[1]["content"]
    tight = build_prompt(cluster, tmp_path, deny=(), cap=1200, count=words, past=past, feedback=feedback)
    text = tight.messages[1]["content"]
    assert tight.tokens <= 1200 and words(tight.messages[0]["content"]) + words(text) <= 1200
    assert "attempt:1" in tight.dropped and "past:1" in tight.dropped
    # What must stay: the failure, the latest verdict and the code at the failing line.
    assert "NameError: name 'y' is not defined" in text and "second try: assert 6 == 5" in text
    assert "def helper_" in text


def test_clusters_group_one_files_failures_across_stages(tmp_path: Path) -> None:
    lint = StageResult("lint", "lint", "failed", "ruff", output="", diagnostics=(
        Diagnostic("lint", "ruff", "a.py", 1, 1, "F821", "Undefined name `Decimal`", "error", "x1"),
        Diagnostic("lint", "ruff", "b.py", 3, 1, "F401", "unused", "error", "x2"),
    ))  # fmt: skip
    types = StageResult("types", "typecheck", "failed", "mypy", output="", diagnostics=(
        Diagnostic("types", "mypy", "a.py", 1, 1, "name-defined", 'Name "Decimal" is not defined', "error", "x3"),
    ))  # fmt: skip
    silent = StageResult("build", "build", "failed", "make", exit_code=2, output="make: *** [all] Error 2")
    broken = StageResult("docs", "other", "error", "sphinx", reason="command not found")
    found = clusters(RunResult((lint, types, silent, broken), 1.0, str(tmp_path)), settled={"x2"})
    assert [(c.key, c.fingerprints) for c in found] == [("a.py", ("x1", "x3")), ("stage:build", ())]
    assert found[0].stage == "lint" and [r.name for r in found[0].results] == ["lint", "types"]
