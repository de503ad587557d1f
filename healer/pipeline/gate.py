"""Reading a gate's metric and judging it against its threshold."""

from __future__ import annotations

import re
from pathlib import Path

from healer.config.settings import Gate
from healer.pipeline.result import GateResult


def evaluate(gate: Gate, output: str, cwd: Path) -> GateResult:
    source = "the output"
    text = output
    if gate.file is not None:
        path = cwd / gate.file
        source = gate.file
        try:
            text = path.read_bytes().decode("utf-8", "replace")
        except OSError:
            return _result(gate, None, f"report file {gate.file} not found after the stage ran")
    matches = list(re.finditer(gate.pattern, text, re.MULTILINE))
    if not matches:
        return _result(gate, None, f"metric '{gate.metric}' not found in {source}")
    # The last match: reports print their total after the per-file lines.
    raw = matches[-1].group(1)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return _result(gate, None, f"metric '{gate.metric}' read {raw!r}, which is not a number")
    if gate.minimum is not None and value < gate.minimum:
        return _result(gate, value, f"{gate.metric} {value:g} is below the gate minimum {gate.minimum:g}")
    if gate.maximum is not None and value > gate.maximum:
        return _result(gate, value, f"{gate.metric} {value:g} is above the gate maximum {gate.maximum:g}")
    return _result(gate, value, None)


def _result(gate: Gate, value: float | None, problem: str | None) -> GateResult:
    return GateResult(gate.metric, value, gate.minimum, gate.maximum, problem is None, problem)
