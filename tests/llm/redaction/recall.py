"""Recall of a redactor over every format in every shape and context: what a test asserts and the bench prints.

A case is one format's secret placed by one shape in one context. It is caught
when no part that must stay private survives the redactor's output (a random
part of the secret, escaped as the shape wrote it; for an encoding shape, any
16 characters of the encoded value). Formats that are secrets only because of
their name (not `distinctive`) are placed only by named shapes; URLs, connection strings and key
files only where such a value is written (not in a header or a password field); and the
shapes that hide a value's format (base64 under a name) only get formats whose usual name says
secret (`..._TOKEN`, not `AWS_ACCESS_KEY_ID`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tests.llm.redaction.formats import FORMATS, Format
from tests.llm.redaction.shapes import CONTEXTS, SHAPES, Context, Names, Shape

ENCODED_WINDOW = 16


@dataclass(frozen=True)
class Case:
    format: Format
    shape: Shape
    context: Context
    text: str
    needles: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.format.name} / {self.shape.name} / {self.context.name}"


def needles(shape: Shape, secret: str, private: tuple[str, ...]) -> tuple[str, ...]:
    if shape.encode is not None:
        encoded = shape.encode(secret)
        step = ENCODED_WINDOW // 2
        return tuple(encoded[i : i + ENCODED_WINDOW] for i in range(0, max(1, len(encoded) - step), step))
    escaped = (json.dumps(part)[1:-1] for part in private)
    return tuple(dict.fromkeys((*private, *escaped)))


def cases(seed: int = 0, contexts: tuple[Context, ...] = CONTEXTS) -> Iterator[Case]:
    for number, spec in enumerate(FORMATS):
        secret, private = spec.value(f"{seed}:{number}")
        names = Names(spec.env)
        document = "://" in secret or "\n" in secret or ";" in secret
        for shape in SHAPES:
            if (not shape.named and not spec.distinctive) or (shape.tokens and document):
                continue
            if shape.secret_name and not spec.named_secret:
                continue
            text = shape.render(names, secret)
            found = needles(shape, secret, private)
            for context in contexts:
                yield Case(spec, shape, context, context.wrap(text), found)


@dataclass
class Recall:
    total: int = 0
    caught: int = 0
    misses: list[tuple[Case, str]] = field(default_factory=list)
    by_shape: Counter[str] = field(default_factory=Counter)
    missed_by_shape: Counter[str] = field(default_factory=Counter)
    by_family: Counter[str] = field(default_factory=Counter)
    missed_by_family: Counter[str] = field(default_factory=Counter)
    by_context: Counter[str] = field(default_factory=Counter)
    missed_by_context: Counter[str] = field(default_factory=Counter)

    @property
    def share(self) -> float:
        return self.caught / self.total if self.total else 0.0

    def report(self, limit: int = 60) -> str:
        lines = [f"recall {self.caught}/{self.total} = {self.share:.2%}; misses:"]
        for case, output in self.misses[:limit]:
            lines.append(f"  {case.label}: {output.strip()[:220]!r}")
        if len(self.misses) > limit:
            lines.append(f"  ... and {len(self.misses) - limit} more")
        return "\n".join(lines)


def measure(redact: Callable[[str], str], seed: int = 0, contexts: tuple[Context, ...] = CONTEXTS) -> Recall:
    """`redact` takes text and gives back what would be sent."""
    found = Recall()
    for case in cases(seed, contexts):
        output = redact(case.text)
        leaked = any(needle in output for needle in case.needles)
        found.total += 1
        found.by_shape[case.shape.name] += 1
        found.by_family[case.format.family] += 1
        found.by_context[case.context.name] += 1
        if leaked:
            found.misses.append((case, output))
            found.missed_by_shape[case.shape.name] += 1
            found.missed_by_family[case.format.family] += 1
            found.missed_by_context[case.context.name] += 1
        else:
            found.caught += 1
    return found
