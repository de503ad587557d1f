"""Whether this command may ask a model at all: answered without loading anything of the model client.

The terminal UI asks before its first frame (to offer `m`), every `healer fix`
before it starts: neither should pay for importing the client to hear "no".
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from healer.config.settings import Config

OFFLINE_VARIABLE = "HEALER_OFFLINE"


def offline_reason(
    config: Config, *, flag: bool, hook: bool = False, environ: Mapping[str, str] = os.environ
) -> str | None:
    """Why this run must not ask a model, or None when it asks the configured one."""
    if flag:
        return "--offline"
    if environ.get(OFFLINE_VARIABLE, "").strip() not in ("", "0"):
        return f"{OFFLINE_VARIABLE} is set"
    if not config.llm.model:
        return "no model configured"
    if hook and not config.llm.hooks:
        return "hooks do not ask the model (llm.hooks = false)"
    return None
