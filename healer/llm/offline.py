"""Whether this command may ask a model at all: answered without loading anything of the model client.

The terminal UI asks before its first frame (to offer `m`), every `healer fix`
before it starts: neither should pay for importing the client to hear "no".
litellm is an extra (`healer[llm]`): without it no model can be asked either,
and that is said in one line, with the command that installs it.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping

from healer.config.settings import Config
from healer.installation import add_command

OFFLINE_VARIABLE = "HEALER_OFFLINE"
UNAVAILABLE = "unavailable: "
"""How the reason begins when the model fixer cannot work in this installation (front ends name the fixer)."""


def litellm_installed() -> bool:
    """litellm can be imported, found without importing it (that takes seconds)."""
    try:
        return importlib.util.find_spec("litellm") is not None
    except (ImportError, ValueError):  # a finder that refuses it, or a half-removed install
        return False


def model_unavailable() -> str | None:
    """Why the model fixer cannot work in this installation, or None when it can."""
    if litellm_installed():
        return None
    return f"{UNAVAILABLE}litellm is not installed ({add_command('llm')})"


def network_offline(*, flag: bool, environ: Mapping[str, str] = os.environ) -> str | None:
    """Why nothing may reach the network in this command (--offline, HEALER_OFFLINE), or None: agents ask this."""
    if flag:
        return "--offline"
    if environ.get(OFFLINE_VARIABLE, "").strip() not in ("", "0"):
        return f"{OFFLINE_VARIABLE} is set"
    return None


def offline_reason(
    config: Config, *, flag: bool, hook: bool = False, environ: Mapping[str, str] = os.environ
) -> str | None:
    """Why this run must not ask a model, or None when it asks the configured one."""
    blocked = network_offline(flag=flag, environ=environ)
    if blocked is not None:
        return blocked
    if not config.llm.model:
        return "no model configured"
    if hook and not config.llm.hooks:
        return "hooks do not ask the model (llm.hooks = false)"
    return model_unavailable()
