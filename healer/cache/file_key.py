"""The cache key of one file of a per-file stage (`files = "each"`): what the tool saw when it checked that file.

A per-file stage keeps one result per file, so a one-file change reruns the tool on that file only. The key is
the stage's definition, its tools' identities, its environment inputs, the content of its config files (every
input that names files rather than selects them: `pyproject.toml`, `**/ruff.toml`; see
healer.pipeline.per_file.split_inputs) and the file's own path and blob id. A config change, a new tool version
or a new healer release therefore changes every file's key; an edit of one checked file changes only its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import healer
from healer.config.settings import Stage
from healer.digest import new_digest
from healer.snapshot.manifest import Manifest


class FileKeys:
    """Makes the per-file keys of one stage for one content: the shared part is hashed once."""

    def __init__(
        self, stage: Stage, tree: Manifest, env: Mapping[str, str], tools: Sequence[str], configs: Sequence[str]
    ) -> None:
        digest = new_digest()
        digest.update(f"healer {healer.__version__} per-file\n".encode())
        digest.update(repr(stage).encode())
        for tool in tools:
            digest.update(b"\ntool\0" + tool.encode("utf-8", "surrogateescape"))
        for name in stage.env_inputs:
            value = env.get(name)
            digest.update(f"\nenv\0{name}\0{'<unset>' if value is None else value}".encode("utf-8", "surrogateescape"))
        for path in configs:
            content = tree.content_id(path)
            if content is not None:
                digest.update(b"\nconfig\0" + path.encode("utf-8", "surrogateescape") + b"\0" + content.encode())
        self._shared = digest.hexdigest().encode()

    def key(self, path: str, content: str) -> str:
        digest = new_digest()
        digest.update(self._shared)
        digest.update(b"\nfile\0" + path.encode("utf-8", "surrogateescape") + b"\0" + content.encode())
        return digest.hexdigest()
