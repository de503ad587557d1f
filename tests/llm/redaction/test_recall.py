"""Recall over every format × shape × context of the corpus: at least 99% in each context, misses listed."""

from __future__ import annotations

import pytest

from healer.llm.redaction import redact
from tests.llm.redaction.formats import FORMATS
from tests.llm.redaction.recall import measure
from tests.llm.redaction.shapes import CONTEXTS, SHAPES, Context

TARGET = 0.99
SHAPE_FLOOR = 0.95


def test_the_corpus_is_wide_and_reproducible() -> None:
    assert len(FORMATS) >= 200 and len({spec.name for spec in FORMATS}) == len(FORMATS)
    assert len({spec.family for spec in FORMATS}) >= 10
    assert len(SHAPES) >= 25 and len({shape.name for shape in SHAPES}) == len(SHAPES)
    assert {context.name for context in CONTEXTS} == {"source", "test-output", "traceback", "log"}
    assert all(spec.value(1) == spec.value(1) != spec.value(2) for spec in FORMATS)
    assert all(len(part) >= 8 for spec in FORMATS for part in spec.value(3)[1])


# One context per test, so that `-n 2` shares the work; every context meeting the target means the whole does.
@pytest.mark.parametrize("context", CONTEXTS, ids=lambda context: context.name)
def test_recall_in_each_context_and_shape(context: Context) -> None:
    recall = measure(lambda text: redact(text).text, contexts=(context,))
    assert recall.total > 10_000
    assert recall.share >= TARGET, recall.report()
    by_shape = {name: 1 - recall.missed_by_shape[name] / total for name, total in recall.by_shape.items()}
    weakest = sorted(by_shape.items(), key=lambda item: item[1])[:5]
    assert weakest[0][1] >= SHAPE_FLOOR, (weakest, recall.report())
