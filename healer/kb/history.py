"""What the knowledge base says about the past: recent runs and fixes, statistics, full-text search.

Every query takes a `Store` and `repo` (None: every repository) and returns
typed rows (NamedTuples, JSON-ready through `_asdict`); front ends render
them. Stage statistics read running totals (a window over every run took
seconds at a million diagnostics); fix statistics read derived columns on
`patches`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from healer.kb.store import Store


def local_midnight(now: float | None = None) -> float:
    """The start of today, as a day's model spending is counted."""
    moment = time.localtime(time.time() if now is None else now)
    return time.mktime((moment.tm_year, moment.tm_mon, moment.tm_mday, 0, 0, 0, 0, 0, -1))


class RunRow(NamedTuple):
    id: int
    repo: str
    trigger: str
    snapshot: str
    tree: str | None
    started: float
    duration: float
    outcome: str
    failed_stages: tuple[str, ...]


class FixRow(NamedTuple):
    """A decision on a fix ("applied" for accepted, "undone", "rejected", "edited"), with the patch's title."""

    repo: str
    patch_id: str
    decision: str
    via: str
    time: float
    title: str | None
    origin: str | None
    stage: str | None


class StageStats(NamedTuple):
    stage: str
    runs: int
    passed: int
    failed: int
    success_rate: float | None
    recoveries: int
    mean_red_to_green: float | None


class FixCounts(NamedTuple):
    proposed: int
    verified: int
    accepted: int
    undone: int
    false_fix_rate: float | None


class OriginFixes(NamedTuple):
    """The fix counts of one origin: a rule id, a model, a replayed patch."""

    origin: str
    proposed: int
    verified: int
    accepted: int
    undone: int
    false_fix_rate: float | None


class FixStats(NamedTuple):
    total: FixCounts
    by_rule: tuple[OriginFixes, ...]
    by_model: tuple[OriginFixes, ...]
    replayed: tuple[OriginFixes, ...]
    by_agent: tuple[OriginFixes, ...] = ()
    """Per agent CLI (origin: the agent's name); their time and cost are in the model calls, as `agent:NAME`."""


@dataclass(frozen=True)
class FlakyTest:
    """(A dataclass: a NamedTuple cannot have a field called `count`.)"""

    repo: str
    stage: str
    node_id: str
    count: int
    last_seen: float
    message: str


class ModelUsage(NamedTuple):
    model: str
    calls: int
    cached: int
    cost: float | None
    prompt_tokens: int
    completion_tokens: int
    failed_calls: int
    mean_latency: float | None


class ModelCost(NamedTuple):
    calls: int
    cached: int
    failed_calls: int
    cost: float
    cost_today_all_repos: float | None
    prompt_tokens: int
    completion_tokens: int
    by_model: tuple[ModelUsage, ...]


class Stats(NamedTuple):
    stages: tuple[StageStats, ...]
    fixes: FixStats
    flaky: tuple[FlakyTest, ...]
    model: ModelCost


class RecentActivity(NamedTuple):
    runs: tuple[RunRow, ...]
    fixes: tuple[FixRow, ...]
    stats: Stats


class DiagnosticHit(NamedTuple):
    repo: str
    time: float
    stage: str
    tool: str
    code: str | None
    file: str | None
    line: int | None
    message: str
    fingerprint: str


class PatchHit(NamedTuple):
    repo: str
    patch_id: str
    time: float
    title: str
    origin: str
    status: str | None
    accepted: bool


class SearchHits(NamedTuple):
    diagnostics: tuple[DiagnosticHit, ...]
    patches: tuple[PatchHit, ...]


class PastDecision(NamedTuple):
    """A fix of one failure that someone decided on, with the last decision."""

    repo: str
    patch_id: str
    title: str | None
    source: str
    origin: str
    status: str | None
    decision: str
    via: str
    time: float


class FailureHistory(NamedTuple):
    runs: int
    """Runs that reported the failure (the current one included)."""
    repos: int
    first_seen: float | None
    last_seen: float | None
    proposed: int
    """Patches ever proposed for it."""
    fixes: tuple[PastDecision, ...]
    """Patches for it that were decided on, newest first."""


def _repo_filter(repo: str | None, column: str = "repo", glue: str = "WHERE") -> tuple[str, tuple[Any, ...]]:
    return (f" {glue} {column} = ?", (repo,)) if repo is not None else ("", ())


def _decision(name: str) -> str:
    return "applied" if name == "accepted" else name


def recent_runs(store: Store, repo: str | None, limit: int) -> list[RunRow]:
    where, parameters = _repo_filter(repo)
    rows = store.conn.execute(
        "SELECT r.id, r.repo, r.trigger, r.snapshot, r.tree, r.started, r.duration, r.outcome,"
        " (SELECT group_concat(s.name, ' ') FROM run_stages s"
        "   WHERE s.run_id = r.id AND s.status IN ('failed', 'error'))"
        f" FROM (SELECT * FROM runs{where} ORDER BY started DESC LIMIT ?) r ORDER BY r.started DESC",
        (*parameters, limit),
    ).fetchall()
    return [
        RunRow(
            run_id,
            run_repo,
            trigger,
            snapshot,
            tree,
            started,
            duration,
            outcome,
            tuple(failed.split(" ")) if failed else (),
        )
        for run_id, run_repo, trigger, snapshot, tree, started, duration, outcome, failed in rows
    ]


def recent_fixes(store: Store, repo: str | None, limit: int) -> list[FixRow]:
    """Decisions on fixes (applied = accepted, undone, rejected, edited), newest first, with the patch's title."""
    where, parameters = _repo_filter(repo, "d.repo")
    rows = store.conn.execute(
        "SELECT d.repo, d.patch_id, d.decision, d.via, d.created, p.title, p.origin, p.stage"
        f" FROM decisions d LEFT JOIN patches p ON p.repo = d.repo AND p.patch_id = d.patch_id{where}"
        " ORDER BY d.created DESC LIMIT ?",
        (*parameters, limit),
    ).fetchall()
    return [FixRow(fix_repo, patch_id, _decision(decision), *rest) for fix_repo, patch_id, decision, *rest in rows]


def stage_stats(store: Store, repo: str | None) -> list[StageStats]:
    """Per stage: results, passes, failures, success rate, recoveries and the mean time from red to green.

    From the running totals `record_run` keeps; skipped and cancelled results say nothing about a stage's
    health and are not counted. With every repository, each stage name's totals are summed.
    """
    where, parameters = _repo_filter(repo)
    rows = store.conn.execute(
        "SELECT name, sum(runs), sum(passed), sum(failed), sum(recoveries), sum(red_to_green)"
        f" FROM stage_totals{where} GROUP BY name ORDER BY name",
        parameters,
    ).fetchall()
    found = []
    for name, runs, passed, failed, recoveries, red_to_green in rows:
        rate = passed / runs if runs else None
        mean = red_to_green / recoveries if recoveries else None
        found.append(StageStats(name, runs, passed, failed, rate, recoveries, mean))
    return found


def _fix_counts(proposed: int, verified: int, accepted: int, undone: int) -> FixCounts:
    return FixCounts(proposed, verified, accepted, undone, undone / accepted if accepted else None)


def fix_stats(store: Store, repo: str | None) -> FixStats:
    """Proposed, verified, accepted and undone patches: in all, by rule (origin) and by model."""
    where, parameters = _repo_filter(repo)
    rows = store.conn.execute(
        "SELECT source, origin, count(*), coalesce(sum(verified), 0), coalesce(sum(accepted_ever), 0),"
        f" coalesce(sum(undone_ever), 0) FROM patches{where} GROUP BY source, origin ORDER BY count(*) DESC, origin",
        parameters,
    ).fetchall()
    total = [0, 0, 0, 0]
    groups: dict[str, list[OriginFixes]] = {"rule": [], "model": [], "replay": [], "agent": []}
    for source, origin, *counts in rows:
        total = [a + b for a, b in zip(total, counts, strict=True)]
        entry = OriginFixes(origin, *_fix_counts(*counts))
        groups[source if source in ("model", "replay", "agent") else "rule"].append(entry)
    return FixStats(
        _fix_counts(*total),
        tuple(groups["rule"]),
        tuple(groups["model"]),
        tuple(groups["replay"]),
        tuple(groups["agent"]),
    )


def flaky_tests(store: Store, repo: str | None, limit: int = 20) -> list[FlakyTest]:
    where, parameters = _repo_filter(repo)
    rows = store.conn.execute(
        f"SELECT repo, stage, node_id, count, last_seen, message FROM flaky{where}"
        " ORDER BY count DESC, last_seen DESC LIMIT ?",
        (*parameters, limit),
    ).fetchall()
    return [FlakyTest(*row) for row in rows]


def model_cost(store: Store, repo: str | None, *, since_midnight: float | None = None) -> ModelCost:
    """Model calls per model: requests made (answered or failed), replies served from the cache, tokens, dollars."""
    where, parameters = _repo_filter(repo)
    rows = store.conn.execute(
        "SELECT model, sum(1 - cached), sum(cached), sum(cost), sum(CASE WHEN cached THEN 0 ELSE prompt_tokens END),"
        " sum(CASE WHEN cached THEN 0 ELSE completion_tokens END), sum(1 - ok), avg(CASE WHEN cached THEN NULL"
        f" ELSE latency END) FROM model_calls{where} GROUP BY model ORDER BY model",
        parameters,
    ).fetchall()
    models = tuple(
        ModelUsage(model, calls, cached, cost, prompt, completion, failed, latency)
        for model, calls, cached, cost, prompt, completion, failed, latency in rows
    )
    today = None if since_midnight is None else store.model_spending(since_midnight)
    return ModelCost(
        calls=sum(m.calls for m in models),
        cached=sum(m.cached for m in models),
        failed_calls=sum(m.failed_calls for m in models),
        cost=sum((m.cost or 0.0 for m in models), 0.0),
        cost_today_all_repos=today,
        prompt_tokens=sum(m.prompt_tokens for m in models),
        completion_tokens=sum(m.completion_tokens for m in models),
        by_model=models,
    )


def stats(store: Store, repo: str | None) -> Stats:
    return Stats(
        stages=tuple(stage_stats(store, repo)),
        fixes=fix_stats(store, repo),
        flaky=tuple(flaky_tests(store, repo)),
        model=model_cost(store, repo, since_midnight=local_midnight()),
    )


def recent_activity(store: Store, repo: str | None, limit: int) -> RecentActivity:
    """What `healer history` and `healer stats` show together (the terminal UI's history screen)."""
    runs, fixes = recent_runs(store, repo, limit), recent_fixes(store, repo, limit)
    return RecentActivity(tuple(runs), tuple(fixes), stats(store, repo))


def fts_query(text: str) -> str:
    """Each word of `text` as a quoted FTS5 phrase, all required: `os.path` and `F401` mean themselves."""
    words = text.split()
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def search(store: Store, text: str, limit: int) -> SearchHits:
    """Diagnostics (message, file, code, tool) and patches (title, diff) matching every word of `text`."""
    query = fts_query(text)
    if not query:
        return SearchHits((), ())
    diagnostics = store.conn.execute(
        "SELECT r.repo, r.started, d.stage, d.tool, d.code, d.file, d.line, d.message, d.fingerprint"
        " FROM (SELECT rowid, rank FROM diagnostics_fts WHERE diagnostics_fts MATCH ? ORDER BY rank LIMIT ?) f"
        " JOIN diagnostics d ON d.id = f.rowid JOIN runs r ON r.id = d.run_id ORDER BY f.rank",
        (query, limit),
    ).fetchall()
    patches = store.conn.execute(
        "SELECT p.repo, p.patch_id, p.created, p.title, p.origin, p.status, p.accepted IS NOT NULL"
        " FROM (SELECT rowid, rank FROM patches_fts WHERE patches_fts MATCH ? ORDER BY rank LIMIT ?) f"
        " JOIN patches p ON p.id = f.rowid ORDER BY f.rank",
        (query, limit),
    ).fetchall()
    return SearchHits(
        tuple(DiagnosticHit(*row) for row in diagnostics),
        tuple(
            PatchHit(repo, patch_id, created, title, origin, status, bool(accepted))
            for repo, patch_id, created, title, origin, status, accepted in patches
        ),
    )


def fingerprint_history(store: Store, fingerprint: str, limit: int = 5) -> FailureHistory:
    """What the knowledge base knows of one failure, in every repository: when it was seen, how it was fixed."""
    runs, repos, first, last = store.conn.execute(
        "SELECT count(DISTINCT d.run_id), count(DISTINCT r.repo), min(r.started), max(r.started)"
        " FROM diagnostics d JOIN runs r ON r.id = d.run_id WHERE d.fingerprint = ?",
        (fingerprint,),
    ).fetchone()
    rows = store.conn.execute(
        "SELECT p.repo, p.patch_id, p.title, p.source, p.origin, p.status, d.decision, d.via, d.created"
        " FROM patch_fingerprints f JOIN patches p ON p.repo = f.repo AND p.patch_id = f.patch_id"
        " JOIN decisions d ON d.id = (SELECT id FROM decisions WHERE repo = p.repo AND patch_id = p.patch_id"
        "   ORDER BY created DESC, id DESC LIMIT 1)"
        " WHERE f.fingerprint = ? ORDER BY d.created DESC LIMIT ?",
        (fingerprint, limit),
    ).fetchall()
    proposed = store.conn.execute(
        "SELECT count(*) FROM patch_fingerprints WHERE fingerprint = ?", (fingerprint,)
    ).fetchone()[0]
    fixes = tuple(
        PastDecision(repo, patch_id, title, source, origin, status, _decision(decision), via, created)
        for repo, patch_id, title, source, origin, status, decision, via, created in rows
    )
    return FailureHistory(runs, repos, first, last, proposed, fixes)
