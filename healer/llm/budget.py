"""Dollars: what one command may spend and what the day has left, shared by the fixer's threads."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


def dollars(amount: float) -> str:
    """An amount for people: cents and their hundredths, or the millionths a small local call costs."""
    return f"${amount:.4f}" if amount == 0 or amount >= 0.01 else f"${amount:.6f}"


class BudgetExceeded(Exception):
    pass


@dataclass
class Budget:
    """Per-run and per-day limits; a call first reserves its worst case, then pays what it cost.

    Reserving the worst case (the prompt plus a full-length reply) keeps parallel
    attempts from overshooting together. Calls whose price litellm does not know
    (a local model) cost nothing here.
    """

    per_run: float
    per_day: float
    spent_before_today: float = 0.0
    """What other commands spent since local midnight, read from the knowledge base at the start."""
    spent: float = 0.0
    reserved: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reserve(self, estimate: float) -> None:
        with self._lock:
            if self.spent + self.reserved + estimate > self.per_run + 1e-12:
                raise BudgetExceeded(
                    f"the run's model budget is spent ({dollars(self.spent)} of ${self.per_run:.2f}, "
                    f"the next call may cost {dollars(estimate)}; llm.budget_per_run)"
                )
            today = self.spent_before_today + self.spent + self.reserved + estimate
            if today > self.per_day + 1e-12:
                raise BudgetExceeded(
                    f"today's model budget is spent ({dollars(self.spent_before_today + self.spent)} of "
                    f"${self.per_day:.2f}; llm.budget_per_day)"
                )
            self.reserved += estimate

    def settle(self, estimate: float, cost: float | None) -> None:
        with self._lock:
            self.reserved = max(0.0, self.reserved - estimate)
            self.spent += cost or 0.0
