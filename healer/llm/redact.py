"""Where callers have always found the redactor; it lives in healer.llm.redaction (layers, formats, names)."""

from __future__ import annotations

from healer.llm.redaction import DEFAULT_DENY, PLACEHOLDER, Redacted, denied, redact

__all__ = ["DEFAULT_DENY", "PLACEHOLDER", "Redacted", "denied", "redact"]
