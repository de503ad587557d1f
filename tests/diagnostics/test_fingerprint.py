from __future__ import annotations

import re

from hypothesis import assume, given
from hypothesis import strategies as st

from healer.diagnostics.fingerprint import fingerprint, normalize_message

# A trailing dot is read as the sentence's full stop, not part of the path.
segment = st.from_regex(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,10}[A-Za-z0-9_])?", fullmatch=True)
posix_path = st.lists(segment, min_size=1, max_size=5).map(lambda parts: "/" + "/".join(parts))
windows_path = st.tuples(st.sampled_from("CDZ"), st.lists(segment, min_size=1, max_size=4)).map(
    lambda drive_parts: f"{drive_parts[0]}:\\" + "\\".join(drive_parts[1])
)
relative_path = st.tuples(st.sampled_from(["", "./", "../"]), st.lists(segment, min_size=1, max_size=4)).map(
    lambda prefix_parts: prefix_parts[0] + "/".join(prefix_parts[1]) + ".py"
)
any_path = st.one_of(posix_path, windows_path, relative_path)
number = st.integers(min_value=0, max_value=10**9).map(str)
address = st.integers(min_value=0, max_value=2**48).map(hex)
uuid = st.uuids().map(str)
duration = st.floats(min_value=0, max_value=1e4, allow_nan=False).map(lambda s: f"{s:.2f}s")
timestamp = st.datetimes().map(lambda moment: moment.isoformat(timespec="seconds"))
identifier = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,15}", fullmatch=True)
tool = st.sampled_from(["ruff", "mypy", "pytest", "python", "tsc"])
code = st.one_of(st.none(), st.sampled_from(["F401", "arg-type", "TS2322", "NameError"]))

TEMPLATE = (
    "{path}:{line}:{column}: name '{name}' is not defined in {other} "
    "(object at {address}, run {uuid} took {duration} at {time})"
)


def _message(
    name: str,
    path: str,
    line: str,
    column: str,
    other: str,
    addr: str,
    run: str,
    took: str,
    time: str,
) -> str:
    return TEMPLATE.format(
        path=path,
        line=line,
        column=column,
        name=name,
        other=other,
        address=addr,
        uuid=run,
        duration=took,
        time=time,
    )


variable = st.tuples(any_path, number, number, any_path, address, uuid, duration, timestamp)


@given(tool, code, identifier, variable, variable)
def test_equal_when_only_places_and_numbers_change(
    tool: str, code: str | None, name: str, first: tuple[str, ...], second: tuple[str, ...]
) -> None:
    assert fingerprint(tool, code, _message(name, *first)) == fingerprint(tool, code, _message(name, *second))


def _is_id_like(name: str) -> bool:
    # Runs of 7+ hex digits mixing digits and letters are read as ids (git shas).
    return re.fullmatch(r"(?=\d*[a-fA-F])(?=[a-fA-F]*\d)[0-9a-fA-F]{7,}", name) is not None


@given(tool, code, identifier, identifier, variable)
def test_differs_when_the_quoted_name_differs(
    tool: str, code: str | None, name: str, other_name: str, places: tuple[str, ...]
) -> None:
    assume(name != other_name and not _is_id_like(name) and not _is_id_like(other_name))
    assert fingerprint(tool, code, _message(name, *places)) != fingerprint(tool, code, _message(other_name, *places))


@given(identifier, variable)
def test_differs_by_tool_and_code(name: str, places: tuple[str, ...]) -> None:
    message = _message(name, *places)
    assert fingerprint("ruff", "F821", message) != fingerprint("flake8", "F821", message)
    assert fingerprint("ruff", "F821", message) != fingerprint("ruff", "F401", message)
    assert fingerprint("ruff", None, message) != fingerprint("ruff", "F401", message)


def test_short_hex_digest() -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", fingerprint("mypy", "arg-type", "x"))


def test_normalized_examples() -> None:
    assert (
        normalize_message("cannot import name 'laods' from 'json' (/usr/lib/python3.11/json/__init__.py)")
        == "cannot import name 'laods' from 'json' (<path>)"
    )
    assert normalize_message("<tests.T object at 0x7f8ef09e03d0> x1 py311") == ("<tests.T object at <hex>> x1 py311")
    assert normalize_message("see https://mypy.rtfd.io/a#b, 4 == 5") == "see <url>, <n> == <n>"
    assert normalize_message("C:\\Users\\me\\a.py and src\\b.ts and core.py") == ("<path> and <path> and <path>")


def test_substance_of_real_messages_differs() -> None:
    assert fingerprint("mypy", "arg-type", 'Argument 2 to "add" has incompatible type "str"') != (
        fingerprint("mypy", "arg-type", 'Argument 2 to "add" has incompatible type "bytes"')
    )
