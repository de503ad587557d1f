"""litellm, imported on the one path that calls a model, and set up so that importing it stays offline.

Importing litellm takes seconds, so nothing imports it at module level. Its
import also fetches a price list from GitHub unless told to use the copy it
ships with; healer always uses the bundled copy, so the only connection a
model fix opens is the request to the configured model.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Any

_lock = threading.Lock()


def loaded() -> bool:
    return "litellm" in sys.modules


def load_litellm() -> Any:
    """The litellm module, imported once, quiet, with its bundled price list."""
    with _lock:
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        # litellm's own logger prints retries and provider hints to stderr; healer reports errors itself.
        os.environ.setdefault("LITELLM_LOG", "ERROR")
        import litellm

        litellm.suppress_debug_info = True
        litellm.telemetry = False
        # A provider that does not take `temperature` (some reasoning models) gets the request without it.
        litellm.drop_params = True
        logging.getLogger("LiteLLM").setLevel(logging.ERROR)
        return litellm
