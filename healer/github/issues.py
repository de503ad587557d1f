"""Escalation: one GitHub issue per failure that no fixer could settle, found again by its fingerprint.

Each issue carries hidden markers with the failure's fingerprint and its
stage, and the `healer` label; a run lists the labelled issues (open and
closed), so a failure already escalated updates its issue (or reopens it)
instead of opening another. An open issue whose failure is gone from a run in
which its stage ran and passed is closed: a stage that did not run, or failed
for other reasons, says nothing about it.

Everything sent is redacted first (as a model's prompt is) and bounded: the
logs of CI are public on public repositories, but a secret echoed into one is
not made more public by healer.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from healer.diagnostics.diagnostic import Diagnostic
from healer.github.api import GitHub, GitHubError
from healer.github.repository import Repo
from healer.llm.redaction import redact

LABEL = "healer"
LABEL_COLOR = "d93f0b"
LABEL_DESCRIPTION = "A failure healer could not fix: it needs a person"
MAX_LISTED = 5000
MAX_TITLE = 200
MAX_MESSAGE = 4000
MAX_ATTEMPTS = 20
MAX_ATTEMPT = 500
MAX_EXCERPT = 15_000
MAX_EXCERPT_LINES = 150
MAX_BODY = 60_000
"""GitHub refuses bodies over 65,536 characters."""

_FINGERPRINT = re.compile(r"<!-- healer:fingerprint=([^\s>]+) -->")
_STAGE = re.compile(r"<!-- healer:stage=([^\s>]+) -->")
_UNSAFE = re.compile(r"[^A-Za-z0-9._:/+=@-]")

Action = Literal["opened", "updated", "reopened", "closed"]


@dataclass(frozen=True)
class Attempt:
    """One fix tried for the failure, and why it did not settle it."""

    fixer: str
    """Who proposed it: "rule python.remove-unused-import", "replay 3f2a...", "model gpt-4.1"."""
    why: str
    """Why it failed: "verification: tests still fail", "no candidate", "declined by policy"."""


@dataclass(frozen=True)
class Escalation:
    """A failure no fixer could settle, as its issue shows it."""

    fingerprint: str
    stage: str
    tool: str
    file: str | None
    line: int | None
    code: str | None
    message: str
    attempts: tuple[Attempt, ...] = ()
    excerpt: str = ""
    """The CI log around the failure (the stage's output)."""

    @classmethod
    def of(cls, diagnostic: Diagnostic, attempts: Sequence[Attempt] = (), excerpt: str = "") -> Escalation:
        return cls(
            diagnostic.fingerprint, diagnostic.stage, diagnostic.tool, diagnostic.file, diagnostic.line,
            diagnostic.code, diagnostic.message, tuple(attempts), excerpt,
        )  # fmt: skip


@dataclass(frozen=True)
class IssueAction:
    action: Action
    fingerprint: str
    number: int
    url: str | None


@dataclass(frozen=True)
class EscalationOutcome:
    """What `escalate` did; `error` is one line when GitHub refused, after the actions that had succeeded."""

    actions: tuple[IssueAction, ...] = ()
    left_out: int = 0
    """Failures not escalated because the run had opened `limit` new issues already."""
    unlabelled: bool = False
    """The `healer` label neither existed nor could be created: new issues were opened without it."""
    error: str | None = None

    def count(self, action: Action) -> int:
        return sum(1 for done in self.actions if done.action == action)

    def summary(self) -> str:
        """One line for people: "issues: 2 opened, 1 updated, 1 closed; 3 more failures left out (limit 10)"."""
        done = [f"{self.count(a)} {a}" for a in ("opened", "updated", "reopened", "closed") if self.count(a)]
        line = "issues: " + (", ".join(done) if done else "nothing to do")
        if self.left_out:
            line += f"; {self.left_out} more failure{'s' if self.left_out != 1 else ''} not escalated (limit reached)"
        if self.error:
            line += f"; {self.error}"
        return line


@dataclass
class _Issue:
    number: int
    open: bool
    stage: str | None
    url: str | None


def escalate(
    client: GitHub,
    repo: Repo,
    unsettled: Sequence[Escalation],
    passing_stages: Collection[str],
    run_url: str | None,
    limit: int = 10,
) -> EscalationOutcome:
    """Open, update or reopen one issue per unsettled failure; close those whose failure is gone from a stage
    that ran and passed. At most `limit` new issues; GitHub's refusals come back as `error`, not raised."""
    actions: list[IssueAction] = []
    left_out = 0
    unlabelled = False
    run = f"[this run]({_redacted(run_url)})" if run_url else "this run"
    try:
        labelled, listed_by_label = _ensure_label(client, repo)
        unlabelled = not labelled
        known = _healer_issues(client, repo, by_label=listed_by_label)
        wanted: dict[str, Escalation] = {}
        for failure in unsettled:
            wanted.setdefault(_safe(failure.fingerprint), failure)
        opened = 0
        for fingerprint, failure in wanted.items():
            body = _body(failure, fingerprint, run_url)
            issue = known.get(fingerprint)
            if issue is None:
                if opened >= limit:
                    left_out += 1
                    continue
                payload: dict[str, Any] = {"title": _title(failure), "body": body}
                if labelled:
                    payload["labels"] = [LABEL]
                made = client.post(repo.path("issues"), payload, what="a new issue")
                opened += 1
                actions.append(IssueAction("opened", fingerprint, int(made["number"]), made.get("html_url")))
                continue
            # The body is healer's to rewrite; the title is left as it is, in case a person renamed the issue.
            if issue.open:
                # The body names the latest run; no comment, which would notify every watcher on every push.
                _edit(client, repo, issue.number, {"body": body})
                actions.append(IssueAction("updated", fingerprint, issue.number, issue.url))
            else:
                _edit(client, repo, issue.number, {"body": body, "state": "open"})
                _comment(client, repo, issue.number, f"Failing again in {run}: reopened.")
                actions.append(IssueAction("reopened", fingerprint, issue.number, issue.url))
        passed = {_safe(stage) for stage in passing_stages}  # as the markers spell stage names
        for fingerprint, issue in known.items():
            if not issue.open or fingerprint in wanted or issue.stage is None or issue.stage not in passed:
                continue
            _comment(client, repo, issue.number, f"Gone in {run}: the `{issue.stage}` stage passed. Closing.")
            _edit(client, repo, issue.number, {"state": "closed", "state_reason": "completed"})
            actions.append(IssueAction("closed", fingerprint, issue.number, issue.url))
    except GitHubError as error:
        return EscalationOutcome(tuple(actions), left_out, unlabelled, _refusal(error))
    return EscalationOutcome(tuple(actions), left_out, unlabelled)


def _refusal(error: GitHubError) -> str:
    text = str(error)
    if error.status == 403 and "rate limit" not in text:
        return "the token may not write issues (it needs issues: write)"
    return text


def _ensure_label(client: GitHub, repo: Repo) -> tuple[bool, bool]:
    """(the label can be put on issues, issues can be listed by it): a label created just now lists nothing
    yet, while issues opened without it by an earlier run may exist."""
    try:
        client.get(repo.path(f"labels/{LABEL}"), what="the healer label")
        return True, True
    except GitHubError as error:
        if error.status != 404:
            raise
    try:
        client.post(
            repo.path("labels"),
            {"name": LABEL, "color": LABEL_COLOR, "description": LABEL_DESCRIPTION},
            what="the healer label",
        )
        return True, False
    except GitHubError as error:
        if error.status == 403 and "rate limit" in str(error):
            raise
        return False, False  # proceed without: the markers alone still find the issues again


def _healer_issues(client: GitHub, repo: Repo, *, by_label: bool) -> dict[str, _Issue]:
    """Issues (not pull requests) with a fingerprint marker, one per fingerprint: an open one before a closed
    one, then the oldest (should two ever exist)."""
    params: dict[str, object] = {"state": "all", "sort": "created", "direction": "asc"}
    if by_label:
        params["labels"] = LABEL
    found: dict[str, _Issue] = {}
    for item in client.pages(repo.path("issues"), what="the repository's issues", params=params, limit=MAX_LISTED):
        if not isinstance(item, dict) or "pull_request" in item:
            continue  # the issues list holds pull requests too
        body = str(item.get("body") or "")
        marker = _FINGERPRINT.search(body)
        if marker is None:
            continue
        stage = _STAGE.search(body)
        issue = _Issue(
            int(item["number"]), item.get("state") == "open", stage[1] if stage else None, item.get("html_url")
        )
        earlier = found.get(marker[1])
        if earlier is None or (issue.open and not earlier.open):
            found[marker[1]] = issue
    return found


def _edit(client: GitHub, repo: Repo, number: int, payload: dict[str, Any]) -> None:
    client.patch(repo.path(f"issues/{number}"), payload, what=f"issue #{number}")


def _comment(client: GitHub, repo: Repo, number: int, text: str) -> None:
    client.post(repo.path(f"issues/{number}/comments"), {"body": _redacted(text)}, what=f"a comment on #{number}")


def _safe(text: str) -> str:
    """A marker's value: nothing that could end the HTML comment or hide in whitespace."""
    return _UNSAFE.sub("", text)[:200] or "-"


def _redacted(text: str | None) -> str:
    return redact(text).text if text else ""


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tail(text: str) -> str:
    """The end of a log, where the failure is: the last lines, at most so many characters."""
    lines = text.rstrip("\n").split("\n")
    cut = len(lines) > MAX_EXCERPT_LINES
    tail = "\n".join(lines[-MAX_EXCERPT_LINES:])
    if len(tail) > MAX_EXCERPT:
        tail, cut = tail[-MAX_EXCERPT:], True
    return ("…\n" if cut else "") + tail


def _fenced(text: str, info: str = "text") -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def _inline(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    return f"{ticks} {text} {ticks}" if longest else f"`{text}`"


def _where(failure: Escalation) -> str:
    if not failure.file:
        return ""
    return failure.file + (f":{failure.line}" if failure.line else "")


def _title(failure: Escalation) -> str:
    first = failure.message.strip().split("\n", 1)[0]
    head = " ".join(part for part in (failure.tool, failure.code or "") if part)
    where = _where(failure)
    text = f"healer: {head}" + (f" in {where}" if where else "") + (f": {first}" if first else "")
    return _bounded(_redacted(text), MAX_TITLE)


def _body(failure: Escalation, fingerprint: str, run_url: str | None) -> str:
    facts = [
        ("Stage", failure.stage),
        ("Tool", failure.tool),
        ("Where", _where(failure)),
        ("Code", failure.code or ""),
        ("Fingerprint", failure.fingerprint),
    ]
    parts = [
        f"<!-- healer:fingerprint={fingerprint} -->",
        f"<!-- healer:stage={_safe(failure.stage)} -->",
        f"**healer** could not fix this failure of the `{_safe(failure.stage)}` stage: it needs a person.",
        "",
        *(f"- **{name}**: {_inline(_bounded(_redacted(value), 300))}" for name, value in facts if value),
    ]
    if run_url:
        parts.append(f"- **Run**: {_redacted(run_url)}")
    parts += ["", _fenced(_bounded(_redacted(failure.message), MAX_MESSAGE)), "", "### What healer tried", ""]
    if failure.attempts:
        for attempt in failure.attempts[:MAX_ATTEMPTS]:
            line = _bounded(_redacted(f"{attempt.fixer}: {attempt.why}").replace("\n", " "), MAX_ATTEMPT)
            parts.append(f"- {line}")
        if len(failure.attempts) > MAX_ATTEMPTS:
            parts.append(f"- … and {len(failure.attempts) - MAX_ATTEMPTS} more")
    else:
        parts.append("No fixer had a fix to try.")
    if failure.excerpt.strip():
        # Redacted before it is cut, so that no cut can leave half a secret unrecognised.
        excerpt = _tail(_redacted(failure.excerpt))
        parts += ["", "<details><summary>CI log excerpt</summary>", "", _fenced(excerpt), "", "</details>"]
    parts += ["", "healer closes this issue when a run's `" + _safe(failure.stage) + "` stage passes without it."]
    return _bounded("\n".join(parts), MAX_BODY)
