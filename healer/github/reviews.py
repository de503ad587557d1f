"""Verified fixes as a pull-request review: GitHub "suggested changes" on the lines they change.

A hunk becomes a suggestion only where GitHub accepts a comment: on RIGHT-side
lines of one hunk of the pull request's own diff (a comment elsewhere is
refused with 422). Every other hunk goes into the review's body as a diff
block, so nothing verified is lost. Each fix carries a hidden marker with the
digest of its diff, in its comments and in the body: a rerun of CI finds the
fixes already posted and posts only new ones.

The diffs are parsed here rather than with unidiff: healer.github is standard
library only, and both diffs (healer's own, and GitHub's `patch` fields) are
plain hunks whose line counts say where each ends.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from healer.digest import new_digest
from healer.github.api import GitHub, GitHubError
from healer.github.repository import Repo

MARKER = "<!-- healer:fix={} -->"
REVIEW_MARKER = "<!-- healer:review -->"
MAX_BODY = 60_000
"""GitHub refuses bodies over 65,536 characters; the rest is room for the headings and markers."""
MAX_LISTED = 3000
"""GitHub lists at most 3,000 files of a pull request; comments and reviews are bounded the same way."""

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_FIX_MARKER = re.compile(r"<!-- healer:fix=([0-9a-f]{8,64}) -->")
_NO_NEWLINE = "\\"


@dataclass(frozen=True)
class SuggestedFix:
    """One verified fix to offer: an id (a patch id), a title for people, and its unified diff (a/ b/ paths)."""

    id: str
    title: str
    diff: str

    @property
    def digest(self) -> str:
        """16 hex digits of the diff: the same fix rerun gives the same digest, whatever its id."""
        digest = new_digest()
        digest.update(self.diff.encode("utf-8", errors="surrogateescape"))
        return digest.hexdigest()[:16]


@dataclass(frozen=True)
class ReviewOutcome:
    """What `post_suggestions` did; `error` is one line when it could post nothing (the patch file still has all)."""

    posted: bool = False
    url: str | None = None
    """The review's page on GitHub."""
    suggestions: int = 0
    """Hunks posted as suggested changes on the lines they change."""
    in_body: int = 0
    """Hunks posted as diff blocks in the review's body (outside the pull request's diff)."""
    fixes: tuple[str, ...] = ()
    """The ids of the fixes the review carries."""
    skipped: tuple[str, ...] = ()
    """The ids of fixes an earlier review already carries (a rerun of CI)."""
    fell_back: bool = False
    """GitHub refused the line comments (422), so every hunk went into the body."""
    error: str | None = None


@dataclass(frozen=True)
class _Hunk:
    old_start: int
    old_length: int
    new_start: int
    new_length: int
    lines: tuple[str, ...]
    """Diff lines without "\\n": " context", "-removed", "+added", "\\ No newline at end of file"."""

    @property
    def text(self) -> str:
        header = f"@@ -{self.old_start},{self.old_length} +{self.new_start},{self.new_length} @@"
        return "\n".join((header, *self.lines))


@dataclass(frozen=True)
class _FileDiff:
    path: str
    """The file as it is now (the fix's "a" side); empty when the fix creates it."""
    header: tuple[str, ...]
    hunks: tuple[_Hunk, ...]
    created: bool = False
    deleted: bool = False


@dataclass(frozen=True)
class _Comment:
    path: str
    start: int
    end: int
    original: tuple[str, ...]
    """Lines `start` to `end` as the fix found them."""
    replacement: tuple[str, ...]

    def payload(self, fix: SuggestedFix) -> dict[str, Any]:
        fence = _fence("\n".join(self.replacement))
        suggestion = "\n".join((f"{fence}suggestion", *self.replacement, fence))
        comment: dict[str, Any] = {
            "path": self.path,
            "line": self.end,
            "side": "RIGHT",
            "body": f"{MARKER.format(fix.digest)}\n**healer**: {fix.title}\n\n{suggestion}",
        }
        if self.start != self.end:
            comment.update(start_line=self.start, start_side="RIGHT")
        return comment


@dataclass
class _Plan:
    """Where each fix's hunks go: line comments, or diff blocks in the body."""

    comments: list[tuple[SuggestedFix, _Comment]] = field(default_factory=list)
    blocks: list[tuple[SuggestedFix, _FileDiff, _Hunk]] = field(default_factory=list)


def post_suggestions(
    client: GitHub, repo: Repo, pull: int, commit_sha: str, fixes: Sequence[SuggestedFix]
) -> ReviewOutcome:
    """One review (event COMMENT) on `commit_sha` of pull request `pull` offering the fixes not yet offered.

    GitHub's refusals come back as `error` (one line) rather than raised: the
    fixes are in the patch file either way, and CI should not fail over a review.
    """
    skipped: list[str] = []
    writing = False  # a 403 on the reads is not about writing, and explain()'s line says so better
    try:
        posted = _posted_digests(client, repo, pull)
        fresh: dict[str, SuggestedFix] = {}
        for fix in fixes:
            if fix.digest in posted:
                skipped.append(fix.id)
            elif fix.digest not in fresh and fix.diff.strip():
                fresh[fix.digest] = fix
        if not fresh:
            return ReviewOutcome(skipped=tuple(skipped))
        plan = _plan(list(fresh.values()), _commentable(client, repo, pull))
        ids = tuple(fix.id for fix in fresh.values())
        writing = True
        try:
            review = _post(client, repo, pull, commit_sha, plan, list(fresh.values()))
        except GitHubError as error:
            if error.status != 422 or not plan.comments:
                raise
            # "Line could not be resolved": the lines moved under the review (a newer push, a merge commit
            # checked out). Once more with every hunk in the body, which GitHub cannot refuse for its lines.
            plan = _Plan(blocks=[(fix, file, hunk) for fix in fresh.values() for file, hunk in _hunks_of(fix)])
            review = _post(client, repo, pull, commit_sha, plan, list(fresh.values()))
            return _outcome(review, plan, ids, skipped, fell_back=True)
        return _outcome(review, plan, ids, skipped, fell_back=False)
    except GitHubError as error:
        return ReviewOutcome(skipped=tuple(skipped), error=_refusal(error, writing))


def _refusal(error: GitHubError, writing: bool) -> str:
    text = str(error)
    if writing and error.status == 403 and "rate limit" not in text:
        return (
            "the token may not write pull requests (it needs pull-requests: write; a pull request from a fork gets "
            "a read-only token), so no review was posted: the patch file still holds the fixes"
        )
    return f"{text}; no review was posted: the patch file still holds the fixes"


def _outcome(review: Any, plan: _Plan, ids: tuple[str, ...], skipped: list[str], *, fell_back: bool) -> ReviewOutcome:
    url = review.get("html_url") if isinstance(review, dict) else None
    return ReviewOutcome(
        posted=True, url=str(url) if url else None, suggestions=len(plan.comments), in_body=len(plan.blocks),
        fixes=ids, skipped=tuple(skipped), fell_back=fell_back,
    )  # fmt: skip


def _posted_digests(client: GitHub, repo: Repo, pull: int) -> set[str]:
    """The digests of fixes earlier reviews carry, from the reviews' bodies and their line comments."""
    found: set[str] = set()
    for path, what in (("reviews", "the pull request's reviews"), ("comments", "the pull request's comments")):
        for item in client.pages(repo.path(f"pulls/{pull}/{path}"), what=what, limit=MAX_LISTED):
            if isinstance(item, dict):
                found.update(_FIX_MARKER.findall(str(item.get("body") or "")))
    return found


Commentable = dict[str, list[dict[int, str]]]
"""For each file of the pull request, one entry per hunk of its diff: RIGHT-side line number -> that line."""


def _commentable(client: GitHub, repo: Repo, pull: int) -> Commentable:
    """Which lines of which files a comment may be on, and what they hold at the pull request's head."""
    ranges: Commentable = {}
    files = client.pages(repo.path(f"pulls/{pull}/files"), what="the pull request's files", limit=MAX_LISTED)
    for item in files:
        if not isinstance(item, dict) or item.get("status") == "removed" or not item.get("patch"):
            continue  # a removed file has no RIGHT side; a binary or huge one comes without a patch
        ranges[str(item.get("filename"))] = [_right_side(h) for h in _parse_hunks(str(item["patch"]).split("\n"))]
    return ranges


def _right_side(hunk: _Hunk) -> dict[int, str]:
    lines: dict[int, str] = {}
    number = hunk.new_start
    for line in hunk.lines:
        if line[:1] in (" ", "+"):
            lines[number] = line[1:]
            number += 1
    return lines


def _plan(fixes: Sequence[SuggestedFix], commentable: Commentable) -> _Plan:
    plan = _Plan()
    for fix in fixes:
        for file, hunk in _hunks_of(fix):
            comment = None if file.created or file.deleted else _suggestion(file.path, hunk)
            if comment is not None and _inside(comment, commentable.get(file.path, [])):
                plan.comments.append((fix, comment))
            else:
                plan.blocks.append((fix, file, hunk))
    return plan


def _inside(comment: _Comment, hunks: Iterable[dict[int, str]]) -> bool:
    """The comment's lines lie within one hunk of the pull request's diff (GitHub refuses a comment across two)
    and hold there what the fix found: lines that moved (a merge commit checked out, a newer push) go to the body
    rather than suggest a change to the wrong lines."""
    wanted = range(comment.start, comment.end + 1)
    for lines in hunks:
        if all(number in lines for number in wanted):
            return all(_same(lines[n], old) for n, old in zip(wanted, comment.original, strict=True))
    return False


def _same(line: str, other: str) -> bool:
    return line.removesuffix("\r") == other.removesuffix("\r")


def _suggestion(path: str, hunk: _Hunk) -> _Comment | None:
    """The hunk as a replacement of lines of the file as it is now, context trimmed; None when it cannot be one."""
    if any(line.startswith(_NO_NEWLINE) for line in hunk.lines) or not hunk.old_length:
        # A suggestion cannot say "no newline at the end"; a hunk with no old lines names no line to anchor on.
        return None
    lines = list(hunk.lines)
    lead = next((i for i, line in enumerate(lines) if not line.startswith(" ")), len(lines))
    trail = next((i for i, line in enumerate(reversed(lines)) if not line.startswith(" ")), len(lines))
    core = lines[lead : len(lines) - trail]
    if not core:
        return None
    start = hunk.old_start + lead
    old = tuple(line[1:] for line in core if line[:1] in (" ", "-"))
    new = tuple(line[1:] for line in core if line[:1] in (" ", "+"))
    if old:
        return _Comment(path, start, start + len(old) - 1, old, new)
    # A pure insertion: anchor on the line before it and repeat that line (or on the line after, at the top).
    if lead:
        before = lines[lead - 1][1:]
        return _Comment(path, start - 1, start - 1, (before,), (before, *new))
    if trail:
        after = lines[lead + len(core)][1:]
        return _Comment(path, start, start, (after,), (*new, after))
    return None


def _hunks_of(fix: SuggestedFix) -> Iterator[tuple[_FileDiff, _Hunk]]:
    for file in _parse_diff(fix.diff):
        for hunk in file.hunks:
            yield file, hunk


def _post(client: GitHub, repo: Repo, pull: int, commit_sha: str, plan: _Plan, fixes: Sequence[SuggestedFix]) -> Any:
    body = _body(plan, fixes, commit_sha)
    payload: dict[str, Any] = {"commit_id": commit_sha, "event": "COMMENT", "body": body}
    if plan.comments:
        payload["comments"] = [comment.payload(fix) for fix, comment in plan.comments]
    return client.post(repo.path(f"pulls/{pull}/reviews"), payload, what="a review on the pull request")


def _body(plan: _Plan, fixes: Sequence[SuggestedFix], commit_sha: str) -> str:
    on_lines: dict[str, int] = {}
    for fix, _ in plan.comments:
        on_lines[fix.digest] = on_lines.get(fix.digest, 0) + 1
    in_body = {fix.digest for fix, _file, _hunk in plan.blocks}
    count = len(fixes)
    head = [
        REVIEW_MARKER,
        f"**healer** verified {count} fix{'es' if count != 1 else ''} on `{commit_sha[:12]}`: each one made the "
        "failing stage pass in an isolated copy.",
        "",
    ]
    for fix in fixes:
        where = []
        if on_lines.get(fix.digest):
            n = on_lines[fix.digest]
            where.append(f"{n} suggested change{'s' if n != 1 else ''}")
        if fix.digest in in_body:
            where.append("a diff below")
        head.append(f"- {fix.title}" + (f": {', '.join(where)}" if where else ""))
    tail = ["", *(MARKER.format(fix.digest) for fix in fixes)]
    size = sum(len(part) + 1 for part in (*head, *tail))
    parts: list[str] = []
    if plan.blocks:
        parts.append(
            "\nGitHub takes suggested changes only on lines of this pull request's diff as they are at its head; "
            "the other changes are here as diffs (and in the patch file of the CI run)."
        )
    left_out = 0
    for fix, file, hunk in plan.blocks:
        text = "\n".join((*file.header, hunk.text))
        fence = _fence(text)
        block = (
            f"\n<details open><summary>{html.escape(fix.title)}</summary>\n\n{fence}diff\n{text}\n{fence}\n</details>"
        )
        if left_out or size + len(block) > MAX_BODY:
            left_out += 1
            continue
        size += len(block) + 1
        parts.append(block)
    if left_out:
        parts.append(f"\n{left_out} more hunk{'s' if left_out != 1 else ''} did not fit here: see the patch file.")
    return "\n".join((*head, *parts, *tail))


def _fence(text: str) -> str:
    """Backticks enough to fence `text`: one more than its longest run, at least three."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _read_hunk(lines: Sequence[str], index: int) -> tuple[_Hunk, int] | None:
    """The hunk whose header is at `index` and where the next line after it is; it ends where its counts say,
    so a removed "-- x" line inside it is not taken for the next file's "--- " header."""
    match = _HUNK.match(lines[index])
    if not match:
        return None
    old_start, new_start = int(match[1]), int(match[3])
    old_length = 1 if match[2] is None else int(match[2])
    new_length = 1 if match[4] is None else int(match[4])
    body: list[str] = []
    old, new = old_length, new_length
    index += 1
    while index < len(lines) and (old > 0 or new > 0 or lines[index].startswith(_NO_NEWLINE)):
        line = lines[index] or " "  # an empty line in a diff whose trailing spaces were stripped is context
        kind = line[:1]
        if kind == " ":
            old, new = old - 1, new - 1
        elif kind == "-":
            old -= 1
        elif kind == "+":
            new -= 1
        elif kind != _NO_NEWLINE:
            break
        body.append(line)
        index += 1
    return _Hunk(old_start, old_length, new_start, new_length, tuple(body)), index


def _parse_hunks(lines: Sequence[str]) -> list[_Hunk]:
    """The hunks among `lines` (GitHub's `patch` of a file: hunks without file headers)."""
    hunks: list[_Hunk] = []
    index = 0
    while index < len(lines):
        read = _read_hunk(lines, index)
        if read is None:
            index += 1
            continue
        hunk, index = read
        hunks.append(hunk)
    return hunks


def _strip(name: str) -> str:
    name = name.split("\t")[0]
    return name[2:] if name[:2] in ("a/", "b/") else name


def _parse_diff(text: str) -> list[_FileDiff]:
    """The files of a git-style unified diff, each with its ---/+++ header and its hunks."""
    files: list[_FileDiff] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        if not (lines[index].startswith("--- ") and index + 1 < len(lines) and lines[index + 1].startswith("+++ ")):
            index += 1
            continue
        source, target = _strip(lines[index][4:]), _strip(lines[index + 1][4:])
        header = (lines[index], lines[index + 1])
        index += 2
        hunks: list[_Hunk] = []
        while index < len(lines) and (read := _read_hunk(lines, index)) is not None:
            hunk, index = read
            hunks.append(hunk)
        created, deleted = source == "/dev/null", target == "/dev/null"
        files.append(_FileDiff(target if created else source, header, tuple(hunks), created, deleted))
    return files
