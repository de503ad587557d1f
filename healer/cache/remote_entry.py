"""A stage's result as the shared cache holds it: a versioned JSON document under `/ac/`, its log in `/cas/`.

The local key (healer.cache.key) already covers the stage's definition, its tools' identities, its
environment inputs and its files. On a shared server it must also cover where the result was made: the
remote key is the sha256 of the entry format's version, the local key and the platform (OS, machine, and
the Python version when a tool runs from a virtualenv, whose packages are built for one). A result made on
another platform, by other tools or by another format lives under another key; and an entry is trusted only
when the key, the platform and the tool identities written inside it are this run's own, so a server that
serves the wrong document (or someone who put one there) cannot pass a result off for another.

What is shared is what the local cache keeps (passed and failed results; never an error, a timeout, a
cancelled stage or one that changed files), with its output and diagnostics redacted as a model prompt is.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

FORMAT = 1
"""The entry format's version: a new one lands on new keys, never on a document an older healer cannot read."""
SCHEMA = "healer.remote-cache.result"
MAX_DIAGNOSTICS = 10_000

_VENV_PYTHON = re.compile(r"venv-python=(\d+\.\d+)")
"""A portable identity's virtualenv Python (healer.cache.tools.portable_identity): major.minor decides."""


class Entry(NamedTuple):
    """A shared result, checked: what the local cache stores for it."""

    stage: str
    status: str
    exit_code: int | None
    duration: float
    output_bytes: int
    diagnostics: list[dict[str, Any]]
    gate: dict[str, Any] | None
    log: str | None
    """The sha256 of the output in `/cas/` (None: the stage printed nothing)."""
    log_size: int


class Invalid(Exception):
    """The document is no entry this run may trust; the message says why."""


def platform_of(tools: Sequence[str]) -> dict[str, str]:
    """Where a result was made, as far as it can change the result: OS, machine, the tools' Python."""
    found: dict[str, str] = {"os": sys.platform, "machine": os.uname().machine}
    pythons = sorted({match.group(1) for tool in tools for match in _VENV_PYTHON.finditer(tool)})
    if pythons:
        found["python"] = ",".join(pythons)
    return found


def remote_key(key: str, where: Mapping[str, str]) -> str:
    """The entry's key on the server: the format, the local key and the platform."""
    text = json.dumps({"format": FORMAT, "key": key, "platform": dict(where)}, sort_keys=True)
    return hashlib.sha256(f"{SCHEMA}\0{text}".encode()).hexdigest()


def encode(
    *,
    key: str,
    where: Mapping[str, str],
    tools: Sequence[str],
    stage: str,
    status: str,
    exit_code: int | None,
    duration: float,
    output_bytes: int,
    diagnostics: list[dict[str, Any]],
    gate: dict[str, Any] | None,
    log: str | None,
    log_size: int,
) -> bytes:
    document = {
        "schema": SCHEMA, "format": FORMAT, "key": key, "platform": dict(where), "tools": list(tools),
        "stage": stage, "status": status, "exit_code": exit_code, "duration": duration,
        "output_bytes": output_bytes, "log": None if log is None else {"sha256": log, "size": log_size},
        "diagnostics": diagnostics, "gate": gate,
    }  # fmt: skip
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def decode(data: bytes, *, key: str, stage: str, where: Mapping[str, str], tools: Sequence[str]) -> Entry:
    """The entry in `data`, if it is one this run may trust: Invalid (with why) otherwise."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise Invalid(f"not JSON, corrupt or truncated ({error})") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise Invalid("not a healer result")
    if document.get("format") != FORMAT:
        raise Invalid(f"entry format {document.get('format')!r}, this healer reads {FORMAT}")
    if document.get("key") != key:
        raise Invalid("it is the result of another stage key")
    if document.get("platform") != dict(where):
        raise Invalid(f"made on another platform ({document.get('platform')!r})")
    if document.get("tools") != list(tools):
        raise Invalid("made with other tools")
    if document.get("stage") != stage:
        raise Invalid(f"it is the result of stage {document.get('stage')!r}")
    status = _field(document, "status", lambda x: x in ("passed", "failed"))
    exit_code = _field(document, "exit_code", lambda x: x is None or _whole(x))
    duration = _field(document, "duration", lambda x: _number(x) and x >= 0)
    output_bytes = _field(document, "output_bytes", lambda x: _whole(x) and x >= 0)
    diagnostics = _field(
        document, "diagnostics",
        lambda x: isinstance(x, list) and len(x) <= MAX_DIAGNOSTICS and all(_diagnostic(d) for d in x),
    )  # fmt: skip
    gate = _field(document, "gate", lambda x: x is None or _gate(x))
    log = _field(document, "log", lambda x: x is None or _log(x))
    return Entry(
        stage, status, exit_code, float(duration), output_bytes, diagnostics, gate,
        None if log is None else log["sha256"], 0 if log is None else log["size"],
    )  # fmt: skip


def redacted(value: Any, redact: Callable[[str], str]) -> Any:
    """`value` (diagnostics, a gate) with every string redacted but fingerprints: they name the failure."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redacted(item, redact) for item in value]
    if isinstance(value, dict):
        return {k: v if k == "fingerprint" else redacted(v, redact) for k, v in value.items()}
    return value


def _field(document: dict[str, Any], name: str, valid: Callable[[Any], bool]) -> Any:
    value = document.get(name)
    if name not in document or not valid(value):
        raise Invalid(f"its {name!r} is missing or malformed")
    return value


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _optional(data: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> bool:
    value = data.get(name)
    return value is None or (isinstance(value, kind) and not isinstance(value, bool))


def _diagnostic(data: Any) -> bool:
    # What healer.diagnostics.diagnostic.Diagnostic.from_dict reads: a cached failure must load.
    if not isinstance(data, dict):
        return False
    required = all(isinstance(data.get(name), str) for name in ("stage", "tool", "message", "fingerprint"))
    texts = all(_optional(data, name, str) for name in ("file", "code", "severity", "suggestion", "node_id"))
    return required and texts and _optional(data, "line", int) and _optional(data, "column", int)


def _gate(data: Any) -> bool:
    # What healer.pipeline.result.GateResult.from_dict reads.
    if not isinstance(data, dict) or not isinstance(data.get("metric"), str):
        return False
    numbers = all(name in data and (data[name] is None or _number(data[name])) for name in ("value", "min", "max"))
    return numbers and isinstance(data.get("passed"), bool) and "problem" in data and _optional(data, "problem", str)


def _log(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    digest, size = data.get("sha256"), data.get("size")
    hexadecimal = isinstance(digest, str) and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
    return hexadecimal and isinstance(size, int) and not isinstance(size, bool) and size >= 0
