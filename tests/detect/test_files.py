from __future__ import annotations

from pathlib import Path

import pytest

from healer.detect.files import (
    Unreadable,
    read_ini,
    read_json,
    read_toml,
    read_yaml,
    strings,
    table,
)


def test_invalid_toml_names_the_file_and_the_problem(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ruff\nline-length = 1\n")
    with pytest.raises(Unreadable) as caught:
        read_toml(tmp_path, "pyproject.toml")
    assert caught.value.note.startswith("skipped pyproject.toml: invalid TOML")


def test_non_utf8_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_bytes(b"[flake8]\nmax-line-length = 88 # \xe9t\xe9\n")
    with pytest.raises(Unreadable) as caught:
        read_ini(tmp_path, "setup.cfg")
    assert caught.value.note == "skipped setup.cfg: not UTF-8 (byte 32)"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_bytes(b'\xef\xbb\xbf{"scripts": {}}')
    assert read_json(tmp_path, "package.json") == {"scripts": {}}


def test_invalid_yaml_and_json_and_ini(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("repos:\n  - repo: local\n   hooks: [\n")
    (tmp_path / "a.json").write_text('{"scripts": {"lint": "eslint ."},}')
    (tmp_path / "a.ini").write_text("max-line-length = 88\n")
    for rel, reader, problem in [
        ("a.yaml", read_yaml, "invalid YAML"),
        ("a.json", read_json, "invalid JSON"),
        ("a.ini", read_ini, "invalid INI"),
    ]:
        with pytest.raises(Unreadable) as caught:
            reader(tmp_path, rel)
        assert caught.value.rel == rel
        assert caught.value.problem.startswith(problem)


def test_a_directory_in_place_of_a_file_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "tox.ini").mkdir()
    with pytest.raises(Unreadable, match=r"tox\.ini: cannot be read"):
        read_ini(tmp_path, "tox.ini")


def test_table_and_strings_tolerate_wrong_shapes() -> None:
    data: object = {"tool": {"ruff": {"format": {}}, "mypy": "oops"}}
    assert table(data, "tool", "ruff") == {"format": {}}
    assert table(data, "tool", "mypy") == {}
    assert table(data, "tool", "mypy", "files") == {}
    assert table(["not", "a", "table"], "tool") == {}
    assert strings(["a", 1, "b"]) == ["a", "b"]
    assert strings("a") == ["a"]
    assert strings({"a": 1}) == []
