"""Errors that end a command with a one-line message instead of a traceback."""

from __future__ import annotations


class HealerError(Exception):
    """A problem the user can act on; the CLI prints it as one line and exits with `exit_code`."""

    exit_code = 2
