"""Many healer processes writing one knowledge base at once: no row may be lost, none may fail.

`runs` processes of four kinds, `jobs` at a time, each in its own repository
but all on one HEALER_DB: `healer run --no-cache` (the CLI), `healer hook
pre-commit` (a commit; its stage fails, so the hook also looks for fixes),
a process recording a watch session's run with two diagnostics, and one
recording a reviewed patch and its decision (the TUI, the fix loop). What each
kind adds to every table is measured first on a scratch file; at the end every
table must hold exactly that many rows per process, and `PRAGMA
integrity_check` must say ok. A row missing is a lost row; a process that
exits with an unexpected code, or says "database is locked" or prints a traceback, is a
failed writer.

Run from bench/kb.py: .venv/bin/python bench/kb.py --writers [--runs 1000] [--jobs N] [--busy [--burners N]]
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench.common import bench_env

ROOT = Path(__file__).resolve().parents[1]

KINDS = ("cli", "hook", "watch", "review")
TABLES = ("runs", "run_stages", "diagnostics", "patches", "verifications", "decisions")
CONFIG = '[stages.ok]\nrun = "true"\n\n[stages.bad]\nrun = ["sh", "-c", "echo boom; exit 1"]\n'
EXPECTED_EXIT = {"cli": 1, "hook": 1, "watch": 0, "review": 0}

RECORDER = """
import sys
from healer.kb.store import Store
from tests.kb.helpers import REPO, diagnostic, patch, run

kind, n = sys.argv[1], int(sys.argv[2])
with Store() as store:
    if kind == "watch":
        store.record_run(run("failed", "passed", diagnostics=(diagnostic(n), diagnostic(n + 5_000_000))))
    else:
        store.record_patches(REPO, None, [patch(n)])
        store.record_decision(REPO, patch(n).id, "accepted", "tui")
"""


def argv(kind: str, n: int) -> list[str]:
    if kind == "cli":
        return [sys.executable, "-m", "healer", "run", "--no-cache"]
    if kind == "hook":
        return [sys.executable, "-m", "healer", "hook", "pre-commit"]
    return [sys.executable, "-c", RECORDER, kind, str(n)]


def make_repo(path: Path, env: dict[str, str]) -> None:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=path, check=True, env=env)
    (path / "healer.toml").write_text(CONFIG)
    (path / "app.txt").write_text("app\n")
    subprocess.run(["git", "add", "-A"], cwd=path, check=True, env=env)


def counts(db: Path) -> Counter[str]:
    with sqlite3.connect(db) as conn:
        return Counter({table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES})


def one(kind: str, n: int, repo: Path, env: dict[str, str]) -> str | None:
    """Runs one writer; what went wrong with it, or None."""
    done = subprocess.run(argv(kind, n), cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != EXPECTED_EXIT[kind] or "is locked" in done.stderr or "Traceback" in done.stderr:
        return f"{kind} #{n} exited {done.returncode}:\n{done.stdout[-1500:]}{done.stderr[-1500:]}"
    return None


def per_process(where: Path) -> dict[str, Counter[str]]:
    """The rows one process of each kind adds, measured on a scratch file once it exists (its second run)."""
    db = where / "scratch.db"
    env = {**bench_env(db), "PYTHONPATH": str(ROOT)}
    repo = where / "scratch"
    make_repo(repo, env)
    adds: dict[str, Counter[str]] = {}
    for number, kind in enumerate(KINDS):
        for attempt in range(2):
            before = counts(db) if db.exists() else Counter()
            problem = one(kind, 10_000_000 + number * 10 + attempt, repo, env)
            if problem:
                raise SystemExit(f"the measuring run failed: {problem}")
        adds[kind] = counts(db) - before
    return adds


def run_writers(runs: int, jobs: int) -> tuple[int, list[str], float]:
    """`runs` writers, `jobs` at once; returns lost rows, the failed writers' reports, seconds taken."""
    where = Path(tempfile.mkdtemp(prefix="healer-bench-writers-"))
    try:
        adds = per_process(where)
        db = where / "healer.db"
        env = {**bench_env(db), "PYTHONPATH": str(ROOT)}
        repos = [where / f"repo-{slot}" for slot in range(jobs)]
        for repo in repos:
            make_repo(repo, env)
        order = [KINDS[n % len(KINDS)] for n in range(runs)]
        failures: list[str] = []
        next_one = iter(range(runs))
        lock = threading.Lock()

        def slot(repo: Path) -> None:
            while True:
                with lock:
                    n = next(next_one, None)
                if n is None:
                    return
                problem = one(order[n], n, repo, env)
                if problem:
                    with lock:
                        failures.append(problem)

        began = time.monotonic()
        threads = [threading.Thread(target=slot, args=(repo,)) for repo in repos]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
        expected: Counter[str] = Counter()
        for kind in order:
            expected.update(adds[kind])
        found = counts(db)
        lost = sum((expected - found).values())
        extra = found - expected
        with sqlite3.connect(db) as conn:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        print(f"rows expected: {dict(sorted(expected.items()))}")
        print(f"rows found:    {dict(sorted(found.items()))}")
        if extra:
            print(f"rows nobody wrote: {dict(extra)}")
        if integrity != "ok":
            failures.append(f"integrity_check: {integrity}")
        return lost, failures, elapsed
    finally:
        shutil.rmtree(where, ignore_errors=True)


def report(runs: int, jobs: int, burners: int, loaded: str, lost: int, failures: list[str], elapsed: float) -> int:
    beside = f" beside {burners} CPU burners (load average {loaded})" if burners else f" (load average {loaded})"
    shares = (runs // len(KINDS) + (1 if k < runs % len(KINDS) else 0) for k in range(len(KINDS)))
    kinds = ", ".join(f"{share} {kind}" for share, kind in zip(shares, KINDS, strict=True))
    print(f"{runs} writers ({kinds}) in {elapsed:.1f} s, {jobs} at once{beside}")
    print(f"lost rows: {lost}")
    print(f"failed writers: {len(failures)}")
    for text in failures[:10]:
        print("  " + text.replace("\n", "\n    "))
    return 1 if lost or failures else 0
