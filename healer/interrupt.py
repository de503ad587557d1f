"""Ctrl-C and SIGTERM as one interrupt, remembered so that start-up code cannot disguise it.

A KeyboardInterrupt raised while Python compiles or imports a module can
surface as a different exception (a SyntaxError when it lands inside the
compiler, an ImportError inside the import system). The flag lets the CLI
recognise those as the interrupt they are and exit 130 quietly. Raised where
Python cannot propagate it (a weakref callback of the import lock, a
destructor), it would print "Exception ignored in ..." with a traceback: that
one is swallowed, the flag already says what happened.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_requested = False


def requested() -> bool:
    """Whether an interrupt has arrived in this process."""
    return _requested


def raise_interrupt(_sig: int, _frame: FrameType | None) -> None:
    """Signal handler: remember the interrupt, then raise it as Ctrl-C does."""
    global _requested
    _requested = True
    raise KeyboardInterrupt


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    if _requested and isinstance(unraisable.exc_value, KeyboardInterrupt):
        return  # our own interrupt, remembered in the flag: the CLI ends with 130
    sys.__unraisablehook__(unraisable)


def _quiet_unraisable() -> None:
    if sys.unraisablehook is sys.__unraisablehook__:
        sys.unraisablehook = _unraisable


def handle_ctrl_c() -> None:
    """Route SIGINT through `raise_interrupt` (unless the parent told us to ignore it)."""
    current = signal.getsignal(signal.SIGINT)
    if current is signal.default_int_handler or getattr(current, "__module__", None) == "healer.start":
        _quiet_unraisable()
        signal.signal(signal.SIGINT, raise_interrupt)


@contextmanager
def terminated_as_interrupt() -> Iterator[None]:
    """A SIGTERM (CI cancelling, a hook's parent dying) must end the stages too, like Ctrl-C.

    For a front end's main thread (signal handlers can only be set there).
    """
    _quiet_unraisable()
    previous = signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
