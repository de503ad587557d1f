"""The MCP round trip of "run the checks" on a cached tree, beside the same check made in-process.

A small real project (a module, its test, a ruff lint stage and a pytest stage
that needs it) in a fresh git repository. `healer mcp` is started with the
MCP SDK's own stdio client; after a warm-up that fills the cache, the
`run_checks` tool is called `--runs` times, each timed from the request to
the parsed result, and between those calls the same check is made in this
process through the core's verb (`Healer.check`, as the server makes it, with
its own core). Every run is served from the cache, so the difference is what
the server adds: the protocol, JSON both ways, the tool's thread, re-reading
the configuration, rendering the document. Target: ≤ 50 ms median beyond the
check itself.

Prints figures; asserts nothing. Run: .venv/bin/python bench/mcp_roundtrip.py [--runs 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import age, bench_env, cleanup, new_repo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from healer.reporter import Reporter
from healer.service import Healer
from healer.workspace import open_workspace

HERE = Path(__file__).resolve().parent

CONFIG = """\
[stages.lint]
run = "ruff check --no-fix --no-cache ."
kind = "lint"
inputs = ["*.py"]
parser = "ruff"

[stages.test]
run = "python -m pytest -q -p no:cacheprovider"
kind = "test"
inputs = ["*.py"]
parser = "pytest"
needs = ["lint"]
"""
APP = "def double(x: int) -> int:\n    return 2 * x\n"
TEST = "from app import double\n\n\ndef test_double() -> None:\n    assert double(2) == 4\n"
TARGET_MS = 50.0


def quantile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def line(label: str, times: list[float]) -> str:
    return (
        f"  {label:<40} median {statistics.median(times) * 1000:7.1f} ms   p90 {quantile(times, 0.9) * 1000:7.1f} ms"
        f"   (min {min(times) * 1000:6.1f}, n={len(times)})"
    )


async def measure(root: Path, env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    from mcp import ClientSession, StdioServerParameters, stdio_client

    core = Healer(open_workspace(root), via="mcp", reporter=Reporter(), environ=env)
    server = StdioServerParameters(command=sys.executable, args=["-m", "healer", "mcp"], cwd=str(root), env=env)
    with open(os.devnull, "w") as quiet:
        async with stdio_client(server, errlog=quiet) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            for _ in range(3):  # warm-up: the first fills the cache, the others warm both sides
                result = await session.call_tool("run_checks", {})
                if result.is_error or (result.structured_content or {}).get("outcome") != "passed":
                    raise SystemExit(f"bench/mcp_roundtrip.py: the warm-up run did not pass: {result.content}")
                core.check(trigger="mcp")
            over_mcp: list[float] = []
            in_process: list[float] = []
            for _ in range(runs):
                began = time.perf_counter()
                result = await session.call_tool("run_checks", {})
                over_mcp.append(time.perf_counter() - began)
                stages = (result.structured_content or {}).get("stages", [])
                if result.is_error or not all(stage["cached"] for stage in stages):
                    raise SystemExit(f"bench/mcp_roundtrip.py: a measured run was not cached: {result.content}")
                began = time.perf_counter()
                run = core.check(trigger="mcp")
                in_process.append(time.perf_counter() - began)
                if not all(stage.cached for stage in run.stages):
                    raise SystemExit("bench/mcp_roundtrip.py: an in-process run was not served from the cache")
    return over_mcp, in_process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    # This file is named like the SDK, so its folder leaves the import path before the SDK is imported.
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
    import anyio

    root = new_repo({"healer.toml": CONFIG, "app.py": APP, "test_app.py": TEST, ".gitignore": "__pycache__/\n"})
    state = Path(tempfile.mkdtemp(prefix="healer-bench-state-"))
    env = bench_env(state / "healer.db")
    env["HOME"] = str(state)  # healer's copies and caches stay in the bench's folder
    age(root / "healer.toml")
    saved = dict(os.environ)
    os.environ.update(env)  # the in-process core finds the same tools and knowledge base as the server
    try:
        over_mcp, in_process = anyio.run(measure, root, env, args.runs)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        cleanup(root, state)
    beyond = statistics.median(over_mcp) - statistics.median(in_process)
    print("bench/mcp_roundtrip.py: run_checks on a cached tree (ruff lint + pytest, both cached), round trip")
    print(line("healer mcp: run_checks (stdio client)", over_mcp))
    print(line("in-process: Healer.check", in_process))
    paired = [mcp - own for mcp, own in zip(over_mcp, in_process, strict=True)]
    print(
        f"  MCP beyond the check = {beyond * 1000:.1f} ms median (p90 of the paired differences "
        f"{quantile(paired, 0.9) * 1000:.1f} ms)   (target <= {TARGET_MS:.0f} ms: "
        f"{'met' if beyond * 1000 <= TARGET_MS else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
