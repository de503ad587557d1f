"""(j) The jail on real projects: does verifying a model's patch under bubblewrap reach the verdict it reaches
unjailed, and what does the jail cost?

The six real libraries of bench/real_projects.py (the offline archives in bench/fixtures/real/, each
prepared the same way: its CI-like `[tool.healer]` pipeline, its old ruff findings silenced, the base
green) are broken at bench/real_inject.py's seeded sites, tried in real_projects.py's order, until
`--cases-per-kind` of each kind turn the pipeline red (`healer run` on the broken tree). Each case is
then fixed twice, each time in a fresh copy of the broken repository with the breakage committed, by the
installed `healer fix -j 1 --json` (a private HEALER_DB and HOME per run) with a model: the scripted
OpenAI-compatible server of tests/llm/server.py on 127.0.0.1 (`[tool.healer.llm] model =
"openai/gpt-4o-mini"`, `api_base` the server, `max_attempts = 1`, OPENAI_API_KEY a fake key). The first
request (the first failure group; `-j 1` asks the groups one by one, most diagnostics first) gets the
perfect fix, a SEARCH/REPLACE block that puts the original lines back; later ones a reply with no edit,
so each run verifies one model patch. The model's patch is untrusted: its checks run in the jail with
`[tool.healer.sandbox] mode = "auto"`, and as the stages run with `mode = "off"`. The two runs of a case
follow each other, the jailed one first in even cases and second in odd ones.

healer has no option to ask the model alone, so every built-in rule is disabled the documented way (a
`.healer/rules/` file with each built-in id and `enabled = false`); past fixes have an empty knowledge
base. Otherwise the rules settle nearly every rule-fixable breakage and the model is never asked.

Printed, per project and in total: cases; those with a model patch in both runs ("model"); verdict
agreement (the model's patch's status jailed == unjailed); verified jailed / unjailed (its checks passed:
"verified", or "changes-checks" where the breakage, so the fix, is in a test file); the median and p90 of
the model patch's verification time (`verification.seconds` in the healer.fix/1 JSON) jailed and
unjailed, the ratio of the medians, and the median of the per-case ratios. Every disagreement is listed
with the jailed verdict's detail (what the jail hid from the project) and kept under
/tmp/bench-jail-fail/<seed>/ with both runs' JSON. Before the cases, with nothing else of the bench
running, micro-figures alternate side by side: the median wall time of `true` and of `python -c pass`
directly and in the argv and environment the jail wraps them in (`Jail.wrap`; `Jail.command` in the
first version of the jail), and the time building that argv takes.

Run: .venv/bin/python bench/jail.py [--seed N] [--project NAME] [--kind NAME] [--cases-per-kind 1]
     [--jobs 2] [--micro-runs 30] [--verbose] [--keep] [--json FILE]
The defaults (30 cases, 60 `healer fix` runs, 2 cases at a time) take 8-11 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from real_inject import KINDS, Breakage, sites
from real_projects import BIN, CASE_TIMEOUT, PROJECTS, Base, _red, bench_env, break_into, git, healer, prepare

from healer.config.settings import SandboxSettings
from healer.pipeline.jail import Jail, choose
from tests.llm.server import fake_model, reply

FAILURES = Path("/tmp/bench-jail-fail")
DEFAULT_KINDS = ("name-typo", "attribute-typo", "stdlib-import-removed", "project-import-removed", "logic-flip")
"""Kinds whose perfect fix puts one line back (or one name in it): typos, a removed import, a flipped operator."""
MODES = ("auto", "off")
"""sandbox.mode of the jailed run and of the unjailed one."""
API_KEY = "sk-test-not-a-real-key"
NOTHING = "Nothing else needs to change."
PASSED = ("verified", "changes-checks")
"""A model patch's statuses that mean its checks passed (the second: as it changed a test, the breakage's file)."""
MAX_CONTEXT_LINES = 12


# ---------------------------------------------------------------------------------------------- the model's reply


def perfect_reply(breakage: Breakage, original: bytes) -> str | None:
    """A SEARCH/REPLACE block that turns the broken file back into `original`: the broken lines (with as
    many lines around them as make them unique in the broken file) replaced by the original ones. None
    when no such block can be written (no final newline at the edit, CRLF, bytes that are not UTF-8)."""
    broken = breakage.apply(original)
    # The files agree before `low` and after their last `suffix` bytes: whole lines around the edit.
    low = original.rfind(b"\n", 0, breakage.start) + 1
    after = broken.find(b"\n", breakage.start + len(breakage.replacement))
    if after < 0:
        return None
    suffix = len(broken) - (after + 1)

    def regions() -> tuple[bytes, bytes]:
        return broken[low : len(broken) - suffix], original[low : len(original) - suffix]

    for step in range(2 * MAX_CONTEXT_LINES + 1):
        search, replace = regions()
        if search and _unique_lines(broken, search):
            break
        if step % 2 == 0 and low > 0:
            low = broken.rfind(b"\n", 0, low - 1) + 1
        elif suffix > 0:
            end = broken.find(b"\n", len(broken) - suffix)
            suffix = 0 if end < 0 else len(broken) - (end + 1)
        elif low > 0:
            low = broken.rfind(b"\n", 0, low - 1) + 1
    else:
        return None
    search, replace = regions()
    if not search.endswith(b"\n") or b"\r" in search + replace or not _unique_lines(broken, search):
        return None
    try:
        old, new = search.decode(), replace.decode()
    except UnicodeDecodeError:
        return None
    return (
        f"Put back what the last commit broke ({breakage.what}).\n\n"
        f"{breakage.file}\n<<<<<<< SEARCH\n{old}=======\n{new}>>>>>>> REPLACE\n"
    )


def _unique_lines(data: bytes, lines: bytes) -> bool:
    """`lines` (whole lines, one of them not blank) occur once in `data` as whole lines, overlaps counted."""
    if not lines.strip():
        return False
    framed, within = b"\n" + lines, b"\n" + data
    first = within.find(framed)
    return first >= 0 and within.find(framed, first + 1) < 0


# ---------------------------------------------------------------------------------------------- one case


@dataclass
class Side:
    """One `healer fix` of a case, with one sandbox mode."""

    mode: str
    code: int | None = None
    """healer fix's exit code; None: it ran out of time."""
    wall: float = 0.0
    statuses: list[str] = field(default_factory=list)
    """The status of each of the model's patches."""
    seconds: list[float] = field(default_factory=list)
    """Each model patch's verification time (the JSON's `verification.seconds`)."""
    tool_seconds: list[float] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    """The model's patches' verdict details."""
    requests: int = 0
    """Requests the scripted model answered."""
    others: list[str] = field(default_factory=list)
    """`origin status` of every patch another fixer (rules, past fixes) proposed."""
    error: str = ""

    @property
    def verdict(self) -> str:
        """The model's verdicts, in a comparable form: "verified", "failed+verified", "none"."""
        return "+".join(sorted(self.statuses)) or "none"

    @property
    def verified(self) -> bool:
        """Every model patch passed its checks: "verified", or "changes-checks" (it fixed a test file)."""
        return bool(self.statuses) and all(status in PASSED for status in self.statuses)


@dataclass
class Case:
    project: str
    kind: str
    file: str
    line: int
    what: str
    sides: dict[str, Side] = field(default_factory=dict)
    kept: str = ""

    @property
    def jailed(self) -> Side:
        return self.sides["auto"]

    @property
    def unjailed(self) -> Side:
        return self.sides["off"]

    @property
    def asked(self) -> bool:
        """The model proposed a patch in both runs: the case says something about the jail."""
        return bool(self.jailed.statuses and self.unjailed.statuses)

    @property
    def agree(self) -> bool:
        return self.jailed.verdict == self.unjailed.verdict and not self.jailed.error and not self.unjailed.error

    def ratio(self) -> float | None:
        jailed, unjailed = sum(self.jailed.seconds), sum(self.unjailed.seconds)
        return jailed / unjailed if self.asked and unjailed > 0 else None


def model_config(api_base: str, mode: str) -> str:
    """What each run's pyproject.toml gets: the scripted model, one attempt, and the sandbox mode."""
    return (
        "\n# Added by bench/jail.py: the scripted model and the sandbox mode of this run.\n"
        "[tool.healer.llm]\n"
        'model = "openai/gpt-4o-mini"\n'
        f"api_base = {json.dumps(api_base)}\n"
        "timeout = 20\n"
        "max_attempts = 1\n\n"
        "[tool.healer.sandbox]\n"
        f'mode = "{mode}"\n'
    )


def rules_off() -> str:
    """`.healer/rules/` TOML that disables every built-in rule (README: a rule of yours with a built-in's id
    overrides it, `enabled = false` disables it), so that the model is asked about every failure."""
    from healer.rules.load import load_rules

    ids = sorted({rule.id for rule in load_rules(None).rules})
    return "# Added by bench/jail.py: the model alone proposes fixes.\n" + "".join(
        f'\n[[rules]]\nid = "{rule}"\nenabled = false\n' for rule in ids
    )


def alone(root: Path, config: str, message: str) -> None:
    """Commit `config` appended to the project's pyproject.toml with every built-in rule disabled, so the fixer
    it configures (a model, an agent) is asked about every failure; both files aged past the config memo's
    racy window."""
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + config)
    rules = root / ".healer" / "rules" / "bench-alone.toml"
    rules.parent.mkdir(parents=True, exist_ok=True)
    rules.write_text(rules_off())
    past = time.time() - 900
    for path in (pyproject, rules):
        os.utime(path, (past, past))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def read_side(side: Side, document: Mapping[str, Any]) -> None:
    """The model's patches (and the others', by name) from a healer.fix/1 document."""
    for one in document.get("rounds", []):
        for patch in one.get("patches", []):
            if patch.get("source") != "model":
                side.others.append(f"{patch.get('origin')} {patch.get('status')}")
                continue
            side.statuses.append(str(patch.get("status")))
            verification = patch.get("verification") or {}
            if verification.get("seconds") is not None:
                side.seconds.append(float(verification["seconds"]))
            if verification.get("tool_seconds") is not None:
                side.tool_seconds.append(float(verification["tool_seconds"]))
            side.details.append(" ".join(str(patch.get("detail") or "").split())[:600])


def fix_once(broken: Path, where: Path, mode: str, text: str, env: Mapping[str, str], timeout: float) -> Side:
    """`healer fix --json` of a fresh copy of the broken repository, the model answering `text`, in `mode`."""
    side = Side(mode)
    root = where / mode
    shutil.copytree(broken, root, symlinks=True)
    home = where / f"home-{mode}"
    home.mkdir()
    # The first request (the first failure group: `-j 1` asks them one by one, most diagnostics first) gets
    # the fix; the others a reply with no edit, so each run verifies exactly one model patch.
    with fake_model(reply(text), reply(NOTHING)) as model:
        alone(root, model_config(model.api_base, mode), f"bench: the scripted model alone, sandbox.mode = {mode}")
        mine = {**env, "HOME": str(home), "HEALER_DB": str(where / f"{mode}.db"), "OPENAI_API_KEY": API_KEY}
        done = healer(root, mine, "fix", "-j", "1", "--json", timeout=timeout)
        side.requests = len(model.requests)
    side.code, side.wall = done.code, done.wall
    if done.document is not None:
        read_side(side, done.document)
        (where / f"fix-{mode}.json").write_text(json.dumps(done.document, indent=1))
    elif done.code is None:
        side.error = f"healer fix did not finish within {timeout:g} s"
    else:
        side.error = f"healer fix printed no JSON (exit {done.code}): {done.stderr.strip()[-600:]}"
    return side


def run_case(base: Base, breakage: Breakage, index: int, where: Path, plan: Plan) -> Case | None:
    """One case, both modes; None when the breakage does not turn the pipeline red or has no perfect reply."""
    original = base.original[breakage.file]
    text = perfect_reply(breakage, original)
    if text is None:
        return None
    case = Case(base.project.name, breakage.kind, breakage.file, breakage.line(original), breakage.what)
    broken = where / "broken"
    break_into(base, breakage, broken)
    check = healer(
        broken, {**plan.env, "HEALER_DB": str(where / "precheck.db")}, "run", "--no-cache", "--no-history", "--json",
        timeout=plan.timeout,
    )  # fmt: skip
    if not _red(check):
        return None
    (where / "reply.txt").write_text(text)
    for mode in MODES if index % 2 == 0 else reversed(MODES):
        case.sides[mode] = fix_once(broken, where, mode, text, plan.env, plan.timeout)
    return case


@dataclass(frozen=True)
class Plan:
    seed: int
    wanted: int
    work: Path
    env: Mapping[str, str]
    timeout: float
    failures: Path
    progress: Callable[[str], None]
    keep: bool = False


def run_group(base: Base, kind: str, plan: Plan) -> tuple[list[Case], int]:
    """The plan's cases of one kind in one project, the sites in real_projects.py's order; and how many were
    skipped (the pipeline stayed green, or no perfect reply could be written)."""
    found = sites(kind, base.sources, base.project.tops, str(plan.seed))
    random.Random(f"{plan.seed}:{base.project.name}:{kind}").shuffle(found)
    cases: list[Case] = []
    skipped = 0
    for index, breakage in enumerate(found[: plan.wanted * 4 + 2]):
        if len(cases) == plan.wanted:
            break
        where = plan.work / f"{base.project.name}-{kind}-{index}"
        where.mkdir(parents=True)
        case = run_case(base, breakage, index, where, plan)
        if case is None:
            skipped += 1
            shutil.rmtree(where, ignore_errors=True)
            continue
        if not case.agree:
            kept = plan.failures / str(plan.seed) / where.name
            shutil.rmtree(kept, ignore_errors=True)
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(where, kept, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.db*", "home-*"))
            case.kept = str(kept)
        elif not plan.keep:
            shutil.rmtree(where, ignore_errors=True)
        cases.append(case)
        plan.progress(case_line(case))
    return cases, skipped


# ---------------------------------------------------------------------------------------------- micro-figures


@dataclass
class Micro:
    runs: int
    true_direct: float
    true_jailed: float
    python_direct: float
    python_jailed: float
    build_ms: float
    """Median time `Jail.wrap` takes to build the argv of `python -c pass`."""
    argv_words: int


def wrapped(jail: Jail, argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> tuple[list[str], dict[str, str]]:
    """`argv` and its environment as a jailed stage starts them, able to write `cwd` only."""
    command, inside = jail.wrap(argv, cwd, env, [str(cwd)])
    return list(command), dict(inside)


def micro(jail: Jail, env: Mapping[str, str], where: Path, runs: int) -> Micro:
    """Median wall times of `true` and `python -c pass`, jailed (the argv the jail wraps them in) and not,
    alternating."""
    where.mkdir(parents=True)
    python = shutil.which("python", path=env.get("PATH")) or sys.executable
    truth = shutil.which("true", path=env.get("PATH")) or "true"
    pairs = {
        "true": (([truth], dict(env)), wrapped(jail, [truth], where, env)),
        "python": (([python, "-c", "pass"], dict(env)), wrapped(jail, [python, "-c", "pass"], where, env)),
    }
    times: dict[str, list[float]] = {f"{name} {how}": [] for name in pairs for how in ("direct", "jailed")}
    builds: list[float] = []

    def timed(argv: Sequence[str], environment: Mapping[str, str]) -> float:
        began = time.perf_counter()
        done = subprocess.run(list(argv), cwd=where, env=dict(environment), capture_output=True, check=False)
        spent = time.perf_counter() - began
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv[:3])} ... exited {done.returncode}: {done.stderr.decode()[-600:]}")
        return spent

    for direct, jailed in pairs.values():  # the page cache warmed
        timed(*direct)
        timed(*jailed)
    for number in range(runs):
        for name, (direct, jailed) in pairs.items():
            order = ((direct, "direct"), (jailed, "jailed"))
            for (argv, environment), how in order if number % 2 == 0 else reversed(order):
                times[f"{name} {how}"].append(timed(argv, environment))
        began = time.perf_counter()
        wrapped(jail, [python, "-c", "pass"], where, env)
        builds.append(time.perf_counter() - began)
    median = {key: statistics.median(values) for key, values in times.items()}
    return Micro(
        runs, median["true direct"], median["true jailed"], median["python direct"], median["python jailed"],
        statistics.median(builds) * 1000, len(pairs["python"][1][0]),
    )  # fmt: skip


def micro_lines(figures: Micro) -> list[str]:
    def one(label: str, direct: float, jailed: float) -> str:
        return (
            f"  {label:<16} direct {direct * 1000:7.1f} ms   jailed {jailed * 1000:7.1f} ms   "
            f"+{(jailed - direct) * 1000:6.1f} ms   x{jailed / direct:5.1f}"
        )

    return [
        f"  micro-figures (median of {figures.runs}, alternating):",
        one("true", figures.true_direct, figures.true_jailed),
        one("python -c pass", figures.python_direct, figures.python_jailed),
        f"  Jail.wrap builds the argv in {figures.build_ms:.1f} ms ({figures.argv_words} words)",
    ]


# ---------------------------------------------------------------------------------------------- the table


def quantile(values: Sequence[float], q: float) -> float | None:
    """The nearest-rank quantile (as bench/real_projects.py): None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _x(value: float | None) -> str:
    return "-" if value is None else f"x{value:.2f}"


def summary(cases: Sequence[Case]) -> dict[str, Any]:
    """The figures of a group of cases, as the table prints them (and --json writes them)."""
    asked = [case for case in cases if case.asked]
    jailed = [seconds for case in asked for seconds in case.jailed.seconds]
    unjailed = [seconds for case in asked for seconds in case.unjailed.seconds]
    ratios = [ratio for case in asked if (ratio := case.ratio()) is not None]
    median_jailed = statistics.median(jailed) if jailed else None
    median_unjailed = statistics.median(unjailed) if unjailed else None
    return {
        "cases": len(cases),
        "asked": len(asked),
        "agree": sum(case.agree for case in asked),
        "disagree": sum(not case.agree for case in cases),
        "verified_jailed": sum(case.jailed.verified for case in asked),
        "verified_unjailed": sum(case.unjailed.verified for case in asked),
        "median_jailed": median_jailed,
        "p90_jailed": quantile(jailed, 0.9),
        "median_unjailed": median_unjailed,
        "p90_unjailed": quantile(unjailed, 0.9),
        "ratio": median_jailed / median_unjailed if median_jailed and median_unjailed else None,
        "case_ratio": statistics.median(ratios) if ratios else None,
        "patches": len(jailed),
    }


def table(cases: Sequence[Case], projects: Sequence[str]) -> list[str]:
    header = (
        f"  {'project':<17}{'cases':>6}{'model':>6}{'agree':>7}{'verif. jailed':>14}{'unjailed':>9}"
        f"{'median s jailed':>17}{'unjailed':>9}{'p90 jailed':>11}{'unjailed':>9}{'ratio':>7}{'per case':>9}"
    )
    lines = [header, "  " + "-" * (len(header) - 2)]

    def row(label: str, mine: Sequence[Case]) -> str:
        figures = summary(mine)
        agree = f"{figures['agree']}/{figures['asked']}"
        return (
            f"  {label:<17}{figures['cases']:>6}{figures['asked']:>6}{agree:>7}"
            f"{figures['verified_jailed']:>14}{figures['verified_unjailed']:>9}{_s(figures['median_jailed']):>17}"
            f"{_s(figures['median_unjailed']):>9}{_s(figures['p90_jailed']):>11}{_s(figures['p90_unjailed']):>9}"
            f"{_x(figures['ratio']):>7}{_x(figures['case_ratio']):>9}"
        )

    for name in projects:
        mine = [case for case in cases if case.project == name]
        if mine:
            lines.append(row(name, mine))
    lines.append("  " + "-" * (len(header) - 2))
    lines.append(row("all", cases))
    return lines


def case_line(case: Case) -> str:
    def said(side: Side) -> str:
        return f"{side.verdict} ({'/'.join(f'{s:.1f}' for s in side.seconds) or '-'} s; fix {side.wall:.0f} s)"

    mark = "" if case.agree else "  DISAGREE"
    return (
        f"  [{case.kind}] {case.project} {case.file}:{case.line}: {case.what}\n"
        f"      jailed: {said(case.jailed)}   unjailed: {said(case.unjailed)}{mark}"
    )


def disagreement(case: Case) -> str:
    lines = [case_line(case)]
    for side, label in ((case.jailed, "jailed"), (case.unjailed, "unjailed")):
        if side.error:
            lines.append(f"      {label} error: {side.error}")
        for status, detail in zip(side.statuses, side.details, strict=True):
            lines.append(f"      {label} {status}: {detail or '(no detail)'}")
    if case.kept:
        lines.append(f"      kept: {case.kept}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=12, help="chooses the sites and the typos (default 12)")
    parser.add_argument("--cases-per-kind", type=int, default=1, help="cases of each kind in each project (default 1)")
    parser.add_argument("--project", action="append", choices=[p.name for p in PROJECTS], help="only this project")
    parser.add_argument(
        "--kind", action="append", choices=KINDS, help=f"only this kind (default: {', '.join(DEFAULT_KINDS)})"
    )
    parser.add_argument("--jobs", type=int, default=2, help="cases run at once (default 2)")
    parser.add_argument("--timeout", type=float, default=CASE_TIMEOUT, help="seconds one `healer fix` may take")
    parser.add_argument("--micro-runs", type=int, default=30, help="runs of each micro-figure (default 30)")
    parser.add_argument("--verbose", action="store_true", help="a line for every case as it ends")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", type=Path, help="write the figures and every case to this file")
    parser.add_argument("--failures", type=Path, default=FAILURES, help=f"where disagreements are kept ({FAILURES})")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> list[Case]:
    args = parse_args(argv)
    projects = [project for project in PROJECTS if not args.project or project.name in args.project]
    kinds = [kind for kind in KINDS if kind in (args.kind or DEFAULT_KINDS)]
    state = Path(tempfile.mkdtemp(prefix="healer-bench-jail-"))
    env = bench_env(state)
    (state / "kb").mkdir()
    choice = choose(SandboxSettings(), env)
    jail = choice.jail
    binary = shutil.which("bwrap", path=env.get("PATH"))
    if jail is None and binary is None:
        raise SystemExit(f"bench/jail.py needs bubblewrap: {choice.problem}")
    per = f"{args.cases_per_kind} case(s) per kind and project"
    print(f"bench/jail.py: seed {args.seed}, {per}, kinds {', '.join(kinds)}; {args.jobs} at a time")
    if jail is None:
        # Measured anyway: what refuses is the case's verdict to report (every jailed patch unverified).
        print(f"  NOTE: healer's jail refuses to run here: {choice.problem}")
        jail = Jail(str(binary))
    bwrap = subprocess.run([jail.binary, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"  healer: {BIN / 'healer'}; jail: {bwrap} ({jail.binary})")
    began = time.perf_counter()
    bases = []
    for project in projects:
        bases.append(prepare(project, state, env))
        print(f"  {project.name:<17} prepared; the base passes `healer run`")
    figures = micro(jail, env, state / "micro", args.micro_runs)
    print("\n".join(micro_lines(figures)), flush=True)

    def progress(line: str) -> None:
        if args.verbose:
            print(line, flush=True)

    plan = Plan(args.seed, args.cases_per_kind, state / "cases", env, args.timeout, args.failures, progress, args.keep)
    groups = [(base, kind) for base in bases for kind in kinds]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        done = list(pool.map(lambda group: run_group(*group, plan), groups))
    cases = [case for found, _ in done for case in found]
    wall = time.perf_counter() - began
    skipped = sum(count for _, count in done)
    print()
    print("\n".join(table(cases, [project.name for project in projects])))
    unasked = [case for case in cases if not case.asked]
    print(f"  wall time {wall:.0f} s; {skipped} site(s) skipped (the pipeline stayed green, or no perfect reply)")
    if unasked:
        print(f"  no model patch in one run or both ({len(unasked)}: an error, or the model was not asked):")
        for case in unasked:
            print(case_line(case))
    short = [(b.project.name, k) for (b, k), (found, _) in zip(groups, done, strict=True) if len(found) < plan.wanted]
    if short:
        print("  fewer cases than asked: " + ", ".join(f"{name} {kind}" for name, kind in short))
    disagreeing = [case for case in cases if not case.agree]
    print(
        f"\n  disagreements: {len(disagreeing)}"
        + (f", kept under {args.failures / str(args.seed)}:" if disagreeing else "")
    )
    for case in disagreeing:
        print(disagreement(case))
    if args.json:
        document = {
            "seed": args.seed,
            "micro": asdict(figures),
            "total": summary(cases),
            "projects": {p.name: summary([c for c in cases if c.project == p.name]) for p in projects},
            "cases": [{**asdict(case), "agree": case.agree, "asked": case.asked} for case in cases],
        }
        args.json.write_text(json.dumps(document, indent=1))
    if args.keep:
        print(f"  kept: {state}")
    else:
        shutil.rmtree(state, ignore_errors=True)
    return cases


if __name__ == "__main__":
    main()
