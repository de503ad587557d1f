"""The argument fast path for `healer run` must read every command line exactly as argparse does."""

from __future__ import annotations

import pytest

from healer.main import build_parser, fast_hook_args, fast_run_args

ACCEPTED = [
    ["run"],
    ["run", "lint"],
    ["run", "lint", "test", "--json"],
    ["run", "--json", "--no-cache"],
    ["run", "-v"],
    ["run", "--verbose", "-j", "3"],
    ["run", "--jobs", "2"],
    ["run", "--jobs=4", "lint"][:2],
    ["-C", "some/dir", "run", "lint"],
    ["-C", "d", "run", "--no-cache", "--json", "-j", "1"],
]
LEFT_TO_ARGPARSE = [
    ["run", "--help"],
    ["run", "-h"],
    ["run", "--jobs", "0"],
    ["run", "--jobs", "x"],
    ["run", "-j"],
    ["run", "--unknown"],
    ["run", "--json", "lint"],  # a positional after an option
    ["run", "--"],
    ["run", "-jv"],
    ["stages"],
    ["demo", "run"],
    ["--version"],
    [],
    ["-C", "--json", "run"],
]


@pytest.mark.parametrize("argv", ACCEPTED, ids=" ".join)
def test_fast_path_agrees_with_argparse(argv: list[str]) -> None:
    fast = fast_run_args(argv)
    assert fast is not None
    assert vars(fast) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", LEFT_TO_ARGPARSE, ids=lambda a: " ".join(a) or "(empty)")
def test_anything_unusual_goes_to_argparse(argv: list[str]) -> None:
    assert fast_run_args(argv) is None


HOOK_ACCEPTED = [
    ["hook", "pre-commit"],
    ["hook", "pre-push", "origin", "git@example.com:team/repo.git"],
    ["hook", "pre-push", "https://example.com/repo.git", "https://example.com/repo.git"],
]
HOOK_LEFT_TO_ARGPARSE = [
    ["hook", "pre-commit", "--json"],
    ["hook", "pre-commit", "--help"],
    ["hook", "post-merge"],
    ["hook"],
    ["hook", "pre-push", "-x"],
    ["hook", "pre-push", ""],
]


@pytest.mark.parametrize("argv", HOOK_ACCEPTED, ids=" ".join)
def test_hook_fast_path_agrees_with_argparse(argv: list[str]) -> None:
    fast = fast_hook_args(argv)
    assert fast is not None
    assert vars(fast) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", HOOK_LEFT_TO_ARGPARSE, ids=lambda a: " ".join(a) or "(empty)")
def test_unusual_hook_lines_go_to_argparse(argv: list[str]) -> None:
    assert fast_hook_args(argv) is None
