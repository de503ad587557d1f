"""(e) The repair corpus: every seeded breakage of tests/fixtures/repairs/ through `healer fix --apply all`.

Per category: cases; fixed and verified; verified but not applied (another patch won); proposed
but failing verification; not proposed; reported (conflict markers, flaky tests); the median time
from the failing check to the category's first verified patch; and healer's own overhead per
candidate: verification.seconds - verification.tool_seconds (the rerun minus the tools' run time),
plus the round's own proposing time (propose_seconds - propose_tool_seconds: the fixers' and test
reruns' run time is tools' time) divided by its candidates. Target: overhead at most 200 ms per
candidate beyond rerunning the check.

Each case is a fresh git repository with a private knowledge base (no fix is replayed from another
case); mypy shares one cache per worker (MYPY_CACHE_DIR), as a developer's is warm.
This bench runs the development install (`python -m healer` of this interpreter), not a wheel.
Run: .venv/bin/python bench/repairs.py [--jobs 2] [--case SUBSTRING ...] [--verbose]
"""

from __future__ import annotations

import argparse
import os
import queue
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import GIT_ENV, cleanup

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fixing.repair_corpus import (  # noqa: E402 (the repository root goes on sys.path first)
    CATEGORIES,
    Case,
    Outcome,
    base_repo,
    healer_env,
    load_corpus,
    median,
    run_case,
    run_healer,
)

TARGET_MS = 200.0
COLUMNS = ("fixed", "verified-not-applied", "proposed-but-failed", "not-proposed", "reported")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2, help="cases run at once (default 2)")
    parser.add_argument("--case", action="append", default=[], help="only cases whose id contains this")
    parser.add_argument("--verbose", action="store_true", help="print every case's outcome")
    args = parser.parse_args()
    projects, cases = load_corpus()
    if args.case:
        cases = [case for case in cases if any(part in case.id for part in args.case)]
    state = Path(tempfile.mkdtemp(prefix="healer-bench-repairs-"))
    base = {**os.environ, **GIT_ENV, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(state)}
    base.pop("PYTHONDONTWRITEBYTECODE", None)
    slots: queue.Queue[int] = queue.Queue()
    for slot in range(max(1, args.jobs)):
        slots.put(slot)

    def env_for(name: str, slot: int) -> dict[str, str]:
        return healer_env(base, state / "kb" / f"{name}.db", state / f"mypy-cache-{slot}")

    print(f"bench/repairs.py: {len(cases)} seeded breakages in {len(projects)} projects, {args.jobs} at a time")
    print(f"  healer: the development install ({sys.executable} -m healer), not a wheel")
    (state / "kb").mkdir()
    # Each base must pass every stage; running it once per worker also warms that worker's mypy cache.
    for name, project in projects.items():
        for slot in range(max(1, args.jobs)):
            root = base_repo(project, state / "base" / f"{name}-{slot}", base)
            done = run_healer(root, env_for(f"base-{name}-{slot}", slot), "run", "--json")
            if done.code != 0:
                raise SystemExit(f"base project {name} does not pass its stages:\n{done.stderr}\n{done.document}")
    began = time.perf_counter()

    def one(case: Case) -> Outcome:
        slot = slots.get()
        try:
            return run_case(case, projects, state / "cases", env_for(case.id, slot))
        finally:
            slots.put(slot)

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(one, cases))
    wall = time.perf_counter() - began
    if args.verbose:
        for outcome in outcomes:
            print(outcome.summary())
    print_table(outcomes)
    print(f"  corpus wall time {wall:.1f} s with {args.jobs} at a time")
    unexpected = [outcome for outcome in outcomes if outcome.problems and not outcome.case.xfail]
    known = [outcome for outcome in outcomes if outcome.case.xfail]
    if known:
        print(f"  known failures (xfail in cases.toml): {len(known)}")
        for outcome in known:
            state_now = "still fails" if outcome.problems else "NOW PASSES (remove its xfail)"
            print(f"    {outcome.case.id}: {state_now}: {outcome.case.xfail}")
    if unexpected:
        print(f"  UNEXPECTED outcomes: {len(unexpected)}")
        for outcome in unexpected:
            print("    " + outcome.summary().replace("\n", "\n    "))
    cleanup(state)


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.0f}"


def print_table(outcomes: Sequence[Outcome]) -> None:
    header = (
        f"  {'category':<17}{'cases':>6}{'fixed':>7}{'ver.n/a':>8}{'failed':>7}{'not pr.':>8}{'rep.':>6}"
        f"{'to verified ms':>16}{'verify ovh ms':>15}{'propose/cand ms':>17}{'overhead ms':>13}  target"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    every: list[float] = []
    for name in CATEGORIES:
        mine = [outcome for outcome in outcomes if outcome.case.category == name]
        if not mine:
            continue
        counts = {column: sum(outcome.klass == column for outcome in mine) for column in COLUMNS}
        to_verified = median([o.to_verified for o in mine if o.to_verified is not None])
        pairs = [pair for outcome in mine for pair in outcome.overheads]
        verify = median([v for v, _ in pairs])
        propose = median([p for _, p in pairs])
        totals = [v + p for v, p in pairs]
        every.extend(totals)
        total = median(totals)
        verdict = "-" if total is None else ("met" if total * 1000 <= TARGET_MS else "MISSED")
        print(
            f"  {name:<17}{len(mine):>6}{counts['fixed']:>7}{counts['verified-not-applied']:>8}"
            f"{counts['proposed-but-failed']:>7}{counts['not-proposed']:>8}{counts['reported']:>6}"
            f"{_ms(to_verified):>16}{_ms(verify):>15}{_ms(propose):>17}{_ms(total):>13}  {verdict}"
        )
    counts = {column: sum(outcome.klass == column for outcome in outcomes) for column in COLUMNS}
    errors = sum(outcome.klass == "error" for outcome in outcomes)
    print("  " + "-" * (len(header) - 2))
    print(
        f"  {'all':<17}{len(outcomes):>6}{counts['fixed']:>7}{counts['verified-not-applied']:>8}"
        f"{counts['proposed-but-failed']:>7}{counts['not-proposed']:>8}{counts['reported']:>6}"
        + (f"   ({errors} printed no JSON)" if errors else "")
    )
    if every:
        ordered = sorted(every)
        p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
        worst = ordered[-1]
        middle = median(every) or 0.0
        print(
            f"  healer's overhead per candidate ({len(every)} candidates verified): median {middle * 1000:.0f} ms, "
            f"p90 {p90 * 1000:.0f} ms, max {worst * 1000:.0f} ms; "
            f"target <= {TARGET_MS:.0f} ms (median): {'met' if middle * 1000 <= TARGET_MS else 'MISSED'}"
        )
        print(
            "  (overhead = verification seconds - its tools' seconds, plus the round's proposing seconds - its"
            " tools' seconds (ruff --fix, test reruns), per candidate)"
        )


if __name__ == "__main__":
    main()
