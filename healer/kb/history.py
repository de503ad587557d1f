"""What the knowledge base says about the past: recent runs and fixes, statistics, full-text search.

Every function takes a `Store` and `repo` (None: every repository) and returns plain dicts ready for
JSON; the commands render them. Stage statistics read running totals (a window over every run took
seconds at a million diagnostics); fix statistics read derived columns on `patches`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from healer.kb.store import Store


def _repo_filter(repo: str | None, column: str = "repo", glue: str = "WHERE") -> tuple[str, tuple[Any, ...]]:
    return (f" {glue} {column} = ?", (repo,)) if repo is not None else ("", ())


def recent_runs(store: Store, repo: str | None, limit: int) -> list[dict[str, Any]]:
    where, parameters = _repo_filter(repo)
    rows = store.conn.execute(
        "SELECT r.id, r.repo, r.trigger, r.snapshot, r.tree, r.started, r.duration, r.outcome,"
        " (SELECT group_concat(s.name, ' ') FROM run_stages s"
        "   WHERE s.run_id = r.id AND s.status IN ('failed', 'error'))"
        f" FROM (SELECT * FROM runs{where} ORDER BY started DESC LIMIT ?) r ORDER BY r.started DESC",
        (*parameters, limit),
    ).fetchall()
    return [
        {
            "id": run_id,
            "repo": run_repo,
            "trigger": trigger,
            "snapshot": snapshot,
            "tree": tree,
            "started": started,
            "duration": duration,
            "outcome": outcome,
            "failed_stages": failed.split(" ") if failed else [],
        }
        for run_id, run_repo, trigger, snapshot, tree, started, duration, outcome, failed in rows
    ]


def recent_fixes(store: Store, repo: str | None, limit: int) -> list[dict[str, Any]]:
    """Decisions on fixes (applied = accepted, undone, rejected, edited), newest first, with the patch's title."""
    where, parameters = _repo_filter(repo, "d.repo")
    rows = store.conn.execute(
        "SELECT d.repo, d.patch_id, d.decision, d.via, d.created, p.title, p.origin, p.stage"
        f" FROM decisions d LEFT JOIN patches p ON p.repo = d.repo AND p.patch_id = d.patch_id{where}"
        " ORDER BY d.created DESC LIMIT ?",
        (*parameters, limit),
    ).fetchall()
    return [
        {
            "repo": fix_repo,
            "patch_id": patch_id,
            "decision": "applied" if decision == "accepted" else decision,
            "via": via,
            "time": created,
            "title": title,
            "origin": origin,
            "stage": stage,
        }
        for fix_repo, patch_id, decision, via, created, title, origin, stage in rows
    ]


def stage_stats(store: Store, repo: str | None) -> list[dict[str, Any]]:
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
    return [
        {
            "stage": name,
            "runs": runs,
            "passed": passed,
            "failed": failed,
            "success_rate": passed / runs if runs else None,
            "recoveries": recoveries,
            "mean_red_to_green": red_to_green / recoveries if recoveries else None,
        }
        for name, runs, passed, failed, recoveries, red_to_green in rows
    ]


def _fix_counts(proposed: int, verified: int, accepted: int, undone: int) -> dict[str, Any]:
    return {
        "proposed": proposed,
        "verified": verified,
        "accepted": accepted,
        "undone": undone,
        "false_fix_rate": undone / accepted if accepted else None,
    }


def fix_stats(store: Store, repo: str | None) -> dict[str, Any]:
    """Proposed, verified, accepted and undone patches: in all, by rule (origin) and by model."""
    where, parameters = _repo_filter(repo)
    rows = store.conn.execute(
        "SELECT source, origin, count(*), coalesce(sum(verified), 0), coalesce(sum(accepted_ever), 0),"
        f" coalesce(sum(undone_ever), 0) FROM patches{where} GROUP BY source, origin ORDER BY count(*) DESC, origin",
        parameters,
    ).fetchall()
    total = [0, 0, 0, 0]
    by_rule: list[dict[str, Any]] = []
    by_model: list[dict[str, Any]] = []
    replayed: list[dict[str, Any]] = []
    for source, origin, *counts in rows:
        total = [a + b for a, b in zip(total, counts, strict=True)]
        entry = {"origin": origin, **_fix_counts(*counts)}
        (by_model if source == "model" else replayed if source == "replay" else by_rule).append(entry)
    return {"total": _fix_counts(*total), "by_rule": by_rule, "by_model": by_model, "replayed": replayed}


def flaky_tests(store: Store, repo: str | None, limit: int = 20) -> list[dict[str, Any]]:
    where, parameters = _repo_filter(repo)
    rows = store.conn.execute(
        f"SELECT repo, stage, node_id, count, last_seen, message FROM flaky{where}"
        " ORDER BY count DESC, last_seen DESC LIMIT ?",
        (*parameters, limit),
    ).fetchall()
    return [
        {"repo": r, "stage": stage, "node_id": node_id, "count": count, "last_seen": last_seen, "message": message}
        for r, stage, node_id, count, last_seen, message in rows
    ]


def model_cost(store: Store, repo: str | None, *, since_midnight: float | None = None) -> dict[str, Any]:
    """Model calls per model: requests made (answered or failed), replies served from the cache, tokens, dollars."""
    where, parameters = _repo_filter(repo)
    rows = store.conn.execute(
        "SELECT model, sum(1 - cached), sum(cached), sum(cost), sum(CASE WHEN cached THEN 0 ELSE prompt_tokens END),"
        " sum(CASE WHEN cached THEN 0 ELSE completion_tokens END), sum(1 - ok), avg(CASE WHEN cached THEN NULL"
        f" ELSE latency END) FROM model_calls{where} GROUP BY model ORDER BY model",
        parameters,
    ).fetchall()
    models = [
        {
            "model": model,
            "calls": calls,
            "cached": cached,
            "cost": cost,
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "failed_calls": failed,
            "mean_latency": latency,
        }
        for model, calls, cached, cost, prompt, completion, failed, latency in rows
    ]
    today = None
    if since_midnight is not None:
        today = store.model_spending(since_midnight)
    return {
        "calls": sum(m["calls"] for m in models),
        "cached": sum(m["cached"] for m in models),
        "failed_calls": sum(m["failed_calls"] for m in models),
        "cost": sum((m["cost"] or 0.0 for m in models), 0.0),
        "cost_today_all_repos": today,
        "prompt_tokens": sum(m["prompt_tokens"] for m in models),
        "completion_tokens": sum(m["completion_tokens"] for m in models),
        "by_model": models,
    }


def stats(store: Store, repo: str | None) -> dict[str, Any]:
    from healer.llm.budget import local_midnight

    return {
        "stages": stage_stats(store, repo),
        "fixes": fix_stats(store, repo),
        "flaky": flaky_tests(store, repo),
        "model": model_cost(store, repo, since_midnight=local_midnight()),
    }


def fts_query(text: str) -> str:
    """Each word of `text` as a quoted FTS5 phrase, all required: `os.path` and `F401` mean themselves."""
    words = text.split()
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def search(store: Store, text: str, limit: int) -> dict[str, list[dict[str, Any]]]:
    """Diagnostics (message, file, code, tool) and patches (title, diff) matching every word of `text`."""
    query = fts_query(text)
    if not query:
        return {"diagnostics": [], "patches": []}
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
    return {
        "diagnostics": [
            {
                "repo": repo,
                "time": started,
                "stage": stage,
                "tool": tool,
                "code": code,
                "file": file,
                "line": line,
                "message": message,
                "fingerprint": fingerprint,
            }
            for repo, started, stage, tool, code, file, line, message, fingerprint in diagnostics
        ],
        "patches": [
            {
                "repo": repo,
                "patch_id": patch_id,
                "time": created,
                "title": title,
                "origin": origin,
                "status": status,
                "accepted": bool(accepted),
            }
            for repo, patch_id, created, title, origin, status, accepted in patches
        ],
    }


def fingerprint_history(store: Store, fingerprint: str, limit: int = 5) -> dict[str, Any]:
    """What the knowledge base knows of one failure, in every repository: when it was seen, how it was fixed.

    `runs` counts the runs that reported it (the current one included); `fixes` are the patches that
    addressed it and were decided on, newest first, with the last decision (accepted, rejected, edited, undone).
    """
    seen = store.conn.execute(
        "SELECT count(DISTINCT d.run_id), count(DISTINCT r.repo), min(r.started), max(r.started)"
        " FROM diagnostics d JOIN runs r ON r.id = d.run_id WHERE d.fingerprint = ?",
        (fingerprint,),
    ).fetchone()
    runs, repos, first, last = seen
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
    return {
        "runs": runs,
        "repos": repos,
        "first_seen": first,
        "last_seen": last,
        "proposed": proposed,
        "fixes": [
            {
                "repo": repo,
                "patch_id": patch_id,
                "title": title,
                "source": source,
                "origin": origin,
                "status": status,
                "decision": "applied" if decision == "accepted" else decision,
                "via": via,
                "time": created,
            }
            for repo, patch_id, title, source, origin, status, decision, via, created in rows
        ],
    }
