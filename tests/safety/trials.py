"""One trial of the first law: build a messy repository state, run a hook (maybe killing it), compare.

Shared by tests/safety/test_hook_safety.py (hypothesis draws the trials) and
bench/safety.py (runs thousands of them). Everything is real: git in temporary
folders and the healer CLI in a subprocess. Nothing here imports pytest.

A trial is plain data (`Trial`, JSON-able) so that any violation can be
replayed exactly: `python bench/safety.py --replay '<json>' --keep`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from healer.snapshot.copies import copies_of

ZERO = "0" * 40
TOKEN = "XBADX"
"""Content the `nobad` stage rejects: a check of the right content fails exactly when it holds this."""

# Stages that only read what they check (the token is split so that healer.toml does not hold it): a listing, every byte of every file, a glob-selected subset.
# Short sleeps make interruptions land while stages run, not only during start-up or snapshotting.
CONFIG = """\
jobs = 2

[stages.listing]
run = ["sh", "-c", "find . -path ./.git -prune -o -print | LC_ALL=C sort; sleep 0.01"]
cache = false

[stages.nobad]
run = ["sh", "-c", "find . -path ./.git -prune -o -type f -exec cat {} + > /dev/null; sleep 0.02; if grep -rlF --exclude-dir=.git XBAD''X .; then exit 1; fi"]
cache = false

[stages.text]
run = ["sh", "-c", "cat -- *.txt dir/*.py > /dev/null 2>&1; sleep 0.01; exit 0"]
inputs = ["*.txt", "dir/*.py"]
cache = false
"""

TRACKED = ["a.txt", "dir/b.py", "name with space.txt", "ünï/cödé.txt", "bin.dat", "script.sh", "lines.txt", "crlf.txt"]
NEW = ["new file.txt", "newdir/ñew.txt", "dir/new.py", "ünï/nouveau €.txt"]
PATHS = TRACKED + NEW
KINDS = ["lf", "crlf", "mixed", "binary", "bad", "empty", "long"]
LINES = "".join(f"line {n}\n" for n in range(1, 13))

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "healer safety",
    "GIT_AUTHOR_EMAIL": "safety@healer.invalid",
    "GIT_COMMITTER_NAME": "healer safety",
    "GIT_COMMITTER_EMAIL": "safety@healer.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}
SIGNALS = {"INT": signal.SIGINT, "TERM": signal.SIGTERM, "KILL": signal.SIGKILL}

Op = tuple[Any, ...]


# -- trials as data -----------------------------------------------------------


@dataclass(frozen=True)
class Interrupt:
    delay_ms: int
    signal: str
    """INT, TERM or KILL."""
    group: bool
    """Signal the hook's whole process group, as a terminal's Ctrl-C does; else only the healer process."""


@dataclass(frozen=True)
class Trial:
    hook: str
    """pre-commit or pre-push."""
    autocrlf: str | None
    recurse: bool
    """`submodule.recurse = true`, a setting many people have globally."""
    ops: tuple[Op, ...]
    after: tuple[Op, ...] = ()
    """pre-push only: the repository is committed after `ops`; `after` leaves work in progress on top."""
    push: tuple[str, ...] = ()
    """pre-push only: which ref lines git would send (main, topic: a new branch, delete: a deletion)."""
    interrupt: Interrupt | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Trial:
        data = json.loads(text)
        interrupt = Interrupt(**data["interrupt"]) if data.get("interrupt") else None
        return cls(
            hook=data["hook"], autocrlf=data["autocrlf"], recurse=data["recurse"],
            ops=tuple(tuple(op) for op in data["ops"]), after=tuple(tuple(op) for op in data["after"]),
            push=tuple(data["push"]), interrupt=interrupt,
        )  # fmt: skip


@dataclass
class Report:
    trial: Trial
    folder: Path
    violations: list[str] = field(default_factory=list)
    ops: Counter[str] = field(default_factory=Counter)
    """Each operation kind applied, and how many did nothing in this state (`kind:noop`)."""
    outcome: Counter[str] = field(default_factory=Counter)
    """What happened: exit codes, whether the signal arrived before the hook ended, in place or shadow."""
    survivors: int = 0
    """Processes left under the trial's folder right after a killed hook ended."""
    survivor_seconds: float = 0.0


# -- running things -----------------------------------------------------------


def git(
    cwd: Path, *args: str, env: dict[str, str] | None = None, data: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """git for the assertions and the set-up; GIT_OPTIONAL_LOCKS=0 so looking never refreshes the index."""
    return subprocess.run(
        ["git", *args], cwd=cwd, input=data, capture_output=True, check=False,
        env={**GIT_IDENTITY, **os.environ, "GIT_OPTIONAL_LOCKS": "0", **(env or {})},
    )  # fmt: skip


def must(cwd: Path, *args: str, env: dict[str, str] | None = None, data: bytes | None = None) -> str:
    done = git(cwd, *args, env=env, data=data)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {cwd}: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode("utf-8", "surrogateescape")


def hook_argv(trial: Trial, remote: str) -> list[str]:
    args = ["pre-push", "origin", remote] if trial.hook == "pre-push" else ["pre-commit"]
    return [sys.executable, "-m", "healer", "hook", *args]


# -- the template repository ---------------------------------------------------


def content(kind: str, n: int) -> bytes:
    if kind == "lf":
        return f"text {n}\nsecond line\n".encode()
    if kind == "crlf":
        return f"dos {n}\r\nsecond\r\n".encode()
    if kind == "mixed":
        return f"mixed {n}\r\nunix\nold mac\r".encode()
    if kind == "binary":
        return b"\x00\xff\xfe\x80 not utf-8 \xc3\x28" + bytes([n % 256]) + b"\x00\r\n"
    if kind == "bad":
        return f"{TOKEN} {n}\n".encode()
    if kind == "long":
        return "".join(f"row {i} of {n}\n" for i in range(400)).encode()
    return b""


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        path.unlink()
    path.write_bytes(data)


def build_template(where: Path) -> Path:
    """A repository with every kind of entry, a submodule, a stash entry and a remote; returns its work tree."""
    where.mkdir(parents=True, exist_ok=True)
    inner = where / "sub-origin"
    must(where, "init", "-q", "-b", "main", str(inner))
    write(inner / "inner.txt", b"inner\n")
    write(inner / "deep" / "x.txt", b"deep\n")
    must(inner, "add", "-A")
    must(inner, "commit", "-q", "-m", "inner")
    remote = where / "remote.git"
    must(where, "init", "-q", "--bare", "-b", "main", str(remote))
    work = where / "work"
    must(where, "init", "-q", "-b", "main", str(work))
    write(work / "healer.toml", CONFIG.encode())
    write(work / ".gitignore", b"ignored/\n")
    write(work / "ignored" / "cache.bin", b"ignored build output\n")
    write(work / "a.txt", b"alpha\n")
    write(work / "dir" / "b.py", b"print('b')\n")
    write(work / "name with space.txt", b"spaced\n")
    write(work / "ünï" / "cödé.txt", "unicode ü\n".encode())
    write(work / "bin.dat", b"\x00\x01\xff\xfebinary\x00")
    write(work / "script.sh", b"#!/bin/sh\necho hi\n")
    (work / "script.sh").chmod(0o755)
    write(work / "lines.txt", LINES.encode())
    write(work / "crlf.txt", b"one\r\ntwo\r\n")
    (work / "link").symlink_to("a.txt")
    must(work, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "sub")
    must(work, "add", "-A")
    must(work, "commit", "-q", "-m", "start")
    must(work, "remote", "add", "origin", str(remote))
    must(work, "branch", "feature")
    must(work, "push", "-q", "origin", "main", "feature")
    write(work / "a.txt", b"alpha, stashed before any trial\n")
    must(work, "stash", "push", "-q", "-m", "template stash", "--", "a.txt")
    # The submodule's pointers must be relative, so that a copy of the folder is a working repository.
    assert (work / "sub" / ".git").read_text().startswith("gitdir: ../"), "submodule .git is not relative"
    return work


# -- operations -----------------------------------------------------------------


def apply(work: Path, op: Op, counts: Counter[str]) -> None:
    """Apply one drawn operation the way a person would with porcelain; a no-op in this state is counted."""
    kind = op[0]
    ok = True
    if kind == "write":
        _, path, what, n, stage = op
        write(work / path, content(what, n))
        if stage:
            ok = git(work, "add", "--", path).returncode == 0
    elif kind == "restage":
        _, path, first, second, n = op
        write(work / path, content(first, n))
        ok = git(work, "add", "--", path).returncode == 0
        write(work / path, content(second, n + 1))
    elif kind == "hunk":
        ok = _stage_one_hunk(work, op[1])
    elif kind == "chmod":
        _, path, executable, stage = op
        target = work / path
        if target.is_file() and not target.is_symlink():
            mode = target.stat().st_mode
            target.chmod(mode | 0o111 if executable else mode & ~0o111)
            if stage:
                ok = git(work, "add", "--", path).returncode == 0
        else:
            ok = False
    elif kind == "intent":
        _, path, what, n = op
        if git(work, "ls-files", "--error-unmatch", "--", path).returncode == 0:
            ok = False
        else:
            write(work / path, content(what, n))
            ok = git(work, "add", "-N", "--", path).returncode == 0
    elif kind == "untracked":
        _, n = op
        write(work / "scratch dir" / f"ü {n}" / "notes.txt", content("lf", n))
        write(work / f"loose {n}.txt", content("crlf", n))
    elif kind == "git_rm":
        _, path, cached = op
        ok = git(work, "rm", "-q", "-f", *(["--cached"] if cached else []), "--", path).returncode == 0
    elif kind == "rm":
        target = work / op[1]
        ok = target.exists() or target.is_symlink()
        if ok:
            target.unlink()
    elif kind == "mv":
        _, source, target = op
        ok = source != target and git(work, "mv", "-k", "--", source, target).returncode == 0
        ok = ok and (work / target).exists()
    elif kind == "symlink":
        _, path, target, stage = op
        destination = work / path
        if destination.exists() or destination.is_symlink():
            destination.unlink()
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.symlink_to(target)
        if stage:
            ok = git(work, "add", "--", path).returncode == 0
    elif kind == "sub":
        ok = _submodule(work, op[1], op[2])
    elif kind == "stash":
        _, path, what, n = op
        before = must(work, "rev-parse", "-q", "--verify", "refs/stash")
        if (work / path).is_file():
            write(work / path, content(what, n))
        git(work, "stash", "push", "-q", "-m", f"trial {n}", "--", path)
        ok = git(work, "rev-parse", "-q", "--verify", "refs/stash").stdout.decode() != before
    else:
        raise ValueError(f"unknown operation {op!r}")
    counts[kind] += 1
    if not ok:
        counts[f"{kind}:noop"] += 1


def _stage_one_hunk(work: Path, n: int) -> bool:
    """`git add -p` answering y then n: change two distant lines, stage only the first hunk."""
    path = work / "lines.txt"
    if not path.is_file() or git(work, "ls-files", "--error-unmatch", "lines.txt").returncode != 0:
        return False
    lines = path.read_bytes().split(b"\n")
    if len(lines) < 10:
        return False
    lines[1] = f"staged change {n}".encode()
    lines[-3] = f"unstaged change {n}".encode()
    path.write_bytes(b"\n".join(lines))
    diff = git(work, "diff", "-U0", "--", "lines.txt").stdout
    head, _, rest = diff.partition(b"\n@@")
    if not rest:
        return False
    first = b"@@" + rest.split(b"\n@@")[0]
    patch = head + b"\n" + first + b"\n"
    return git(work, "apply", "--cached", "--unidiff-zero", "-", data=patch).returncode == 0


def _submodule(work: Path, how: str, n: int) -> bool:
    """Work inside the submodule: edit its files, stage there, or commit there and stage the new pointer."""
    sub = work / "sub"
    if not (sub / ".git").exists():
        return False
    write(sub / "inner.txt", f"inner edited {n}\n".encode())
    write(sub / f"new {n}.txt", b"untracked in the submodule\n")
    if how == "staged":
        return git(sub, "add", "inner.txt").returncode == 0
    if how == "commit":
        git(sub, "add", "inner.txt")
        if git(sub, "commit", "-q", "-m", f"sub {n}").returncode != 0:
            return False
        write(sub / "inner.txt", f"and edited again {n}\n".encode())
        return git(work, "add", "sub").returncode == 0
    return True


def _topic_branch(work: Path, n: int) -> None:
    """A new local branch made with plumbing (so the working tree is untouched): one commit on main's tip."""
    scratch = work.parent / "topic.index"
    env = {"GIT_INDEX_FILE": str(scratch)}
    must(work, "read-tree", "HEAD", env=env)
    blob = must(work, "hash-object", "-w", "--stdin", data=content("bad" if n % 3 == 0 else "lf", n)).strip()
    must(work, "update-index", "--add", "--cacheinfo", f"100644,{blob},topic file {n}.txt", env=env)
    tree = must(work, "write-tree", env=env).strip()
    commit = must(work, "commit-tree", tree, "-p", "HEAD", "-m", f"topic {n}").strip()
    must(work, "update-ref", "refs/heads/topic", commit)
    scratch.unlink()


def push_lines(work: Path, push: tuple[str, ...]) -> str:
    lines = []
    for name in push:
        if name == "delete":
            remote = must(work, "rev-parse", "refs/remotes/origin/feature").strip()
            lines.append(f"(delete) {ZERO} refs/heads/feature {remote}\n")
            continue
        local = must(work, "rev-parse", name).strip()
        tracked = git(work, "rev-parse", "-q", "--verify", f"refs/remotes/origin/{name}").stdout.decode().strip()
        lines.append(f"refs/heads/{name} {local} refs/heads/{name} {tracked or ZERO}\n")
    return "".join(lines)


# -- what must not change ---------------------------------------------------------


def _digest(path: Path) -> tuple[str, ...]:
    info = os.lstat(path)
    if os.path.islink(path):
        return ("link", os.readlink(path), oct(info.st_mode))
    if os.path.isdir(path):
        return ("dir", oct(info.st_mode))
    return ("file", hashlib.sha256(path.read_bytes()).hexdigest(), oct(info.st_mode))


def capture(work: Path) -> dict[str, object]:
    """Every byte and mode under the work tree (the submodule's too), the git directory, the stash list.

    The git directory is compared whole, except the object store (healer may add
    tree objects, which changes nothing anyone sees) and `.git/healer/`, healer's
    own folder. So `.git/index` must be byte-identical: not even refreshed.
    """
    files: dict[str, tuple[str, ...]] = {}
    for folder, dirs, names in os.walk(work):
        here = Path(folder)
        if here == work:
            dirs.remove(".git")
        for name in dirs + names:
            path = here / name
            files[str(path.relative_to(work))] = _digest(path)
    repository: dict[str, tuple[str, ...]] = {}
    dot_git = work / ".git"
    for folder, dirs, names in os.walk(dot_git):
        here = Path(folder)
        relative = here.relative_to(dot_git)
        if relative == Path("."):
            dirs[:] = [name for name in dirs if name not in ("objects", "healer")]
        elif relative.parent.name == "modules" or relative.parts[:1] == ("modules",):
            dirs[:] = [name for name in dirs if name != "objects"]
        for name in names:
            path = here / name
            repository[str(path.relative_to(dot_git))] = _digest(path)
    stash = must(work, "stash", "list", "--format=%gd %H %gs")
    return {"files": files, "git": repository, "stash": stash}


def differences(before: dict[str, object], after: dict[str, object]) -> list[str]:
    found = []
    for part in ("files", "git"):
        old, new = before[part], after[part]
        assert isinstance(old, dict) and isinstance(new, dict)
        for key in sorted(old.keys() | new.keys()):
            if old.get(key) != new.get(key):
                found.append(f"{part}: {key}: {old.get(key)} -> {new.get(key)}")
    if before["stash"] != after["stash"]:
        found.append(f"stash list: {before['stash']!r} -> {after['stash']!r}")
    return found


def processes_under(folder: Path) -> list[tuple[int, str]]:
    """Processes whose current folder is inside `folder`: what a hook started and left behind."""
    prefix = str(folder.resolve())
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cwd = os.readlink(f"/proc/{entry}/cwd")
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cwd == prefix or cwd.startswith(prefix + os.sep):
            found.append((int(entry), command.strip()))
    return found


# -- the oracle: what a correct check of that content says --------------------------


def _fails(work: Path, base: str, tree: str) -> bool:
    touched = must(work, "diff-tree", "-r", "--name-only", "--no-renames", base, tree).strip()
    return bool(touched) and git(work, "grep", "-q", "-F", TOKEN, tree).returncode == 0


def expected_code(work: Path, trial: Trial, stdin: str) -> int:
    """1 when some checked snapshot has changes and holds TOKEN, else 0."""
    if trial.hook == "pre-commit":
        scratch = work.parent / "oracle.index"
        shutil.copyfile(work / ".git" / "index", scratch)
        tree = must(work, "write-tree", env={"GIT_INDEX_FILE": str(scratch)}).strip()
        scratch.unlink()
        head = must(work, "rev-parse", "HEAD^{tree}").strip()
        return int(_fails(work, head, tree))
    for line in stdin.splitlines():
        _local, sha, _remote, remote_sha = line.split()
        if sha == ZERO:
            continue
        base = remote_sha
        if base == ZERO:
            new = must(work, "rev-list", "--topo-order", "--reverse", sha, "--not", "--remotes=origin").split()
            base = must(work, "rev-parse", f"{new[0]}^").strip() if new else sha
        if _fails(work, f"{base}^{{tree}}", f"{sha}^{{tree}}"):
            return 1
    return 0


# -- one trial ---------------------------------------------------------------------


def prepare(template: Path, folder: Path, trial: Trial, counts: Counter[str]) -> tuple[Path, str]:
    """Copy the template and bring it into the trial's state; returns the work tree and the hook's stdin."""
    work = folder / "work"
    shutil.copytree(template, work, symlinks=True)
    if trial.autocrlf:
        must(work, "config", "core.autocrlf", trial.autocrlf)
    if trial.recurse:
        must(work, "config", "submodule.recurse", "true")
    for op in trial.ops:
        apply(work, op, counts)
    stdin = ""
    if trial.hook == "pre-push":
        must(work, "commit", "-q", "--allow-empty", "--no-verify", "-m", "trial")
        if "topic" in trial.push:
            _topic_branch(work, len(trial.ops))
        for op in trial.after:
            apply(work, op, counts)
        stdin = push_lines(work, trial.push)
    return work, stdin


def _wait_for_none(folder: Path, seconds: float) -> tuple[int, float, list[tuple[int, str]]]:
    began = time.monotonic()
    first = processes_under(folder)
    left = first
    while left and time.monotonic() - began < seconds:
        time.sleep(0.02)
        left = processes_under(folder)
    return len(first), time.monotonic() - began, left


def run_hook(work: Path, argv: list[str], stdin: str, interrupt: Interrupt | None) -> tuple[int, str, str, bool]:
    """Run the hook as git would; returns its exit code, output, and whether a signal was sent to it."""
    given = work.parent / "hook.stdin"
    given.write_bytes(stdin.encode())
    with open(given, "rb") as source:
        proc = subprocess.Popen(
            argv, cwd=work, stdin=source, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
    sent = False
    if interrupt is not None:
        deadline = time.monotonic() + interrupt.delay_ms / 1000
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.002)
        if proc.poll() is None:
            sig = SIGNALS[interrupt.signal]
            try:
                if interrupt.group:
                    os.killpg(proc.pid, sig)
                else:
                    proc.send_signal(sig)
                sent = True
            except ProcessLookupError:
                pass
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return -999, out.decode(errors="replace"), err.decode(errors="replace") + "\n[hung: killed by the trial]", sent
    return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"), sent


def run_trial(template: Path, folder: Path, trial: Trial) -> Report:
    """Run one trial in `folder` (which must not exist); the report lists every violation of the first law."""
    report = Report(trial, folder)
    folder.mkdir(parents=True)
    work, stdin = prepare(template, folder, trial, report.ops)
    argv = hook_argv(trial, must(work, "remote", "get-url", "origin").strip())
    expected = expected_code(work, trial, stdin)
    before = capture(work)
    code, out, err, sent = run_hook(work, argv, stdin, trial.interrupt)
    report.outcome[f"exit {code}"] += 1
    shadowed = (copies_of(work, work / ".git" / "healer") / "shadow.tree").exists()
    report.outcome["shadow" if shadowed else "in place"] += 1
    v = report.violations
    after = capture(work)
    v += [f"after the hook: {line}" for line in differences(before, after)]
    if trial.interrupt is None or not sent:
        report.outcome["completed"] += 1
        if code not in (0, 1) or "Traceback" in err:
            v.append(f"hook exited {code}, expected 0 or 1:\n{out}{err}")
        elif code != expected:
            v.append(f"hook exited {code} but the checked content says {expected}:\n{out}{err}")
        return report
    report.outcome[f"{trial.interrupt.signal}{' group' if trial.interrupt.group else ''} delivered"] += 1
    if trial.interrupt.signal == "KILL":
        # Stages run in their own sessions: a SIGKILLed healer cannot end them. Measured, not asserted,
        # unless they outlive their own short sleeps by far.
        report.survivors, report.survivor_seconds, left = _wait_for_none(folder, 15.0)
        if left:
            v.append(f"processes still running 15s after the hook was killed: {left}")
    else:
        report.survivors, report.survivor_seconds, left = _wait_for_none(folder, 5.0)
        if left:
            v.append(f"processes left running after SIG{trial.interrupt.signal}: {left}")
        if code not in (130, 0, 1, -signal.SIGINT, -signal.SIGTERM):
            v.append(f"interrupted hook exited {code}:\n{err}")
    if interpreter_starting(err):
        report.outcome["interrupted while Python started"] += 1
    elif "Traceback" in err:
        report.outcome["traceback on interrupt"] += 1
        v.append(f"interrupted hook printed a traceback:\n{err}")
    else:
        report.outcome["clean interrupt"] += 1
    # The next commit or push must work: healer recovers from a shadow left mid-sync and from stale locks.
    code, out, err, _ = run_hook(work, argv, stdin, None)
    report.outcome[f"recovery exit {code}"] += 1
    if code not in (0, 1) or "Traceback" in err:
        v.append(f"the hook after the interrupted one exited {code}:\n{out}{err}")
    elif code != expected:
        v.append(
            f"the hook after the interrupted one exited {code} but the checked content says {expected}:\n{out}{err}"
        )
    v += [f"after the recovery run: {line}" for line in differences(before, capture(work))]
    return report


def interpreter_starting(err: str) -> bool:
    """A signal that landed while the interpreter itself started, before any of healer's code ran.

    CPython makes a SIGINT during its own initialisation (standard streams, site.py) a fatal error,
    and `python -m` looks for the module before running it; neither can be caught by the program.
    A traceback with a frame of a real file (healer's, or the shim's `-c` program) is healer's.
    """
    if "Fatal Python error: init_" in err:
        return True
    if "Error processing line" in err and "Remainder of file ignored" in err:
        # site.py running a .pth file (the editable install's finder, written by setuptools): it reports the
        # interrupt and goes on; none of the frames may be healer's own source.
        own = tuple(str(Path(__file__).resolve().parents[2] / part) for part in ("healer", "hooks", "rules", "tui"))
        return not any(frame.startswith(own) for frame in re.findall(r'^\s*File "([^"]*)"', err, re.MULTILINE))
    # A chained traceback ("During handling of the above exception...") ends with the one that propagated:
    # pathlib's own AttributeError for its lazily computed string is ordinary control flow, not a frame of ours.
    last = err.rsplit("Traceback (most recent call last):", 1)[-1]
    frames = re.findall(r'^  File "([^"]*)", line \d+, in (\S+)', last, re.MULTILINE)
    if "Traceback" not in err or not frames:
        return False
    if all(path.startswith("<frozen ") for path, _function in frames):
        return True
    # While `python -m healer` looks for the package (runpy's _get_module_details), importlib calls the editable
    # install's finder (setuptools' code, which uses pathlib): still before healer's first line runs.
    own = tuple(str(Path(__file__).resolve().parents[2] / part) for part in ("healer", "hooks", "rules", "tui"))
    finding = frames[0][0] == "<frozen runpy>" and any(function == "_get_module_details" for _p, function in frames)
    return finding and not any(path.startswith(own) for path, _function in frames)


def describe(report: Report) -> str:
    return (
        f"{len(report.violations)} violation(s) in {report.folder}:\n  "
        + "\n  ".join(line.replace("\n", "\n    ") for line in report.violations)
        + f"\nreplay: python bench/safety.py --keep --replay '{report.trial.to_json()}'"
    )


def isolated_env(home: Path) -> None:
    """What tests/conftest.py's autouse fixture does, for the bench: own HOME, knowledge base, git identity."""
    home.mkdir(parents=True, exist_ok=True)
    os.environ["HOME"] = str(home)
    os.environ["HEALER_DB"] = str(home / "healer.db")
    os.environ.update(GIT_IDENTITY)
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "HEALER_SKIP", "GIT_DIR", "GIT_INDEX_FILE"):
        os.environ.pop(name, None)
