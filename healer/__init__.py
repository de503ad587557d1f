"""healer: a local-first, self-healing check pipeline for one repository."""

__version__ = "0.1.0"
