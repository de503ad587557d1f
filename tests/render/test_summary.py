"""The Markdown job summary: of real runs (real git, ruff and mypy) and fix reports, escaped and bounded."""

from __future__ import annotations

import re

from healer.diagnostics.diagnostic import Diagnostic
from healer.fixers.candidate import Candidate
from healer.fixing.report import FixReport, Round
from healer.patch.patch import FileEdit, Patch
from healer.patch.weakening import Weakening
from healer.pipeline.result import RunResult, StageResult
from healer.render.summary import LIMIT, SourceLinks, escape, job_summary
from healer.service import Healer
from healer.verify.verdict import Verdict
from healer.workspace import open_workspace
from tests.conftest import Repo

CONFIG = """\
[stages.lint]
run = "ruff check --no-fix --no-cache --output-format concise ."
inputs = ["*.py"]
parser = "ruff"

[stages.types]
run = "mypy --no-incremental --strict app.py"
inputs = ["*.py"]
parser = "mypy"

[stages.ok]
run = "true"
"""
APP = "import os\n\n\ndef f(x: int) -> str:\n    return x\n"
LINKS = SourceLinks("https://github.example", "octo/app", "0123abc")


def failing(repo: Repo) -> Healer:
    repo.config(CONFIG)
    repo.write("app.py", APP)
    repo.write(".gitignore", ".mypy_cache/\n__pycache__/\n")
    repo.commit("start")
    return Healer(open_workspace(repo.path), via="ci")


def test_a_failed_run_has_a_headline_a_stage_table_and_linked_diagnostics_by_stage_and_file(repo: Repo) -> None:
    core = failing(repo)
    core.check()
    run = core.check()  # the second time every stage's result comes from the cache
    text = job_summary(run, links=LINKS)
    lines = text.splitlines()
    assert lines[0] == "## ❌ healer: failures"
    assert lines[2].startswith("3 stages: 1 passed, 2 failed · 2 diagnostics · ")
    assert "| lint | ❌ failed · exit 1 · 1 diagnostic | cached |" in lines
    assert "| ok | ✅ passed | cached |" in lines
    assert text.index("#### lint (ruff): 1 diagnostic") < text.index("#### types (mypy): 1 diagnostic")
    blob = "https://github.example/octo/app/blob/0123abc/app.py"
    assert f"**[app\\.py]({blob})**" in lines
    assert f"- [1:8]({blob}#L1) **F401** \\`os\\` imported but unused" in lines
    assert any(line.startswith(f"- [5]({blob}#L5) **return\\-value** Incompatible return value") for line in lines)
    uncached = job_summary(core.check(cache="off"))
    assert "| lint | ❌ failed · exit 1 · 1 diagnostic | cached |" not in uncached
    assert re.search(r"\| lint \| ❌ failed · exit 1 · 1 diagnostic \| \d+\.\ds \|", uncached)
    assert "**app\\.py**" in uncached  # no links without a repository to link to


def test_a_passing_run(repo: Repo) -> None:
    repo.config('[stages.ok]\nrun = "true"\n')
    repo.commit("start")
    text = job_summary(Healer(open_workspace(repo.path), via="ci").check())
    assert text.startswith("## ✅ healer: every stage passed\n")
    assert "### Diagnostics" not in text and "Cut to stay" not in text


def test_a_real_verified_fix_is_a_collapsible_diff(repo: Repo) -> None:
    core = failing(repo)
    report = core.suggest(offline="test")
    text = job_summary(report.rounds[0].run, report)
    assert "### Verified fixes (1)" in text
    details = text[text.index("<details><summary>✅ verified: ") :]
    assert "```diff\n" in details and "\n-import os\n" in details and details.rstrip().endswith("</details>")


def candidate(title: str, path: str, status: str, *, source: str = "rule", flags: tuple[str, ...] = ()) -> Candidate:
    patch = Patch(
        title, (FileEdit(path, b"x = 1\nassert x == 1\n", f"x = 2  # {title}\nassert True\n".encode()),), source, "origin", "review", 0.9,  # type: ignore[arg-type]
        "test", flags=flags, trusted=source == "rule",
    )  # fmt: skip
    weakening = (Weakening("weakens-assertion", path, f"the assertion in {path} no longer compares"),) if flags else ()
    return Candidate(
        patch,
        verdict=Verdict(status, "test reports something new" if status == "failed" else None, (), 0.1),
        weakening=weakening,
    )  # type: ignore[arg-type]


def report_of(run: RunResult, *candidates: Candidate, applied: tuple[Candidate, ...] = ()) -> FixReport:
    return FixReport([Round(1, run, candidates=list(candidates), applied=list(applied))], run, 1.0, None)


RUN = RunResult(
    (
        StageResult(
            "test", "test", "failed", "pytest", 1.0, 1,
            diagnostics=(Diagnostic("test", "pytest", "test_a.py", 2, None, None, "assert 1 == 2", "error", "f" * 16),),
        ),
    ),
    1.0,
    "/repo",
)  # fmt: skip


def test_fixes_that_pass_only_by_changing_the_checks_are_never_shown_as_verified() -> None:
    verified = candidate("Fix the total", "shop.py", "verified")
    weakening = candidate("Loosen the test", "test_a.py", "verified", source="model", flags=("weakens-assertion",))
    failed = candidate("Wrong guess", "shop.py", "failed")
    assert weakening.changes_checks and not weakening.verified
    text = job_summary(RUN, report_of(RUN, verified, weakening, failed, applied=(verified,)))
    verified_part = text[text.index("### Verified fixes (1)") : text.index("### ⚠️ Fixes that pass only")]
    assert "Fix the total" in verified_part and "Loosen the test" not in verified_part
    assert f"{verified.id} · rule origin · review · applied" in verified_part
    weakening_part = text[text.index("### ⚠️ Fixes that pass only") : text.index("### Candidates that did not pass")]
    assert "<details><summary>⚠️ passes by changing the checks: Loosen the test (test_a.py)" in weakening_part
    assert "- ⚠️ the assertion in test\\_a\\.py no longer compares" in weakening_part
    assert "Not verified" in weakening_part and "```diff\n" in weakening_part
    rest = text[text.index("### Candidates that did not pass (1)") :]
    assert "- failed · Wrong guess: test reports something new" in rest and "```" not in rest


def test_messages_and_fixes_are_escaped() -> None:
    evil = "x <script>alert(1)</script> | *bold* [link](http://e.invalid) `code` _u_ # h\nnext &amp;"
    run = RunResult(
        (StageResult("a|b", "lint", "failed", "lint", 0.1, 1, reason=None, diagnostics=(
            Diagnostic("a|b", "lint", "<b>.py", 1, 1, "C<1>", evil, "error", "e" * 16),
        )),),
        0.1,
        "/repo",
    )  # fmt: skip
    fence = candidate("Title <img src=x onerror=alert(1)> & co", "doc.md", "verified")
    fence = Candidate(
        Patch(fence.patch.title, (FileEdit("doc.md", b"```\nold\n```\n", b"````\nnew\n````\n"),), "rule", "r",  # type: ignore[arg-type]
              "safe", 1.0, "lint", trusted=True),
        verdict=fence.verdict,
    )  # fmt: skip
    text = job_summary(run, report_of(run, fence), links=LINKS)
    assert "<script>" not in text and "<b>" not in text and "<img" not in text
    assert "| a\\|b |" in text  # a stage name cannot break the table
    line = next(line for line in text.splitlines() if "alert" in line and line.startswith("- "))
    assert line == (
        "- [1:1](https://github.example/octo/app/blob/0123abc/%3Cb%3E.py#L1) **C&lt;1&gt;** x &lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| \\*bold\\* \\[link\\]\\(http://e\\.invalid\\) "
        "\\`code\\` \\_u\\_ \\# h next &amp;amp;"
    )
    assert "Title &lt;img src=x onerror=alert(1)&gt; &amp; co" in text
    # The diff holds a four-backtick fence: its own fence is longer, so it cannot close early.
    assert "\n`````diff\n" in text and "\n+````\n" in text
    assert escape("a\nb\tc") == "a b c"


def test_the_summary_stays_under_the_limit_and_says_what_was_cut() -> None:
    long = "m" * 400
    stages = tuple(
        StageResult(
            f"s{n}", "lint", "failed", "ruff", 0.1, 1,
            diagnostics=tuple(
                Diagnostic(f"s{n}", "ruff", f"f{k}.py", k, 1, "E1", long, "error", f"{n:08x}{k:08x}") for k in range(80)
            ),
        )
        for n in range(40)
    )  # fmt: skip
    run = RunResult(stages, 1.0, "/repo")
    fixes = [candidate(f"Fix {n}", f"f{n}.py", "verified") for n in range(30)]
    text = job_summary(run, report_of(run, *fixes), links=LINKS)
    assert len(text.encode("utf-8")) <= LIMIT
    assert "*… and 30 more in s0*" in text  # at most 50 shown for one stage
    note = text.splitlines()[-1]
    assert note.startswith("> Cut to stay under GitHub's 1 MiB step summary limit: ") and "diagnostics" in note
    small = job_summary(run, report_of(run, *fixes), limit=20_000)
    assert len(small.encode("utf-8")) <= 20_000 and "| s39 |" in small  # the stage table is never cut
    assert re.search(r"\d+ diagnostics, 30 verified fixes left out", small)


def test_links_come_from_the_actions_environment() -> None:
    environ = {"GITHUB_REPOSITORY": "octo/app", "GITHUB_SHA": "abc", "GITHUB_SERVER_URL": "https://ghe.example/"}
    links = SourceLinks.from_environ(environ)
    assert links is not None and links.file("a b/c.py", 3) == "https://ghe.example/octo/app/blob/abc/a%20b/c.py#L3"
    assert SourceLinks.from_environ({}) is None
    assert SourceLinks.from_environ({"GITHUB_REPOSITORY": "o/r", "GITHUB_SHA": "s"}) == SourceLinks(
        "https://github.com", "o/r", "s"
    )
