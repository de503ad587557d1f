"""The one error type for a configuration that cannot be used."""

from __future__ import annotations

from pathlib import Path

from healer.errors import HealerError


class ConfigError(HealerError):
    """A configuration problem, always naming the file and the key it is about."""

    def __init__(self, path: Path | str, key: str, problem: str, line: int | None = None) -> None:
        self.path = str(path)
        self.key = key
        self.problem = problem
        self.line = line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")
