"""litellm, imported on the one path that calls a model, and set up so that importing it stays offline.

Importing litellm takes seconds, so nothing imports it at module level. Its
import also fetches a price list from GitHub unless told to use the copy it
ships with; healer always uses the bundled copy, so the only connection a
model fix opens is the request to the configured model. litellm is an extra
(`healer[llm]`): without it this says so in one line.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Any

from healer.errors import HealerError

_lock = threading.Lock()


class LitellmMissing(HealerError):
    """litellm cannot be imported: the model fixer is unavailable in this installation."""


def loaded() -> bool:
    return "litellm" in sys.modules


def load_litellm() -> Any:
    """The litellm module, imported once, quiet, with its bundled price list."""
    with _lock:
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        # litellm's own logger prints retries and provider hints to stderr; healer reports errors itself.
        os.environ.setdefault("LITELLM_LOG", "ERROR")
        try:
            import litellm
        except ImportError as error:
            from healer.llm.offline import model_unavailable

            why = model_unavailable() or f"unavailable: litellm cannot be imported ({error})"
            raise LitellmMissing(f"the model fixer is {why}") from None

        litellm.suppress_debug_info = True
        litellm.telemetry = False
        # A provider that does not take `temperature` (some reasoning models) gets the request without it.
        litellm.drop_params = True
        logging.getLogger("LiteLLM").setLevel(logging.ERROR)
        return litellm
