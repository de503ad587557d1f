"""Model replies into file edits: healer.llm.edits on replies shaped like the ones models write.

From the real Python files of this repository (healer/**/*.py) and a seeded RNG, builds
well-formed replies in the styles models produce (SEARCH/REPLACE bare and fenced, with the
path in the usual places; indentation and trailing-whitespace drift; CRLF replies and CRLF
files; created files; unified diffs with correct and wrong hunk numbers; several blocks per
reply) and malformed ones (missing divider, unterminated, truncated mid-block, search text
absent, ambiguous, no path, empty, prose only, a path with "..", diff lines without prefix,
a REPLACE without SEARCH). Prints the share of well-formed replies that give exactly the
intended bytes (target ≥ 99%), the share of malformed ones refused with a one-line reason
(target 100%), and the median and p95 time of parse_reply + apply_blocks.

Run: .venv/bin/python bench/llm_edits.py [--good 600] [--bad 240] [--seed 11] [--verbose]
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from healer.llm.edits import EditError, apply_blocks, parse_reply
from healer.patch.diff import unified_diff
from healer.patch.patch import FileEdit

REPO = Path(__file__).resolve().parents[1]
# Lines the SEARCH/REPLACE format itself cannot carry (healer's own prompt quotes the markers).
MARKER = re.compile(r"^\s*(?:<{5,9}|={5,9}|>{5,9})")
PROSE = (
    "The failure comes from a name that is not defined.",
    "Here is the smallest change that fixes the check.",
    "I kept the rest of the function as it was.",
    "This should make the type checker happy.",
    "The test expects the new value, so the code is updated accordingly.",
    "Let me know if anything else fails.",
)


@dataclass(frozen=True)
class Case:
    style: str
    files: dict[str, bytes]
    reply: str
    expected: dict[str, bytes] | None
    """Path -> after bytes of every changed file; None for a malformed reply that must be refused."""


@dataclass(frozen=True)
class Change:
    start: int
    stop: int
    new: list[str]
    """The lines replacing lines[start:stop], context included."""


def sources() -> dict[str, list[str]]:
    files = {}
    for path in sorted((REPO / "healer").rglob("*.py")):
        if "sample" in path.parts:
            continue
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        lines = text.split("\n")
        if len(lines) >= 30 and text.endswith("\n") and "\r" not in text:
            files[path.relative_to(REPO).as_posix()] = lines[:-1]
    return files


def occurrences(lines: list[str], start: int, stop: int, key: Callable[[str], str]) -> int:
    want = [key(line) for line in lines[start:stop]]
    column = [key(line) for line in lines]
    size = stop - start
    return sum(column[i : i + size] == want for i in range(len(lines) - size + 1) if column[i] == want[0])


def indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def make_change(rng: random.Random, lines: list[str], lo: int, hi: int, key: Callable[[str], str]) -> Change | None:
    """One model-like change within lines[lo:hi]: modify, insert or delete around a random code line, with context."""
    candidates = [i for i in range(lo, hi) if lines[i].strip() and not MARKER.match(lines[i])]
    if not candidates:
        return None
    target = rng.choice(candidates)
    line = lines[target]
    action = rng.choice(("modify", "modify", "insert", "delete", "rewrite"))
    if action == "modify":
        changed = re.sub(r"\b([A-Za-z_]\w*)\b", r"\1_v2", line, count=1)
        core, new_core = 1, [changed if changed != line else line + "  # healed"]
    elif action == "insert":
        core, new_core = 1, [line, f"{indent_of(line)}healed_{rng.randrange(1000)} = None"]
    elif action == "delete":
        core, new_core = 1, []
    else:
        core = min(2, hi - target)
        new_core = [f"{indent_of(line)}value = compute({rng.randrange(100)})", f"{indent_of(line)}return value"]
    start, stop = target - rng.randrange(0, 3), target + core + rng.randrange(0, 3)
    start, stop = max(start, lo), min(stop, hi)
    while occurrences(lines, start, stop, key) > 1:
        if stop < hi:
            stop += 1
        elif start > lo:
            start -= 1
        else:
            return None
    if any(MARKER.match(text) for text in lines[start:stop]):
        return None
    return Change(start, stop, lines[start:target] + new_core + lines[target + core : stop])


def make_changes(rng: random.Random, lines: list[str], count: int, key: Callable[[str], str]) -> list[Change]:
    """Up to `count` changes on disjoint, ordered parts of the file."""
    bounds = sorted(rng.sample(range(1, len(lines)), count - 1)) if count > 1 else []
    edges = [0, *bounds, len(lines)]
    changes = []
    for lo, hi in itertools.pairwise(edges):
        change = make_change(rng, lines, lo, hi, key) if hi - lo >= 3 else None
        if change:
            changes.append(change)
    return changes


def applied(lines: list[str], changes: list[Change]) -> list[str]:
    out: list[str] = []
    position = 0
    for change in changes:
        out.extend(lines[position : change.start])
        out.extend(change.new)
        position = change.stop
    out.extend(lines[position:])
    return out


def encode(lines: list[str], ending: str = "\n") -> bytes:
    return "".join(line + ending for line in lines).encode()


def wrap(rng: random.Random, path: str, body: str, plain: bool = False) -> str:
    """A block with its path written one of the ways models write it."""
    if plain:
        return f"{path}\n{body}"
    form = rng.randrange(7)
    if form == 0:
        return f"{path}\n{body}"
    if form == 1:
        return f"```python\n{path}\n{body}```\n"
    if form == 2:
        return f"{path}\n```python\n{body}```\n"
    if form == 3:
        return f"```python {path}\n{body}```\n"
    if form == 4:
        return f"**{path}**\n```python\n{body}```\n"
    if form == 5:
        return f"`{path}`\n```\n{body}```\n"
    return f"### {path}\n\n```python\n{body}```\n"


def block(search: list[str], replace: list[str], rng: random.Random) -> str:
    head, divider, tail = "<<<<<<< SEARCH", "=======", ">>>>>>> REPLACE"
    if rng.random() < 0.1:
        head, tail = head + " ", tail + "  "
    text = head + "\n" + "".join(line + "\n" for line in search) + divider + "\n"
    return text + "".join(line + "\n" for line in replace) + tail + "\n"


def with_prose(rng: random.Random, parts: list[str]) -> str:
    out = [rng.choice(PROSE) + "\n"] if rng.random() < 0.7 else []
    for part in parts:
        out.append(part)
        if rng.random() < 0.4:
            out.append("\n" + rng.choice(PROSE) + "\n")
        out.append("\n")
    return "".join(out)


def common_indent(lines: list[str]) -> str:
    indents = [indent_of(line) for line in lines if line.strip()]
    return min(indents, key=len) if indents else ""


def drift(rng: random.Random, kind: str, old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    """The search and replacement as a model with the given whitespace habit writes them."""
    if kind == "dedent":
        cut = common_indent(old)
        return [line[len(cut) :] for line in old], [line.removeprefix(cut) for line in new]
    if kind == "indent":
        return ["    " + line if line.strip() else line for line in old], [
            "    " + line if line.strip() else line for line in new
        ]
    if kind == "trailing":
        kept = set(old) & set(new)
        pads = {line: " " * rng.randrange(1, 3) for line in kept if rng.random() < 0.6}
        return [line + pads.get(line, " " if rng.random() < 0.3 else "") for line in old], [
            line + pads.get(line, "") for line in new
        ]
    if kind == "blank-edges":
        return ["", *old, ""], ["", *new, ""]
    return old, new


def exact(line: str) -> str:
    return line


def stripped(line: str) -> str:
    return line.strip()


def good_case(rng: random.Random, corpus: dict[str, list[str]], n: int) -> Case | None:
    style = (
        "sr-plain", "sr-fenced", "sr-dedent", "sr-indent", "sr-trailing-ws", "sr-blank-edges", "sr-crlf-reply",
        "sr-crlf-file", "sr-multi-block", "sr-multi-file", "sr-create", "diff", "diff-fenced", "diff-wrong-numbers",
        "diff-multi-hunk",
    )[n % 15]  # fmt: skip
    paths = rng.sample(sorted(corpus), 2)
    path, lines = paths[0], corpus[paths[0]]
    tolerant = style in ("sr-dedent", "sr-indent", "sr-trailing-ws", "sr-blank-edges")
    key = stripped if tolerant else exact
    if style == "sr-create":
        new_path = path.rsplit("/", 1)[0] + f"/generated_{n}.py"
        content = lines[: rng.randrange(5, 25)]
        if any(MARKER.match(line) for line in content):
            return None
        reply = with_prose(rng, [wrap(rng, new_path, block([], content, rng))])
        return Case(style, {path: encode(lines)}, reply, {new_path: encode(content)})
    count = 3 if style in ("sr-multi-block", "diff-multi-hunk") else 1
    changes = make_changes(rng, lines, count, key)
    if not changes or (count > 1 and len(changes) < 2):
        return None
    after = applied(lines, changes)
    files = {path: encode(lines)}
    expected = {path: encode(after)}
    if style.startswith("diff"):
        text = unified_diff([FileEdit(path, files[path], expected[path])])
        if style == "diff-wrong-numbers":
            shift = rng.choice((-1, 1)) * rng.randrange(1, 40)

            def misnumber(match: re.Match[str]) -> str:
                old, new = max(1, int(match[1]) + shift), max(1, int(match[3]) + shift)
                return f"@@ -{old}{match[2] or ''} +{new}{match[4] or ''} @@"

            text = re.sub(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@", misnumber, text, flags=re.M)
        if style != "diff":
            text = f"```diff\n{text}```\n"
        return Case(style, files, with_prose(rng, [text]), expected)
    parts = []
    for change in changes:
        old, new = lines[change.start : change.stop], change.new
        if tolerant:
            old, new = drift(rng, style[3:].replace("trailing-ws", "trailing"), old, new)
        parts.append(wrap(rng, path, block(old, new, rng), plain=style == "sr-plain"))
    if style == "sr-multi-file":
        other, other_lines = paths[1], corpus[paths[1]]
        more = make_changes(rng, other_lines, 1, exact)
        if not more:
            return None
        files[other] = encode(other_lines)
        expected[other] = encode(applied(other_lines, more))
        change = more[0]
        parts.append(wrap(rng, other, block(other_lines[change.start : change.stop], change.new, rng)))
    reply = with_prose(rng, parts)
    if style == "sr-crlf-reply":
        reply = reply.replace("\n", "\r\n")
    if style == "sr-crlf-file":
        files = {path: encode(lines, "\r\n")}
        expected = {path: encode(after, "\r\n")}
    return Case(style, files, reply, expected)


def bad_case(rng: random.Random, corpus: dict[str, list[str]], n: int) -> Case | None:
    style = (
        "missing-divider", "unterminated", "truncated", "search-absent", "ambiguous", "no-path", "empty",
        "prose-only", "dotdot-path", "diff-bad-prefix", "diff-truncated", "replace-without-search",
    )[n % 12]  # fmt: skip
    path = rng.choice(sorted(corpus))
    lines = corpus[path]
    files = {path: encode(lines)}
    if style == "empty":
        return Case(style, files, rng.choice(("", " ", "\n\n", "\t\n")), None)
    if style == "prose-only":
        text = " ".join(rng.sample(PROSE, 3)) + "\n\n```python\n" + "\n".join(lines[:5]) + "\n```\n"
        return Case(style, files, text, None)
    if style == "ambiguous":
        seen = Counter(line for line in lines if line.strip())
        repeated = [line for line, times in seen.items() if times > 1 and not MARKER.match(line)]
        if not repeated:
            return None
        line = rng.choice(repeated)
        return Case(style, files, with_prose(rng, [wrap(rng, path, block([line], [line + "  # x"], rng))]), None)
    changes = make_changes(rng, lines, 1, exact)
    if not changes:
        return None
    change = changes[0]
    old, new = lines[change.start : change.stop], change.new
    after = encode(applied(lines, changes))
    if style.startswith("diff"):
        hunks = unified_diff([FileEdit(path, files[path], after)])
        rows = hunks.split("\n")
        first = next(i for i, text in enumerate(rows) if text.startswith("@@"))
        if style == "diff-bad-prefix":
            # A context line whose text starts with a letter: without its " " it has no valid prefix at all.
            context = [i for i in range(first + 1, len(rows)) if rows[i][:1] == " " and rows[i][1:2].isalpha()]
            if not context:
                return None
            at = rng.choice(context)
            rows[at] = rows[at][1:]
            return Case(style, files, f"```diff\n{chr(10).join(rows)}```\n", None)
        cut = rng.randrange(first + 1, max(first + 2, len(rows) - 2))
        return Case(style, files, "Here is the patch:\n\n```diff\n" + "\n".join(rows[:cut])[:-2], None)
    body = block(old, new, rng)
    if style == "missing-divider":
        body = body.replace("=======\n", "", 1)
    elif style == "unterminated":
        body = body.rsplit(">>>>>>>", 1)[0]
    elif style == "truncated":
        body = body[: rng.randrange(len("<<<<<<< SEARCH\n"), body.rindex(">>>>>>>"))]
    elif style == "search-absent":
        filled = [i for i, text in enumerate(old) if text.strip()]
        at = rng.choice(filled)
        old = [*old]
        old[at] = old[at].replace(old[at].strip(), old[at].strip()[: len(old[at].strip()) // 2] + "qq_absent", 1)
        body = block(old, new, rng)
    elif style == "replace-without-search":
        body = body.split("\n", 1)[1]
    if style == "no-path":
        return Case(style, files, rng.choice(PROSE) + "\n\n" + rng.choice(("", "```python\n")) + body, None)
    if style == "dotdot-path":
        path = rng.choice(("../", "../../etc/", path.split("/")[0] + "/../../")) + path.rsplit("/", 1)[-1]
    reply = with_prose(rng, [wrap(rng, path, body)])
    if style in ("unterminated", "truncated"):
        reply = reply[: reply.index(body) + len(body)]  # a cut-off reply ends where the cut is
    return Case(style, files, reply, None)


def run(case: Case) -> tuple[str, float, str]:
    """("exact" | "wrong" | "refused" | "crashed", seconds, detail)."""
    began = time.perf_counter()
    try:
        edits = apply_blocks(parse_reply(case.reply), case.files.get)
    except EditError as error:
        seconds = time.perf_counter() - began
        message = str(error)
        return ("refused" if message and "\n" not in message else "crashed"), seconds, message
    except Exception as error:  # a crash is what the bench exists to catch
        return "crashed", time.perf_counter() - began, f"{type(error).__name__}: {error}"
    seconds = time.perf_counter() - began
    got = {edit.path: edit.after for edit in edits}
    return ("exact" if got == case.expected else "wrong"), seconds, ", ".join(sorted(got))


def build(
    rng: random.Random, corpus: dict[str, list[str]], count: int, maker: Callable[..., Case | None]
) -> list[Case]:
    cases: list[Case] = []
    n = 0
    while len(cases) < count:
        case = maker(rng, corpus, n)
        n += 1
        if case is not None:
            cases.append(case)
    return cases


def percent(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / max(whole, 1):.1f}%)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--good", type=int, default=600, help="well-formed replies (default 600)")
    parser.add_argument("--bad", type=int, default=240, help="malformed replies (default 240)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--verbose", action="store_true", help="print every miss and every refusal message")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    corpus = sources()
    good = build(rng, corpus, options.good, good_case)
    bad = build(rng, corpus, options.bad, bad_case)
    print(f"corpus: {len(corpus)} files of healer/, {len(good)} well-formed and {len(bad)} malformed replies")

    times: list[float] = []
    by_style: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[str] = []
    for case in good:
        outcome, seconds, detail = run(case)
        times.append(seconds)
        by_style[case.style][outcome] += 1
        if outcome != "exact":
            misses.append(f"  {case.style}: {outcome}: {detail}")
    exact_count = sum(counts["exact"] for counts in by_style.values())
    share = 100 * exact_count / len(good)
    print(
        f"well-formed replies applied to exactly the intended bytes: {percent(exact_count, len(good))}"
        f" — target ≥ 99%: {'met' if share >= 99 else 'MISSED'}"
    )
    for style, counts in by_style.items():
        total = sum(counts.values())
        print(f"  {style:<24} {percent(counts['exact'], total)}")
    for line in misses[: None if options.verbose else 10]:
        print(line)

    refused = 0
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    accepted: list[str] = []
    for case in bad:
        outcome, seconds, detail = run(case)
        times.append(seconds)
        if outcome == "refused":
            refused += 1
            reasons[case.style][re.sub(r"\d+", "N", detail.split(": ", 1)[-1])[:60]] += 1
        else:
            accepted.append(f"  {case.style}: {outcome}: {detail} <- {case.reply[-120:]!r}")
    print(
        f"malformed replies refused with a reason: {percent(refused, len(bad))}"
        f" — target 100%: {'met' if refused == len(bad) else 'MISSED'}"
    )
    for style, messages in reasons.items():
        [(message, _)] = messages.most_common(1)
        print(f"  {style:<24} {sum(messages.values()):>3} refused, e.g. {message!r}")
    for line in accepted[: None if options.verbose else 10]:
        print(line)

    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    print(
        f"parse_reply + apply_blocks: median {statistics.median(times) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms,"
        f" max {ordered[-1] * 1000:.2f} ms (n={len(times)})"
    )
    return 0 if share >= 99 and refused == len(bad) else 1


if __name__ == "__main__":
    raise SystemExit(main())
