"""A blocked commit lists the verified fixes; with hook_apply = "safe" it applies them, but only to clean files."""

from __future__ import annotations

from ..conftest import Repo, RunHealer
from .helpers import run_git

LINT = '[stages.lint]\nrun = "ruff check --no-fix --no-cache ."\ninputs = ["*.py"]\nparser = "ruff"\n'
BROKEN = "import os\n\nVALUE = 1\n"
FIXED = "\nVALUE = 1\n"


def staged_breakage(repo: Repo, healer: RunHealer, config: str) -> None:
    repo.config(config)
    repo.write("app.py", "VALUE = 1\n")
    repo.commit("start")
    assert healer("install", "--hook", "pre-commit").code == 0
    repo.write("app.py", BROKEN)
    repo.git("add", "app.py")


def test_a_blocked_commit_lists_the_fixes_and_touches_nothing(repo: Repo, healer: RunHealer) -> None:
    staged_breakage(repo, healer, LINT)
    # git commit itself refreshes the index's stat data: compare its entries, as git would.
    index_before = repo.git("ls-files", "--stage")
    blocked = run_git(repo.path, "commit", "-q", "-m", "bad")
    assert blocked.returncode == 1
    assert "healer: 1 verified fix available:" in blocked.stderr
    assert "ruff check --fix --select F401" in blocked.stderr
    assert "review them with `healer tui` or `healer fix`" in blocked.stderr
    assert blocked.stderr.rstrip().splitlines()[-1].startswith("healer: commit blocked")
    assert (repo.path / "app.py").read_text() == BROKEN
    assert repo.git("ls-files", "--stage") == index_before
    assert repo.git("rev-list", "--count", "HEAD").strip() == "1"


def test_hook_apply_safe_fixes_the_working_tree_and_the_index_and_commits(repo: Repo, healer: RunHealer) -> None:
    staged_breakage(repo, healer, LINT + '\n[fix]\nhook_apply = "safe"\n')
    done = run_git(repo.path, "commit", "-q", "-m", "fixed on the way")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "changed app.py in the working tree and the index" in done.stderr
    assert repo.git("show", "HEAD:app.py") == FIXED
    assert (repo.path / "app.py").read_text() == FIXED
    assert repo.git("status", "--porcelain") == ""
    # The applied fix is in the journal: undo takes it back in the working tree.
    assert healer("undo").code == 0
    assert (repo.path / "app.py").read_text() == BROKEN


def test_hook_apply_leaves_a_file_with_unstaged_changes_alone(repo: Repo, healer: RunHealer) -> None:
    staged_breakage(repo, healer, LINT + '\n[fix]\nhook_apply = "safe"\n')
    unstaged = BROKEN + "OTHER = 2\n"
    repo.write("app.py", unstaged)  # the user's next edit, not staged
    # git commit itself refreshes the index's stat data: compare its entries, as git would.
    index_before = repo.git("ls-files", "--stage")
    blocked = run_git(repo.path, "commit", "-q", "-m", "bad")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "not applied" in blocked.stderr and "app.py" in blocked.stderr
    assert (repo.path / "app.py").read_text() == unstaged
    assert repo.git("ls-files", "--stage") == index_before
    assert repo.git("rev-list", "--count", "HEAD").strip() == "1"


def test_hook_apply_keeps_a_staged_mode_change(repo: Repo, healer: RunHealer) -> None:
    staged_breakage(repo, healer, LINT + '\n[fix]\nhook_apply = "safe"\n')
    repo.write("app.py", "#!/usr/bin/env python3\n" + BROKEN)  # a script now (ruff wants the shebang)
    (repo.path / "app.py").chmod(0o755)
    repo.git("add", "app.py")  # the user stages +x along with the content
    done = run_git(repo.path, "commit", "-q", "-m", "fixed, executable")
    assert done.returncode == 0, done.stdout + done.stderr
    assert repo.git("ls-tree", "HEAD", "app.py").split()[0] == "100755"
    assert repo.git("show", "HEAD:app.py") == "#!/usr/bin/env python3\n" + FIXED


def test_hook_apply_refuses_an_unstaged_mode_change(repo: Repo, healer: RunHealer) -> None:
    staged_breakage(repo, healer, LINT + '\n[fix]\nhook_apply = "safe"\n')
    (repo.path / "app.py").chmod(0o755)  # not staged: must not end up in the commit
    blocked = run_git(repo.path, "commit", "-q", "-m", "bad")
    assert blocked.returncode == 1
    assert "app.py has an unstaged mode change" in blocked.stderr
    assert (repo.path / "app.py").read_text() == BROKEN


def test_hook_apply_stays_out_of_a_commit_with_paths(repo: Repo, healer: RunHealer) -> None:
    staged_breakage(repo, healer, LINT + '\n[fix]\nhook_apply = "safe"\n')
    # `git commit <path>` commits from a temporary index: a fix staged there would be left reverted.
    blocked = run_git(repo.path, "commit", "-q", "-m", "bad", "app.py")
    assert blocked.returncode == 1
    assert "not applying fixes during `git commit <paths>`" in blocked.stderr
    assert (repo.path / "app.py").read_text() == BROKEN
    assert repo.git("rev-list", "--count", "HEAD").strip() == "1"


REVIEW_ONLY = '[[rules]]\nid = "ruff.autofix"\nsafety = "review"\n'


def test_a_fix_nobody_classed_safe_is_listed_without_the_apply_safe_hint(repo: Repo, healer: RunHealer) -> None:
    repo.write(".healer/rules/local.toml", REVIEW_ONLY)
    staged_breakage(repo, healer, LINT)
    blocked = run_git(repo.path, "commit", "-q", "-m", "bad")
    assert blocked.returncode == 1
    assert "healer: 1 verified fix available:" in blocked.stderr and "[review;" in blocked.stderr
    assert "--apply safe" not in blocked.stderr and "`--apply all` applies them" in blocked.stderr


def test_hook_apply_says_when_none_of_the_fixes_is_safe(repo: Repo, healer: RunHealer) -> None:
    repo.write(".healer/rules/local.toml", REVIEW_ONLY)
    staged_breakage(repo, healer, LINT + '\n[fix]\nhook_apply = "safe"\n')
    blocked = run_git(repo.path, "commit", "-q", "-m", "bad")
    assert blocked.returncode == 1 and (repo.path / "app.py").read_text() == BROKEN
    assert "so none is applied; review them with `healer tui` or `healer fix`" in blocked.stderr


def test_the_recheck_with_the_fixes_is_not_a_run_of_its_own(repo: Repo, healer: RunHealer) -> None:
    import os
    import sqlite3

    staged_breakage(repo, healer, LINT + '\n[fix]\nhook_apply = "safe"\n')
    assert run_git(repo.path, "commit", "-q", "-m", "fixed on the way").returncode == 0
    conn = sqlite3.connect(os.environ["HEALER_DB"])
    try:
        runs = conn.execute("SELECT trigger, outcome FROM runs ORDER BY id").fetchall()
    finally:
        conn.close()
    # The blocked check only: the same commit's content checked again would count as a recovery.
    assert runs == [("pre-commit", "failed")]


def test_hook_apply_touches_no_file_outside_the_commit(repo: Repo, healer: RunHealer) -> None:
    repo.config(LINT + '\n[fix]\nhook_apply = "safe"\n')
    repo.write("app.py", "VALUE = 1\n")
    repo.write("other.py", BROKEN)  # broken before the hook was installed; this commit does not touch it
    repo.commit("start")
    assert healer("install", "--hook", "pre-commit").code == 0
    repo.write("app.py", "VALUE = 2\n")
    repo.git("add", "app.py")
    index_before = repo.git("ls-files", "--stage")
    done = run_git(repo.path, "commit", "-q", "-m", "changes app.py only")
    said = done.stdout + done.stderr
    assert "not applied" in said and "other.py is not part of the commit" in said, said
    assert (repo.path / "other.py").read_text() == BROKEN
    assert repo.git("ls-files", "--stage") == index_before
    # Reported, not changed: the commit is decided by its own content, which fails the lint.
    assert done.returncode == 1 and "commit blocked" in done.stderr
    assert repo.git("rev-list", "--count", "HEAD").strip() == "1"
