"""Only new failures block: a run's findings against the same stages on the base, from the cache or checked once.

Real repositories with real ruff findings (300 unused imports on the base), the real core (`Healer.baseline`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from healer.config.errors import ConfigError
from healer.config.load import load_config
from healer.diagnostics.diagnostic import Diagnostic
from healer.errors import HealerError
from healer.pipeline.baseline import KnownBase, NewFindings, find_base, split
from healer.pipeline.result import RunResult, StageResult
from healer.service import Healer
from healer.workspace import open_workspace

from ..conftest import Repo, git

PRE_EXISTING = 300


def legacy(count: int = PRE_EXISTING, *, shift: int = 0) -> str:
    """A module with `count` unused imports (ruff F401, each its own message), `shift` blank lines first."""
    return "\n" * shift + "".join(f"import legacy_module_{i}\n" for i in range(count))


def lint_config(counter: Path) -> str:
    # The stage counts its runs, so a test can tell a cached base from one checked again.
    command = f"echo run >> {counter}; exec ruff check --no-cache --select F401 --output-format concise ."
    return f'block = "new"\n[stages.lint]\nrun = ["sh", "-c", "{command}"]\nkind = "lint"\nparser = "ruff"\n'


def runs(counter: Path) -> int:
    return len(counter.read_text().splitlines()) if counter.exists() else 0


@pytest.fixture
def adopted(repo: Repo, tmp_path: Path) -> tuple[Repo, Path]:
    """A repository whose main (pushed, the upstream) has 300 lint findings; a feature branch on top of it."""
    counter = tmp_path / "runs.txt"
    repo.config(lint_config(counter))
    repo.write("legacy.py", legacy())
    repo.write("ok.py", "print('fine')\n")
    repo.commit("300 findings")
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    repo.git("remote", "add", "origin", str(bare))
    repo.git("push", "-q", "-u", "origin", "main")
    repo.git("checkout", "-q", "-b", "feature", "--track", "origin/main")
    return repo, counter


def core(repo: Repo) -> Healer:
    return Healer(open_workspace(repo.path), via="cli")


def compared(repo: Repo) -> tuple[RunResult, NewFindings]:
    healer = core(repo)
    run = healer.check()
    return run, healer.baseline(run)


def test_a_commit_adding_one_finding_has_exactly_that_one_new(adopted: tuple[Repo, Path]) -> None:
    repo, _ = adopted
    repo.write("feature.py", "import os\n")
    repo.commit("one more")
    run, findings = compared(repo)
    assert run.outcome == "failed" and len(run.diagnostics) == PRE_EXISTING + 1
    assert findings.compared and findings.blocking and findings.exit_code(run) == 1
    lint = findings.stage("lint")
    assert lint is not None and len(lint.existing) == PRE_EXISTING
    assert [(d.file, d.code, d.message) for d in lint.new] == [("feature.py", "F401", "`os` imported but unused")]
    assert findings.new_fingerprints() == {lint.new[0].fingerprint}
    assert findings.base == repo.git("rev-parse", "origin/main").strip()
    assert findings.named == "the merge-base with origin/main"


def test_a_commit_adding_none_passes(adopted: tuple[Repo, Path]) -> None:
    repo, _ = adopted
    repo.write("ok.py", "print('still fine')\n")
    repo.commit("no new finding")
    run, findings = compared(repo)
    assert run.outcome == "failed" and run.exit_code == 1  # the stage itself still fails...
    assert findings.compared and not findings.blocking and findings.exit_code(run) == 0  # ...and nothing new
    assert findings.existing_count == PRE_EXISTING and findings.new_count == 0


def test_moved_findings_are_not_new(adopted: tuple[Repo, Path]) -> None:
    repo, _ = adopted
    before = {d.message: d.line for d in compared(repo)[0].diagnostics}
    repo.write("legacy.py", "'''A docstring now.'''\n" + legacy(shift=7))  # every finding 8 lines lower
    repo.commit("moved")
    run, findings = compared(repo)
    assert all(d.line != before[d.message] for d in run.diagnostics) and len(run.diagnostics) == PRE_EXISTING
    assert not findings.blocking and findings.existing_count == PRE_EXISTING


def test_fingerprints_do_not_hold_the_line() -> None:
    """What the comparison rests on: a finding's fingerprint is the same on any line."""
    from healer.diagnostics.fingerprint import fingerprint

    assert fingerprint("ruff", "F401", "`os` imported but unused") == fingerprint(
        "ruff", "F401", "`os` imported but unused"
    )
    here = Diagnostic("lint", "ruff", "a.py", 3, 1, "F401", "m", "error", "f1")
    there = here._replace(line=30)
    new, existing = split([there], [here])
    assert new == () and existing == (there,)


def test_the_same_finding_in_another_file_or_once_more_in_the_same_file_is_new() -> None:
    """Counted per fingerprint and file: a known message does not hide a new occurrence of it."""
    base = [Diagnostic("lint", "ruff", "a.py", 3, 1, "E501", "Line too long (<n> > <n>)", "error", "e5")]
    again = base[0]._replace(line=9)
    elsewhere = base[0]._replace(file="b.py")
    new, existing = split([base[0], again, elsewhere], base)
    assert existing == (base[0],)  # the one still where the base had it is the old one
    assert new == (again, elsewhere)


def test_the_base_comes_from_the_cache_the_second_time(adopted: tuple[Repo, Path]) -> None:
    repo, counter = adopted
    repo.write("feature.py", "import os\n")
    repo.commit("one more")
    first_check = runs(counter)
    _, findings = compared(repo)
    assert findings.source == "checked"  # the base was never checked on this machine
    assert runs(counter) == first_check + 2  # the run, and the base in the shadow tree
    before = runs(counter)
    # Another core (another process, another commit): the base's results are in the result cache now.
    repo.write("more.py", "import sys\n")
    repo.commit("another")
    _, findings = compared(repo)
    assert findings.source == "cache" and findings.new_count == 2
    assert runs(counter) == before + 1  # only the run itself: no stage process ran for the base


def test_one_core_checks_a_base_once(adopted: tuple[Repo, Path]) -> None:
    repo, counter = adopted
    repo.write("feature.py", "import os\n")
    repo.commit("one more")
    healer = core(repo)
    run = healer.check(cache="off")
    before = runs(counter)
    healer.baseline(run, cache="off")
    healer.baseline(run, cache="off")
    assert runs(counter) == before + 1
    assert healer.last_run() == run  # the base's check is not the user's last run


def test_no_upstream_means_no_base_and_everything_blocks(repo: Repo, tmp_path: Path) -> None:
    repo.config(lint_config(tmp_path / "runs.txt"))
    repo.write("legacy.py", legacy(3))
    repo.commit("the only commit")
    run, findings = compared(repo)
    assert not findings.compared and findings.blocking and findings.exit_code(run) == 1
    assert findings.reason is not None and "no upstream" in findings.reason
    assert all(findings.is_new(d) for d in run.diagnostics)


def test_a_configured_base_is_its_merge_base_with_head(adopted: tuple[Repo, Path]) -> None:
    repo, _ = adopted
    fork_point = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "main")
    repo.write("later.py", "import later\n")
    repo.commit("main moves on")
    repo.git("checkout", "-q", "feature")
    found = find_base(repo.path, configured="main", source="healer.toml")
    assert found.sha == fork_point and found.named == "main (base in healer.toml)"
    missing = find_base(repo.path, configured="origin/nope", source="healer.toml")
    assert missing.sha is None and missing.reason == "base = 'origin/nope' in healer.toml is not a commit in this clone"


def test_an_explicit_base_is_exactly_that_commit_and_must_exist(adopted: tuple[Repo, Path]) -> None:
    repo, _ = adopted
    head = repo.git("rev-parse", "HEAD").strip()
    assert find_base(repo.path, explicit="HEAD").sha == head
    with pytest.raises(HealerError, match="--base nope: no such commit"):
        find_base(repo.path, explicit="nope")


def test_a_known_base_not_in_a_shallow_clone_says_fetch_it(adopted: tuple[Repo, Path]) -> None:
    repo, _ = adopted
    found = find_base(repo.path, known=KnownBase("ab" * 20, "the pull request's base"))
    assert found.sha is None and found.reason is not None and "fetch-depth: 0" in found.reason


def stage(name: str, status: str, *diagnostics: Diagnostic) -> StageResult:
    return StageResult(name, "test", status, "x", diagnostics=diagnostics)  # type: ignore[arg-type]


def test_a_failure_without_diagnostics_is_pre_existing_only_when_the_base_fails_the_same_way() -> None:
    from healer.pipeline.baseline import Base, compare

    run = RunResult((stage("tests", "error"),), 0.1, "/r")
    base = Base("b" * 40, "base")
    crashed_before = compare(run, {"tests": stage("tests", "error")}, base, "cache")
    assert crashed_before.stage("tests") is not None and not crashed_before.blocking
    passed_before = compare(run, {"tests": stage("tests", "passed")}, base, "cache")
    assert passed_before.blocking and passed_before.stages[0].failure == "new"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('block = "some"\n', "healer.toml:1: block: unknown value string 'some'; one of all, new"),
        ('block = "nwe"\n', "(did you mean 'new'?)"),
        ("base = 3\n", 'healer.toml:1: base: expected a git ref, such as "origin/main", got number 3'),
        ('base = "--upload-pack=x"\n', "base: expected a git ref"),
        ('base = "main..topic"\n', "base: expected a git ref"),
    ],
)
def test_configuration_errors_are_one_line(repo: Repo, toml: str, message: str) -> None:
    repo.config(toml + '[stages.lint]\nrun = "true"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(repo.path)
    text = str(caught.value)
    assert "\n" not in text and message in text


def test_the_settings_load_and_survive_the_memo(repo: Repo) -> None:
    repo.config('block = "new"\nbase = "origin/main"\n[stages.lint]\nrun = "true"\n')
    config = load_config(repo.path)
    assert (config.blocking.block, config.blocking.base) == ("new", "origin/main")
    assert load_config(repo.path).blocking == config.blocking
    repo.config('[stages.lint]\nrun = "true"\n')
    assert load_config(repo.path).blocking.block == "all"
