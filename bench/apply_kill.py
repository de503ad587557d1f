"""SIGKILL during a real `healer fix --apply` or `healer undo`: every file whole, nothing stranded, undo still works.

A repository of badly formatted modules whose format stage has a `fix`
command: `healer fix --offline --apply all` verifies one patch rewriting
every module and applies it. Each round starts that apply (or, one round in
three, applies it and starts `healer undo`) and SIGKILLs the healer process:
half of the apply kills at any moment of the command, the other half at a
random moment after the journal entry appears, while files are being replaced.
Then it checks:

- every module is byte for byte its old or its new content (a torn file is a failure);
- the work tree holds exactly the user's files (a temporary file left there is a failure);
- `healer undo` then restores every module, or refuses in one line (no traceback) when
  nothing was changed; a changed file that undo cannot restore is a failure;
- no temporary file is left under `.git/healer/writing` once that undo has run.

It prints the counts, and how many kills landed between two files (some old,
some new), which shows the kills hit the writing phase. Zero torn files, zero
temporary files in the work tree and zero failed undos are the only passing
figures. With --busy it runs beside CPU burners (three per core unless
--burners says otherwise) and prints the load average.

Run: .venv/bin/python bench/apply_kill.py [--kills 60] [--files 8] [--seed S] [--busy [--burners N]] [--keep]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.busy import busy, default_burners, load
from bench.common import bench_env

# The check names no file, so the one candidate is the stage's own `fix`: a patch rewriting every
# module, verified once (per-file candidates would make each round several times longer).
CONFIG = """\
[stages.format]
run = ["sh", "-c", "ruff format --check --no-cache . >/dev/null 2>&1"]
kind = "format"
inputs = ["*.py"]
fix = "ruff format --no-cache ."
parser = "generic"
"""
FIX = [sys.executable, "-m", "healer", "fix", "--offline", "--apply", "all"]
UNDO = [sys.executable, "-m", "healer", "undo"]


def module(n: int, functions: int) -> bytes:
    """Valid Python that `ruff format` rewrites almost everywhere: a realistic formatter fix, not a one-liner."""
    return "".join(f"def f{i}(a,b):\n    return {{'k{n}':[a,b,{i}]}}\n" for i in range(functions)).encode()


class Repo:
    def __init__(self, path: Path, env: dict[str, str], files: int, functions: int) -> None:
        self.path, self.env = path, env
        self.old = {f"m{n:02d}.py": module(n, functions) for n in range(files)}
        self.new: dict[str, bytes] = {}
        path.mkdir(parents=True)
        self.git("init", "-q")
        (path / "healer.toml").write_text(CONFIG)
        self.write_old()
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "badly formatted")
        self.names = sorted(self.tree())

    def git(self, *args: str) -> None:
        subprocess.run(["git", *args], cwd=self.path, env=self.env, check=True, capture_output=True)

    def write_old(self) -> None:
        for name, data in self.old.items():
            (self.path / name).write_bytes(data)

    def tree(self) -> set[str]:
        """Every path in the work tree outside .git, as the user would see it with `ls -aR`."""
        found = set()
        for folder, dirs, files in os.walk(self.path):
            dirs[:] = [d for d in dirs if not (folder == str(self.path) and d == ".git")]
            found.update(os.path.relpath(os.path.join(folder, name), self.path) for name in files)
        return found

    def sides(self) -> dict[str, str]:
        """ "old", "new" or "torn" for every module."""
        result = {}
        for name, old in self.old.items():
            try:
                data = (self.path / name).read_bytes()
            except FileNotFoundError:
                result[name] = "torn"
                continue
            result[name] = "old" if data == old else "new" if data == self.new.get(name) else "torn"
        return result

    def journal_entries(self) -> int:
        folder = self.path / ".git" / "healer" / "journal"
        return (
            sum(1 for n in os.listdir(folder) if n.endswith(".json") and not n.startswith("."))
            if folder.is_dir()
            else 0
        )

    def stranded(self) -> list[str]:
        writing = self.path / ".git" / "healer" / "writing"
        return sorted(os.listdir(writing)) if writing.is_dir() else []

    def start(self, argv: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(argv, cwd=self.path, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def run(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, cwd=self.path, env=self.env, capture_output=True, text=True, timeout=600)


class Tally:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.failures: list[str] = []
        self.refusals: Counter[str] = Counter()

    def fail(self, kind: str, text: str) -> None:
        self.counts[kind] += 1
        self.failures.append(f"{kind}: {text}")


def calibrate(repo: Repo) -> tuple[float, float, float]:
    """One apply and one undo to completion: the apply's duration, its writing phase (journal entry to last
    module replaced, what the kills "while writing" aim at), the undo's duration; and the new content."""
    sizes = {name: len(data) for name, data in repo.old.items()}
    began = time.monotonic()
    child = repo.start(FIX)
    entries = repo.journal_entries()
    writing = written = None
    while child.poll() is None:
        if writing is None and repo.journal_entries() > entries:
            writing = time.monotonic()
        # A replaced module has the formatted (longer) size: cheap enough to poll every half millisecond.
        if (
            writing is not None
            and written is None
            and all(os.path.getsize(repo.path / name) != size for name, size in sizes.items())
        ):
            written = time.monotonic()
        time.sleep(0.0005)
    ended = time.monotonic()
    assert child.stderr is not None
    err = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    if child.returncode != 0 or writing is None:
        raise SystemExit(
            f"the calibrating apply exited {child.returncode} (journal entry seen: {writing is not None}):\n{err}"
        )
    repo.new = {name: (repo.path / name).read_bytes() for name in repo.old}
    if any(repo.new[name] == repo.old[name] or len(repo.new[name]) == sizes[name] for name in repo.old):
        raise SystemExit("the fix left a module as long as before: the bench would not tell old from new")
    began_undo = time.monotonic()
    done = repo.run(UNDO)
    undo_seconds = time.monotonic() - began_undo
    if done.returncode != 0 or set(repo.sides().values()) != {"old"}:
        raise SystemExit(f"the calibrating undo failed ({done.returncode}):\n{done.stderr}")
    return ended - began, (written or ended) - writing, undo_seconds


def wait_for_entry(repo: Repo, child: subprocess.Popen[bytes], known: int) -> bool:
    while child.poll() is None:
        if repo.journal_entries() > known:
            return True
        time.sleep(0.0005)
    return False


def kill(child: subprocess.Popen[bytes]) -> bool:
    """SIGKILL as `kill -9` would: healer's process only; whether it was still running."""
    landed = child.poll() is None
    if landed:
        os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.stderr is not None
    child.stderr.close()
    return landed


def one_round(repo: Repo, number: int, rng: random.Random, timing: tuple[float, float, float], tally: Tally) -> None:
    apply_seconds, write_seconds, undo_seconds = timing
    kind = ("apply, any moment", "apply, while writing", "undo")[number % 3]
    if kind == "undo":
        done = repo.run(FIX)
        if done.returncode != 0 or set(repo.sides().values()) != {"new"}:
            tally.fail("apply before the undo failed", f"exit {done.returncode}\n{done.stderr[-2000:]}")
            return
        child = repo.start(UNDO)
        time.sleep(rng.uniform(0, undo_seconds * 1.2))
    else:
        known = repo.journal_entries()
        child = repo.start(FIX)
        if kind == "apply, any moment":
            time.sleep(rng.uniform(0, apply_seconds * 1.1))
        elif wait_for_entry(repo, child, known):
            time.sleep(rng.uniform(0, write_seconds * 1.1))
    tally.counts[f"SIGKILL delivered: {kind}" if kill(child) else f"finished before the kill: {kind}"] += 1

    sides = repo.sides()
    torn = sorted(name for name, side in sides.items() if side == "torn")
    if torn:
        tally.fail("torn files", f"round {number} ({kind}): {', '.join(torn)}")
    if len(set(sides.values()) - {"torn"}) == 2:
        tally.counts["kills that landed between two files"] += 1
    extra = sorted(repo.tree() - set(repo.names))
    missing = sorted(set(repo.names) - repo.tree())
    if extra or missing:
        tally.fail("work tree not the user's files", f"round {number} ({kind}): extra {extra}, missing {missing}")
    if repo.stranded():
        tally.counts["temporaries under .git/healer/writing right after the kill"] += 1

    changed = any(side != "old" for side in sides.values())
    done = repo.run(UNDO)
    after = repo.sides()
    if done.returncode == 0:
        tally.counts["undo after the kill: restored"] += 1
        if set(after.values()) != {"old"}:
            tally.fail("undo said it restored but files are not as before", f"round {number} ({kind}): {after}")
    elif "Traceback" in done.stderr or not done.stderr.strip():
        tally.fail("undo failed", f"round {number} ({kind}): exit {done.returncode}\n{done.stderr[-2000:]}")
    else:
        tally.counts["undo after the kill: refused in one line"] += 1
        tally.refusals[done.stderr.strip().splitlines()[-1][:100]] += 1
        if changed:
            tally.fail("changed files undo cannot restore", f"round {number} ({kind}): {sides}\n{done.stderr}")
    if repo.stranded():
        tally.fail("temporaries left under .git/healer/writing after undo", f"round {number}: {repo.stranded()}")
    if set(repo.sides().values()) != {"old"}:
        repo.write_old()  # the failure is counted; the next round needs the old content to mean anything


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=60, help="rounds, each with one SIGKILL (default 60)")
    parser.add_argument("--files", type=int, default=8, help="modules the fix rewrites (default 8)")
    parser.add_argument("--functions", type=int, default=2000, help="functions per module (default 2000, ~60 KB)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the repository and print where it is")
    parser.add_argument("--busy", action="store_true", help="run beside CPU burners")
    parser.add_argument("--burners", type=int, help="spinning processes with --busy (default: 3 per core)")
    args = parser.parse_args()
    burners = (default_burners() if args.burners is None else max(0, args.burners)) if args.busy else 0
    where = Path(tempfile.mkdtemp(prefix="healer-bench-apply-kill-"))
    env = {**bench_env(where / "healer.db"), "HOME": str(where / "home")}
    rng = random.Random(args.seed)
    tally = Tally()
    began = time.monotonic()
    try:
        with busy(burners):
            repo = Repo(where / "repo", env, args.files, args.functions)
            calibrate(repo)  # the first apply fills the cache and the knowledge base: later ones are quicker
            timing = calibrate(repo)
            for number in range(args.kills):
                one_round(repo, number, rng, timing, tally)
            loaded = load()
    finally:
        if args.keep:
            print(f"kept: {where}")
        else:
            shutil.rmtree(where, ignore_errors=True)
    elapsed = time.monotonic() - began
    beside = f" beside {burners} CPU burners (load average {loaded})" if burners else f" (load average {loaded})"
    apply_seconds, write_seconds, undo_seconds = timing
    print(
        f"{args.kills} rounds in {elapsed:.1f} s{beside}; one apply of {args.files} modules took "
        f"{apply_seconds:.2f} s (writing {write_seconds:.3f} s), one undo {undo_seconds:.2f} s"
    )
    for name, count in sorted(tally.counts.items()):
        print(f"  {name:62} {count}")
    for line, count in tally.refusals.most_common(3):
        print(f"  undo refused {count}x: {line}")
    for name in (
        "torn files", "work tree not the user's files", "undo failed", "changed files undo cannot restore",
        "temporaries left under .git/healer/writing after undo",
    ):  # fmt: skip
        print(f"{name}: {tally.counts[name]}")
    for text in tally.failures[:10]:
        print("  " + text.replace("\n", "\n    "))
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
