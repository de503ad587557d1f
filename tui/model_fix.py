"""Ask the configured model for a fix of the selected failure, from the failures screen (key m).

The request runs in a worker thread through the core (`propose` with the model fixer, for that failure only):
redacted, budgeted, cached and verified in a copy like every other fix; its
candidates join the review list. litellm takes seconds to import, so the app
warms it in a background worker a moment after the first frame when a model
is configured; until then the offer cannot show a price yet.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from textual.message import Message

from healer.llm.budget import dollars
from healer.llm.runtime import load_litellm

if TYPE_CHECKING:
    from healer.diagnostics.diagnostic import Diagnostic
    from healer.fixing.report import Round
    from healer.tui.app import HealerApp

WARM_AFTER_SECONDS = 2.0


class ModelFixReady(Message):
    def __init__(self, fingerprint: str, found: Round) -> None:
        super().__init__()
        self.fingerprint = fingerprint
        self.found = found


def available(app: HealerApp) -> bool:
    """A model is configured and not switched off (HEALER_OFFLINE); litellm is not imported to say so."""
    return app.core.offline_reason() is None


def offer(app: HealerApp, diagnostic: Diagnostic) -> str:
    """One line: which model `m` asks, and the most one attempt can cost."""
    llm = app.workspace.config.llm
    price = _attempt_price(app)
    cost = "price shown once the model client has loaded" if price is None else (
        "no known price (a local model: free)" if price == 0 else f"at most {dollars(price)} an attempt"
    )  # fmt: skip
    return f"m: ask {llm.model} for a fix ({cost}; up to {llm.max_attempts} attempts, ${llm.budget_per_run:.2f} a run)"


def warm(app: HealerApp) -> None:
    """Import litellm in the background, after the first frame, so the first request does not wait for it."""
    if not available(app) or "litellm" in sys.modules:
        return

    def body() -> None:
        load_litellm()

    app.set_timer(WARM_AFTER_SECONDS, lambda: app.run_worker(body, thread=True, group="warm", exit_on_error=False))


def ask(app: HealerApp, diagnostic: Diagnostic) -> None:
    run = app.session.run
    if run is None:
        app.tell("nothing has been checked yet")
        return
    core = app.core
    app.tell(f"asking {core.workspace.config.llm.model} about {diagnostic.location() or diagnostic.stage}…")

    def body() -> None:
        fixers = core.fixers(("model",), offline=core.offline_reason())
        found = core.propose(run, fixers=fixers, only=[diagnostic.fingerprint])
        app.post_message(ModelFixReady(diagnostic.fingerprint, found))

    app.run_worker(body, thread=True, group="model", name="ask the model", exit_on_error=False)


def summary(found: Round) -> str:
    """What the request gave, with its cost, for a notification."""
    model = found.model
    if model is None:
        return "no failure to ask about"
    verified = sum(candidate.verified for candidate in model.candidates)
    usage = model.usage
    cost = dollars(usage.cost) + (" (cached reply)" if usage.cached and not usage.calls else "")
    changing = sum(candidate.changes_checks for candidate in model.candidates)
    weakening = f", {changing} passing by changing the checks" if changing else ""
    text = f"{model.model}: {len(model.candidates)} candidate(s), {verified} verified{weakening}, {cost}"
    if model.stopped:
        text += f"; stopped: {model.stopped}"
    elif not model.candidates and model.attempts:
        text += f"; {model.attempts[-1].detail.splitlines()[0] if model.attempts[-1].detail else 'no usable reply'}"
    return text


def _attempt_price(app: HealerApp) -> float | None:
    if "litellm" not in sys.modules:
        return None
    llm = app.workspace.config.llm

    litellm = load_litellm()
    try:
        prompt, reply = litellm.cost_per_token(
            model=llm.model, prompt_tokens=llm.max_prompt_tokens, completion_tokens=llm.max_reply_tokens
        )
    except Exception:  # litellm has no price for this model (a local one)
        return 0.0
    return float(prompt) + float(reply)
