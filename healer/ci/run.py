"""`healer ci`: the pipeline in a CI job, and what the job publishes about it.

The run itself is `Healer.check`; with `fix`, `Healer.suggest` proposes and
verifies fixes in copies (one round: the checkout is never changed), the
verified ones become a commit series (`artifact.build_series`) whose
format-patch file the front end writes, and only with `push` does that series
leave the runner. Suggestions, escalation and notifications go through the
GitHub and notify packages; each that fails becomes one notice, and the job's
exit code stays the run's, as `healer run` gives it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from healer.ci.artifact import IDENTITY, PatchSeries, build_series
from healer.ci.provider import CiJob
from healer.ci.publish import passing_stages, suggested_fixes, unsettled
from healer.errors import HealerError
from healer.fixers.candidate import Candidate
from healer.fixing.choose import choose
from healer.fixing.report import CacheMode, FixReport
from healer.github.api import GitHub
from healer.github.issues import EscalationOutcome, escalate
from healer.github.repository import Repo
from healer.github.reviews import ReviewOutcome, post_suggestions
from healer.github.token import NO_TOKEN, find_token
from healer.kb.history import recent_runs
from healer.notify.ci import ci_message, ci_notifier
from healer.pipeline.baseline import KnownBase, NewFindings, find_base
from healer.pipeline.result import RunResult
from healer.reporter import Reporter
from healer.service import Healer
from healer.snapshot.git import GitError, git
from healer.snapshot.snapshot import commit_snapshot

TRIGGER = "ci"
"""How the knowledge base records the job's check of the checkout (the next job's notification reads it)."""
PUSH_REMOTE = "origin"
"""Where actions/checkout leaves the job's credentials."""
DETAIL_LINES = 10


@dataclass(frozen=True)
class CiOptions:
    stages: tuple[str, ...] = ()
    jobs: int | None = None
    cache: CacheMode = "use"
    fix: bool = False
    suggest: bool = False
    push: bool = False
    escalate: bool = False
    rounds: int = 3
    """At most this many rounds of fixes, each on the ones before (a fix can uncover the next failure)."""
    offline: str | None = None
    """Why no model may be asked (rules and past fixes still propose), or None."""
    network: str | None = None
    """Why nothing may reach the network (--offline, HEALER_OFFLINE), or None."""
    new_only: bool = False
    """Only findings the base does not have fail the job (--new-only, or block = "new")."""
    base: str | None = None
    """--base: the commit whose findings are pre-existing (else a pull request's base)."""


@dataclass
class CiReport:
    job: CiJob
    run: RunResult
    """The check of the checkout: the job's exit code is its."""
    fixes: FixReport | None = None
    fixed_run: RunResult | None = None
    """With --fix: the check of the checkout with the published fixes, when there were any."""
    chosen: list[Candidate] = field(default_factory=list)
    """The verified fixes published (as the series, suggestions, a pushed commit), most resolving first."""
    series: PatchSeries | None = None
    review: ReviewOutcome | None = None
    """With --suggest on a pull request: the review posted (or why not)."""
    escalation: EscalationOutcome | None = None
    """With --escalate: the issues opened, updated, reopened and closed."""
    pushed: str | None = None
    """Where the series was pushed (`<sha> to <branch>`), when --push did."""
    notices: list[str] = field(default_factory=list)
    notifications: list[str] = field(default_factory=list)
    """One note per notification channel: sent, or why not."""
    findings: NewFindings | None = None
    """With --new-only, when the run failed: its findings split into new and pre-existing."""

    @property
    def exit_code(self) -> int:
        return self.run.exit_code if self.findings is None else self.findings.exit_code(self.run)


def _needs_github(options: CiOptions) -> list[str]:
    return [flag for flag, asked in (("--suggest", options.suggest), ("--escalate", options.escalate)) if asked]


def effective(options: CiOptions, job: CiJob) -> tuple[CiOptions, list[str]]:
    """The options this job can act on, and a notice for each it cannot: one workflow file serves pushes and
    pull requests, forks' too, so a flag that has nothing to act on here is said, not an error."""
    notices = []
    if options.suggest and job.pull is None:
        notices.append("--suggest: this job is not for a pull request, so no suggestions are posted")
        options = replace(options, suggest=False)
    elif options.suggest and job.fork:
        notices.append("--suggest: the pull request comes from a fork, whose token may only read; see the patch")
        options = replace(options, suggest=False)
    if options.push and job.fork:
        notices.append("--push: the pull request comes from a fork, whose token may only read; see the patch")
        options = replace(options, push=False)
    return options, notices


@dataclass(frozen=True)
class Prepared:
    """What `prepare` settled before anything runs."""

    options: CiOptions
    client: GitHub | None
    """The API client, when a flag needs GitHub."""
    environ: Mapping[str, str]
    """The job's environment (the notifications' password and URL variables are read from it)."""
    notices: tuple[str, ...] = ()


def prepare(options: CiOptions, job: CiJob, environ: Mapping[str, str], root: Path) -> Prepared:
    """Usage errors before anything runs (one line each), the flags this job can act on, the API client."""
    for flag, asked in (("--suggest", options.suggest), ("--push", options.push)):
        if asked and not options.fix:
            raise HealerError(f"{flag} goes with --fix: it publishes the verified fixes")
    if options.base is not None:
        if not options.new_only:
            raise HealerError('--base goes with --new-only (or block = "new" in [tool.healer]): it names the base')
        find_base(root, explicit=options.base)  # a --base that names no commit is said before anything runs
    options, notices = effective(options, job)
    return Prepared(options, _check(options, job, environ, root), environ, tuple(notices))


def _check(options: CiOptions, job: CiJob, environ: Mapping[str, str], root: Path) -> GitHub | None:
    remote = _needs_github(options) + (["--push"] if options.push else [])
    if remote and options.network:
        raise HealerError(f"{' and '.join(remote)} need the network, and {options.network}")
    if options.push:
        _check_push(job, root)
    if not _needs_github(options):
        return None
    if job.repo is None:
        raise HealerError(f"{_needs_github(options)[0]} needs the repository: set GITHUB_REPOSITORY=OWNER/NAME")
    token = find_token(environ)
    if token is None:
        raise HealerError(f"{_needs_github(options)[0]}: {NO_TOKEN}")
    return GitHub(token.value, job.api_url)


def run_ci(healer: Healer, job: CiJob, prepared: Prepared, *, reporter: Reporter | None = None) -> CiReport:
    """The CI job's run, with what `prepare` settled."""
    options = prepared.options
    failed_before = _last_failed(healer)
    if options.fix:
        report = _fix(healer, job, options, reporter)
    else:
        run = healer.check(stages=options.stages, jobs=options.jobs, cache=options.cache, trigger=TRIGGER,
                           reporter=reporter)  # fmt: skip
        report = CiReport(job, run)
    report.notices[:0] = prepared.notices
    if options.new_only and report.run.outcome == "failed" and report.findings is None:
        report.findings = _findings(healer, job, options, report.run)
    if report.findings is not None and not report.findings.compared:
        report.notices.append(f"no base to compare with ({report.findings.reason}): every finding blocks")
    if prepared.client is not None and job.repo is not None and not report.run.interrupted:
        _tell_github(prepared.client, job.repo, job, options, report, healer.workspace.root)
    if not report.run.interrupted:
        report.notifications = _notify(healer, job, report, prepared, failed_before=failed_before)
    return report


def _last_failed(healer: Healer) -> bool | None:
    """Whether the last CI job's check of this repository (as the cached knowledge base remembers) failed."""
    try:
        with healer.kb.connection() as store:
            if store is None:
                return None
            rows = recent_runs(store, str(healer.workspace.root), 50)
    except HealerError:
        return None
    return next((row.outcome == "failed" for row in rows if row.trigger == TRIGGER), None)


def _notify(
    healer: Healer, job: CiJob, report: CiReport, prepared: Prepared, *, failed_before: bool | None
) -> list[str]:
    """The webhook and mail of [tool.healer.notify]: when the job fails, and when it passes after a failure
    (a passing job after a passing one tells nobody anything new)."""
    settings = healer.workspace.config.notify
    failed = report.exit_code != 0  # with --new-only, pre-existing findings alone are no failure to tell
    if not failed and not failed_before:
        return []
    notifier = ci_notifier(settings, environ=prepared.environ, kb=healer.kb, repo=str(healer.workspace.root))
    if not notifier:
        return []
    if prepared.options.network:
        return [f"notifications not sent: {prepared.options.network}"]
    details = [" ".join(filter(None, (f"{d.location()}:", d.tool, d.code, d.message))) for d in report.run.diagnostics]
    message = ci_message(
        failed, [(result.name, result.status) for result in report.run.stages],
        [d.fingerprint for d in report.run.diagnostics], job.run_url,
        project=job.repo.slug if job.repo else None, details=details[:DETAIL_LINES],
    )  # fmt: skip
    return notifier.send(message)


def _tell_github(client: GitHub, repo: Repo, job: CiJob, options: CiOptions, report: CiReport, root: Path) -> None:
    """Suggestions and escalation; what GitHub refuses becomes a notice (the run's result stands)."""
    series = report.series
    if options.suggest and job.pull is not None and series is not None and series.tip is not None:
        fixes = suggested_fixes(root, series, report.chosen)
        commit = job.pull_head_sha or job.commit or series.base
        report.review = post_suggestions(client, repo, job.pull, commit, fixes)
        if report.review.error:
            report.notices.append(report.review.error)
    if options.escalate:
        failures = unsettled(report.run, report.fixed_run, report.fixes)
        report.escalation = escalate(client, repo, failures, passing_stages(report.run), job.run_url)
        if report.escalation.error:
            report.notices.append(report.escalation.error)


def _findings(healer: Healer, job: CiJob, options: CiOptions, run: RunResult) -> NewFindings:
    known = KnownBase(job.base_sha, "the pull request's base") if job.base_sha else None
    return healer.baseline(run, options.base, known=known, jobs=options.jobs, cache=options.cache)


def _fix(healer: Healer, job: CiJob, options: CiOptions, reporter: Reporter | None) -> CiReport:
    """Rounds of propose and verify: the first on the checkout, each next one on the fixes so far (a commit
    of the series, checked in a copy), until the pipeline passes there or nothing more is found."""
    root = healer.workspace.root
    began = time.monotonic()
    findings = only = None
    if options.new_only:
        # Only the new findings are fixed: the base's are compared first (the check is cached for suggest's).
        checked = healer.check(stages=options.stages, jobs=options.jobs, cache=options.cache, trigger=TRIGGER,
                               reporter=reporter, record="never")  # fmt: skip
        if checked.outcome == "failed":
            findings = _findings(healer, job, options, checked)
            only = findings.new_fingerprints() if findings.compared else None
    first = healer.suggest(stages=options.stages, offline=options.offline, jobs=options.jobs, cache=options.cache,
                           reporter=reporter, trigger=TRIGGER, only=only)  # fmt: skip
    report = CiReport(job, first.final, findings=findings)
    rounds = list(first.rounds)
    found = first
    base = job.commit if job.commit and _has_commit(root, job.commit) else "HEAD"
    for _ in range(options.rounds):
        chosen = choose([c for one in found.rounds for c in one.candidates], "all")
        if not chosen:
            break
        try:
            series = build_series(root, base, [c.patch for c in chosen], after=report.series)
        except GitError as error:
            report.notices.append(f"the fixes could not be made into commits: {error}")
            break
        laid = set(series.fixes) - set(report.series.fixes if report.series else ())
        taken = [c for c in chosen if c.id in laid]
        report.chosen += taken
        report.series = series
        # In CI "applied" means laid on the series: the checkout itself never changes.
        rounds[-1] = replace(rounds[-1], chosen=taken, applied=taken)
        if not laid or series.tip is None:
            break
        snapshot = commit_snapshot(root, series.tip, base, f"the checkout with {len(series.commits)} fix(es)")
        found = healer.suggest(snapshot, stages=options.stages, offline=options.offline, jobs=options.jobs,
                               cache=options.cache, reporter=reporter, trigger="ci-fix", only=only)  # fmt: skip
        report.fixed_run = found.final
        rounds += [replace(one, number=len(rounds) + 1) for one in found.rounds]
        if found.final.outcome != "failed" or (only is not None and not only & _fingerprints(found.final)):
            break  # passes, or (--new-only) no new finding is left
    final = report.fixed_run or first.final
    report.fixes = FixReport(rounds, final, time.monotonic() - began, first.offline,
                             model_usage=found.model_usage or first.model_usage)  # fmt: skip
    if report.series is not None:
        for fix_id, why in report.series.skipped:
            report.notices.append(f"fix {fix_id} left out of the patch file: {why}")
        if options.push and report.series.tip:
            report.pushed = _push(root, job, report.series, report.notices)
    return report


def _fingerprints(run: RunResult) -> set[str]:
    return {diagnostic.fingerprint for diagnostic in run.diagnostics}


def _has_commit(root: Path, sha: str) -> bool:
    return bool(git(["cat-file", "-t", sha], root, check=False).strip() == b"commit")


def _check_push(job: CiJob, root: Path) -> None:
    if not job.branch:
        raise HealerError("--push needs the branch the job checked out (GITHUB_HEAD_REF or GITHUB_REF_NAME)")
    head = git(["rev-parse", "HEAD"], root).decode().strip()
    if job.pull is not None and job.pull_head_sha and head != job.pull_head_sha:
        raise HealerError(
            "--push on a pull request needs the checkout of its head commit (actions/checkout with "
            "ref: ${{ github.event.pull_request.head.sha }}), not the merge commit"
        )


def _push(root: Path, job: CiJob, series: PatchSeries, notices: list[str]) -> str | None:
    """Push the series onto the job's branch, as a fast-forward of the commit the job checked (git refuses
    anything else: the branch moved since, and the fixes are in the patch file all the same)."""
    where = f"{series.tip}:refs/heads/{job.branch}"
    try:
        git(["push", "--porcelain", PUSH_REMOTE, where], root, env=IDENTITY)
    except GitError as error:
        notices.append(f"the fixes were not pushed to {job.branch}: {error}")
        return None
    return f"{series.tip} to {job.branch}"
