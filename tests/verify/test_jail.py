"""Untrusted patches are verified inside the OS sandbox: real attacks, each tried jailed and unjailed.

Every attack rides on a patch that also fixes the failing test, so without the
jail the patch would be verified (and the attack done); the unjailed run of
the same attack proves each test can fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from healer.config.load import load_config
from healer.config.settings import SandboxSettings
from healer.patch.patch import FileEdit, Patch
from healer.pipeline import jail as jail_module
from healer.pipeline import seatbelt
from healer.pipeline.jail import Jail, choose, probe
from healer.pipeline.result import RunResult
from healer.pipeline.runner import RunOptions, run_pipeline
from healer.snapshot.tree import tree_manifest
from healer.verify.sandbox import Sandboxes, worktree_tree
from healer.verify.verdict import Baseline, Verdict, verify
from tests.conftest import Repo
from tests.verify.jails import linux_only, needs_jail, running

CONFIG = """
[stages.test]
run = "python -m pytest -q -p no:cacheprovider tests"
kind = "test"
parser = "pytest"
"""
BROKEN = "def double(x):\n    return x * 3\n"
FIXED = "def double(x):\n    return x * 2\n"


def setup(repo: Repo, mode: str = "auto", env: dict[str, str] | None = None) -> tuple[Baseline, Sandboxes, RunResult]:
    repo.config(CONFIG)
    repo.write("app.py", BROKEN)
    repo.write("tests/test_app.py", "from app import double\n\n\ndef test_double():\n    assert double(2) == 4\n")
    repo.commit()
    config = load_config(repo.path)
    config = config._replace(sandbox=SandboxSettings(mode=mode))
    state = repo.path / ".git" / "healer"
    options = RunOptions(use_cache=False, jobs=1, env=env)
    run = run_pipeline(config, repo.path, options=options)
    assert run.stages[0].status == "failed"
    tree = worktree_tree(repo.path, state)
    known = tree_manifest(repo.path, tree, repo.path).known
    return Baseline(run=run, config=config, known=known, options=options), Sandboxes(repo.path, state, tree), run


def model_patch(run: RunResult, attack: str, *, trusted: bool = False) -> Patch:
    prints = tuple(d.fingerprint for d in run.diagnostics)
    edit = FileEdit("app.py", BROKEN.encode(), (attack + "\n\n" + FIXED).encode())
    return Patch("fix double", (edit,), "model", "openai/test", "review", 0.9, "test", prints, trusted=trusted)


def both(repo_factory: list[Repo], attack: str, env: dict[str, str] | None = None) -> tuple[Verdict, Verdict]:
    """The attack's verdict jailed (mode auto), then unjailed (mode off), each in a fresh repository."""
    verdicts = []
    for repo, mode in zip(repo_factory, ("auto", "off"), strict=True):
        baseline, sandboxes, run = setup(repo, mode, env)
        verdicts.append(verify(model_patch(run, attack), baseline, sandboxes))
    return verdicts[0], verdicts[1]


@pytest.fixture
def repos(tmp_path: Path) -> list[Repo]:
    made = []
    for name in ("jailed", "unjailed"):
        path = tmp_path / name
        path.mkdir()
        os.system(f"git init -q -b main {path}")
        made.append(Repo(path))
    return made


@needs_jail
def test_a_write_outside_the_copy_fails_in_the_jail_and_works_without(repos: list[Repo], tmp_path: Path) -> None:
    target = tmp_path / "escaped.txt"
    attack = f"open({str(target)!r}, 'w').write('escaped')"
    jailed, unjailed = both(repos, attack)
    assert unjailed.status == "verified" and target.read_text() == "escaped"
    target.unlink()
    assert jailed.status == "failed", jailed.detail
    assert not target.exists()


@needs_jail
def test_a_file_under_the_home_folder_cannot_be_read(repos: list[Repo], tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("hunter2-private-key")
    attack = (
        "import os\n"
        "try:\n    SECRET = open(os.path.expanduser('~/.ssh/id_rsa')).read()\nexcept OSError:\n    SECRET = None\n"
        "if SECRET:\n    raise SystemExit('LEAK:' + SECRET)"
    )
    env = {**os.environ, "HOME": str(home)}
    jailed, unjailed = both(repos, attack, env)
    assert unjailed.status == "failed" and "LEAK:hunter2-private-key" in (unjailed.detail or "")
    assert jailed.status == "verified", jailed.detail
    assert "hunter2" not in (jailed.detail or "")


@needs_jail
def test_a_connection_to_a_listener_on_the_machines_loopback_fails(repos: list[Repo]) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        port = listener.getsockname()[1]
        heard: list[bytes] = []

        def serve() -> None:
            listener.settimeout(0.2)
            while not stop.is_set():
                try:
                    connection, _ = listener.accept()
                except OSError:
                    continue
                with connection:
                    heard.append(connection.recv(100))

        stop = threading.Event()
        server = threading.Thread(target=serve, daemon=True)
        server.start()
        attack = (
            "import socket\n"
            "try:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'stolen')\n"
            "except OSError:\n    pass"
        )
        try:
            baseline, sandboxes, run = setup(repos[0], "auto")
            jailed = verify(model_patch(run, attack), baseline, sandboxes)
            time.sleep(0.3)
            assert heard == [], "the jailed patch reached the machine's loopback"
            baseline, sandboxes, run = setup(repos[1], "off")
            unjailed = verify(model_patch(run, attack), baseline, sandboxes)
            deadline = time.monotonic() + 3
            while not heard and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            stop.set()
            server.join()
    assert jailed.status == "verified", jailed.detail
    assert unjailed.status == "verified" and b"stolen" in heard


@needs_jail
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Seatbelt has no process namespace (and no /proc)")
def test_a_daemon_that_left_the_session_ends_with_the_jail(repos: list[Repo]) -> None:
    marker = f"healer-daemon-{uuid.uuid4().hex}"
    # An empty environment and a session of its own: the runner's outliver search cannot find it.
    attack = (
        "import subprocess, sys\n"
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)', {marker!r}], env={{}},"
        " start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)"
    )
    try:
        baseline, sandboxes, run = setup(repos[0], "auto")
        jailed = verify(model_patch(run, attack), baseline, sandboxes)
        deadline = time.monotonic() + 3
        while running(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert jailed.status == "verified", jailed.detail
        assert running(marker) == [], "the daemon outlived the jail"
        baseline, sandboxes, run = setup(repos[1], "off")
        unjailed = verify(model_patch(run, attack), baseline, sandboxes)
        assert unjailed.status == "verified"
        time.sleep(0.2)
        assert running(marker), "unjailed, the daemon survives (the attack this test is about)"
    finally:
        for pid in running(marker):
            os.kill(pid, signal.SIGKILL)


@needs_jail
def test_the_users_git_folder_cannot_be_changed(repos: list[Repo]) -> None:
    attack = (
        "import os, pathlib\n"
        "tree = pathlib.Path(os.environ.get('HEALER_WORK_TREE', '.'))\n"
        "try:\n"
        "    (tree / '.git' / 'hooks' / 'post-checkout').write_text('#!/bin/sh\\necho owned\\n')\n"
        "    with open(tree / '.git' / 'config', 'a') as config:\n"
        "        config.write('[alias]\\n\\towned = !echo owned\\n')\n"
        "except OSError:\n    pass"
    )
    before = []
    for repo in repos:
        repo.config(CONFIG)
        before.append((repo.path / ".git" / "config").read_bytes())
    jailed, unjailed = both(repos, attack)
    assert jailed.status == "verified" and unjailed.status == "verified"
    assert (repos[0].path / ".git" / "config").read_bytes() == before[0]
    assert not (repos[0].path / ".git" / "hooks" / "post-checkout").exists()
    assert b"owned" in (repos[1].path / ".git" / "config").read_bytes()
    assert (repos[1].path / ".git" / "hooks" / "post-checkout").exists()


@needs_jail
def test_a_trusted_patch_runs_as_the_stages_run(repos: list[Repo], tmp_path: Path) -> None:
    """Rules healer ships are not jailed: the jail costs nothing on their path."""
    target = tmp_path / "rule-wrote.txt"
    baseline, sandboxes, run = setup(repos[0], "auto")
    patch = model_patch(run, f"open({str(target)!r}, 'w').write('x')", trusted=True)
    assert verify(patch, baseline, sandboxes).status == "verified"
    assert target.exists()


@linux_only
def test_with_no_sandbox_an_untrusted_patch_stays_unverified_and_its_code_never_runs(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "ran.txt"
    baseline, sandboxes, run = setup(repo, "auto")
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("python", "git"):
        os.symlink(shutil.which(tool) or tool, bare / tool)
    baseline = replace(baseline, options=baseline.options._replace(env={**os.environ, "PATH": str(bare)}))
    verdict = verify(model_patch(run, f"open({str(target)!r}, 'w').write('x')"), baseline, sandboxes)
    assert verdict.status == "unverified"
    assert verdict.detail is not None and "bubblewrap (bwrap) is not installed" in verdict.detail
    assert verdict.reruns == () and not target.exists()


@linux_only
def test_a_sandbox_that_cannot_start_is_said_in_one_line(tmp_path: Path) -> None:
    fake = tmp_path / "bin" / "bwrap"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    choice = choose(SandboxSettings(), {"PATH": str(fake.parent), "HOME": str(tmp_path)})
    assert choice.jail is None
    assert choice.problem is not None and "No permissions to create new namespace" in choice.problem
    assert "\n" not in choice.problem
    assert choose(SandboxSettings(mode="off"), {"PATH": str(fake.parent)}) == jail_module.Choice(None, None)


@needs_jail
def test_the_probe_proves_the_jail_holds_and_catches_one_that_does_not() -> None:
    choice = choose(SandboxSettings())
    assert choice.jail is not None
    works = probe(choice.jail)
    assert works.works, works.detail
    # A policy mistake (a writable shared folder) is caught by the same probe.
    found = probe(replace(choice.jail, write=(tempfile.gettempdir(),)))
    assert not found.works and "a write outside its copy succeeded" in found.detail


def test_the_macos_profile_denies_network_writes_and_home_reads_and_allows_the_copy_back(tmp_path: Path) -> None:
    """Seatbelt's later rule wins: each allow must come after the deny it narrows (run for real on macOS by the
    attack tests above, which use whichever jail `choose` finds)."""
    copy = tmp_path / "repo" / ".git" / "healer" / "sandbox-0"
    copy.mkdir(parents=True)
    home = tmp_path / "home"
    (home / ".venv" / "bin").mkdir(parents=True)
    (home / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (home / ".venv" / "bin" / "python").write_text("#!/bin/sh\n")
    (home / ".venv" / "bin" / "python").chmod(0o755)
    env = {"HOME": str(home), "PATH": f"{home / '.venv' / 'bin'}:/usr/bin", "SSH_AUTH_SOCK": "/tmp/agent"}
    jail = Jail("/usr/bin/sandbox-exec", kind="seatbelt")
    argv, inside = jail.wrap(["python", "-m", "pytest"], copy, env, [str(copy)])
    assert argv[:2] == ["/usr/bin/sandbox-exec", "-p"] and argv[3:] == ["python", "-m", "pytest"]
    profile = argv[2].splitlines()
    assert profile[:4] == ["(version 1)", "(allow default)", "(deny network*)", "(deny file-write*)"]
    private = inside["TMPDIR"]
    assert Path(private).is_dir() and Path(private).parent == Path(str(copy) + ".tmp")
    assert f'(subpath "{copy}")' in profile[4] and f'(subpath "{os.path.realpath(private)}")' in profile[4]
    denied = next(line for line in profile if line.startswith("(deny file-read-data"))
    allowed = next(line for line in profile if line.startswith("(allow file-read-data"))
    assert f'(subpath "{home}")' in denied and "/private/tmp" in denied
    assert f'(subpath "{home / ".venv"}")' in allowed and f'(subpath "{copy}")' in allowed
    assert profile.index(denied) < profile.index(allowed)
    assert "SSH_AUTH_SOCK" not in inside
    jail.done(inside)
    assert not Path(private).exists()
    with_network = replace(jail, network=True).wrap(["true"], copy, env, [str(copy)])
    assert "(deny network*)" not in with_network[0][2]
    assert seatbelt.profile(['/a "b"'], [], [], network=False).count('"/a \\"b\\""') == 2
