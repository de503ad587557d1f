"""Coding-agent CLIs as fixers: their presets, how one runs in a jailed copy, and what it printed."""
