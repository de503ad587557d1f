"""`healer ci pull`: a failed GitHub Actions run's failures brought here, mapped to the local stages that run
the same commands, rerun to see which reproduce, and (when asked) handed to the fix loop.

The steps: find the run (the branch's newest failed one, HEAD's commit's, or the one named), download
its failed jobs' logs, split them into steps (healer.github.logs), parse each failed step's output with
the parsers a local stage's output goes through, map the step to a stage (its exact command, then the
workflow step healer's own detection makes of it, then the tools it runs), rerun those stages with
`Healer.check` and classify each failure as reproduced, not reproduced (with why, and the CI log's end)
or unmapped (with why). The token never leaves the GitHub client.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Literal

from healer.config.settings import Stage
from healer.detect import github_actions
from healer.detect.candidate import Found
from healer.detect.commands import parser_for, tools_in
from healer.detect.names import slug
from healer.diagnostics.ansi import strip_ansi
from healer.diagnostics.diagnose import diagnose
from healer.diagnostics.diagnostic import Diagnostic
from healer.errors import HealerError
from healer.fixing.report import FixOptions, FixReport
from healer.github.logs import SETUP_TITLE, LogStep
from healer.github.repository import Repo
from healer.github.runs import (
    Connection,
    Job,
    JobLog,
    WorkflowRun,
    get_run,
    job_logs,
    jobs,
    latest_failed,
    parse_run,
    require_finished,
)
from healer.llm.redaction import redact
from healer.pipeline.result import RunResult, StageResult
from healer.reporter import Reporter
from healer.service import Healer
from healer.snapshot.git import git

Status = Literal["reproduced", "not-reproduced", "unmapped", "not-rerun"]
MatchedBy = Literal["command", "workflow step", "tool"]

EXCERPT_LINES = 30
EXCERPT_LINE_CHARS = 400
NOTHING_TO_FIX = "nothing reproduced here: nothing for the fix loop"
TRIGGER = "ci-pull"
"""What the knowledge base records as the local rerun's trigger."""

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CHECKOUT = re.compile(r"(?:/home/runner/work|/Users/runner/work|/__w)/([^/\s'\"]+)/\1(?=[/\s'\"]|$)")
_ENVIRONMENT = re.compile(
    r"command not found|No module named|ModuleNotFoundError|Network is unreachable|Connection (?:refused|reset)"
    r"|Could not resolve host|Temporary failure in name resolution|No space left on device|Killed|"
    r"Permission denied|ENOTFOUND|ECONNREFUSED|rate limit",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CiFailure:
    """One failed step of the run, what its log says, and what became of it here."""

    job: str
    job_id: int
    job_url: str
    step: str
    step_number: int | None
    command: str | None
    """The step's script as the log shows it (redacted); None for an action or the runner's own part."""
    uses: str | None
    exit_code: int | None
    diagnostics: tuple[Diagnostic, ...]
    """Its output parsed by healer's parsers (paths relative to the CI checkout)."""
    excerpt: tuple[str, ...]
    """The end of its output: bounded, without escape sequences, redacted."""
    output_lines: int
    stages: tuple[str, ...]
    """The local stages that run what it ran."""
    matched_by: MatchedBy | None
    status: Status
    reason: str


@dataclass(frozen=True)
class Pulled:
    """What the run's logs say, before anything ran here: its failed steps, each mapped to stages or not."""

    repo: str
    run: WorkflowRun | None
    """None when no failed run was found."""
    head: str | None
    failures: tuple[CiFailure, ...] = ()
    notes: tuple[str, ...] = ()
    log_source: str | None = None

    @property
    def stages(self) -> list[str]:
        """The stages the failures map to, each once, in the order the failures name them."""
        return list(dict.fromkeys(name for failure in self.failures for name in failure.stages))

    @property
    def same_commit(self) -> bool | None:
        if self.run is None or not self.head or not self.run.head_sha:
            return None
        return self.run.head_sha == self.head


@dataclass(frozen=True)
class PullResult(Pulled):
    local: RunResult | None = None
    """The rerun of the mapped stages (None with no rerun, or nothing mapped)."""
    fix: FixReport | None = None

    def count(self, status: Status) -> int:
        return sum(1 for failure in self.failures if failure.status == status)

    @property
    def outcome(self) -> Literal["nothing-failed", "reproduced", "not-reproduced", "interrupted"]:
        if (self.local is not None and self.local.interrupted) or (self.fix is not None and self.fix.interrupted):
            return "interrupted"
        if not self.failures:
            return "nothing-failed"
        return "reproduced" if self.count("reproduced") else "not-reproduced"

    @property
    def exit_code(self) -> int:
        outcome = self.outcome
        if outcome == "interrupted":
            return 130
        if outcome != "reproduced":
            return 0
        return self.fix.exit_code if self.fix is not None else 1


def pull(
    healer: Healer,
    connection: Connection,
    *,
    run: str | None = None,
    commit: bool = False,
    rerun: bool = True,
    fix: FixOptions | None = None,
    jobs_at_once: int | None = None,
    reporter: Reporter | None = None,
) -> PullResult:
    """The whole use case: `fetch`, then `reproduce`."""
    pulled = fetch(healer, connection, run=run, commit=commit)
    return reproduce(healer, pulled, rerun=rerun, fix=fix, jobs_at_once=jobs_at_once, reporter=reporter)


def fetch(healer: Healer, connection: Connection, *, run: str | None = None, commit: bool = False) -> Pulled:
    """The run (`run`: an id or URL; else the newest failed run of the branch, or of HEAD's commit with
    `commit`), its failed jobs' logs, and each failed step parsed and mapped to the local stages."""
    client, repo = connection.client, connection.repo
    root = healer.workspace.root
    head = _git_text(root, "rev-parse", "--verify", "-q", "HEAD")
    notes: list[str] = []
    job_id: int | None = None
    if run is not None:
        ref = parse_run(run, repo)
        job_id = ref.job_id
        found = get_run(client, repo, ref)
    else:
        branch = None if commit else _branch(root)
        if commit and not head:
            raise HealerError("this repository has no commit yet: --commit has nothing to look for")
        found_or_none = latest_failed(client, repo, branch=branch, head_sha=head if commit else None)
        if found_or_none is None:
            where = f"commit {head[:7]}" if commit and head else f"branch {branch}"
            return Pulled(repo.slug, None, head, notes=(f"no failed workflow run of {where} in {repo.slug}",))
        found = found_or_none
    require_finished(found)
    if head and found.head_sha and found.head_sha != head:
        notes.append(
            f"the run checked commit {found.head_sha[:7]} and HEAD is {head[:7]}: the local rerun checks the "
            "working tree as it is here"
        )
    all_jobs = jobs(client, repo, found, attempt=found.attempt if run is not None and found.attempt > 1 else None)
    if job_id is not None and not any(job.id == job_id for job in all_jobs):
        raise HealerError(f"run {found.id} has no job {job_id}")
    wanted = [job for job in all_jobs if job.failed and (job_id is None or job.id == job_id)]
    if not wanted:
        if found.failed:
            notes.append(f"run {found.id} failed ({found.conclusion}) but none of its jobs did: nothing to rerun")
        return Pulled(repo.slug, found, head, notes=tuple(notes))
    logs = job_logs(client, repo, found, wanted)
    stages = healer.workspace.config.stages
    workflow = github_actions.detect(root)
    failures = tuple(failure for log in logs for failure in _failures(log, repo, stages, workflow))
    source = ", ".join(sorted({log.source for log in logs})) or None
    return Pulled(repo.slug, found, head, failures, tuple(notes), source)


def reproduce(
    healer: Healer,
    pulled: Pulled,
    *,
    rerun: bool = True,
    fix: FixOptions | None = None,
    jobs_at_once: int | None = None,
    reporter: Reporter | None = None,
) -> PullResult:
    """The mapped stages rerun here (one check), each failure classified; with `fix`, the fix loop for the
    stages whose failures reproduced (its `stages` are replaced by those)."""
    names = pulled.stages
    notes = list(pulled.notes)
    local: RunResult | None = None
    if rerun and names:
        local = healer.check(stages=names, jobs=jobs_at_once, trigger=TRIGGER, reporter=reporter)
    failures = tuple(_classify(failure, local, pulled, rerun) for failure in pulled.failures)
    report: FixReport | None = None
    reproduced = list(dict.fromkeys(n for f in failures if f.status == "reproduced" for n in f.stages))
    if fix is not None and reproduced and local is not None and not local.interrupted:
        report = healer.fix(replace(fix, stages=tuple(reproduced)), reporter=reporter)
    elif fix is not None and failures and not reproduced:
        notes.append(NOTHING_TO_FIX)
    return PullResult(
        pulled.repo, pulled.run, pulled.head, failures, tuple(notes), pulled.log_source, local=local, fix=report
    )


# -- one job's failures ----------------------------------------------------------------------------------------


def _failures(log: JobLog, repo: Repo, stages: Sequence[Stage], workflow: Found) -> list[CiFailure]:
    job = log.job
    steps = [step for step in log.steps if step.failed and step.title not in (SETUP_TITLE, "Post job cleanup")]
    if not steps:
        steps = [step for step in log.steps if step.failed]
    api_steps = list(job.failed_steps)
    checkout = _checkout(log.text, repo)
    found: list[CiFailure] = []
    for index, step in enumerate(steps):
        named = next((s for s in api_steps if s.number == step.number), None) if step.number is not None else None
        if named is None and index < len(api_steps):
            named = api_steps[index]
        name = step.name or (named.name if named else f"Run {step.title}")
        number = step.number if step.number is not None else (named.number if named else None)
        found.append(_failure(job, step, name, number, stages, workflow, checkout))
    if not found:
        # The job failed outside any step the log shows as failing: set-up, a service container, a timeout.
        named = api_steps[0] if api_steps else None
        tail = LogStep(named.name if named else "the job", output=log.text)
        found.append(_failure(job, tail, tail.title, named.number if named else None, (), workflow, checkout))
    return found


def _failure(
    job: Job,
    step: LogStep,
    name: str,
    number: int | None,
    stages: Sequence[Stage],
    workflow: Found,
    checkout: PurePosixPath,
) -> CiFailure:
    matched, how, why = _map(step, name, stages, workflow)
    first = matched[0] if matched else None
    keys = tools_in(step.command) if step.command else frozenset()
    argv = first.argv() if first else _argv(step.command)
    cwd = checkout / first.cwd if first and first.cwd else checkout
    diagnostics = diagnose(
        stage=first.name if first else slug(name) or "ci", output=step.output, root=Path(checkout), cwd=Path(cwd),
        parser=first.parser if first and first.parser else parser_for(keys), argv=argv,
        exit_code=step.exit_code if step.exit_code not in (None, 0) else 1,
    )  # fmt: skip
    lines = strip_ansi(step.output).splitlines()
    excerpt = tuple(redact(clean_line(line, EXCERPT_LINE_CHARS)).text for line in lines[-EXCERPT_LINES:])
    return CiFailure(
        job=job.name, job_id=job.id, job_url=job.url, step=name, step_number=number,
        command=redact(step.command).text if step.command else None, uses=step.uses, exit_code=step.exit_code,
        diagnostics=tuple(d._replace(message=redact(d.message).text) for d in diagnostics), excerpt=excerpt,
        output_lines=len(lines), stages=tuple(stage.name for stage in matched), matched_by=how,
        status="unmapped" if not matched else "not-rerun", reason=why,
    )  # fmt: skip


# -- which local stage runs what the step ran -----------------------------------------------------------------


def _map(
    step: LogStep, name: str, stages: Sequence[Stage], workflow: Found
) -> tuple[list[Stage], MatchedBy | None, str]:
    """The stages that run what the step ran, how that was decided, and (when none) why not."""
    if step.command is None:
        if step.uses:
            return [], None, f"an action step ({step.uses}): healer reruns commands, not actions"
        return [], None, "the job failed outside its steps (set-up, a service, a timeout, a cancelled runner)"
    lines = _logical_lines(step.command)
    whole = _same("\n".join(lines))
    exact = [s for s in stages if _same(_script(s)) == whole]
    if not exact:
        single = {_same(line) for line in lines}
        exact = [s for s in stages if "\n" not in _script(s) and _same(_script(s)) in single]
    if exact:
        return exact, "command", ""
    candidates = [c for c in workflow.candidates if c.origin.endswith(f" step {name}")]
    for candidate in candidates:
        same = [s for s in stages if _same(_script(s)) == _same(_script(candidate.stage))]
        if same:
            return same, "workflow step", ""
    keys = tools_in(step.command) | {key for c in candidates for key in c.covers}
    by_tool = [s for s in stages if keys & tools_in(s.command_line())]
    if by_tool:
        return by_tool, "tool", ""
    note = next((n.split(f" step {name}: ", 1)[1] for n in workflow.notes if f" step {name}: " in n), None)
    shown = clean_line(lines[0] if lines else step.command, 120)
    if note is not None and not note.startswith(tuple(s.name for s in stages)):
        return [], None, f"`{shown}`: {note}"
    if keys:
        return [], None, f"no local stage runs `{shown}` or its tools ({', '.join(sorted(keys))})"
    return (
        [],
        None,
        (
            f"no local stage runs `{shown}`, and healer does not know what it runs "
            "(a stage with this command maps it; `healer init --from-ci` proposes the workflow's steps)"
        ),
    )


def _script(stage: Stage) -> str:
    # Detection makes a multi-line step into one shell stage beginning `set -e` (bash -e, as GitHub runs it).
    return stage.command_line().removeprefix("set -e\n")


def _same(text: str) -> str:
    """A command in one spelling: quoting and spacing as shlex reads them, lines kept apart."""
    lines = []
    for line in _logical_lines(text):
        try:
            lines.append(shlex.join(shlex.split(line)))
        except ValueError:
            lines.append(" ".join(line.split()))
    return "\n".join(lines)


def _logical_lines(script: str) -> list[str]:
    lines: list[str] = []
    pending = ""
    for raw in script.splitlines():
        line = raw.strip()
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        line, pending = (pending + line).strip(), ""
        if line and not line.startswith("#"):
            lines.append(line)
    if pending.strip():
        lines.append(pending.strip())
    return lines


def clean_line(text: str, limit: int) -> str:
    """One line of a CI log as plain text: no escape sequences or controls (a log must not drive the
    terminal it is shown on), at most `limit` characters."""
    line = _CONTROLS.sub("\ufffd", strip_ansi(text).replace("\n", " "))
    return line if len(line) <= limit else line[:limit] + "…"


def _argv(command: str | None) -> list[str]:
    lines = _logical_lines(command or "")
    try:
        return shlex.split(lines[-1]) if lines else []
    except ValueError:
        return lines[-1].split()


def _checkout(text: str, repo: Repo) -> PurePosixPath:
    """Where the job checked the repository out (paths a tool printed in CI are placed from there)."""
    match = _CHECKOUT.search(text[-4 * 1024 * 1024 :]) or _CHECKOUT.search(text[: 1024 * 1024])
    return PurePosixPath(match[0] if match else f"/home/runner/work/{repo.name}/{repo.name}")


# -- reproduced or not -------------------------------------------------------------------------------------------


def _classify(failure: CiFailure, local: RunResult | None, pulled: Pulled, rerun: bool) -> CiFailure:
    if failure.status == "unmapped":
        return failure
    if not rerun or local is None:
        return replace(failure, reason="not rerun here (--no-rerun)")
    results = {stage.name: stage for stage in local.stages}
    mine = [results[name] for name in failure.stages if name in results]
    failing = [stage for stage in mine if stage.status == "failed"]
    if failing:
        return replace(failure, status="reproduced", reason=_reproduced(failure, failing))
    why = _not_reproduced(failure, mine, pulled.run, pulled.head, local)
    return replace(failure, status="not-reproduced", reason=why)


def _reproduced(failure: CiFailure, failing: list[StageResult]) -> str:
    ci = {d.fingerprint for d in failure.diagnostics}
    here = {d.fingerprint for stage in failing for d in stage.diagnostics}
    names = ", ".join(stage.name for stage in failing)
    if ci and ci <= here:
        return f"{names} fails here with the same diagnostics"
    same = len(ci & here)
    if same:
        return f"{names} fails here; {same} of the CI log's {len(ci)} diagnostics are the same"
    return f"{names} fails here, with other diagnostics than the CI log's"


def _not_reproduced(
    failure: CiFailure, mine: list[StageResult], run: WorkflowRun | None, head: str | None, local: RunResult
) -> str:
    if local.interrupted:
        return "the local rerun was interrupted"
    broken = next((stage for stage in mine if stage.status == "error"), None)
    if broken is not None:
        return f"{broken.name} could not run here ({broken.reason or 'error'}): an environment difference"
    skipped = next((stage for stage in mine if stage.status == "skipped"), None)
    if skipped is not None and len(mine) == 1:
        return f"{skipped.name} was not run here ({skipped.reason or 'skipped'})"
    names = ", ".join(stage.name for stage in mine) or ", ".join(failure.stages)
    if run is not None and head and run.head_sha and run.head_sha != head:
        return (
            f"{names} passes here, on HEAD {head[:7]}; the run checked {run.head_sha[:7]}: fixed since, flaky, "
            "or an environment difference"
        )
    said = next((m[0] for line in reversed(failure.excerpt) if (m := _ENVIRONMENT.search(line))), None)
    if said is not None:
        return f"{names} passes here; the CI log says “{said}”: an environment difference"
    return f"{names} passes here on the same commit: flaky, or an environment difference (versions, services, secrets)"


# -- git ------------------------------------------------------------------------------------------------------------


def _git_text(root: Path, *args: str) -> str | None:
    out = git(args, root, check=False).decode("utf-8", "replace").strip()
    return out or None


def _branch(root: Path) -> str:
    name = _git_text(root, "symbolic-ref", "-q", "--short", "HEAD")
    if name is None:
        raise HealerError("HEAD is detached: name the run (healer ci pull RUN), or use --commit for HEAD's commit")
    return name
