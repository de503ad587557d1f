"""The repair corpus: seeded breakages of small projects, run through the real `healer fix`, and judged.

tests/fixtures/repairs/ holds three base projects (each passes all its stages) and cases.toml,
one seeded breakage per case. A case is materialised into a fresh git repository (the base
committed, the breakage left in the working tree), `python -m healer fix --apply all --json` runs
there as a subprocess, and its JSON document (schema healer.fix/1) is classified for the case's
category:

- "fixed": a patch from one of the category's rules was verified and applied;
- "verified-not-applied": such a patch was verified, but another patch was applied in its place;
- "proposed-but-failed": the category's rules proposed patches, none verified (failed/unverifiable);
- "not-proposed": the category's rules proposed nothing;
- "reported": the category's rule reported the problem (conflict markers, a flaky test).

Shared by tests/fixing/test_repair_corpus.py and bench/repairs.py.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "repairs"
CASES_FILE = CORPUS / "cases.toml"
EXPECTATIONS = ("fixed", "reported", "not-fixed")
NOT_FIXED_OUTCOMES = ("proposed-but-failed", "not-proposed")
CLASSES = ("fixed", "verified-not-applied", "proposed-but-failed", "not-proposed", "reported")
TIMEOUT = 300.0


@dataclass(frozen=True)
class Category:
    """The rules (by id) whose patches or reports count for a category, and what a report is called."""

    rules: tuple[str, ...]
    report: str | None = None

    def owns(self, origin: str | None) -> bool:
        return origin is not None and origin in self.rules


CATEGORIES: dict[str, Category] = {
    "ruff-autofix": Category(("ruff.autofix", "ruff.autofix-unsafe")),
    "formatter": Category(("format.stage-fix", "ruff.format-file")),
    "add-import": Category(
        ("python.add-import", "python.add-import.mypy", "python.add-import.pyright", "python.add-import.runtime")
    ),
    "did-you-mean": Category(("python.did-you-mean", "python.did-you-mean.mypy", "python.did-you-mean.lint")),
    "add-dependency": Category(
        ("python.add-dependency", "python.add-dependency.mypy", "python.add-dependency.pyright")
    ),
    "add-init": Category(("python.add-init", "python.add-init.import-mismatch")),
    # ruff's own W291/W292 fix is the same repair as the whitespace action's; either counts.
    "whitespace": Category(
        ("whitespace.pycodestyle", "whitespace.message", "whitespace.pre-commit-hooks", "ruff.autofix")
    ),
    "syntax": Category(("syntax.missing-colon-or-bracket",)),
    "fixture-typo": Category(("python.fixture-typo",)),
    "conflict-markers": Category(("conflict.markers",), report="conflict-markers"),
    "flaky": Category(("pytest.flaky",), report="flaky"),
    "optional-return": Category(("mypy.optional-return",)),
}


@dataclass(frozen=True)
class Edit:
    file: str
    old: str | None = None
    new: str | None = None
    content: str | None = None
    delete: bool = False
    raw: bool = False


@dataclass(frozen=True)
class Case:
    id: str
    project: str
    category: str
    stage: str
    expect: str
    edits: tuple[Edit, ...]
    outcome: str | None = None
    """For expect = "not-fixed": the class that must result."""
    reason: str | None = None
    xfail: str | None = None
    same_second: bool = False
    """Break the files in the same second as the commit (see `age`)."""

    @property
    def expected_class(self) -> str:
        return self.outcome if self.expect == "not-fixed" and self.outcome else self.expect


@dataclass(frozen=True)
class Project:
    name: str
    description: str
    crlf: bool = False


def load_corpus(path: Path = CASES_FILE) -> tuple[dict[str, Project], list[Case]]:
    """The projects and cases of cases.toml, checked for the mistakes a hand-written table invites."""
    data = tomllib.loads(path.read_text())
    projects = {
        name: Project(name, table.get("description", ""), table.get("line-endings", "lf") == "crlf")
        for name, table in data["projects"].items()
    }
    cases = []
    for table in data["cases"]:
        edits = tuple(Edit(**edit) for edit in table.pop("edits"))
        case = Case(edits=edits, **table)
        problems = [
            problem
            for problem, bad in (
                (f"unknown project {case.project!r}", case.project not in projects),
                (f"unknown category {case.category!r}", case.category not in CATEGORIES),
                (f"unknown expectation {case.expect!r}", case.expect not in EXPECTATIONS),
                ("not-fixed needs an outcome and a reason", case.expect == "not-fixed" and not (
                    case.outcome in NOT_FIXED_OUTCOMES and case.reason)),
                ("no edits", not case.edits),
            )
            if bad
        ]  # fmt: skip
        if problems:
            raise ValueError(f"cases.toml: case {case.id}: {'; '.join(problems)}")
        cases.append(case)
    ids = [case.id for case in cases]
    if len(ids) != len(set(ids)):
        raise ValueError("cases.toml: duplicate case ids")
    return projects, cases


# ---------------------------------------------------------------------------------------------- materialising


def git(root: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, env=None if env is None else dict(env), capture_output=True, text=True, check=True
    )
    return done.stdout


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def copy_base(project: Project, root: Path) -> None:
    """The base project's files into `root` (gitignore becomes .gitignore), CRLF when the project says so."""
    base = CORPUS / project.name
    for source in sorted(base.rglob("*")):
        if not source.is_file() or "__pycache__" in source.parts or source.suffix == ".pyc":
            continue
        relative = source.relative_to(base)
        target = root / (".gitignore" if relative.as_posix() == "gitignore" else relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        target.write_bytes(_crlf(data) if project.crlf else data)


def apply_edit(root: Path, edit: Edit, crlf: bool) -> None:
    target = root / edit.file

    def encoded(text: str) -> bytes:
        data = text.encode()
        return _crlf(data) if crlf and not edit.raw else data

    if edit.delete:
        target.unlink()
    elif edit.content is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(encoded(edit.content))
    else:
        assert edit.old is not None and edit.new is not None, f"{edit.file}: an edit needs old and new, or content"
        data, old = target.read_bytes(), encoded(edit.old)
        if data.count(old) != 1:
            raise ValueError(f"{edit.file}: the snippet to replace occurs {data.count(old)} times, not once")
        target.write_bytes(data.replace(old, encoded(edit.new)))


def age(root: Path, seconds: float = 3600) -> None:
    """Date every file an hour back, as a project's files are when someone breaks one.

    A file edited within the same second as the commit that wrote the index (same size, same
    mtime second) is "racily clean" to anything that trusts the index's stat data; a person never
    edits that fast, so the base is aged unless the case asks for exactly that (`same_second`).
    """
    past = time.time() - seconds
    for path in root.rglob("*"):
        if ".git" not in path.relative_to(root).parts:
            os.utime(path, (past, past), follow_symlinks=False)


def materialise(case: Case, projects: Mapping[str, Project], root: Path, env: Mapping[str, str]) -> Path:
    """A git repository at `root` with the base project committed and the case's breakage in the working tree."""
    project = projects[case.project]
    root.mkdir(parents=True)
    copy_base(project, root)
    if not case.same_second:
        age(root)
    git(root, "init", "-q", "-b", "main", env=env)
    git(root, "add", "-A", env=env)
    git(root, "commit", "-q", "-m", f"{project.name}: base", env=env)
    for edit in case.edits:
        apply_edit(root, edit, project.crlf)
    return root


def base_repo(project: Project, root: Path, env: Mapping[str, str]) -> Path:
    """The base project alone, committed (to check that it passes every stage)."""
    root.mkdir(parents=True)
    copy_base(project, root)
    age(root)
    git(root, "init", "-q", "-b", "main", env=env)
    git(root, "add", "-A", env=env)
    git(root, "commit", "-q", "-m", f"{project.name}: base", env=env)
    return root


# ---------------------------------------------------------------------------------------------- running


def healer_env(base: Mapping[str, str], kb: Path, mypy_cache: Path | None) -> dict[str, str]:
    """The environment `healer fix` gets: the tools beside this Python on PATH, a private KB, a warm mypy cache.

    MYPY_CACHE_DIR points every mypy run (the check, and each verification in healer's isolated
    copies) at one cache, as a developer's would be warm; otherwise every fresh repository and every
    sandbox would pay mypy's cold start on the standard library.
    """
    env = dict(base)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", os.defpath)
    env["HEALER_DB"] = str(kb)
    if mypy_cache is not None:
        env["MYPY_CACHE_DIR"] = str(mypy_cache)
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "HEALER_SKIP", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER"):
        env.pop(name, None)
    return env


@dataclass
class Run:
    code: int
    document: dict[str, Any] | None
    stderr: str
    wall: float


def run_healer(root: Path, env: Mapping[str, str], *args: str, timeout: float = TIMEOUT) -> Run:
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "healer", *args],
        cwd=root,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - began
    try:
        document = json.loads(done.stdout) if "--json" in args else None
    except json.JSONDecodeError:
        document = None
    return Run(done.returncode, document, done.stderr, wall)


def run_fix(root: Path, env: Mapping[str, str]) -> Run:
    return run_healer(root, env, "fix", "--apply", "all", "--json")


# ---------------------------------------------------------------------------------------------- judging


@dataclass
class Outcome:
    case: Case
    klass: str
    exit_code: int
    wall: float
    statuses: list[str] = field(default_factory=list)
    """Status of each patch the category's rules proposed (every round)."""
    applied: list[str] = field(default_factory=list)
    """Rule ids of every applied patch."""
    notes: list[str] = field(default_factory=list)
    """"kind (rule)" of every note."""
    final_stages: dict[str, str] = field(default_factory=dict)
    final_outcome: str | None = None
    to_verified: float | None = None
    """Seconds from the failing check's end to the category's first verified patch."""
    overheads: list[tuple[float, float]] = field(default_factory=list)
    """Per verified candidate (any rule): (verification overhead, propose seconds per candidate)."""
    details: list[str] = field(default_factory=list)
    """What the category's patches that did not verify said, and errors."""
    problems: list[str] = field(default_factory=list)
    """Why the outcome does not match the case's expectation (empty: it does)."""
    stderr: str = ""

    def summary(self) -> str:
        lines = [
            f"case {self.case.id}: class {self.klass} (expected {self.case.expected_class}), exit {self.exit_code}",
            f"  patches of the category: {self.statuses or 'none'}; applied: {self.applied or 'none'}",
            f"  notes: {self.notes or 'none'}; final: {self.final_outcome} {self.final_stages}",
        ]
        lines += [f"  problem: {problem}" for problem in self.problems]
        lines += [f"  detail: {detail}" for detail in self.details[:6]]
        if self.stderr.strip():
            lines.append(f"  stderr: {self.stderr.strip()[-1500:]}")
        return "\n".join(lines)


def classify(case: Case, document: Mapping[str, Any]) -> Outcome:
    """The class of the outcome for the case's category, with the timings the document gives."""
    category = CATEGORIES[case.category]
    outcome = Outcome(case, "not-proposed", int(document.get("exit_code", -1)), 0.0)
    rounds: Sequence[Mapping[str, Any]] = document.get("rounds", [])
    reported = False
    verified_any = applied_mine = False
    elapsed = 0.0  # seconds since the first failing check ended, at the start of each round's proposing
    for number, one in enumerate(rounds):
        patches = one.get("patches", [])
        applied_ids = set(one.get("applied", []))
        propose = float(one.get("propose_seconds") or 0.0)
        # healer's own share of proposing: the rules' tools (ruff --fix, reruns of tests) are not overhead.
        own = max(0.0, propose - float(one.get("propose_tool_seconds") or 0.0))
        share = own / len(patches) if patches else 0.0
        for note in one.get("notes", []):
            outcome.notes.append(f"{note.get('kind')} ({note.get('rule')})")
            if category.report is not None and note.get("kind") == category.report and category.owns(note.get("rule")):
                reported = True
        for error in one.get("errors", []):
            outcome.details.append(f"round {one.get('number')} error: {error}")
        for patch in patches:
            verification = patch.get("verification") or {}
            seconds, tool = verification.get("seconds"), verification.get("tool_seconds")
            if seconds is not None and tool is not None:
                outcome.overheads.append((max(0.0, float(seconds) - float(tool)), share))
            if patch["id"] in applied_ids:
                outcome.applied.append(str(patch.get("origin")))
            if not category.owns(patch.get("origin")):
                continue
            outcome.statuses.append(str(patch["status"]))
            if patch["status"] == "verified":
                verified_any = True
                if outcome.to_verified is None and seconds is not None:
                    outcome.to_verified = elapsed + propose + float(seconds)
                applied_mine = applied_mine or patch["id"] in applied_ids
            else:
                outcome.details.append(
                    f"{patch.get('origin')} {patch['status']}: {patch.get('title')}: {patch.get('detail')}"
                )
        # The next round starts after this one's proposing and verifying, and the recheck after applying.
        elapsed += propose + float(one.get("verify_seconds") or 0.0)
        if number + 1 < len(rounds):
            elapsed += float((rounds[number + 1].get("run") or {}).get("duration") or 0.0)
    if reported:
        outcome.klass = "reported"
    elif applied_mine:
        outcome.klass = "fixed"
    elif verified_any:
        outcome.klass = "verified-not-applied"
    elif outcome.statuses:
        outcome.klass = "proposed-but-failed"
    final = document.get("final") or {}
    outcome.final_outcome = final.get("outcome")
    outcome.final_stages = {stage["name"]: stage["status"] for stage in final.get("stages", [])}
    return outcome


def broken_contents(case: Case, root: Path) -> dict[str, bytes | None]:
    """What each file the case edits holds right after the breakage."""
    return {edit.file: (root / edit.file).read_bytes() if (root / edit.file).exists() else None for edit in case.edits}


def judge(outcome: Outcome, before: Mapping[str, bytes | None], root: Path) -> None:
    """Fill `outcome.problems` with every way the outcome misses the case's expectation."""
    case = outcome.case
    problems = outcome.problems
    if outcome.klass != case.expected_class:
        problems.append(f"expected {case.expected_class}, got {outcome.klass}")
    if case.expect == "fixed":
        if outcome.final_stages.get(case.stage) != "passed":
            problems.append(f"stage {case.stage} is {outcome.final_stages.get(case.stage)} after the fix")
        if outcome.final_outcome != "passed":
            problems.append(f"the final check is {outcome.final_outcome}: {outcome.final_stages}")
    else:
        mine = [rule for rule in outcome.applied if CATEGORIES[case.category].owns(rule)]
        if mine:
            problems.append(f"applied a patch of the category although the case expects {case.expected_class}: {mine}")
    if case.expect == "reported":
        now = broken_contents(case, root)
        changed = [name for name, data in before.items() if now.get(name) != data]
        if changed:
            problems.append(f"reported problems must be left alone, but these files changed: {changed}")


def run_case(case: Case, projects: Mapping[str, Project], work: Path, env: Mapping[str, str]) -> Outcome:
    """Materialise the case under `work`, run `healer fix --apply all --json` there, classify and judge."""
    root = materialise(case, projects, work / case.id, env)
    before = broken_contents(case, root)
    run = run_fix(root, env)
    if run.document is None:
        outcome = Outcome(case, "error", run.code, run.wall, stderr=run.stderr)
        outcome.problems.append(f"healer fix printed no JSON document (exit {run.code})")
        return outcome
    outcome = classify(case, run.document)
    outcome.wall, outcome.stderr = run.wall, run.stderr
    judge(outcome, before, root)
    return outcome


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def cleanup(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
