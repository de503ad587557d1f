"""(l) `healer ci --fix` as a GitHub Actions job would run it, on real projects: is the patch it publishes right?

The six real libraries of bench/real_projects.py (offline archives, each with its CI-like pipeline, the base
green) are broken at bench/real_inject.py's seeded sites, one commit per case, until `--cases-per-kind` of
each rule-fixable kind turn the pipeline red. Each broken commit is checked out as a CI runner has it, and
`healer ci --fix --json --sarif --summary` runs with GitHub Actions' environment (a push event, RUNNER_TEMP,
GITHUB_STEP_SUMMARY; no token: nothing is posted). Then, for each case:

- the checkout is unchanged (status, index, refs, stash) — the first law holds in CI too;
- the format-patch file applies with `git am` to a fresh clone of the broken commit, and `healer run` there
  passes or not, and that agrees with what the job said (`with_fixes`);
- the SARIF validates against the OASIS 2.1.0 schema, and the summary stays under GitHub's 1 MiB.

Printed: cases, patches published, applied, green after applying, claims that disagree with the real
rerun (target 0), checkouts changed (target 0), and side by side the median time of `healer ci --fix` and of
a plain `healer ci` (the pipeline alone) on the same broken commits.

Run: .venv/bin/python bench/ci.py [--seed 12] [--project NAME] [--kind KIND] [--cases-per-kind 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import jsonschema
from real_inject import RULE_FIXABLE, Breakage
from real_projects import PROJECTS, Base, _red, bench_env, break_into, git, healer, prepare, seeded_cases

SCHEMA = Path(__file__).resolve().parents[1] / "tests/fixtures/sarif/sarif-schema-2.1.0.json"
SUMMARY_LIMIT = 1024 * 1024


@dataclass
class Case:
    project: str
    kind: str
    exit_code: int | None
    published: int
    applied: bool
    green_after: bool | None
    claimed: str | None
    """The job's `with_fixes`: the outcome it said the pipeline has with its fixes."""
    checkout_changed: bool
    sarif_valid: bool
    summary_bytes: int
    fix_seconds: float
    plain_seconds: float

    @property
    def claim_wrong(self) -> bool:
        if not self.published or self.green_after is None:
            return False
        return (self.claimed == "passed") != self.green_after


def state(root: Path) -> tuple[str, ...]:
    return tuple(git(root, *args) for args in (["status", "--porcelain", "-uall"], ["ls-files", "-s"],
                                               ["for-each-ref"], ["stash", "list"]))  # fmt: skip


def actions_env(env: Mapping[str, str], root: Path, scratch: Path, db: Path) -> dict[str, str]:
    return {
        **env, "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "bench/project", "GITHUB_SHA": git(root, "rev-parse",
        "HEAD").strip(), "GITHUB_REF_NAME": "main", "GITHUB_EVENT_NAME": "push", "GITHUB_RUN_ID": "1",
        "RUNNER_TEMP": str(scratch), "GITHUB_STEP_SUMMARY": str(scratch / "summary.md"), "HEALER_DB": str(db),
    }  # fmt: skip


def run_case(
    base: Base, breakage: Breakage, where: Path, env: Mapping[str, str], schema: dict[str, object]
) -> Case | None:
    root = where / "checkout"
    break_into(base, breakage, root)
    check = healer(
        root, {**env, "HEALER_DB": str(where / "precheck.db")}, "run", "--no-cache", "--no-history", "--json"
    )
    if not _red(check):
        return None
    scratch = where / "runner-temp"
    scratch.mkdir()
    before = state(root)
    plain = healer(root, actions_env(env, root, scratch, where / "plain.db"), "ci", "--json")
    (scratch / "summary.md").unlink(missing_ok=True)
    job = actions_env(env, root, scratch, where / "ci.db")
    done = healer(root, job, "ci", "--fix", "--offline", "--json", "--sarif", str(scratch / "out.sarif"))
    document = done.document or {}
    changed = state(root) != before
    patch = scratch / "healer-fixes.patch"
    published = len(document.get("published", []))
    applied, green = False, None
    if patch.exists():
        clone = where / "clone"
        git(where, "clone", "-q", str(root), str(clone))
        try:
            git(clone, "am", "-q", str(patch))
            applied = True
        except Exception:  # a patch git refuses is this benchmark's finding, not its crash
            applied = False
        if applied:
            after = healer(clone, {**env, "HEALER_DB": str(where / "after.db")}, "run", "--no-history", "--json")
            green = after.code == 0
    try:
        jsonschema.validate(json.loads((scratch / "out.sarif").read_text()), schema)
        valid = True
    except (OSError, ValueError, jsonschema.ValidationError):
        valid = False
    summary = scratch / "summary.md"
    return Case(
        base.project.name, breakage.kind, done.code, published, applied, green, document.get("with_fixes"),
        changed, valid, summary.stat().st_size if summary.exists() else 0, done.wall, plain.wall,
    )  # fmt: skip


def main(argv: Sequence[str] | None = None) -> list[Case]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--project", action="append")
    parser.add_argument("--kind", action="append")
    parser.add_argument("--cases-per-kind", type=int, default=1)
    args = parser.parse_args(argv)
    schema = json.loads(SCHEMA.read_text())
    cases: list[Case] = []
    with tempfile.TemporaryDirectory(prefix="healer-bench-ci-") as temporary:
        scratch = Path(temporary)
        env = bench_env(scratch)
        for project in PROJECTS:
            if args.project and project.name not in args.project:
                continue
            base = prepare(project, scratch, env)

            def one(breakage: Breakage, where: Path, base: Base = base) -> Case | None:
                return run_case(base, breakage, where, env, schema)

            kinds = args.kind or RULE_FIXABLE
            for case in seeded_cases(base, kinds, args.seed, args.cases_per_kind, scratch / "cases", one):
                cases.append(case)
                print(f"  {case.project:<17} {case.kind:<24} exit {case.exit_code} published {case.published} "
                      f"applied {'yes' if case.applied else 'no ':<3} green after "
                      f"{'-' if case.green_after is None else 'yes' if case.green_after else 'no'} "
                      f"(said {case.claimed}) {case.fix_seconds:5.1f} s vs {case.plain_seconds:4.1f} s",
                      flush=True)  # fmt: skip
    if not cases:
        raise SystemExit("no case turned a pipeline red")
    fix = statistics.median(c.fix_seconds for c in cases)
    plain = statistics.median(c.plain_seconds for c in cases)
    print(f"\n{len(cases)} red commits on {len({c.project for c in cases})} projects (seed {args.seed})")
    published = sum(c.published > 0 for c in cases)
    applied = sum(c.applied for c in cases)
    green = sum(bool(c.green_after) for c in cases)
    print(f"patch published: {published}; applied by git am: {applied}; pipeline green after applying: {green}")
    wrong, changed = sum(c.claim_wrong for c in cases), sum(c.checkout_changed for c in cases)
    invalid, largest = sum(not c.sarif_valid for c in cases), max(c.summary_bytes for c in cases)
    print(f"the job's claim about its fixes wrong: {wrong} (target 0); checkout changed: {changed} (target 0); "
          f"SARIF invalid: {invalid}; largest summary {largest} bytes (limit {SUMMARY_LIMIT})")  # fmt: skip
    print(f"median time: healer ci --fix {fix:.2f} s, plain healer ci {plain:.2f} s (x{fix / plain:.1f})")
    return cases


if __name__ == "__main__":
    main()
