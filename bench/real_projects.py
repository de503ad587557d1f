"""(r) Real projects: seeded breakages of five real libraries through `healer fix --offline --apply all`.

The libraries are the released sdists in bench/fixtures/real/ (README.md there: versions, licences,
checksums); nothing is fetched. Each is extracted into a temporary git repository with its own
identity and a `[tool.healer]` pipeline like its CI: `ruff check` with the project's own ruff
configuration plus F, E9 and W (or E4,E7,E9,F,W where it has none), and its test suite (pytest, or
`python -m unittest` for cachetools). Findings the linter already has in the release are silenced in
a setup commit with `ruff check --add-noqa` (counted and printed), and the base must pass `healer run`.

For each kind (bench/real_inject.py) every site in the project's real code is listed from the AST,
shuffled with the seed, and tried in that order until `--cases-per-kind` of them turn the pipeline
red (`healer run` on the broken tree; a site that stays green, or whose tests hang, is skipped). Each
case is a copy of the clean repository with the breakage committed (a clean tree, as a user's after
`git commit`), then:

- healer: `healer fix --offline --apply all --json` with a private knowledge base, timed, with a
  per-case limit (--timeout); then `healer run` judges it (bench/real_judge.py: healed, exact,
  different, wrong, untouched); then every applied fix is taken back with `healer undo`, and the tree
  must be byte for byte the broken one ("undo ok").
- the peer: the same broken case in a fresh copy, `ruff check --fix` with the same rule selection,
  judged the same way.

Columns: healed (exact: also byte-identical), diff (passes, means something else), part. (a
style-only fix applied, still red), wrong, as bench/real_judge.py defines them; "nothing" counts
unrepaired cases where no fix was proposed at all, "n/appl" those with proposals none of which was
applied (failed verification, refused); t/out, cases `healer fix` did not finish within --timeout;
"undo ok", applied cases whose `healer undo` gave back the broken tree byte for byte; median and
p90 of `healer fix`'s wall time. healer runs as the installed `healer` script beside this
Python (a user's command), never `python -m healer`, which would put the project's folder first on
healer's own import path (six is one of healer's indirect dependencies). Cases whose healer outcome
is not healed (for logic-flip: anything applied) are kept under /tmp/bench-real-fail/<seed>/ with
fix.json, fix.diff and judge.json.

Run: .venv/bin/python bench/real_projects.py [--seed 12] [--cases-per-kind 2] [--project NAME]
     [--kind NAME] [--jobs 2] [--verbose] [--keep] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from common import GIT_ENV
from real_inject import KINDS, RULE_FIXABLE, Breakage, Source, sites
from real_judge import judge

T = TypeVar("T")

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "real"
BIN = Path(os.path.abspath(sys.executable)).parent
FAILURES = Path("/tmp/bench-real-fail")
CASE_TIMEOUT = 300.0
STAGE_TIMEOUT = 60
TARGET_HEALED = 0.90
IGNORED = ("__pycache__/", "*.pyc", ".pytest_cache/", ".ruff_cache/", ".mypy_cache/", ".hypothesis/")
SKIPPED_FOLDERS = ("docs/", "documentation/")


@dataclass(frozen=True)
class Project:
    name: str
    archive: str
    shape: str
    tops: tuple[str, ...]
    """Top-level import names of the project's own code."""
    lint: str
    """ruff's rule selection on top of the project's configuration."""
    test: str
    parser: str
    tests: tuple[str, ...]
    """Path prefixes of the test code (test modules, conftest files)."""
    pythonpath: tuple[str, ...] = ()
    deps: tuple[tuple[str, str], ...] = ()
    """(archive, member folder) of dependencies put on the test stage's PYTHONPATH, outside the repository."""


PYTEST = "python -m pytest -q -p no:cacheprovider"
PROJECTS = (
    Project(
        "markupsafe", "markupsafe-3.0.4.tar.gz", "src layout", ("markupsafe",), "--extend-select F,E9,W",
        PYTEST, "pytest", ("tests/",), pythonpath=("src",),
    ),
    Project(
        "six", "six-1.17.0.tar.gz", "flat module", ("six",), "--select E4,E7,E9,F,W", PYTEST, "pytest",
        ("test_six.py",),
    ),
    Project(
        "jaraco.functools", "jaraco_functools-4.6.0.tar.gz", "namespace package", ("jaraco",),
        "--extend-select F,E9,W", PYTEST, "pytest", ("test_functools.py", "conftest.py"),
        deps=(("jaraco.classes-3.4.0.tar.gz", "jaraco"), ("more_itertools-11.2.1.tar.gz", "more_itertools")),
    ),
    Project(
        "cachetools", "cachetools-8.0.2.tar.gz", "src layout, unittest", ("cachetools",), "--extend-select F,E9,W",
        "python -m unittest", "unittest", ("tests/",), pythonpath=("src",),
    ),
    Project(
        "iniconfig", "iniconfig-2.3.1.tar.gz", "src layout, pytest imports it too", ("iniconfig",),
        "--extend-select F,E9,W", PYTEST, "pytest", ("testing/",), pythonpath=("src",),
    ),
    Project(
        "toolz", "toolz-1.2.0.tar.gz", "flat package, tests inside it", ("toolz", "tlz"), "--select E4,E7,E9,F,W",
        PYTEST, "pytest", ("toolz/tests/", "toolz/sandbox/tests/"),
    ),
)  # fmt: skip


# ---------------------------------------------------------------------------------------------- processes


@dataclass
class Run:
    code: int | None
    """None: the time limit ended it."""
    document: dict[str, Any] | None
    stderr: str
    wall: float


def run(argv: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float, *, json_out: bool = False) -> Run:
    """One command in its own process group, which is ended whole when the time limit passes."""
    began = time.perf_counter()
    process = subprocess.Popen(
        list(argv), cwd=cwd, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        text=True, start_new_session=True,
    )  # fmt: skip
    try:
        out, err = process.communicate(timeout=timeout)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        code = None
    wall = time.perf_counter() - began
    document = None
    if json_out:
        try:
            document = json.loads(out)
        except json.JSONDecodeError:
            document = None
    return Run(code, document, err if json_out else out + err, wall)


def healer(root: Path, env: Mapping[str, str], *args: str, timeout: float = CASE_TIMEOUT) -> Run:
    return run([str(BIN / "healer"), *args], root, env, timeout, json_out="--json" in args)


def git(root: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True).stdout


def tree(root: Path) -> dict[str, bytes]:
    """Every tracked file and every untracked one git does not ignore, with its bytes."""
    listed = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    found = {}
    for name in sorted(set(filter(None, listed))):
        path = root / name
        if path.is_file() and not path.is_symlink():
            found[name] = path.read_bytes()
    return found


def age(path: Path, seconds: float) -> None:
    """Older than the commit, and never the same second as another version of the file (stale bytecode)."""
    past = time.time() - seconds
    os.utime(path, (past, past), follow_symlinks=False)


# ---------------------------------------------------------------------------------------------- the bases


def healer_config(project: Project, deps: Path | None) -> str:
    path = [*project.pythonpath, *([str(deps)] if deps else [])]
    env = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **({"PYTHONPATH": os.pathsep.join(path)} if path else {})}
    env_toml = ", ".join(f"{key} = {json.dumps(value)}" for key, value in env.items())
    ruff = f"ruff check --no-cache {project.lint} ."
    return (
        "\n# Added by bench/real_projects.py: the checks this project's CI runs.\n"
        "[tool.healer.stages.lint]\n"
        f'run = "{ruff.replace("check", "check --no-fix", 1)}"\n'
        'kind = "lint"\n'
        f'fix = "{ruff.replace("check", "check --fix", 1)}"\n'
        'parser = "ruff"\n'
        f"timeout = {STAGE_TIMEOUT}\n\n"
        "[tool.healer.stages.test]\n"
        f'run = "{project.test}"\n'
        'kind = "test"\n'
        f'parser = "{project.parser}"\n'
        f"timeout = {STAGE_TIMEOUT}\n"
        f"env = {{ {env_toml} }}\n"
    )


def extract(archive: Path, into: Path) -> None:
    """The archive's single top folder's content into `into`."""
    with tarfile.open(archive) as tar:
        members = [member for member in tar.getmembers() if "/" in member.name.strip("/")]
        for member in members:
            member.name = member.name.split("/", 1)[1]
        tar.extractall(into, members=members, filter="data")


@dataclass
class Base:
    project: Project
    root: Path
    original: dict[str, bytes]
    silenced: int
    """Lines the setup commit marked `# noqa` (findings the release already has)."""
    sources: list[Source] = field(default_factory=list)


def prepare(project: Project, state: Path, env: Mapping[str, str]) -> Base:
    """The clean repository of a project: the release, its pipeline, its old findings silenced; it must pass."""
    root = state / "base" / project.name
    root.mkdir(parents=True)
    extract(FIXTURES / project.archive, root)
    deps = None
    if project.deps:
        deps = state / "deps" / project.name
        for archive, member in project.deps:
            unpacked = state / "deps" / "unpacked" / archive
            extract(FIXTURES / archive, unpacked)
            shutil.copytree(unpacked / member, deps / member, dirs_exist_ok=True)
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text() if pyproject.exists() else ""
    pyproject.write_text(text + healer_config(project, deps))
    git(root, "init", "-q", "-b", "main")
    (root / ".git" / "info" / "exclude").write_text("\n".join(IGNORED) + "\n")
    for path in root.rglob("*"):
        if ".git" not in path.relative_to(root).parts:
            age(path, 7200)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"{project.archive}: the release, with a healer pipeline")
    ruff = [str(BIN / "ruff"), "check", "--no-cache", *project.lint.split(), "--add-noqa", "."]
    added = run(ruff, root, env, 120)
    silenced = sum(int(word) for word in added.stderr.split() if word.isdigit()) if "noqa" in added.stderr else 0
    for name in git(root, "diff", "--name-only").split():
        age(root / name, 7200)
    if silenced:
        git(root, "commit", "-q", "-am", f"silence the {silenced} findings the release already has")
    probe = state / "probe" / project.name
    shutil.copytree(root, probe, symlinks=True)
    done = healer(probe, {**env, "HEALER_DB": str(state / "kb" / f"base-{project.name}.db")}, "run", "--json")
    if done.code != 0:
        stages = [(s["name"], s["status"], s.get("output_tail")) for s in (done.document or {}).get("stages", [])]
        raise SystemExit(f"{project.name}: the base does not pass its stages: {stages}\n{done.stderr[-3000:]}")
    shutil.rmtree(probe)
    base = Base(project, root, tree(root), silenced)
    for name, data in base.original.items():
        if name.endswith(".py") and not name.startswith(SKIPPED_FOLDERS) and name != "setup.py":
            source = Source.parse(name, data, name.startswith(project.tests) or "conftest" in name)
            if source is not None:
                base.sources.append(source)
    return base


# ---------------------------------------------------------------------------------------------- one case


@dataclass
class Record:
    project: str
    kind: str
    file: str
    line: int
    what: str
    before: str
    after: str
    verdict: str = "error"
    exact: bool = False
    timeout: bool = False
    proposed: int = 0
    applied: list[str] = field(default_factory=list)
    """`origin: title` of every applied patch."""
    patches: list[str] = field(default_factory=list)
    """`origin status: title (detail)` of every proposed patch."""
    saw: list[str] = field(default_factory=list)
    """The first failing check's diagnostics (stage tool code file:line message)."""
    errors: list[str] = field(default_factory=list)
    reason: str = ""
    seconds: float = 0.0
    undo: str = "-"
    """"ok", "FAILED: why", or "-" (nothing applied)."""
    peer: str = "error"
    peer_exact: bool = False
    peer_reason: str = ""
    kept: str = ""

    @property
    def failing(self) -> bool:
        if self.undo.startswith("FAILED"):
            return True
        if self.kind == "logic-flip":
            return self.verdict not in ("untouched", "healed") or self.timeout
        return self.verdict != "healed" or self.timeout

    def line_text(self) -> str:
        healed = "timeout" if self.timeout else self.verdict + (" exact" if self.exact else "")
        applied = "; ".join(self.applied) or "nothing applied"
        return (
            f"  [{self.kind}] {self.project} {self.file}:{self.line}: {self.what}\n"
            f"      {self.before!s}  ->  {self.after!s}\n"
            f"      healer: {healed} in {self.seconds:.1f} s ({self.proposed} proposed; {applied}); undo {self.undo};"
            f" peer: {self.peer}{' exact' if self.peer_exact else ''}"
            + (f"\n      why: {self.reason}" if self.reason and self.verdict != "healed" else "")
        )

    def repro(self) -> str:
        lines = [self.line_text()]
        lines += [f"      saw: {seen}" for seen in self.saw[:4]]
        lines += [f"      patch: {patch}" for patch in self.patches[:6]]
        lines += [f"      error: {error}" for error in self.errors[:3]]
        if self.kept:
            lines.append(f"      kept: {self.kept}")
        return "\n".join(lines)


def _diagnostics(run_document: Mapping[str, Any] | None) -> list[str]:
    found = []
    for stage in (run_document or {}).get("stages", []):
        if stage.get("status") == "passed":
            continue
        for item in stage.get("diagnostics", [])[:3]:
            message = " ".join(str(item.get("message", "")).split())[:160]
            found.append(
                f"{stage['name']} {item.get('tool')} {item.get('code') or ''} {item.get('file')}:{item.get('line')} "
                f"{message}" + (f" (suggests {item['suggestion']!r})" if item.get("suggestion") else "")
            )
        if not stage.get("diagnostics"):
            found.append(
                f"{stage['name']} {stage.get('status')} with no diagnostics: {str(stage.get('output_tail'))[-200:]!r}"
            )
    return found


def _red(done: Run) -> bool:
    """The broken tree fails a stage, and no stage ran out of time (a hang is another benchmark's subject)."""
    stages = (done.document or {}).get("stages", [])
    return done.code == 1 and not any(stage.get("timed_out") for stage in stages)


def break_into(base: Base, breakage: Breakage, root: Path) -> None:
    shutil.copytree(base.root, root, symlinks=True)
    target = root / breakage.file
    target.write_bytes(breakage.apply(base.original[breakage.file]))
    age(target, 1800)
    git(root, "commit", "-q", "-am", f"break: {breakage.what}")


def seeded_cases(
    base: Base,
    kinds: Sequence[str],
    seed: int,
    per_kind: int,
    cases: Path,
    run_case: Callable[[Breakage, Path], T | None],
) -> Iterator[T]:
    """Up to `per_kind` cases of each kind in `base`'s project, at its seeded sites in their seeded order: each
    in a folder of its own (removed after), `run_case` None when the breakage turned nothing red."""
    for kind in kinds:
        found = sites(kind, base.sources, base.project.tops, str(seed))
        random.Random(f"{seed}:{base.project.name}:{kind}").shuffle(found)
        made = 0
        for index, breakage in enumerate(found[: per_kind * 4 + 2]):
            if made == per_kind:
                break
            where = cases / f"{base.project.name}-{kind}-{index}"
            where.mkdir(parents=True)
            result = run_case(breakage, where)
            shutil.rmtree(where, ignore_errors=True)
            if result is not None:
                made += 1
                yield result


def read_fix(record: Record, document: Mapping[str, Any]) -> None:
    rounds = document.get("rounds", [])
    if rounds:
        record.saw = _diagnostics(rounds[0].get("run"))
    for one in rounds:
        applied = set(one.get("applied", []))
        for patch in one.get("patches", []):
            record.proposed += 1
            title = f"{patch.get('origin')}: {patch.get('title')}"
            detail = " ".join(str(patch.get("detail") or "").split())[:200]
            record.patches.append(f"{title} [{patch.get('status')}]" + (f" ({detail})" if detail else ""))
            if patch.get("id") in applied:
                record.applied.append(title)
        record.errors += [str(error)[:300] for error in one.get("errors", [])]


def undo_all(root: Path, env: Mapping[str, str], count: int, broken: Mapping[str, bytes]) -> str:
    """Every applied fix taken back, newest first; "ok" when the tree is the broken one again, byte for byte."""
    for _ in range(max(1, count)):
        done = healer(root, env, "undo", "--json", timeout=120)
        if done.code != 0:
            if tree(root) == broken:
                return "ok"
            return f"FAILED: healer undo exited {done.code}: {done.stderr.strip()[-300:]}"
        if tree(root) == broken:
            return "ok"
    now = tree(root)
    differ = sorted(name for name in set(now) | set(broken) if now.get(name) != broken.get(name))
    return f"FAILED: after {count} undo(s) these files differ from the broken tree: {differ}"


def run_case(base: Base, breakage: Breakage, where: Path, env: Mapping[str, str], timeout: float) -> Record | None:
    """One case, or None when the breakage does not turn the pipeline red."""
    original = base.original[breakage.file]
    before, after = breakage.before_after(original)
    record = Record(
        base.project.name, breakage.kind, breakage.file, breakage.line(original), breakage.what, before, after
    )
    mine = where / "healer"
    break_into(base, breakage, mine)
    check = healer(
        mine,
        {**env, "HEALER_DB": str(where / "precheck.db")},
        "run",
        "--no-cache",
        "--no-history",
        "--json",
        timeout=timeout,
    )
    if not _red(check):
        return None
    peer = where / "peer"
    shutil.copytree(mine, peer, symlinks=True)
    broken = tree(mine)
    fix_env = {**env, "HEALER_DB": str(where / "kb.db")}
    fixed = healer(mine, fix_env, "fix", "--offline", "--apply", "all", "--json", timeout=timeout)
    record.seconds, record.timeout = fixed.wall, fixed.code is None
    if fixed.document is not None:
        read_fix(record, fixed.document)
        (where / "fix.json").write_text(json.dumps(fixed.document, indent=1))
    elif not record.timeout:
        record.errors.append(f"healer fix printed no JSON (exit {fixed.code}): {fixed.stderr.strip()[-600:]}")
    if not record.saw:
        record.saw = _diagnostics(check.document)
    (where / "fix.diff").write_text(git(mine, "diff"))
    judged = healer(
        mine,
        {**env, "HEALER_DB": str(where / "judge.db")},
        "run",
        "--no-cache",
        "--no-history",
        "--json",
        timeout=timeout,
    )
    (where / "judge.json").write_text(json.dumps(judged.document, indent=1))
    verdict = judge(breakage.kind, base.original, broken, tree(mine), judged.code == 0, breakage.typo)
    record.verdict, record.exact, record.reason = verdict.verdict, verdict.exact, verdict.reason
    if verdict.verdict != "healed" and judged.code != 0:
        record.reason += "; still failing: " + " | ".join(_diagnostics(judged.document)[:3])
    if verdict.changed:
        record.undo = undo_all(mine, fix_env, len(record.applied), broken)
    ruff = [str(BIN / "ruff"), "check", "--fix", "--no-cache", *base.project.lint.split(), "."]
    run(ruff, peer, env, 120)
    peer_judged = healer(
        peer,
        {**env, "HEALER_DB": str(where / "peer.db")},
        "run",
        "--no-cache",
        "--no-history",
        "--json",
        timeout=timeout,
    )
    peer_verdict = judge(breakage.kind, base.original, broken, tree(peer), peer_judged.code == 0, breakage.typo)
    record.peer, record.peer_exact, record.peer_reason = peer_verdict.verdict, peer_verdict.exact, peer_verdict.reason
    return record


@dataclass(frozen=True)
class Plan:
    seed: int
    wanted: int
    """Cases of each kind in each project."""
    work: Path
    env: Mapping[str, str]
    timeout: float
    failures: Path
    progress: Callable[[str], None]


def run_group(base: Base, kind: str, plan: Plan) -> tuple[list[Record], int]:
    """The plan's cases of one kind in one project, the sites tried in the seed's order; and how many were skipped."""
    found = sites(kind, base.sources, base.project.tops, str(plan.seed))
    random.Random(f"{plan.seed}:{base.project.name}:{kind}").shuffle(found)
    records: list[Record] = []
    skipped = 0
    for index, breakage in enumerate(found[: plan.wanted * 4 + 2]):
        if len(records) == plan.wanted:
            break
        where = plan.work / f"{base.project.name}-{kind}-{index}"
        record = run_case(base, breakage, where, plan.env, plan.timeout)
        if record is None:
            skipped += 1
            shutil.rmtree(where, ignore_errors=True)
            continue
        if record.failing:
            kept = plan.failures / str(plan.seed) / where.name
            shutil.rmtree(kept, ignore_errors=True)
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(where, kept, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.db*"))
            record.kept = str(kept)
        records.append(record)
        plan.progress(record.line_text())
    return records, skipped


# ---------------------------------------------------------------------------------------------- the table


def quantile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


COUNTED = ("healed", "exact", "different", "partial", "wrong", "nothing", "n/appl", "timeout")


def counts(records: Sequence[Record]) -> dict[str, int]:
    found = {name: 0 for name in COUNTED}
    for record in records:
        if record.timeout:
            found["timeout"] += 1
            continue
        if record.verdict in ("healed", "different", "partial", "wrong"):
            found[record.verdict] += 1
        found["exact"] += record.exact
        if record.verdict in ("untouched", "green-untouched"):
            found["nothing" if record.proposed == 0 else "n/appl"] += 1
    return found


def table(records: Sequence[Record]) -> list[str]:
    header = (
        f"  {'kind':<23}{'cases':>6}{'healed':>7}{'exact':>6}{'diff':>5}{'part.':>6}{'wrong':>6}{'nothing':>8}"
        f"{'n/appl':>7}{'t/out':>6}{'undo ok':>8}{'median s':>9}{'p90 s':>7}   |{'peer healed':>12}{'wrong':>6}"
    )
    lines = [header, "  " + "-" * (len(header) - 2)]

    def row(label: str, mine: Sequence[Record]) -> str:
        found = counts(mine)
        undone = [record for record in mine if record.undo != "-"]
        undo_ok = sum(record.undo == "ok" for record in undone)
        times = [record.seconds for record in mine]
        peer_healed = sum(record.peer == "healed" for record in mine)
        peer_wrong = sum(record.peer == "wrong" for record in mine)
        return (
            f"  {label:<23}{len(mine):>6}{found['healed']:>7}{found['exact']:>6}{found['different']:>5}"
            f"{found['partial']:>6}{found['wrong']:>6}{found['nothing']:>8}{found['n/appl']:>7}{found['timeout']:>6}"
            f"{f'{undo_ok}/{len(undone)}':>8}{_seconds(statistics.median(times) if times else None):>9}"
            f"{_seconds(quantile(times, 0.9)):>7}   |{peer_healed:>12}{peer_wrong:>6}"
        )

    for kind in KINDS:
        mine = [record for record in records if record.kind == kind]
        if mine:
            lines.append(row(kind, mine))
    lines.append("  " + "-" * (len(header) - 2))
    lines.append(row("rule-fixable kinds", [record for record in records if record.kind in RULE_FIXABLE]))
    lines.append(row("all", records))
    return lines


def targets(records: Sequence[Record]) -> list[str]:
    fixable = [record for record in records if record.kind in RULE_FIXABLE]
    healed = sum(record.verdict == "healed" and not record.timeout for record in fixable)
    wrong = sum(record.verdict == "wrong" for record in records)
    partial = sum(record.verdict == "partial" for record in records)
    logic_wrong = sum(record.verdict == "wrong" for record in records if record.kind == "logic-flip")
    undone = [record for record in records if record.undo != "-"]
    undo_ok = sum(record.undo == "ok" for record in undone)
    share = healed / len(fixable) if fixable else 0.0

    def mark(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    return [
        f"  healed on the rule-fixable kinds: {healed}/{len(fixable)} = {share:.0%} (target >= {TARGET_HEALED:.0%}):"
        f" {mark(bool(fixable) and share >= TARGET_HEALED)}",
        f"  wrong fixes applied: {wrong} (target 0): {mark(wrong == 0)}",
        f"  and counting style-only fixes left red (partial) as wrong, as 'applied and still red' does:"
        f" {wrong + partial} (target 0): {mark(wrong + partial == 0)}",
        f"  logic flips given a wrong rule fix: {logic_wrong} (target 0): {mark(logic_wrong == 0)}",
        f"  undo byte for byte: {undo_ok}/{len(undone)} (target all): {mark(undo_ok == len(undone))}",
    ]


# ---------------------------------------------------------------------------------------------- main


def bench_env(state: Path) -> dict[str, str]:
    """A private HOME (healer's copies, no user ruff or git configuration), this Python's tools first on PATH."""
    env = {**os.environ, **GIT_ENV, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(state / "home")}
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", os.defpath)
    for name in ("PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV", "GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "HEALER_SKIP",
                 "SKIP", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "XDG_CACHE_HOME", "XDG_CONFIG_HOME",
                 "HEALER_COPIES", "HEALER_DB"):  # fmt: skip
        env.pop(name, None)
    (state / "home").mkdir(parents=True, exist_ok=True)
    return env


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=12, help="chooses the sites and the typos (default 12)")
    parser.add_argument("--cases-per-kind", type=int, default=3, help="cases of each kind in each project (default 3)")
    parser.add_argument("--project", action="append", choices=[p.name for p in PROJECTS], help="only this project")
    parser.add_argument("--kind", action="append", choices=KINDS, help="only this kind of breakage")
    parser.add_argument("--jobs", type=int, default=2, help="cases run at once (default 2)")
    parser.add_argument("--timeout", type=float, default=CASE_TIMEOUT, help="seconds one `healer fix` may take")
    parser.add_argument("--verbose", action="store_true", help="a line for every case as it ends")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder of every case")
    parser.add_argument("--json", type=Path, help="write every case's record to this file")
    parser.add_argument("--failures", type=Path, default=FAILURES, help=f"where failing cases are kept ({FAILURES})")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> list[Record]:
    args = parse_args(argv)
    projects = [project for project in PROJECTS if not args.project or project.name in args.project]
    kinds = [kind for kind in KINDS if not args.kind or kind in args.kind]
    state = Path(tempfile.mkdtemp(prefix="healer-bench-real-"))
    env = bench_env(state)
    (state / "kb").mkdir()
    per = f"{args.cases_per_kind} case(s) per kind and project"
    print(f"bench/real_projects.py: seed {args.seed}, {per}, {args.jobs} at a time")
    ruff = run([str(BIN / "ruff"), "--version"], state, env, 30).stderr.strip()
    print(f"  healer: {BIN / 'healer'} (the development install); {ruff}")
    began = time.perf_counter()
    bases = []
    for project in projects:
        base = prepare(project, state, env)
        bases.append(base)
        print(
            f"  {project.name:<17} {project.shape:<30} {len(base.sources):>3} Python files; setup silenced"
            f" {base.silenced} pre-existing ruff finding(s); the base passes `healer run`"
        )

    def progress(line: str) -> None:
        if args.verbose:
            print(line, flush=True)

    plan = Plan(args.seed, args.cases_per_kind, state / "cases", env, args.timeout, args.failures, progress)
    groups = [(base, kind) for base in bases for kind in kinds]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        done = list(pool.map(lambda group: run_group(*group, plan), groups))
    records = [record for found, _ in done for record in found]
    wall = time.perf_counter() - began
    short = [
        (base.project.name, kind)
        for (base, kind), (found, _) in zip(groups, done, strict=True)
        if len(found) < args.cases_per_kind
    ]
    skipped = sum(count for _, count in done)
    print()
    print("\n".join(table(records)))
    print("\n".join(targets(records)))
    print(f"  wall time {wall:.0f} s; {skipped} site(s) skipped because the pipeline stayed green or a stage hung")
    if short:
        print(
            "  fewer cases than asked (too few sites that turn the pipeline red): "
            + ", ".join(f"{name} {kind}" for name, kind in short)
        )
    failing = [record for record in records if record.failing]
    if failing:
        print(f"\n  failing cases ({len(failing)}), kept under {args.failures / str(args.seed)}:")
        for kind in KINDS:
            for record in (record for record in failing if record.kind == kind):
                print(record.repro())
    different_peer = [record for record in records if record.peer == "wrong"]
    if different_peer and args.verbose:
        print(f"\n  the peer's wrong results ({len(different_peer)}):")
        for record in different_peer:
            print(
                f"    [{record.kind}] {record.project} {record.file}:{record.line}: {record.what}: {record.peer_reason}"
            )
    if args.json:
        args.json.write_text(json.dumps([asdict(record) for record in records], indent=1))
    if args.keep:
        print(f"  kept: {state}")
    else:
        shutil.rmtree(state, ignore_errors=True)
    return records


if __name__ == "__main__":
    main()
