"""Structured diagnostics: parse a stage's output into placed, fingerprinted findings.

Import from the modules (`healer.diagnostics.diagnose`, `.model`, `.fingerprint`):
this package imports nothing itself, because every run imports `.model` and only
failing stages need the parsers.
"""
