from __future__ import annotations

from collections.abc import Callable

from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers import pip


def fields(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [(f.file, f.line, f.code, f.message) for f in findings]


def test_no_matching_distribution(recorded: Callable[[str, str], str]) -> None:
    # pip says it twice; it is one problem.
    assert fields(pip.parse(recorded("pip", "no_matching_distribution"))) == [
        (
            None,
            None,
            "no-matching-distribution",
            "Could not find a version that satisfies the requirement"
            " healer-package-that-does-not-exist (from versions: none)",
        )
    ]


def test_version_not_found(recorded: Callable[[str, str], str]) -> None:
    assert fields(pip.parse(recorded("pip", "version_not_found"))) == [
        (
            None,
            None,
            "no-matching-distribution",
            "Could not find a version that satisfies the requirement beta==9.9 (from versions: 1.0, 2.0)",
        )
    ]


def test_resolution_impossible(recorded: Callable[[str, str], str]) -> None:
    assert fields(pip.parse(recorded("pip", "resolution_impossible"))) == [
        (
            None,
            None,
            "resolution-impossible",
            "Cannot install alpha==1.0 and beta==2.0 because these package versions have"
            " conflicting dependencies. The conflict is caused by: The user requested beta==2.0;"
            " alpha 1.0 depends on beta==1.0",
        )
    ]


def test_conflict_from_requirements_file_is_placed(recorded: Callable[[str, str], str]) -> None:
    findings = pip.parse(recorded("pip", "requirements_conflict"))
    assert [(f.file, f.line, f.code) for f in findings] == [("requirements.txt", 1, "resolution-impossible")]


def test_bare_resolution_impossible_and_build_failure() -> None:
    text = (
        "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/\n"
        "  error: subprocess-exited-with-error\n"
        "error: subprocess-exited-with-error\n"
        "\n"
        "× Building wheel for foo (pyproject.toml) did not run successfully.\n"
    )
    assert [(f.code, f.message) for f in pip.parse(text)] == [
        ("resolution-impossible", "ResolutionImpossible: for help visit https://pip.pypa.io/"),
        (
            "subprocess-exited-with-error",
            "Building wheel for foo (pyproject.toml) did not run successfully.",
        ),
    ]
