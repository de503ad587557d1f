"""The file-system watcher: watchfiles' Rust notifier, in a thread of its own.

`RustNotify` is used directly rather than through `watchfiles.watch` because
it starts watching when it is constructed: `start()` returns only once every
folder is watched, so nothing saved after it (during the first run, or the
moment a test writes a file) can be missed. watchfiles' `watch()` would start
only at its first iteration, in the thread, at a moment nobody can observe.

The notifier's own grouping is kept short (it only has to batch one burst of
events); the debounce a user sets is applied by the session, which must see
every event at once to cancel a stage whose inputs change while it runs.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from watchfiles._rust_notify import RustNotify

from healer.errors import HealerError

if TYPE_CHECKING:
    from watchfiles._rust_notify import RustNotify

STEP_MS = 20
"""Quiet time that ends a burst of events."""
BURST_MS = 100
"""The longest a burst is held back while events keep coming."""

Changes = set[tuple[int, str]]


class WatcherError(HealerError):
    """The file-system watcher cannot start or stopped working."""


def _force_polling() -> bool:
    # As watchfiles reads it (its helper is private): for file systems without notifications.
    value = os.environ.get("WATCHFILES_FORCE_POLLING", "")
    return bool(value) and value.lower() not in ("false", "disable", "disabled")


class FileWatcher:
    """Calls `on_changes` from its own thread with each burst of raw events (kind, absolute path) under `root`."""

    def __init__(
        self,
        root: Path,
        on_changes: Callable[[Changes], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self.root = root
        self.on_changes = on_changes
        self.on_error = on_error
        self._stop = threading.Event()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._notify: RustNotify | None = None

    def start(self) -> None:
        """Watch every folder under `root` before returning; raises WatcherError if that is impossible."""

        try:
            self._notify = RustNotify([str(self.root)], False, _force_polling(), 300, True, True)
        except (OSError, RuntimeError) as error:
            raise WatcherError(f"cannot watch {self.root} for changes: {error}") from None
        self._thread = threading.Thread(target=self._loop, name="healer-watch-files", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        """True once the thread has finished. An event rather than Thread.join: on Python 3.11 a Ctrl-C
        landing in Thread.join marks the thread as finished while it still runs."""
        return self._thread is None or self._done.wait(timeout)

    def _loop(self) -> None:
        notify = self._notify
        assert notify is not None
        try:
            while not self._stop.is_set():
                raw = notify.watch(BURST_MS, STEP_MS, 0, self._stop)
                if raw == "stop":
                    break
                if isinstance(raw, set) and raw:
                    self.on_changes(raw)
        except BaseException as error:  # the session must learn that watching stopped, whatever the cause
            self.on_error(error)
        finally:
            notify.close()
            self._done.set()
