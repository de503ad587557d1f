"""`healer ci` as a CI job runs it: annotations, the job summary, SARIF, the patch file, notifications; and the
checkout, index and refs exactly as they were."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.ci.test_artifact import state
from tests.conftest import Repo, RunHealer, git
from tests.notify.conftest import Receiver, receiver  # noqa: F401 (the fixture)

LINT = '[stages.lint]\nrun = "ruff check --no-fix --no-cache ."\ninputs = ["*.py"]\nparser = "ruff"\n'
UNUSED = "import os\n\n\ndef f() -> int:\n    return 1\n"
CLEAN = "def f() -> int:\n    return 1\n"


def actions(repo: Repo, tmp_path: Path) -> dict[str, str]:
    return {
        "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "o/r", "GITHUB_SHA": repo.git("rev-parse", "HEAD").strip(),
        "GITHUB_REF_NAME": "main", "GITHUB_EVENT_NAME": "push", "GITHUB_RUN_ID": "5", "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }  # fmt: skip


def test_a_job_gets_annotations_summary_sarif_and_a_patch(repo: Repo, healer: RunHealer, tmp_path: Path) -> None:
    repo.config(LINT)
    repo.write("app.py", UNUSED)
    repo.commit("start")
    env = actions(repo, tmp_path)
    (tmp_path / "summary.md").write_text("an earlier step's summary\n")
    before = state(repo)
    done = healer("ci", "--fix", "--sarif", str(tmp_path / "out.sarif"), "--json", env=env)
    assert done.code == 1, done.err
    assert state(repo) == before
    document = json.loads(done.out)
    assert document["schema"] == "healer.ci/1" and document["provider"] == "github"
    assert document["patch"]["path"] == str(tmp_path / "healer-fixes.patch") and len(document["published"]) == 1
    assert "::error file=app.py,line=1" in done.err
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("an earlier step's summary\n") and "F401" in summary and "<details>" in summary
    assert "https://github.com/o/r/blob/" in summary and "the pipeline passes" in summary
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert [r["ruleId"] for run in sarif["runs"] for r in run["results"]] == ["F401"]
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo.path), str(clone))
    git(clone, "am", "-q", str(tmp_path / "healer-fixes.patch"))
    assert "import os" not in (clone / "app.py").read_text()

    text = healer("ci", "--fix", env=env)
    assert text.code == 1 and "healer ci: wrote 1 verified fix(es) to" in text.out
    assert "healer ci: with the 1 verified fix(es), the pipeline passes" in text.out


def test_outside_ci_it_is_a_plain_run(repo: Repo, healer: RunHealer) -> None:
    repo.config(LINT)
    repo.write("app.py", CLEAN)
    repo.commit("start")
    done = healer("ci")
    assert done.code == 0 and "::" not in done.out
    assert healer("ci", "run", "--json").code == 0


def test_bad_flags_write_nothing(repo: Repo, healer: RunHealer, tmp_path: Path) -> None:
    repo.config(LINT)
    repo.write("app.py", UNUSED)
    repo.commit("start")
    before = state(repo)
    for args, words in [
        (["--suggest"], "--suggest goes with --fix"),
        (["--patch", "x.patch"], "--patch goes with --fix"),
        (["--sarif", str(tmp_path / "missing" / "x.sarif")], "does not exist"),
        (["--fix", "--escalate"], "no GitHub token"),
    ]:
        bare = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "GITHUB_REPOSITORY": "o/r"}
        done = healer("ci", *args, env=bare)
        assert done.code == 2 and words in done.err and len(done.err.splitlines()) == 1, (args, done.err)
    assert state(repo) == before and not list(tmp_path.glob("*.patch"))


def test_the_webhook_hears_red_then_green_once(
    repo: Repo,
    healer: RunHealer,
    tmp_path: Path,
    receiver: Receiver,  # noqa: F811
) -> None:
    repo.config(LINT + '[notify.webhook]\nurl_env = "TEAM_HOOK"\nformat = "json"\n')
    repo.write("app.py", UNUSED)
    repo.commit("start")
    env = {**actions(repo, tmp_path), "TEAM_HOOK": receiver.url}
    assert healer("ci", env=env).code == 1
    assert [body["level"] for _, body in receiver.received] == ["red"]
    assert "F401" in receiver.received[0][1]["body"] and receiver.received[0][1]["url"].endswith("/runs/5")
    repo.write("app.py", CLEAN)
    repo.commit("fixed")
    env["GITHUB_SHA"] = repo.git("rev-parse", "HEAD").strip()
    assert healer("ci", env=env).code == 0
    assert [body["level"] for _, body in receiver.received] == ["red", "green"]
    assert healer("ci", env=env).code == 0
    assert len(receiver.received) == 2  # passing after passing: nothing new to tell
    offline = healer("ci", "--offline", env={**env, "GITHUB_SHA": "x"})
    assert offline.code == 0 and len(receiver.received) == 2
