"""Stages left out of a run at the user's request: `SKIP=mypy,test` (pre-commit's variable) or `HEALER_SKIP=...`.

Front ends pass their environment in (`Healer(environ=os.environ)`); what it leaves out is decided here, once,
for every run the core makes from it (the hooks, `healer run`, watch, fix and the verification of fixes), so
no two front ends can read the variables differently.

- Names are separated by commas (as pre-commit reads SKIP) or spaces. `HEALER_SKIP=1` leaves out every stage:
  the installed hooks then stop before healer even starts; elsewhere each stage is reported skipped.
- A stage left out is reported as skipped, its reason the variable that named it ("SKIP" or "HEALER_SKIP").
- The stages that need it still run, as they do when a need's inputs did not change. pre-commit has no
  dependencies between hooks and skipping one never drops another; here too a skip drops only the stages it
  names (name the dependants as well to drop them). A dependant that relied on what the skipped stage makes
  (a build before the tests) says so in its own result.
- A name that is no stage of the pipeline is ignored, with a one-line warning (pre-commit ignores it silently;
  a typo would then skip nothing without a word). Under the pre-commit framework (it sets PRE_COMMIT=1 for its
  hooks) SKIP also names the framework's other hooks, so only HEALER_SKIP's strangers are warned about there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from healer.config.settings import Stage

VARIABLES = ("HEALER_SKIP", "SKIP")
"""In the order a stage named by both is attributed: healer's own variable first."""
EVERY_STAGE = "1"
"""`HEALER_SKIP=1`: the whole pipeline (what the hooks have always honoured)."""
_SEPARATORS = re.compile(r"[,\s]+")
SHOWN_STAGES = 20


class Skips(NamedTuple):
    """What the environment asks to leave out, before it is matched with a pipeline."""

    named: tuple[tuple[str, str], ...] = ()
    """(stage name, the variable that names it), in the order written, each name once."""
    every: bool = False
    """HEALER_SKIP=1: every stage."""
    quiet: frozenset[str] = frozenset()
    """Variables whose names that match no stage are not warned about (SKIP under the pre-commit framework)."""


def read_skips(environ: Mapping[str, str]) -> Skips:
    named: dict[str, str] = {}
    every = False
    for variable in VARIABLES:
        for name in _SEPARATORS.split(environ.get(variable, "")):
            if not name:
                continue
            if variable == "HEALER_SKIP" and name == EVERY_STAGE:
                every = True
            else:
                named.setdefault(name, variable)
    quiet = frozenset({"SKIP"}) if environ.get("PRE_COMMIT") == "1" else frozenset()
    return Skips(tuple(named.items()), every, quiet)


def skips_every_stage(environ: Mapping[str, str]) -> bool:
    """HEALER_SKIP=1: the hook has nothing to do (it says so and lets git go on)."""
    return read_skips(environ).every


def left_out(skips: Skips, stages: Sequence[Stage]) -> dict[str, str]:
    """The stages of `stages` to leave out, each with the variable that names it, in pipeline order."""
    if skips.every:
        return dict.fromkeys((stage.name for stage in stages), "HEALER_SKIP")
    named = dict(skips.named)
    found = {stage.name: named[stage.name] for stage in stages if stage.name in named}
    # `SKIP=api:` leaves out every stage of the monorepo project api (its stages are named api:NAME).
    for prefix, variable in named.items():
        if prefix.endswith(":"):
            found.update({stage.name: variable for stage in stages if stage.name.startswith(prefix)})
    return {stage.name: found[stage.name] for stage in stages if stage.name in found}


def unknown_names_warning(skips: Skips, stages: Sequence[Stage]) -> str | None:
    """One line naming what SKIP/HEALER_SKIP ask for that is no stage here, or None when everything matched."""
    known = [stage.name for stage in stages]
    strangers: dict[str, list[str]] = {}
    for name, variable in skips.named:
        matches = any(stage.startswith(name) for stage in known) if name.endswith(":") else name in known
        if not matches and variable not in skips.quiet:
            strangers.setdefault(variable, []).append(name)
    if not strangers:
        return None
    said = "; ".join(f"{variable} names {', '.join(names)}" for variable, names in strangers.items())
    more = len(known) - SHOWN_STAGES
    shown = ", ".join(known[:SHOWN_STAGES]) + (f" and {more} more" if more > 0 else "")
    return f"{said}: no such stage, ignored (the stages are: {shown or 'none'})"
