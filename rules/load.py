"""Reading rule files: the built-in packs, then the repository's own, each entry validated as it is read.

A user entry whose id names a rule already read is merged over it key by key
(the `match` and `params` tables by their own keys), so a one-line entry can
disable, reclassify or narrow a built-in rule; an entry with a new id must be
complete. Every problem is a `RuleError` naming the file, the line where one
can be found (tomllib reports no positions, so it is searched for), the entry
and the key.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from healer.config.schema import describe_value
from healer.config.settings import STAGE_KINDS
from healer.errors import HealerError
from healer.globs import check as check_glob
from healer.patch.patch import SAFETY_CLASSES

from .actions import ACTIONS
from .engine import RuleSet
from .rule import MATCH_KEYS, Match, Rule

PACKS = Path(__file__).resolve().parent / "packs"
USER_RULES = Path(".healer", "rules")
SUFFIXES = (".toml", ".yaml", ".yml")

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
TOP_KEYS = ("rules",)
RULE_KEYS = ("id", "description", "action", "safety", "confidence", "enabled", "params", "match")
REQUIRED = ("id", "description", "action", "safety", "confidence", "match")
MATCH_FIELDS = {"tool": "tools", "code": "codes", "message": "message", "file": "files", "stage_kind": "stage_kinds"}


class RuleError(HealerError):
    """A rule file that cannot be used, always naming the file and, where known, the line, entry and key."""

    def __init__(
        self, path: Path | str, problem: str, *, line: int | None = None, entry: str | None = None, key: str = ""
    ) -> None:
        self.path = str(path)
        self.line = line
        self.entry = entry
        self.key = key
        self.problem = problem
        where = f"{self.path}:{line}" if line else self.path
        parts = [where, *filter(None, [entry, key]), problem]
        super().__init__(": ".join(parts))


def builtin_packs() -> list[Path]:
    """The rule packs shipped with healer, in the order they are read."""
    return sorted(PACKS.glob("*.toml")) if PACKS.is_dir() else []


def user_rule_files(root: Path) -> list[Path]:
    """The repository's own rule files (`.healer/rules/*.toml|yaml|yml`), in the order they are read."""
    folder = root / USER_RULES
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if path.suffix in SUFFIXES and path.is_file())


def load_rules(root: Path | None) -> RuleSet:
    """Every rule in effect: the built-in packs, then the rule files of the repository at `root` (if given)."""
    rules: dict[str, Rule] = {}
    for path in builtin_packs():
        _load_file(path, f"builtin:{path.stem}", rules, user=False)
    if root is not None:
        for path in user_rule_files(root):
            _load_file(path, (USER_RULES / path.name).as_posix(), rules, user=True)
    return RuleSet(tuple(rules.values()))


def _close(word: str, choices: Sequence[str]) -> str | None:
    found = difflib.get_close_matches(word, choices, n=1)
    return found[0] if found else None


class _File:
    """One rule file's text, for error messages that point at a line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.yaml = path.suffix in (".yaml", ".yml")

    def fail(self, problem: str, *, index: int | None = None, rule_id: str | None = None, key: str = "") -> RuleError:
        entry = None
        if index is not None:
            entry = f"rule #{index}" + (f" ({rule_id})" if rule_id else "")
        if index is not None:
            line = self._line(index, key.split(".") if key else [])
        else:
            line = self._top_line(key) if key else None
        return RuleError(self.path, problem, line=line, entry=entry, key=key)

    def _line(self, index: int, keys: list[str]) -> int | None:
        try:
            return self._yaml_line(index, keys) if self.yaml else self._toml_line(index, keys)
        except Exception:  # a best-effort position must never hide the error it decorates
            return None

    def _top_line(self, key: str) -> int | None:
        # `[[rule]]`, `[rule]`, `rule = ...` in TOML; `rule:` in YAML.
        pattern = re.compile(rf"\s*(\[+\s*{re.escape(key)}\s*[\].]|[\"']?{re.escape(key)}[\"']?\s*[=:])")
        for number, line in enumerate(self.text.splitlines(), 1):
            if pattern.match(line):
                return number
        return None

    def _toml_line(self, index: int, keys: list[str]) -> int | None:
        lines = self.text.splitlines()
        headers = [n for n, line in enumerate(lines) if re.match(r"\s*\[\[\s*rules\s*\]\]", line)]
        if index > len(headers):
            return None  # inline arrays of tables: no header to count
        start = headers[index - 1]
        end = headers[index] if index < len(headers) else len(lines)
        if not keys:
            return start + 1
        # A table key (match, params) may be its own [rules.KEY] header within the entry.
        table = re.compile(rf"\s*\[\s*rules\s*\.\s*{re.escape(keys[0])}\s*\]")
        for n in range(start + 1, end):
            if table.match(lines[n]):
                return (_key_line(lines, n + 1, end, keys[1]) if len(keys) > 1 else None) or n + 1
        return _key_line(lines, start + 1, end, keys[0]) or start + 1

    def _yaml_line(self, index: int, keys: list[str]) -> int | None:
        node = yaml.compose(self.text, Loader=yaml.SafeLoader)
        node = _yaml_child(node, "rules")
        if not isinstance(node, yaml.SequenceNode) or index > len(node.value):
            return None
        node = node.value[index - 1]
        line: int = node.start_mark.line + 1
        for key in keys:
            if not isinstance(node, yaml.MappingNode):
                break
            for key_node, value_node in node.value:
                if key_node.value == key:
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                break
        return line


def _key_line(lines: list[str], start: int, end: int, key: str) -> int | None:
    leaf = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*[=.]")
    for n in range(start, end):
        if lines[n].lstrip().startswith("["):
            return None  # the next table: the key is not in this one
        if leaf.match(lines[n]):
            return n + 1
    return None


def _yaml_child(node: Any, key: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node
    return None


def _read(path: Path) -> tuple[_File, Any]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise RuleError(path, f"cannot read: {error.strerror}") from None
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a byte order mark some editors write
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise RuleError(path, f"not valid UTF-8 (byte 0x{raw[error.start]:02x})", line=line) from None
    file = _File(path, text)
    if file.yaml:
        return file, _parse_yaml(path, text)
    try:
        return file, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise RuleError(path, f"invalid TOML: {problem}", line=int(found.group(1)) if found else None) from None


def _parse_yaml(path: Path, text: str) -> Any:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise RuleError(path, f"invalid YAML: {problem}", line=mark.line + 1 if mark else None) from None
    return {} if data is None else data


def _entries(file: _File, data: Any) -> list[Any]:
    if not isinstance(data, dict):
        raise file.fail(f"expected a table with a `rules` list, got {describe_value(data)}")
    for key in data:
        if key not in TOP_KEYS:
            close = _close(str(key), TOP_KEYS)
            hint = f" (did you mean '{close}'?)" if close else "; a rule file holds only `rules`"
            raise file.fail(f"unknown key{hint}", key=str(key))
    entries = data.get("rules", [])
    if not isinstance(entries, list):
        raise file.fail(f"expected a list of rules ([[rules]] tables), got {describe_value(entries)}", key="rules")
    return entries


def _load_file(path: Path, origin: str, rules: dict[str, Rule], *, user: bool) -> None:
    file, data = _read(path)
    seen: dict[str, int] = {}
    for index, raw in enumerate(_entries(file, data), 1):
        entry = _Entry(file, index)
        rule = entry.build(raw, rules, origin, user=user)
        if rule.id in seen:
            raise entry.fail("id", f"duplicate id {rule.id!r}: rule #{seen[rule.id]} of this file already has it")
        seen[rule.id] = index
        rules[rule.id] = rule


class _Entry:
    """One entry of a rule file, validated key by key."""

    def __init__(self, file: _File, index: int) -> None:
        self.file = file
        self.index = index
        self.id: str | None = None

    def fail(self, key: str, problem: str) -> RuleError:
        return self.file.fail(problem, index=self.index, rule_id=self.id, key=key)

    def expect(self, key: str, value: Any, ok: bool, what: str) -> None:
        if not ok:
            raise self.fail(key, f"expected {what}, got {describe_value(value)}")

    def check_keys(self, table: dict[str, Any], allowed: Sequence[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                close = _close(str(key), allowed)
                hint = f" (did you mean '{close}'?)" if close else f"; known keys: {', '.join(allowed)}"
                raise self.fail(f"{where}.{key}" if where else str(key), f"unknown key{hint}")

    def build(self, raw: Any, rules: dict[str, Rule], origin: str, *, user: bool) -> Rule:
        self.expect("", raw, isinstance(raw, dict), "a table")
        if "id" not in raw:
            self.check_keys(raw, RULE_KEYS, "")
            raise self.fail("id", "missing: every rule needs an id")
        rule_id = raw["id"]
        self.expect("id", rule_id, isinstance(rule_id, str), "a string")
        if not ID_PATTERN.match(rule_id):
            raise self.fail("id", f"{rule_id!r} is not a rule id: lowercase letters, digits, '.', '_' and '-'")
        self.id = rule_id  # known from here on: every later error names the rule
        self.check_keys(raw, RULE_KEYS, "")
        fields = self.fields(raw)
        existing = rules.get(rule_id)
        if existing is None:
            missing = [key for key in REQUIRED if key not in raw]
            if missing:
                raise self.fail(
                    missing[0], f"missing (a new rule needs {', '.join(REQUIRED)}; no loaded rule has this id)"
                )
            return Rule(
                id=rule_id,
                description=fields["description"],
                action=fields["action"],
                safety=fields["safety"],
                confidence=fields["confidence"],
                enabled=fields.get("enabled", True),
                params=fields.get("params", {}),
                match=Match(**fields["match"]),
                origin=origin,
            )
        if not user:
            raise self.fail("id", f"duplicate id {rule_id!r}: {existing.origin} already defines it")
        changes = {key: value for key, value in fields.items() if key not in ("match", "params")}
        if "match" in fields:
            changes["match"] = replace(existing.match, **fields["match"])
        if "params" in fields:
            changes["params"] = {**existing.params, **fields["params"]}
        return replace(existing, **changes, changed_by=(*existing.changed_by, origin))

    def fields(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The entry's given keys other than id, checked and converted (`match` to Match's field names)."""
        found: dict[str, Any] = {}
        if "description" in raw:
            value = raw["description"]
            self.expect("description", value, isinstance(value, str) and bool(value.strip()), "a non-empty string")
            found["description"] = value
        if "action" in raw:
            found["action"] = self.action(raw["action"])
        if "safety" in raw:
            value = raw["safety"]
            if value not in SAFETY_CLASSES:
                close = _close(str(value), SAFETY_CLASSES)
                hint = f" (did you mean '{close}'?)" if close else ""
                raise self.fail("safety", f"unknown safety {value!r}{hint}; one of {', '.join(SAFETY_CLASSES)}")
            found["safety"] = value
        if "confidence" in raw:
            value = raw["confidence"]
            number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            self.expect("confidence", value, number, "a number from 0 to 1")
            if not 0 <= value <= 1:
                raise self.fail("confidence", f"must be from 0 to 1, got {value}")
            found["confidence"] = float(value)
        if "enabled" in raw:
            value = raw["enabled"]
            self.expect("enabled", value, isinstance(value, bool), "true or false")
            found["enabled"] = value
        if "params" in raw:
            value = raw["params"]
            self.expect("params", value, isinstance(value, dict), "a table")
            found["params"] = value
        if "match" in raw:
            found["match"] = self.match(raw["match"])
        return found

    def action(self, value: Any) -> str:
        self.expect("action", value, isinstance(value, str), "an action name")
        if value not in ACTIONS:
            close = _close(value, list(ACTIONS))
            hint = f" (did you mean '{close}'?)" if close else ""
            raise self.fail("action", f"unknown action {value!r}{hint}; one of {', '.join(sorted(ACTIONS))}")
        result: str = value
        return result

    def match(self, raw: Any) -> dict[str, Any]:
        self.expect("match", raw, isinstance(raw, dict), "a table of conditions")
        self.check_keys(raw, MATCH_KEYS, "match")
        if not raw:
            raise self.fail("match", f"empty: give at least one of {', '.join(MATCH_KEYS)}")
        found: dict[str, Any] = {}
        for key, value in raw.items():
            where = f"match.{key}"
            if key == "message":
                self.expect(where, value, isinstance(value, str) and bool(value), "a regular expression")
                try:
                    found["message"] = re.compile(value)
                except re.error as error:
                    raise self.fail(where, f"invalid regular expression {value!r}: {error}") from None
                continue
            values = self.strings(where, value)
            if key == "tool":
                values = tuple(tool.lower() for tool in values)
            elif key == "code":
                for code in values:
                    if "*" in code[:-1]:
                        raise self.fail(where, f"{code!r}: '*' may only end a code, as a prefix (\"W29*\")")
            elif key == "file":
                for pattern in values:
                    problem = check_glob(pattern)
                    if problem:
                        raise self.fail(where, problem)
            elif key == "stage_kind":
                for kind in values:
                    if kind not in STAGE_KINDS:
                        close = _close(kind, STAGE_KINDS)
                        hint = f" (did you mean '{close}'?)" if close else ""
                        raise self.fail(where, f"unknown stage kind {kind!r}{hint}; one of {', '.join(STAGE_KINDS)}")
            found[MATCH_FIELDS[key]] = values
        return found

    def strings(self, where: str, value: Any) -> tuple[str, ...]:
        """A string or a non-empty list of them, as a tuple."""
        items = [value] if isinstance(value, str) else value
        ok = isinstance(items, list) and bool(items) and all(isinstance(item, str) and item for item in items)
        self.expect(where, value, ok, "a non-empty string or array of non-empty strings")
        return tuple(items)
