"""The cache key of a stage: its definition, its tools, its environment inputs, its input files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import healer
from healer.config.settings import Stage
from healer.digest import new_digest
from healer.globs import matcher
from healer.snapshot.manifest import Manifest


def definition(stage: Stage) -> str:
    # The record's repr is exact and stable (strings, numbers, tuples, a nested Gate),
    # and needs no json import on the cached path.
    return repr(stage)


def input_paths(stage: Stage, tree: Manifest) -> list[str]:
    matches = matcher(stage.inputs)
    return [path for path in tree.paths() if matches(path)]


def stage_key(stage: Stage, tree: Manifest, env: Mapping[str, str], tools: Sequence[str]) -> str:
    digest = new_digest()
    # healer's own version: a new release may parse the same output differently.
    digest.update(f"healer {healer.__version__}\n".encode())
    digest.update(definition(stage).encode())
    for tool in tools:
        digest.update(b"\ntool\0" + tool.encode("utf-8", "surrogateescape"))
    for name in stage.env_inputs:
        value = env.get(name)
        digest.update(f"\nenv\0{name}\0{'<unset>' if value is None else value}".encode("utf-8", "surrogateescape"))
    for path in input_paths(stage, tree):
        content = tree.content_id(path)
        if content is not None:
            digest.update(b"\nfile\0" + path.encode("utf-8", "surrogateescape") + b"\0" + content.encode())
    return digest.hexdigest()
