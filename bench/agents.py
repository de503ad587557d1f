"""(k) Agents as fixers on real projects: healer's own overhead per agent attempt, beside the agent's own time.

The six real libraries of bench/real_projects.py (offline archives, each with its CI-like pipeline, the base
green) are broken at bench/real_inject.py's seeded sites until `--cases-per-kind` of each kind turn the
pipeline red. Each case is fixed by the installed `healer fix --agent fixer -j 1 --json` (private HEALER_DB
and HOME), every built-in rule disabled the documented way (bench/jail.py's `rules_off`) so the agent is
asked. The agent is a fake `claude` CLI first on PATH (tests/agents/fakes.py's flags and output format)
that puts the broken file's original bytes back: a perfect agent that costs no model time, so what is left
is healer's part. It runs jailed (bubblewrap; no network).

Per attempt (one step of the workflow's transcript, healer.fix/1 `rounds[].agents.steps[]`): `seconds` (the
whole step: a copy lent, the private home and jail set up, the agent run, its copy scanned and diffed,
admission, verification), `agent_seconds` (the agent's process), `tool_seconds` (the verification's rerun
checks). healer's overhead = seconds - agent_seconds - tool_seconds. Printed: median and p90 of the
overhead (target: median <= 300 ms), and side by side the agent's and the tools' medians, and, as the peer
floor, the same fake agent run directly in a plain copy of the broken project (no healer, no jail).

Run: .venv/bin/python bench/agents.py [--seed 12] [--project NAME] [--cases-per-kind 1] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from jail import alone
from real_inject import KINDS, Breakage
from real_projects import PROJECTS, Base, _red, bench_env, break_into, healer, prepare, seeded_cases

from tests.agents.fakes import FLAGS

TARGET_MS = 300.0
AGENT = '\n[tool.healer.agents.fixer]\npreset = "claude"\ntimeout = 120\nmax_attempts = 1\n'

RESTORE = """#!{python}
import json, sys
from pathlib import Path
argv = sys.argv[1:]
if argv == ["--version"]:
    print("2.0.14 (Claude Code)")
    sys.exit(0)
for flag in {flags!r}:
    if flag not in argv:
        print("usage error: missing", flag, file=sys.stderr)
        sys.exit(2)
Path({path!r}).write_bytes(bytes.fromhex({data!r}))
print(json.dumps({{"type": "result", "subtype": "success", "is_error": False, "result": "Put the file back.",
                  "total_cost_usd": 0.0, "usage": {{"input_tokens": 1, "output_tokens": 1}}}}))
"""


@dataclass
class Attempt:
    project: str
    kind: str
    outcome: str
    seconds: float
    agent_seconds: float
    tool_seconds: float
    direct_seconds: float

    @property
    def overhead(self) -> float:
        return self.seconds - self.agent_seconds - self.tool_seconds


def fake_agent(folder: Path, path: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "claude"
    target.write_text(RESTORE.format(python=sys.executable, flags=FLAGS["claude"], path=path, data=data.hex()))
    target.chmod(0o755)
    return target


def direct(agent: Path, broken: Path, where: Path) -> float:
    """The peer floor: the same agent run in a plain copy, no healer, no jail."""
    plain = where / "plain"
    shutil.copytree(broken, plain, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    began = time.monotonic()
    subprocess.run([str(agent), *FLAGS["claude"][:1], "fix it", *FLAGS["claude"][1:]], cwd=plain,
                   capture_output=True, check=False)  # fmt: skip
    return time.monotonic() - began


def run_case(base: Base, breakage: Breakage, where: Path, env: Mapping[str, str]) -> list[Attempt]:
    broken = where / "broken"
    break_into(base, breakage, broken)
    check = healer(broken, {**env, "HEALER_DB": str(where / "precheck.db")}, "run", "--no-cache", "--no-history",
                   "--json")  # fmt: skip
    if not _red(check):
        return []
    agent = fake_agent(where / "bin", breakage.file, base.original[breakage.file])
    floor = direct(agent, broken, where)
    root = where / "fix"
    shutil.copytree(broken, root, symlinks=True)
    alone(root, AGENT, "bench: a perfect agent alone")
    home = where / "home"
    home.mkdir()
    mine = {**env, "HOME": str(home), "HEALER_DB": str(where / "fix.db"),
            "PATH": f"{where / 'bin'}{os.pathsep}{env['PATH']}"}  # fmt: skip
    done = healer(root, mine, "fix", "--agent", "fixer", "-j", "1", "--json")
    found = []
    for one in (done.document or {}).get("rounds", []):
        for step in (one.get("agents") or {}).get("steps", []):
            found.append(Attempt(
                base.project.name, breakage.kind, step["outcome"], step["seconds"], step["agent_seconds"],
                step["tool_seconds"], floor,
            ))  # fmt: skip
    return found


def quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: Sequence[str] | None = None) -> list[Attempt]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--project", action="append")
    parser.add_argument("--kind", action="append")
    parser.add_argument("--cases-per-kind", type=int, default=1)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    attempts: list[Attempt] = []
    with tempfile.TemporaryDirectory(prefix="healer-bench-agents-") as temporary:
        state = Path(temporary)
        env = bench_env(state)
        for project in PROJECTS:
            if args.project and project.name not in args.project:
                continue
            base = prepare(project, state, env)

            def one(breakage: Breakage, where: Path, base: Base = base) -> list[Attempt] | None:
                return run_case(base, breakage, where, env) or None

            for case in seeded_cases(base, args.kind or KINDS, args.seed, args.cases_per_kind, state / "cases", one):
                attempts += case
                for attempt in case:
                    print(f"  {attempt.project:<12} {attempt.kind:<24} {attempt.outcome:<10} overhead "
                          f"{attempt.overhead * 1000:6.0f} ms  agent {attempt.agent_seconds * 1000:5.0f} ms  "
                          f"tools {attempt.tool_seconds * 1000:6.0f} ms", flush=True)  # fmt: skip
    if not attempts:
        raise SystemExit("no case turned a pipeline red")
    overhead = [a.overhead * 1000 for a in attempts]
    agent = [a.agent_seconds * 1000 for a in attempts]
    floor = [a.direct_seconds * 1000 for a in attempts]
    tools = [a.tool_seconds * 1000 for a in attempts]
    verified = sum(a.outcome == "verified" for a in attempts)
    median = statistics.median(overhead)
    print(f"\n{len(attempts)} agent attempts on {len({a.project for a in attempts})} projects, {verified} verified")
    print(f"healer's overhead per attempt: median {median:.0f} ms, p90 {quantile(overhead, 0.9):.0f} ms "
          f"(target: median <= {TARGET_MS:.0f} ms: {'met' if median <= TARGET_MS else 'MISSED'})")  # fmt: skip
    print(f"side by side (medians): the agent in healer's jail {statistics.median(agent):.0f} ms, the same agent run "
          f"directly {statistics.median(floor):.0f} ms (x{statistics.median(agent) / statistics.median(floor):.2f}); "
          f"verification's checks {statistics.median(tools):.0f} ms")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(a) | {"overhead": a.overhead} for a in attempts], indent=1))
    return attempts


if __name__ == "__main__":
    main()
