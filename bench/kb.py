"""The knowledge base at scale: 1,000,000 diagnostics and 100,000 patches.

Builds the file through the real schema (migrations, indexes, FTS triggers) with
bulk inserts, then measures: a plain fingerprint lookup and `accepted_fixes`
(median, target ≤ 2 ms), `healer stats` in process and as the real command
(target ≤ 1 s), `record_run` throughput with 10 diagnostics per run, full-text
search, and the file's size. Prints whether each target is met.

With --writers it measures concurrency instead (bench/kb_writers.py): --runs
processes of four kinds (`healer run`, `healer hook pre-commit`, a watch
session's record, a reviewed patch's), --jobs at a time, on one file; it prints
the lost rows and the failed writers, and zero of each is the only passing
figure. --busy runs either beside CPU burners (three per core unless --burners
says otherwise) and prints the load average with the figures.

Run: .venv/bin/python bench/kb.py [--diagnostics 1000000] [--patches 100000] [--keep DIR] [--busy [--burners N]]
     .venv/bin/python bench/kb.py --writers [--runs 1000] [--jobs 8] [--busy [--burners N]]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.busy import busy, default_burners, load
from bench.kb_writers import report, run_writers
from healer.diagnostics.diagnostic import Diagnostic
from healer.kb.derived import add_stage_totals, index_diagnostics
from healer.kb.history import search, stats
from healer.kb.records import RunRecord, StageRecord
from healer.kb.store import Store

REPOS = 20
STAGES = ("lint", "types", "test")
PER_RUN = 10
TOOLS = (("ruff", "F401", "`{}` imported but unused"), ("mypy", "name-defined", 'Name "{}" is not defined'),
         ("pytest", None, "AssertionError: assert {} == 2"), ("ruff", "E501", "Line too long ({} > 120)"))  # fmt: skip
WORDS = ("os", "sys", "json", "path", "Decimal", "frobnicate", "config", "parse", "render", "cache", "user", "token")


def fingerprint(n: int) -> str:
    return f"{n * 2654435761 % 2**48:012x}"


def diagnostic(rng: random.Random, distinct: int) -> Diagnostic:
    n = rng.randrange(distinct)
    tool, code, template = TOOLS[n % len(TOOLS)]
    word = WORDS[n % len(WORDS)] + str(n % 97)
    return Diagnostic(
        stage=STAGES[n % 3], tool=tool, file=f"src/pkg{n % 50}/mod{n % 13}.py", line=rng.randrange(1, 400),
        column=1, code=code, message=template.format(word), severity="error", fingerprint=fingerprint(n),
    )  # fmt: skip


def build(store: Store, diagnostics: int, patches: int, rng: random.Random) -> tuple[float, int]:
    """Bulk insert through the real tables (triggers included); returns seconds taken and distinct fingerprints."""
    distinct = max(1000, diagnostics // 20)
    runs = diagnostics // PER_RUN
    start = time.time() - 80 * 86_400
    began = time.perf_counter()
    conn = store.conn
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO runs (id, uid, repo, trigger, snapshot, tree, started, duration, outcome)"
        " VALUES (?, ?, ?, 'run', 'worktree', NULL, ?, 3.5, ?)",
        ((i + 1, f"bench{i}", f"/repos/r{i % REPOS}", start + i * 60, "failed" if i % 3 else "passed")
         for i in range(runs)),
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO run_stages (run_id, seq, repo, name, status, cached, duration, key, started)"
        " VALUES (?, ?, ?, ?, ?, 0, 1.2, NULL, ?)",
        ((i + 1, s, f"/repos/r{i % REPOS}", name, "failed" if (i // REPOS + s) % 3 == 0 else "passed", start + i * 60)
         for i in range(runs) for s, name in enumerate(STAGES)),
    )  # fmt: skip

    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(runs):
            for seq in range(PER_RUN):
                yield (i + 1, seq, *diagnostic(rng, distinct))

    conn.executemany(
        "INSERT INTO diagnostics (run_id, seq, stage, tool, file, line, col, code, message, severity, fingerprint,"
        " suggestion, node_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    index_diagnostics(conn, first_id=1)
    add_stage_totals(
        conn, conn.execute("SELECT repo, name, status, started FROM run_stages ORDER BY started").fetchall()
    )
    origins = ("ruff-fix", "add-import", "did-you-mean", "format", "gpt-x", "claude-y")
    patch_rows, prints, classes, verifications, decisions = [], [], [], [], []
    for i in range(patches):
        repo, pid, n = f"/repos/r{i % REPOS}", f"{i:012x}", rng.randrange(distinct)
        origin = origins[i % len(origins)]
        tool, code, template = TOOLS[n % len(TOOLS)]
        created = start + i * 40
        patch_rows.append((repo, pid, (i % runs) + 1, f"fix {template.format(WORDS[i % len(WORDS)])}",
                           f"--- a/src/m{i}.py\n+++ b/src/m{i}.py\n@@ -1 +1 @@\n-import {WORDS[n % 12]}\n+\n",
                           "model" if i % len(origins) >= 4 else "rule", origin, "safe", 0.8, STAGES[n % 3], "",
                           created))  # fmt: skip
        prints.append((repo, pid, fingerprint(n)))
        classes.append((repo, pid, f"{tool}:{code or ''}"))
        verifications.append((f"v{i}", repo, pid, "verified" if i % 4 else "failed", created))
        if i % 3 == 0:
            decisions.append((f"d{i}", repo, pid, "accepted", created + 5))
            if i % 30 == 0:
                decisions.append((f"u{i}", repo, pid, "undone", created + 50))
    conn.executemany(
        "INSERT INTO patches (repo, patch_id, run_id, title, diff, source, origin, safety, confidence, stage, flags,"
        " created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        patch_rows,
    )
    conn.executemany("INSERT INTO patch_fingerprints VALUES (?, ?, ?)", prints)
    conn.executemany("INSERT INTO patch_classes VALUES (?, ?, ?)", classes)
    conn.executemany(
        "INSERT INTO verifications (uid, repo, patch_id, status, created) VALUES (?, ?, ?, ?, ?)", verifications
    )
    conn.executemany(
        "INSERT INTO decisions (uid, repo, patch_id, decision, via, created) VALUES (?, ?, ?, ?, 'cli', ?)", decisions
    )
    from healer.kb.derived import refresh_patch

    refresh_patch(conn)
    conn.executemany(
        "INSERT INTO flaky VALUES (?, 'test', ?, 'passed on rerun', ?, ?, ?)",
        ((f"/repos/r{i % REPOS}", f"tests/test_{i}.py::test_x", i % 7 + 1, start, start + i) for i in range(500)),
    )
    conn.executemany(
        "INSERT INTO model_calls (uid, repo, model, prompt_tokens, completion_tokens, cost, latency, prompt_hash, ok,"
        " created) VALUES (?, ?, 'gpt-x', 1500, 300, 0.002, 2.5, ?, 1, ?)",
        ((f"m{i}", f"/repos/r{i % REPOS}", f"h{i}", start + i) for i in range(20_000)),
    )
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('pruned', ?)", (time.time(),))
    conn.execute("COMMIT")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("ANALYZE")
    return time.perf_counter() - began, distinct


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(call: Any, times: int) -> list[float]:
    samples = []
    for _ in range(times):
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    return samples


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--diagnostics", type=int, default=1_000_000)
    parser.add_argument("--patches", type=int, default=100_000)
    parser.add_argument("--keep", metavar="DIR", help="build the file in DIR and keep it (for datasette)")
    parser.add_argument("--writers", action="store_true", help="concurrent writers instead: no row may be lost")
    parser.add_argument("--runs", type=int, default=1000, help="writer processes with --writers (default 1000)")
    parser.add_argument("--jobs", type=int, default=8, help="writers at once with --writers (default 8)")
    parser.add_argument("--busy", action="store_true", help="run beside CPU burners")
    parser.add_argument("--burners", type=int, help="spinning processes with --busy (default: 3 per core)")
    options = parser.parse_args()
    burners = (default_burners() if options.burners is None else max(0, options.burners)) if options.busy else 0
    if options.writers:
        jobs = max(1, min(options.jobs, options.runs))
        with busy(burners):
            lost, failures, elapsed = run_writers(max(1, options.runs), jobs)
            loaded = load()
        return report(max(1, options.runs), jobs, burners, loaded, lost, failures, elapsed)
    with busy(burners):
        code = scale(options)
        if burners:
            print(f"(beside {burners} CPU burners, load average {load()}: every time above is late by design)")
    return code


def scale(options: argparse.Namespace) -> int:
    folder = Path(options.keep or tempfile.mkdtemp(prefix="healer-bench-kb-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "healer.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    rng = random.Random(5)
    try:
        store = Store(db)
        seconds, distinct = build(store, options.diagnostics, options.patches, rng)
        count = store.conn.execute("SELECT count(*) FROM diagnostics").fetchone()[0]
        patches = store.conn.execute("SELECT count(*) FROM patches").fetchone()[0]
        print(f"built {count:,} diagnostics and {patches:,} patches in {seconds:.1f} s ({count / seconds:,.0f} rows/s)")

        probes = [fingerprint(rng.randrange(distinct)) for _ in range(500)]
        it = iter(probes * 4)
        plain = timed(
            lambda: store.conn.execute(
                "SELECT run_id, file, line, message FROM diagnostics WHERE fingerprint = ? LIMIT 20", (next(it),)
            ).fetchall(),
            1000,
        )
        it2 = iter(probes * 4)
        accepted = timed(lambda: store.accepted_fixes([next(it2), next(it2), next(it2)]), 500)
        rates = timed(lambda: store.rates(["ruff:F401", "mypy:name-defined"]), 50)
        lookup = median_ms(plain)
        fixes = median_ms(accepted)
        print(f"fingerprint lookup (20 diagnostics): median {lookup:.3f} ms — target ≤ 2 ms: {verdict(lookup, 2)}")
        print(f"accepted_fixes (3 fingerprints):     median {fixes:.3f} ms — target ≤ 2 ms: {verdict(fixes, 2)}")
        print(f"rates (2 classes):                   median {median_ms(rates):.3f} ms")

        one = median_ms(timed(lambda: stats(store, "/repos/r3"), 5))
        every = median_ms(timed(lambda: stats(store, None), 5))
        print(f"stats in process, one repository:    median {one:.0f} ms — target ≤ 1000 ms: {verdict(one, 1000)}")
        print(f"stats in process, --all-repos:       median {every:.0f} ms — target ≤ 1000 ms: {verdict(every, 1000)}")
        words = median_ms(timed(lambda: search(store, "Decimal imported", 20), 20))
        print(f"kb search, two words:                median {words:.1f} ms")

        repo = Path(tempfile.mkdtemp(prefix="healer-bench-repo-"))
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
        env = {**os.environ, "HEALER_DB": str(db)}
        command = []
        for flags in ((), ("--all-repos",)):
            samples = []
            for _ in range(5):
                began = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-m", "healer", "stats", *flags], cwd=repo, env=env, capture_output=True
                )
                samples.append(time.perf_counter() - began)
                if done.returncode != 0:
                    raise SystemExit(done.stderr.decode())
            command.append(median_ms(samples))
        shutil.rmtree(repo)
        for label, value in zip(("`healer stats`", "`healer stats --all-repos`"), command, strict=True):
            print(f"{label + ' (subprocess):':<37}median {value:.0f} ms — target ≤ 1000 ms: {verdict(value, 1000)}")

        stages = tuple(StageRecord(name, "failed", False, 1.0, "k" * 40) for name in STAGES)
        n = 0

        def record() -> None:
            nonlocal n
            n += 1
            store.record_run(
                RunRecord("/repos/bench", "run", "worktree", None, time.time(), 2.0, "failed", stages,
                          tuple(diagnostic(rng, distinct) for _ in range(PER_RUN)))
            )  # fmt: skip

        samples = timed(record, 500)
        rate = len(samples) / sum(samples)
        print(
            f"record_run (3 stages, {PER_RUN} diagnostics): {rate:,.0f} runs/s ({rate * PER_RUN:,.0f} diagnostics/s),"
            f" median {median_ms(samples):.2f} ms"
        )
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        size = db.stat().st_size
        per = size / max(count, 1)
        print(f"file size: {size / 1e6:.0f} MB ({per:.0f} bytes per diagnostic, indexes and FTS included)")
    finally:
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
