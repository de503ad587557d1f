"""Capturing a stage's output with bounded memory.

Everything is kept in memory up to `memory_limit`; past that the full output
goes to a log file and only its head and tail stay in memory; a log file
that cannot be written (a full disk, a read-only git directory) costs only
the middle of the output, said in `lost`. Lines are handed out as they
complete, so a display can stream them; an endless line (binary garbage
without newlines) is cut every `max_line` bytes rather than growing.
"""

from __future__ import annotations

import contextlib
import os
from collections import deque
from pathlib import Path
from typing import BinaryIO

MEMORY_LIMIT = 8 * 1024 * 1024
HEAD = 1024 * 1024
TAIL = 4 * 1024 * 1024
MAX_LINE = 64 * 1024


def decode(data: bytes) -> str:
    return data.decode("utf-8", "replace")


class OutputCapture:
    def __init__(
        self,
        log_path: Path | None,
        *,
        memory_limit: int = MEMORY_LIMIT,
        head: int = HEAD,
        tail: int = TAIL,
        max_line: int = MAX_LINE,
    ) -> None:
        self.log_path = log_path
        self.memory_limit = memory_limit
        self.head_size = head
        self.tail_size = tail
        self.max_line = max_line
        self.total = 0
        self._chunks: list[bytes] = []
        self._head = b""
        self._tail: deque[bytes] = deque()
        self._tail_bytes = 0
        self._spool: BinaryIO | None = None
        self._spool_tmp: Path | None = None
        self._partial = b""
        self.lost: str | None = None
        """Why the full output could not be kept in the log file, when it could not."""

    @property
    def spooled(self) -> bool:
        return self._spool is not None

    def feed(self, data: bytes) -> list[str]:
        """Keep `data`; return the lines it completes."""
        self.total += len(data)
        if self._spool is None and self.total > self.memory_limit and self.log_path is not None:
            try:
                self._start_spool()
            except OSError as error:
                self._lose_log(error)
        if self._spool is None:
            if self.log_path is None and self.total > self.memory_limit:
                self._keep_bounded(data)
            else:
                self._chunks.append(data)
        else:
            try:
                self._spool.write(data)
            except OSError as error:
                # The head is kept already and the tail goes on below: only the middle is lost.
                self._lose_log(error)
            self._push_tail(data)
        return self._lines(data)

    def _lose_log(self, error: OSError) -> None:
        """Go on with head and tail only, leaving no partial log file behind."""
        self.lost = f"the full output could not be kept in {self.log_path} ({error.strerror or error})"
        spool, temporary = self._spool, self._spool_tmp
        self._spool = self._spool_tmp = None
        self.log_path = None
        if spool is not None:
            with contextlib.suppress(OSError):  # its buffer could not be flushed either: the file goes anyway
                spool.close()
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)

    def _keep_bounded(self, data: bytes) -> None:
        # No log file to spool to: fall back to head and tail only.
        if self._chunks:
            kept = b"".join(self._chunks)
            self._chunks = []
            self._head = kept[: self.head_size]
            self._push_tail(kept[self.head_size :])
        self._push_tail(data)

    def _start_spool(self) -> None:
        """Move what is kept so far into the log file; on failure nothing has changed."""
        assert self.log_path is not None
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.log_path.with_name(f".{self.log_path.name}.{os.getpid()}.tmp")
        kept = b"".join(self._chunks)
        spool = temporary.open("wb")
        try:
            spool.write(kept)
        except OSError:
            spool.close()
            temporary.unlink(missing_ok=True)
            raise
        self._spool, self._spool_tmp, self._chunks = spool, temporary, []
        self._head = kept[: self.head_size]
        self._push_tail(kept[self.head_size :])

    def _push_tail(self, data: bytes) -> None:
        if not data:
            return
        self._tail.append(data)
        self._tail_bytes += len(data)
        while self._tail and self._tail_bytes - len(self._tail[0]) >= self.tail_size:
            self._tail_bytes -= len(self._tail.popleft())

    def _lines(self, data: bytes) -> list[str]:
        buffer = self._partial + data
        parts = buffer.split(b"\n")
        self._partial = parts.pop()
        while len(self._partial) > self.max_line:
            parts.append(self._partial[: self.max_line])
            self._partial = self._partial[self.max_line :]
        return [decode(part.rstrip(b"\r")) for part in parts]

    def close(self) -> tuple[str, str | None, list[str]]:
        """Finish: the kept text, the log file if one was written, and the last unterminated line."""
        rest = [decode(self._partial.rstrip(b"\r"))] if self._partial else []
        self._partial = b""
        if self._spool is None and not self._tail:
            return decode(b"".join(self._chunks)), None, rest
        tail = b"".join(self._tail)[-self.tail_size :]
        omitted = self.total - len(self._head) - len(tail)
        log: str | None = None
        if self._spool is not None:
            assert self._spool_tmp is not None and self.log_path is not None
            try:
                self._spool.close()
                os.replace(self._spool_tmp, self.log_path)
                log = str(self.log_path)
            except OSError as error:
                self._lose_log(error)
        where = f"; the full output is in {log}" if log else ""
        if self.lost is not None:
            where = f"; {self.lost}"
        marker = f"\n[... {omitted} bytes of output omitted{where} ...]\n"
        return decode(self._head) + marker + decode(tail), log, rest
