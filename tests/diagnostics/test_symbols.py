"""Reading which names diagnostics are about, and linking an unused import to the typo that made it unused."""

from __future__ import annotations

import pytest

from healer.diagnostics.diagnostic import Diagnostic
from healer.diagnostics.symbols import one_slip_apart, typo_targets, undefined_name, unused_import


def diagnostic(message: str, file: str = "pkg/api.py", tool: str = "ruff") -> Diagnostic:
    return Diagnostic("lint", tool, file, 1, 1, None, message, "error", message)


@pytest.mark.parametrize(
    ("message", "name"),
    [
        ("`.slugify.slugify` imported but unused", "slugify"),
        ("`os` imported but unused; consider removing, adding to `__all__`, or using a redundant alias", "os"),
        ("'collections.OrderedDict' imported but unused", "OrderedDict"),
        ("'numpy as np' imported but unused", "np"),
        ("Undefined name `slugify`", None),
    ],
)
def test_unused_import_reads_the_bound_name(message: str, name: str | None) -> None:
    assert unused_import(message) == name


@pytest.mark.parametrize(
    "message",
    ["Undefined name `sulgify`", "undefined name 'sulgify'", 'Name "sulgify" is not defined',
     "name 'sulgify' is not defined", '"sulgify" is not defined'],
)  # fmt: skip
def test_undefined_name_in_every_tools_words(message: str) -> None:
    assert undefined_name(message) == "sulgify"


@pytest.mark.parametrize(
    ("a", "b", "slip"),
    [
        ("slugify", "sulgify", True),  # two letters swapped
        ("loads", "lods", True),  # one dropped
        ("monkeypatch", "monkypatch", True),
        ("request", "requests", True),  # one added
        ("parse", "parsr", True),  # one changed
        ("slugify", "slugify", False),
        ("slugify", "glusify", False),  # two apart
        ("log", "lag", False),  # too short to tell
        ("datetime", "date", False),
    ],
)
def test_one_slip_apart(a: str, b: str, slip: bool) -> None:
    assert one_slip_apart(a, b) is slip and one_slip_apart(b, a) is slip


def test_typo_targets_link_only_within_a_file() -> None:
    found = [
        diagnostic("`.slugify.slugify` imported but unused"),
        diagnostic("Undefined name `sulgify`"),
        diagnostic("`os` imported but unused"),
        diagnostic("Undefined name `sulgify`", file="other.py"),
        diagnostic("`json` imported but unused", file="other.py"),
    ]
    assert typo_targets(found, "pkg/api.py") == {"slugify": "sulgify"}
    assert typo_targets(found, "other.py") == {}
