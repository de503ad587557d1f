"""Shared fixes through the remote cache of `[tool.healer.remote_cache]` (a Bazel remote-cache HTTP server).

Each entry is a blob of the content-addressed store, `/cas/<sha256>`: its content id (healer.kb.share) is
that digest, so putting the same fix twice is one blob. What the repository's team shared is listed by an
index at a key every clone computes alike, sha256 of "healer-kb-index:" and the repository's identity (its
root commit, healer.kb.share_git.repository_identity). The index is a value of the action cache,
`/ac/<key>`, not a blob: a content-addressed store takes a blob only under its own digest (bazel-remote
checks; healer's client checks what it reads), and an index that changes cannot be that.

HTTP has no compare-and-swap, so two pushes at the same moment could each write an index without the
other's entries. A push therefore reads the index back after writing it and merges again until it holds
its entries (a few times); a lost entry is only a fix not listed until someone pushes it again.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Mapping
from typing import Protocol

from healer.kb.share import Received, Sent, ShareError

INDEX_SCHEMA = "healer.kb.index/1"
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
ATTEMPTS = 4


class Blobs(Protocol):
    """What this needs of a remote-cache client (healer.cache.remote.RemoteCache)."""

    url: str
    down: str | None

    def get_action(self, key: str) -> bytes | None: ...

    def put_action(self, key: str, data: bytes) -> bool: ...

    def get_blob(self, digest: str) -> bytes | None: ...

    def put_blob(self, data: bytes) -> str | None: ...


def index_key(identity: str) -> str:
    return hashlib.sha256(f"healer-kb-index:{identity}".encode()).hexdigest()


class CacheShare:
    """The shared fixes of the repository known as `identity`, on the remote cache `client`."""

    def __init__(self, client: Blobs, identity: str, notices: list[str] | None = None) -> None:
        self.client = client
        self.key = index_key(identity)
        self.where = f"{client.url} (remote cache)"
        self.notices = notices if notices is not None else []
        """What the client said (the server down, a refused write): the reason a request came back empty."""

    def _index(self) -> set[str] | None:
        data = self.client.get_action(self.key)
        self._usable()
        if data is None:
            return None
        try:
            document = json.loads(data)
            fixes = document["fixes"] if document.get("schema") == INDEX_SCHEMA else None
        except (ValueError, AttributeError, TypeError, KeyError):
            fixes = None
        if not isinstance(fixes, list) or not all(isinstance(name, str) for name in fixes):
            raise ShareError(f"the index of shared fixes on {self.where} (ac/{self.key}) is damaged")
        return set(fixes)

    def _usable(self) -> None:
        if self.client.down is not None:
            raise ShareError(f"the remote cache {self.client.url} cannot be used: {self.client.down}")

    def _write_index(self, names: set[str]) -> None:
        document = {"schema": INDEX_SCHEMA, "fixes": sorted(names)}
        if not self.client.put_action(self.key, json.dumps(document).encode()):
            self._usable()
            raise ShareError(self._refused("the index of shared fixes"))

    def _refused(self, what: str) -> str:
        said = f": {self.notices[-1]}" if self.notices else ""
        return f"the remote cache {self.client.url} did not store {what}{said}"

    def send(self, files: Mapping[str, bytes]) -> Sent:
        there = self._index() or set()
        new = {name: data for name, data in files.items() if name not in there}
        for name, data in sorted(new.items()):
            digest = self.client.put_blob(data)
            if digest is None:
                self._usable()
                raise ShareError(self._refused(f"the shared fix {name}"))
            if f"{digest}.json" != name:
                raise ShareError(f"{name}: its name is not its content's sha256")  # never: names are made so
        if not new:
            return Sent(0, len(files), len(there))
        wanted = there | set(new)
        for attempt in range(1, ATTEMPTS + 1):
            self._write_index(wanted)
            now = self._index() or set()
            if set(new) <= now:
                return Sent(len(new), len(files) - len(new), len(now), attempt)
            wanted = now | set(new)  # another push wrote its index over ours: merge with it and write again
            time.sleep(0.05 * attempt)
        raise ShareError(f"others pushed to {self.where} at the same time {ATTEMPTS} times in a row; try again")

    def receive(self) -> Received | None:
        names = self._index()
        if names is None:
            return None
        files: dict[str, bytes] = {}
        unreadable: dict[str, str] = {}
        for name in sorted(names):
            digest = name.removesuffix(".json")
            data = self.client.get_blob(digest) if _DIGEST.match(digest) and name.endswith(".json") else None
            self._usable()
            if data is None:
                unreadable[name] = "missing from the remote cache, or damaged (its content is not its digest)"
            else:
                files[name] = data
        return Received(files, unreadable)
