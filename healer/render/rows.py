"""Typed rows as JSON: NamedTuples and dataclasses become objects (their fields in order), tuples arrays."""

from __future__ import annotations

import dataclasses
from typing import Any


def plain(value: Any) -> Any:
    """`value` with every NamedTuple and dataclass turned into a dict and every tuple into a list, all the way down."""
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {name: plain(item) for name, item in value._asdict().items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value
