"""The model fixer against a scripted OpenAI-compatible server on 127.0.0.1, through the real fix loop.

A generated project has N modules, each with one bug and a failing test. The
server answers each request with a fix for the module the prompt is about, in
the styles models actually use (plain SEARCH/REPLACE, fenced, a bold path,
indentation drift, CRLF, unified diffs with wrong line numbers), or, in the
second pass, with a malformed reply of one of ten kinds. Prints:

- the share of well-formed replies that became verified fixes (target ≥ 99%);
- the share of malformed replies refused with a reason (target 100%);
- healer's own time per attempt, excluding the model's latency and the tools'
  run time (building the prompt, redaction, cache lookup, parsing, validation,
  verification's own overhead): median and p95, target ≤ 300 ms once litellm is loaded;
- redaction speed, ms per 10 KiB (target ≤ 50 ms).

Run: .venv/bin/python bench/llm.py [--modules 8] [--passes 5] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import GIT_ENV
from healer.fixing.report import FixOptions, FixReport
from healer.llm.redact import redact
from healer.llm.runtime import load_litellm
from healer.service import Healer
from healer.workspace import open_workspace
from tests.llm.server import Step, fake_model

MODULE = "def f{n}(x: int) -> int:\n    # the bug: subtracts\n    return x - {n}\n"
TEST = "from m{n} import f{n}\n\n\ndef test_f{n}() -> None:\n    assert f{n}(1) == 1 + {n}\n"


def good_reply(n: int, style: int) -> str:
    old, new = f"    return x - {n}\n", f"    return x + {n}\n"
    path = f"m{n}.py"
    if style == 0:
        return f"Add it.\n\n{path}\n<<<<<<< SEARCH\n{old}=======\n{new}>>>>>>> REPLACE\n"
    if style == 1:
        return f"Fix:\n\n```python\n{path}\n<<<<<<< SEARCH\n{old}=======\n{new}>>>>>>> REPLACE\n```\n"
    if style == 2:
        return f"**{path}**\n```\n<<<<<<< SEARCH\n{old.strip()}\n=======\n{new.strip()}\n>>>>>>> REPLACE\n```\n"
    if style == 3:
        body = f"{path}\n<<<<<<< SEARCH\n{old}=======\n{new}>>>>>>> REPLACE\n"
        return body.replace("\n", "\r\n")
    if style == 4:
        return (f"```diff\n--- a/{path}\n+++ b/{path}\n@@ -7,3 +7,3 @@\n def f{n}(x: int) -> int:\n"
                f"     # the bug: subtracts\n-{old}+{new}```\n")  # fmt: skip
    # Indentation drift: the whole block indented two more spaces than the file.
    drift = "".join("  " + line + "\n" for line in MODULE.format(n=n).splitlines())
    return f"{path}\n<<<<<<< SEARCH\n{drift}=======\n{drift.replace(' - ', ' + ')}>>>>>>> REPLACE\n"


def bad_reply(n: int, kind: int) -> str:
    path = f"m{n}.py"
    return [
        "",
        "I am not sure what to do here.",
        f"{path}\n<<<<<<< SEARCH\n    return x - {n}\n>>>>>>> REPLACE\n",
        f"{path}\n<<<<<<< SEARCH\n    return x - {n}\n=======\n    return x + {n}\n",
        f"<<<<<<< SEARCH\n    return x - {n}\n=======\n    return x + {n}\n>>>>>>> REPLACE\n",
        f"{path}\n<<<<<<< SEARCH\n    return y * {n}\n=======\n    return x + {n}\n>>>>>>> REPLACE\n",
        f"../{path}\n<<<<<<< SEARCH\n=======\nx = 1\n>>>>>>> REPLACE\n",
        f"```diff\n--- a/{path}\n+++ b/{path}\n@@ -1,2 +1,2 @@\n?what\n```\n",
        f"{path}\n<<<<<<< SEARCH\n" + "x = 1\n" * 50_000 + "=======\n>>>>>>> REPLACE\n",
        f"{path}\n<<<<<<< SEARCH\n    return x - {n}\n=======\n    return x - {n}\n>>>>>>> REPLACE\n",
    ][kind % 10]


def project(root: Path, modules: int, model: Any) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    (root / "healer.toml").write_text(
        '[stages.test]\nrun = "python -m pytest -q -p no:cacheprovider"\nkind = "test"\nparser = "pytest"\n\n'
        f'[llm]\nmodel = "openai/bench-model"\napi_base = "{model.api_base}"\nmax_attempts = 1\nretries = 0\n'
        "budget_per_run = 100.0\nbudget_per_day = 1000.0\n"
    )
    # Flaky-test reruns (a rule) would double the time and measure nothing about the model fixer.
    (root / ".healer" / "rules").mkdir(parents=True)
    (root / ".healer" / "rules" / "bench.toml").write_text('[[rules]]\nid = "pytest.flaky"\nenabled = false\n')
    for n in range(modules):
        (root / f"m{n}.py").write_text(MODULE.format(n=n))
        (root / f"test_m{n}.py").write_text(TEST.format(n=n))
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "start"], cwd=root, check=True, env={**os.environ, **GIT_ENV})


def module_of(body: dict[str, Any]) -> int:
    text = body["messages"][1]["content"]
    found = re.search(r"test_m(\d+)\.py::", text)
    return int(found.group(1)) if found else 0


def run(modules: int, jobs: int, answer: Any) -> tuple[FixReport, int]:
    with tempfile.TemporaryDirectory() as folder, fake_model(lambda body: Step(text=answer(body))) as model:
        root = Path(folder) / "repo"
        root.mkdir()
        os.environ["HEALER_DB"] = str(Path(folder) / "kb.db")
        project(root, modules, model)
        # No cache, no history: every pass asks the model and verifies from scratch.
        core = Healer(open_workspace(root), via="cli", history=False)
        report = core.fix(FixOptions(offline=None, jobs=jobs, cache="off"))
        return report, len(model.requests)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, default=8, help="at most 8: the failures one round asks about")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--passes", type=int, default=5, help="projects fixed in turn, each with --modules bugs")
    args = parser.parse_args()
    os.environ.setdefault("OPENAI_API_KEY", "bench")
    began = time.monotonic()
    load_litellm()
    print(f"litellm loaded in {time.monotonic() - began:.1f}s (once; not counted below)")

    good: list[Any] = []
    bad: list[Any] = []
    requests = [0, 0]
    for number in range(args.passes):
        shift = number * args.modules
        report, asked = run(
            args.modules, args.jobs, lambda body, k=shift: good_reply(module_of(body), module_of(body) + k)
        )
        good += [a for one in report.rounds if one.model for a in one.model.attempts]
        report, repaired = run(
            args.modules, args.jobs, lambda body, k=shift: bad_reply(module_of(body), module_of(body) + k)
        )
        bad += [a for one in report.rounds if one.model for a in one.model.attempts]
        requests[0] += asked
        requests[1] += repaired
    verified = sum(a.outcome == "verified" for a in good)
    print(f"well-formed replies: {verified}/{len(good)} verified fixes "
          f"({100 * verified / max(1, len(good)):.1f}%, target ≥ 99%); {requests[0]} requests")  # fmt: skip
    for attempt in good:
        if attempt.outcome != "verified":
            print(f"  not verified: {attempt.cluster}: {attempt.outcome}: {attempt.detail.splitlines()[0][:160]}")
    refused = [a for a in bad if a.outcome in ("malformed", "refused") and a.detail.strip()]
    print(f"malformed replies: {len(refused)}/{len(bad)} refused with a reason "
          f"({100 * len(refused) / max(1, len(bad)):.1f}%, target 100%); "
          f"{requests[1]} requests (each malformed reply gets one repair request)")  # fmt: skip
    reasons: dict[str, int] = {}
    for attempt in bad:
        reason = re.sub(r"\(\.*/?m\d+\.py\)|m\d+\.py", "FILE", attempt.detail.split(";")[0])[:90]
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        print(f"  {count:>3}× {reason}")
    own = [a.own_seconds * 1000 for a in good + bad]
    print(f"healer's own time per attempt (model latency and tools excluded), {len(own)} attempts: median "
          f"{statistics.median(own):.0f} ms, p95 {percentile(own, 0.95):.0f} ms, max {max(own):.0f} ms "
          "(target ≤ 300 ms)")  # fmt: skip

    sample = (Path(__file__).resolve().parents[1] / "healer" / "fixes" / "session.py").read_text()
    text = (sample + "\nOPENAI_API_KEY=sk-proj-" + "a1B2c3D4" * 6 + "\n") * 4
    text = text[: 10 * 1024 * 4]
    rounds = 20
    began = time.perf_counter()
    for _ in range(rounds):
        redact(text)
    per_10k = (time.perf_counter() - began) * 1000 / rounds / (len(text.encode()) / 10240)
    print(f"redaction: {per_10k:.2f} ms per 10 KiB of code with secrets (target ≤ 50 ms)")


if __name__ == "__main__":
    main()
