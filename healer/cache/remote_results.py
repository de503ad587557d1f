"""The shared result cache as a run uses it: asked after the local cache misses, fed with what stages ran.

`[tool.healer.remote_cache]` names the server. A local miss asks `/ac/<remote key>`
(healer.cache.remote_entry); an entry that checks out, with its log from `/cas/`, is the stage's result,
and is stored in the local cache (the next run needs no server). With `mode = "read-write"` (CI; or
HEALER_REMOTE_CACHE=read-write) each result a stage produced by running is put there: its log, redacted
as a model prompt is (healer.llm.redaction), under its sha256 in `/cas/`, then the entry, with the
diagnostics redacted too. An entry that is corrupt, truncated or not this run's own is ignored with a
notice; a server that cannot be reached costs one connection attempt and one notice (healer.cache.remote).

Nothing here is loaded, and no server asked, without that table, with HEALER_OFFLINE set, or when every
stage's result is in the local cache already.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from healer.cache.remote import RemoteCache
from healer.cache.remote_entry import Invalid, decode, encode, platform_of, redacted, remote_key
from healer.config.settings import REMOTE_CACHE_MODES, RemoteCacheSettings
from healer.errors import HealerError
from healer.kb.store import CachedResult

Notify = Callable[[str], None]

MODE_VARIABLE = "HEALER_REMOTE_CACHE"
"""off, read or read-write: overrides `remote_cache.mode` (CI writes, developers read, one configuration)."""
OFFLINE_VARIABLE = "HEALER_OFFLINE"
"""The same variable healer.llm.offline reads: nothing may reach the network."""


def offline(environ: Mapping[str, str]) -> bool:
    return environ.get(OFFLINE_VARIABLE, "").strip() not in ("", "0")


class SharedResults:
    """One run's view of the shared cache (one connection, kept alive, closed with `close`)."""

    def __init__(self, client: RemoteCache, *, write: bool, notify: Notify) -> None:
        self.client = client
        self.write = write
        self.notify = notify
        self.served = 0
        """Results this run took from the server."""
        self.shared = 0
        """Results this run put there."""

    def fetch(self, key: str, stage: str, tools: Sequence[str]) -> CachedResult | None:
        """The shared result of `stage` for the local `key`, checked; None on a miss or anything untrustworthy."""
        where = platform_of(tools)
        address = remote_key(key, where)
        data = self.client.get_action(address)
        if data is None:
            return None
        try:
            entry = decode(data, key=key, stage=stage, where=where, tools=tools)
        except Invalid as why:
            self._ignored(stage, address, str(why))
            return None
        output = ""
        if entry.log is not None:
            blob = self.client.get_blob(entry.log)
            if blob is None or len(blob) != entry.log_size:
                if self.client.down is None:
                    self._ignored(stage, address, f"its log cas/{entry.log} is missing or damaged")
                return None
            output = blob.decode("utf-8", "surrogateescape")
        self.served += 1
        return CachedResult(
            stage=stage, status=entry.status, exit_code=entry.exit_code, duration=entry.duration, output=output,
            output_bytes=entry.output_bytes, diagnostics=entry.diagnostics, gate=entry.gate, created=time.time(),
        )  # fmt: skip

    def share(
        self,
        key: str,
        stage: str,
        tools: Sequence[str],
        *,
        status: str,
        exit_code: int | None,
        duration: float,
        output: str,
        output_bytes: int,
        diagnostics: list[dict[str, Any]],
        gate: dict[str, Any] | None,
    ) -> bool:
        """Put a result a stage produced on the server (read-write only), redacted; True if it is there now."""
        if not self.write or self.client.down is not None or self.client.writes_refused is not None:
            return False
        where = platform_of(tools)
        log: str | None = None
        text = _text(output) if output else ""
        data = text.encode("utf-8", "surrogateescape")
        if data:
            log = self.client.put_blob(data)
            if log is None:
                return False
        entry = encode(
            key=key, where=where, tools=tools, stage=stage, status=status, exit_code=exit_code, duration=duration,
            output_bytes=output_bytes, diagnostics=redacted(diagnostics, _text), gate=redacted(gate, _text),
            log=log, log_size=len(data),
        )  # fmt: skip
        if not self.client.put_action(remote_key(key, where), entry):
            return False
        self.shared += 1
        return True

    def close(self) -> None:
        self.client.close()

    def _ignored(self, stage: str, address: str, why: str) -> None:
        self.notify(f"the remote cache's result for stage '{stage}' (ac/{address}) is ignored: {why}; "
                    "the stage runs")  # fmt: skip


def _text(text: str) -> str:
    # Loaded with the first write: compiling its patterns costs a reading run tens of milliseconds.
    from healer.llm.redaction import redact

    return redact(text).text


def shared_results(settings: RemoteCacheSettings, environ: Mapping[str, str], notify: Notify) -> SharedResults | None:
    """The shared cache the configuration and the environment ask for, or None (offline, off, no URL)."""
    if offline(environ):
        return None
    mode = settings.mode
    chosen = environ.get(MODE_VARIABLE, "").strip()
    if chosen == "off":
        return None
    if chosen in REMOTE_CACHE_MODES:
        mode = chosen
    elif chosen:
        notify(f"{MODE_VARIABLE}={chosen!r} is not one of off, {', '.join(REMOTE_CACHE_MODES)}; "
               f"remote_cache.mode ({mode}) holds")  # fmt: skip
    url = settings.url
    if url is None and settings.url_env is not None:
        url = environ.get(settings.url_env, "").strip() or None
    if url is None:
        return None  # the variable holding the URL is not set here: a clone without the team's server
    headers: dict[str, str] = {}
    if settings.token_env is not None:
        token = environ.get(settings.token_env, "").strip()
        if token:
            headers[settings.header] = token
    try:
        client = RemoteCache(
            url, headers=headers, timeout=settings.timeout, connect_timeout=settings.connect_timeout, notify=notify
        )
    except HealerError as error:
        notify(f"{error} (from {settings.url_env}); this run goes on without the remote cache")
        return None
    return SharedResults(client, write=mode == "read-write", notify=notify)
