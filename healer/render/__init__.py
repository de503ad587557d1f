"""Turning what the core returns into text for a terminal, a log, JSON or CI annotations."""
