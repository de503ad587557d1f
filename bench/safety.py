"""The first law, 10,000 times: the data-safety trials of tests/safety/ at bench scale.

Each trial builds a repository state drawn by hypothesis (partial staging,
binary and CRLF content, executable bits, intent-to-add, untracked files,
deletions, renames, symlinks, a submodule, stash entries; new branches and
deletions for pre-push), runs `healer hook pre-commit|pre-push` (half of
the trials kill it at a random moment with SIGINT, SIGTERM or SIGKILL, then
run it again), and compares the working tree, the git directory and the
stash list before and after. It prints trials per second, how often each
operation was applied, the outcomes, and every violation with its replay.

With --busy the trials run beside CPU burners (three per core unless
--burners says otherwise), and the load average is printed with the counts:
zero violations is the only passing figure there too.

Run: .venv/bin/python bench/safety.py [--trials 10000] [--jobs N] [--seed S] [--busy [--burners N]]
Replay one trial: .venv/bin/python bench/safety.py --replay '<json>' --keep
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as seeded

from bench.busy import busy, default_burners, load
from tests.safety.strategies import trials
from tests.safety.trials import Report, Trial, build_template, describe, isolated_env, run_trial

KINDS = [("pre-commit", False), ("pre-commit", True), ("pre-push", False), ("pre-push", True)]
"""Trials are shared equally between the four: each hook, plain and interrupted."""


class Summary:
    def __init__(self) -> None:
        self.trials = 0
        self.ops: Counter[str] = Counter()
        self.outcome: Counter[str] = Counter()
        self.survivors: Counter[int] = Counter()
        self.survivor_seconds = 0.0
        self.violations: list[str] = []
        self.kinds: Counter[str] = Counter()
        """Violations by what was wrong (the text before the details), across trials."""

    def add(self, report: Report) -> None:
        self.trials += 1
        self.ops.update(report.ops)
        self.outcome.update(report.outcome)
        if report.trial.interrupt is not None and report.trial.interrupt.signal == "KILL":
            self.survivors[report.survivors] += 1
            self.survivor_seconds = max(self.survivor_seconds, report.survivor_seconds)
        if report.violations:
            self.violations.append(describe(report))
            self.kinds.update({":".join(line.splitlines()[0].split(":")[:3]) for line in report.violations})

    def merge(self, other: Summary) -> None:
        self.trials += other.trials
        self.ops.update(other.ops)
        self.outcome.update(other.outcome)
        self.survivors.update(other.survivors)
        self.survivor_seconds = max(self.survivor_seconds, other.survivor_seconds)
        self.violations += other.violations
        self.kinds.update(other.kinds)


def worker(job: int, count: int, base_seed: int, keep: bool) -> Summary:
    """`count` trials in this process, drawn by hypothesis from its own seed, in its own folder."""
    where = Path(tempfile.mkdtemp(prefix=f"healer-safety-{job}-"))
    isolated_env(where / "home")
    template = build_template(where / "template")
    summary = Summary()
    for number, (hook, interrupted) in enumerate(KINDS):
        share = count // len(KINDS) + (1 if number < count % len(KINDS) else 0)
        if not share:
            continue

        @seeded(base_seed * 1000 + job * 10 + number)
        @settings(
            max_examples=share, database=None, deadline=None, phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        @given(trial=trials(hook, interrupted))
        def one(trial: Trial) -> None:
            folder = where / f"trial-{summary.trials}"
            report = run_trial(template, folder, trial)
            summary.add(report)
            if not report.violations or not keep:
                shutil.rmtree(folder, ignore_errors=True)

        one()
    if not keep:
        shutil.rmtree(where, ignore_errors=True)
    return summary


def replay(text: str, keep: bool) -> int:
    where = Path(tempfile.mkdtemp(prefix="healer-safety-replay-"))
    isolated_env(where / "home")
    report = run_trial(build_template(where / "template"), where / "trial", Trial.from_json(text))
    print(describe(report) if report.violations else f"no violation ({dict(report.outcome)})")
    if keep:
        print(f"kept: {where}")
    else:
        shutil.rmtree(where, ignore_errors=True)
    return 1 if report.violations else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="trials at once (default: CPU cores)")
    parser.add_argument("--seed", type=int, default=0, help="another seed draws other trials")
    parser.add_argument("--keep", action="store_true", help="keep the folders of trials with violations")
    parser.add_argument("--replay", metavar="JSON", help="run one trial, as printed with a violation")
    parser.add_argument("--show", type=int, default=20, help="violations printed in full (default 20)")
    parser.add_argument("--busy", action="store_true", help="run the trials beside CPU burners")
    parser.add_argument("--burners", type=int, help="spinning processes with --busy (default: 3 per core)")
    args = parser.parse_args()
    if args.replay:
        return replay(args.replay, args.keep)
    jobs = max(1, min(args.jobs, args.trials))
    counts = [args.trials // jobs + (1 if job < args.trials % jobs else 0) for job in range(jobs)]
    burners = (default_burners() if args.burners is None else max(0, args.burners)) if args.busy else 0
    began = time.monotonic()
    total = Summary()
    with busy(burners), ProcessPoolExecutor(jobs) as pool:
        for part in pool.map(worker, range(jobs), counts, [args.seed] * jobs, [args.keep] * jobs):
            total.merge(part)
        loaded = load()
    elapsed = time.monotonic() - began
    rate = total.trials / elapsed
    beside = f" beside {burners} CPU burners (load average {loaded})" if burners else ""
    print(f"{total.trials} trials in {elapsed:.1f} s with {jobs} jobs{beside}: {rate:.2f} trials/s")
    print(f"10,000 trials at this rate: {10_000 / rate / 60:.1f} min")
    print("operations applied (kind:noop = did nothing in that state):")
    for name, count in sorted(total.ops.items()):
        print(f"  {name:16} {count}")
    print("outcomes:")
    for name, count in sorted(total.outcome.items()):
        print(f"  {name:34} {count}")
    killed = sum(total.survivors.values())
    with_survivors = killed - total.survivors[0]
    print(
        f"SIGKILL delivered to {killed} hooks: stage processes outlived the hook in {with_survivors} "
        f"(most at once: {max(total.survivors, default=0)}; all gone within {total.survivor_seconds:.2f} s)"
    )
    print(f"violations: {len(total.violations)} trial(s)")
    for name, count in total.kinds.most_common():
        print(f"  {count:5} trials: {name}")
    for text in total.violations[: args.show]:
        print(text)
    return 1 if total.violations else 0


if __name__ == "__main__":
    sys.exit(main())
