"""The `healer` command: parse arguments, dispatch to `healer.commands.<verb>` (the terminal UI: `healer.tui`),
turn errors into exit codes.

Commands are imported only once chosen, so `healer run` never pays for the
imports of `healer demo` or `healer init`. The plainest `healer run` command
lines skip argparse altogether (importing it and building the parsers costs
about 8 ms, a fifth of a hook's budget); `fast_run_args` accepts only what it
is sure argparse would read the same way, and tests hold it to that.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import healer
from healer import interrupt
from healer.errors import HealerError

if TYPE_CHECKING:
    import argparse

EXAMPLES = """\
examples:
  healer run                 run every stage (cached where nothing changed)
  healer run lint test       run two stages and whatever they need
  healer run --json          one JSON document on stdout (docs/json.md)
  healer watch               rerun the stages each saved file affects (Ctrl-C to stop)
  healer stages              show the pipeline healer resolved
  healer init                write the detected pipeline into pyproject.toml
  healer fix                 propose and verify fixes; --apply safe to apply them
  healer fix --agent claude  ask a coding agent ([agents.claude]) in a jailed copy; its diff is verified
  healer undo                take back the last applied fix
  healer secrets             what redaction removes before a model sees the failures' context
  healer tui                 the terminal UI: live stages, failures by file, review fixes hunk by hunk
  healer mcp                 serve checks and verified fixes to an editor or agent (MCP over stdio)
  healer ci --fix --suggest  in a CI job: summary, SARIF, verified fixes as a patch and as suggestions
  healer ci pull             bring the branch's last failed CI run here and rerun what failed
  healer install             check every commit and push (git hooks)
  healer demo                try healer on its bundled sample project
  healer stats               success rates, red-to-green times, fix acceptance (history, kb search: more)
  SKIP=mypy git commit       commit with every stage but mypy checked (pre-commit's SKIP; HEALER_SKIP too)
  healer help COMMAND        a command's own help (as `healer COMMAND --help`)

exit codes: 0 all passed, 1 a stage failed, 2 usage or configuration error, 130 interrupted
"""


def _jobs(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _days(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of days, got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


RUN_FLAGS = {
    "--json": "json", "--no-cache": "no_cache", "--no-history": "no_history", "-v": "verbose", "--verbose": "verbose",
    "--all-files": "all_files",
}  # fmt: skip
SKIPPING = (
    "SKIP=STAGE,... (pre-commit's variable) or HEALER_SKIP=STAGE,... leaves those stages out: each is reported "
    "skipped, and the stages that need it still run"
)


def fast_run_args(argv: Sequence[str]) -> SimpleNamespace | None:
    """`healer [-C DIR] run [STAGE...] [--json] [--no-cache] [--no-history] [-v] [-j N] [--all-files]` without
    argparse, or None."""
    args = list(argv)
    directory = None
    if args[:1] == ["-C"] and len(args) >= 2 and not args[1].startswith("-"):
        directory = args[1]
        args = args[2:]
    if args[:1] != ["run"]:
        return None
    found: dict[str, Any] = {
        "json": False, "no_cache": False, "no_history": False, "verbose": False, "jobs": None, "all_files": False,
        "sarif": None, "new_only": False, "base": None,
    }  # fmt: skip
    stages: list[str] = []
    rest = args[1:]
    seen_option = False
    i = 0
    while i < len(rest):
        word = rest[i]
        if word in RUN_FLAGS:
            found[RUN_FLAGS[word]] = True
            seen_option = True
        elif word in ("-j", "--jobs") or word.startswith("--jobs="):
            value = word.partition("=")[2] if "=" in word else (rest[i + 1] if i + 1 < len(rest) else "")
            i += 0 if "=" in word else 1
            if not value.isdigit() or int(value) < 1:
                return None
            found["jobs"] = int(value)
            seen_option = True
        elif word.startswith("-") or seen_option or not word:
            # Options argparse knows and this does not, or positionals after options:
            # leave every such case to argparse so the two can never disagree.
            return None
        else:
            stages.append(word)
        i += 1
    return SimpleNamespace(command="run", directory=directory, stages=stages, **found)


def fast_hook_args(argv: Sequence[str]) -> SimpleNamespace | None:
    """`healer hook pre-commit|pre-push [git's arguments]`, as the installed hooks call it, without argparse."""
    if len(argv) < 2 or argv[0] != "hook" or argv[1] not in ("pre-commit", "pre-push"):
        return None
    rest = list(argv[2:])
    if any(word.startswith("-") or not word for word in rest):
        return None  # options, or anything unusual: argparse decides
    return SimpleNamespace(command="hook", directory=None, name=argv[1], args=rest, json=False, agent=None)


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="healer",
        description="A local-first, self-healing check pipeline for one git repository.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"healer {healer.__version__}")
    parser.add_argument("-C", dest="directory", metavar="DIR", help="run as if healer was started in DIR (like git -C)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run the pipeline on the working tree",
        description="Run the pipeline's stages on the working tree. Independent stages run in parallel; "
        "a stage whose inputs, definition, tools and environment inputs are unchanged is served from the cache. "
        f"{SKIPPING}.",
        epilog="exit codes: 0 all passed, 1 a stage failed, 2 usage or configuration error, 130 interrupted",
    )
    run.add_argument("stages", nargs="*", metavar="STAGE", help="stages to run (with what they need); default: all")
    run.add_argument("--json", action="store_true", help="print one JSON document (schema healer.run/1) on stdout")
    run.add_argument("-j", "--jobs", type=_jobs, metavar="N", help="stages to run at once (default: CPU cores)")
    run.add_argument("--no-cache", action="store_true", help="run every stage; neither read nor write the result cache")
    run.add_argument(
        "--no-history", action="store_true", help="do not record this run in the knowledge base (history, stats)"
    )
    run.add_argument("-v", "--verbose", action="store_true", help="say when each stage starts (plain output)")
    run.add_argument(
        "--sarif", metavar="FILE", help="also write the diagnostics as SARIF 2.1.0 (for code scanning) to FILE"
    )
    run.add_argument(
        "--new-only", action="store_true",
        help="fail only on diagnostics the base does not have (as block = \"new\"; the base: --base, else the "
        "merge-base with the upstream branch)",
    )  # fmt: skip
    run.add_argument("--base", metavar="REF", help="with --new-only: the commit whose findings are pre-existing")
    run.add_argument(
        "--all-files",
        action="store_true",
        help="accepted for pre-commit's habit and changes nothing: healer run always checks every file",
    )

    ci = commands.add_parser(
        "ci",
        help="run the pipeline in CI; pull, reproduce and fix a failed CI run locally",
        description="`healer ci` (the same as `healer ci run`) runs the pipeline in a CI job; `healer ci pull` "
        "brings a failed GitHub Actions run's failures to this machine, reruns the matching stages and hands "
        "what reproduces to the fix loop; `healer ci status` lists the branch's last runs. docs/ci.md has a "
        "workflow file to copy.",
    )
    ci_commands = ci.add_subparsers(dest="ci_command", metavar="SUBCOMMAND")
    ci_run = ci_commands.add_parser(
        "run",
        help="run the pipeline in a CI job: annotations, job summary, SARIF, fixes as a patch or suggestions",
        description="Run the pipeline on the checked-out commit, print GitHub annotations, write a Markdown "
        "job summary to $GITHUB_STEP_SUMMARY and, when asked, SARIF, verified fixes as a `git format-patch` "
        "file, pull-request suggestions, a pushed commit and issues for failures no fixer settles. Nothing is "
        "pushed without --push.",
        epilog="exit codes: as `healer run`: 0 all passed, 1 a stage failed, 2 usage or configuration error",
    )
    ci_run.add_argument("stages", nargs="*", metavar="STAGE", help="stages to run (with what they need); default: all")
    ci_run.add_argument("--sarif", metavar="FILE", help="write the diagnostics as SARIF 2.1.0 to FILE")
    ci_run.add_argument(
        "--summary", metavar="FILE", help="where to write the Markdown summary (default: $GITHUB_STEP_SUMMARY)"
    )
    ci_run.add_argument("--fix", action="store_true", help="propose and verify fixes for the failures")
    ci_run.add_argument(
        "--patch", metavar="FILE", help="with --fix: where to write the verified fixes (default: healer-fixes.patch)"
    )
    ci_run.add_argument(
        "--rounds", type=_jobs, metavar="N", default=3,
        help="with --fix: at most N rounds, each on the fixes before it (default: 3)",
    )  # fmt: skip
    ci_run.add_argument(
        "--suggest", action="store_true",
        help="with --fix: post the fixes as a pull-request review of suggested changes (needs a token that may "
        "write pull requests)",
    )  # fmt: skip
    ci_run.add_argument(
        "--push", action="store_true", help="with --fix: commit the verified fixes and push them to the branch"
    )
    ci_run.add_argument(
        "--escalate", action="store_true",
        help="open (or update) one GitHub issue per failure no fixer settled; close it once the failure is gone",
    )  # fmt: skip
    ci_run.add_argument(
        "--new-only", action="store_true",
        help="fail only on diagnostics the base does not have (a pull request's base, else --base)",
    )  # fmt: skip
    ci_run.add_argument("--base", metavar="REF", help="with --new-only: the commit whose findings are pre-existing")
    ci_run.add_argument("--offline", action="store_true", help="rules and past fixes only: no model, no network")
    ci_run.add_argument("-j", "--jobs", type=_jobs, metavar="N", help="stages to run at once (default: CPU cores)")
    ci_run.add_argument("--no-cache", action="store_true", help="run every stage; neither read nor write the cache")
    ci_run.add_argument("--json", action="store_true", help="print one JSON document (schema healer.ci/1)")
    ci_pull = ci_commands.add_parser(
        "pull",
        help="bring a failed GitHub Actions run here: its failures, reproduced by the matching local stages",
        description="Find the latest failed workflow run of the current branch (or the run RUN names: an id or "
        "its URL), download its failed jobs' logs, parse them like a local run, rerun the local stages that "
        "the failed steps run and report which failures reproduce. With --fix, the reproduced failures go to "
        "the fix loop. The token comes from GITHUB_TOKEN, GH_TOKEN or `gh auth token`; it is never printed "
        "or stored.",
        epilog="exit codes: 0 nothing failed or nothing reproduces, 1 failures reproduce, 2 usage, token or API error",
    )
    ci_pull.add_argument("run", nargs="?", metavar="RUN", help="a run id or URL (default: the branch's latest failed)")
    ci_pull.add_argument("--commit", action="store_true", help="the latest failed run of HEAD's commit instead")
    ci_pull.add_argument("--fix", action="store_true", help="hand the reproduced failures to the fix loop")
    ci_pull.add_argument("--apply", choices=("safe", "all"), help="with --fix: apply verified fixes (as healer fix)")
    ci_pull.add_argument("--no-rerun", action="store_true", help="only show the CI failures; run nothing locally")
    ci_pull.add_argument("--offline", action="store_true", help="with --fix: rules and past fixes only, no model")
    ci_pull.add_argument("--json", action="store_true", help="print one JSON document (schema healer.ci-pull/1)")
    ci_status = ci_commands.add_parser(
        "status",
        help="the branch's last workflow runs and their conclusions",
        epilog="exit codes: 0 shown, 2 usage, token or API error",
    )
    ci_status.add_argument("-n", "--limit", type=_jobs, metavar="N", default=10, help="show at most N (default: 10)")
    ci_status.add_argument("--branch", metavar="NAME", help="another branch (default: the current one)")
    ci_status.add_argument("--json", action="store_true", help="print one JSON document (schema healer.ci-status/1)")

    watch = commands.add_parser(
        "watch",
        help="rerun the affected stages whenever files change",
        description="Run the pipeline on the working tree, then watch it: each time files are saved (after a "
        "quiet --debounce), rerun the stages whose inputs changed and those that need them, cancelling a stage "
        "whose inputs change again while it runs. For pytest stages the tests the change affects run first. "
        "Git-ignored files and .git/ are not watched. Nothing in the working tree, index or stash is changed. "
        f"{SKIPPING}.",
        epilog="exit codes: 130 when stopped with Ctrl-C, 2 usage or configuration error",
    )
    watch.add_argument("stages", nargs="*", metavar="STAGE", help="stages to watch (with what they need); default: all")
    watch.add_argument(
        "--debounce",
        type=int,
        default=250,
        metavar="MS",
        help="quiet time after a change before rerunning (default: 250)",
    )
    watch.add_argument("--json", action="store_true", help="one JSON object per line (schema healer.watch/1)")
    watch.add_argument("-j", "--jobs", type=_jobs, metavar="N", help="stages to run at once (default: CPU cores)")
    watch.add_argument("--no-cache", action="store_true", help="rerun stages even if their result is cached")
    watch.add_argument(
        "--no-affected-first",
        dest="affected_first",
        action="store_false",
        help="do not run a pytest stage's affected tests before the whole stage",
    )
    watch.add_argument("-v", "--verbose", action="store_true", help="say when each stage starts")

    stages = commands.add_parser(
        "stages",
        help="show the resolved pipeline",
        description="Show the stages healer will run, from the configuration or, without one, from detection.",
    )
    stages.add_argument("--json", action="store_true", help="print one JSON document (schema healer.stages/1)")
    stages.add_argument(
        "-v", "--verbose", action="store_true", help="also show detection's notes (what was found, and where)"
    )

    init = commands.add_parser(
        "init",
        help="write the detected pipeline into the configuration",
        description="Detect the project's checks and write them as [tool.healer] stages for you to edit.",
    )
    init.add_argument(
        "--from-ci", action="store_true", help="also turn the run: steps of .github/workflows into stages"
    )
    init.add_argument(
        "--from-pre-commit", action="store_true",
        help="write the hooks of .pre-commit-config.yaml as [tool.healer] stages (their environments still "
        "prepared by pre-commit or prek)",
    )  # fmt: skip
    init.add_argument(
        "--with-unknown-steps",
        action="store_true",
        help="with --from-ci: also add the steps that run something healer does not know as a check "
        "(`python scripts/x.py`), without asking; a stage that changes tracked files fails all the same",
    )
    init.add_argument(
        "--target",
        choices=("pyproject", "healer.toml"),
        help="where to write (default: pyproject.toml if it exists, else healer.toml)",
    )
    init.add_argument(
        "--ci", choices=("github",),
        help="instead: write a CI workflow that runs healer (.github/workflows/healer.yml; see docs/ci.md)",
    )  # fmt: skip
    init.add_argument(
        "--install", metavar="SPEC",
        help="with --ci: how the CI runner installs healer (a pip requirement or URL; default: where this "
        "healer was installed from, when that is a git URL)",
    )  # fmt: skip
    init.add_argument("--force", action="store_true", help="replace an existing healer configuration")
    init.add_argument("--print", dest="dry_run", action="store_true", help="print the TOML instead of writing it")

    doctor = commands.add_parser(
        "doctor",
        help="check that healer can work here",
        description="Check git, the configuration, each stage's tool (with its version), the git hooks, "
        "the knowledge base and the model: when one is configured, it is asked for one word to see that it "
        "answers (the only network request; --offline skips it).",
    )
    doctor.add_argument("--json", action="store_true", help="print the findings as JSON")
    doctor.add_argument("--offline", action="store_true", help="do not ask the configured model whether it answers")

    hooks = ("pre-commit", "pre-push")
    install = commands.add_parser(
        "install",
        help="install healer's git hooks",
        description="Install pre-commit and pre-push hooks (small POSIX sh shims that call this healer). "
        "An existing hook is kept and runs first; `healer uninstall` puts it back. Honours core.hooksPath.",
    )
    install.add_argument(
        "--hook", dest="hooks", action="append", choices=hooks, help="only this hook (repeatable; default: both)"
    )
    install.add_argument(
        "--hooks-path", metavar="DIR",
        help="install in DIR (relative to the work tree, like core.hooksPath) and point core.hooksPath there in "
        "this clone; the hooks of the folder git used before are linked in and still run (`uninstall` moves back)",
    )  # fmt: skip
    agents = ("claude", "codex", "cursor", "gemini")  # healer.hooks.agents.AGENTS (not imported: start-up)
    install.add_argument(
        "--agent", dest="agents", action="append", choices=agents,
        help="instead of git hooks, add healer's stop hook to this coding agent's project configuration, so the "
        "agent runs the checks before it finishes and sees what fails (repeatable; docs/agents.md)",
    )  # fmt: skip
    uninstall = commands.add_parser(
        "uninstall",
        help="remove healer's git hooks",
        description="Remove healer's hooks and put back any hook they had replaced.",
    )
    uninstall.add_argument(
        "--hook", dest="hooks", action="append", choices=hooks, help="only this hook (repeatable; default: both)"
    )
    uninstall.add_argument(
        "--agent", dest="agents", action="append", choices=agents,
        help="instead of git hooks, remove healer's stop hook from this coding agent's configuration (repeatable)",
    )  # fmt: skip
    hook = commands.add_parser(
        "hook",
        help="run a git hook's checks (called by the installed hooks)",
        description="What the installed hooks run. pre-commit checks the staged content; pre-push checks the "
        "content of every pushed commit (refs on standard input, as git passes them). HEALER_SKIP=1 skips "
        f"the hook; {SKIPPING}.",
    )
    hook.add_argument("name", choices=(*hooks, "agent-stop"), help="which hook (agent-stop: a coding agent's)")
    hook.add_argument(
        "args",
        nargs="*",
        help="the arguments git passes to the hook; for pre-commit, files that count as changed "
        "(the pre-commit framework passes them: all of them with --all-files)",
    )
    hook.add_argument("--json", action="store_true", help="print one JSON document per checked snapshot")
    hook.add_argument(
        "--agent", choices=agents, help="agent-stop: the agent that runs it (its JSON on stdin, its answer on stdout)"
    )

    fix = commands.add_parser(
        "fix",
        help="propose, verify and (when asked) apply fixes",
        description="Run the pipeline, propose fixes for its failures (rules, past fixes, a model when one is "
        "configured), verify each in an isolated copy by rerunning the failing check, and show the verified "
        "ones as diffs. Files change only with --apply, and only if they are still as the fix found them; "
        f"`healer undo` takes an applied fix back. {SKIPPING}.",
        epilog="exit codes: 0 everything passes (after applying), 1 failures remain, 2 usage or configuration "
        "error, 130 interrupted",
    )
    fix.add_argument("stages", nargs="*", metavar="STAGE", help="stages to fix (with what they need); default: all")
    fix.add_argument(
        "--apply",
        choices=("safe", "all"),
        help="apply verified fixes: only those whose rule is classed safe, or all of them (not those that pass "
        "by changing the checks)",
    )
    fix.add_argument(
        "--apply-weakening",
        action="store_true",
        help="with --apply all: also apply a model's fixes that pass only by changing the checks (a test's "
        "assertion, a skip marker, a tool's or CI's configuration...); read them first",
    )
    fix.add_argument("--dry-run", action="store_true", help="with --apply: say what would be applied, change nothing")
    fix.add_argument("--offline", action="store_true", help="rules and past fixes only: no model, no network")
    fix.add_argument("--all", dest="show_all", action="store_true", help="also show fixes that failed verification")
    fix.add_argument("--rounds", type=_jobs, metavar="N", help="at most N rounds of fix and recheck (default: 5)")
    fix.add_argument("-j", "--jobs", type=_jobs, metavar="N", help="checks to run at once (default: CPU cores)")
    fix.add_argument("--no-cache", action="store_true", help="rerun every stage even if its result is cached")
    fix.add_argument("--json", action="store_true", help="print one JSON document (schema healer.fix/1)")
    asked = fix.add_mutually_exclusive_group()
    asked.add_argument(
        "--agent", metavar="NAME", dest="workflow",
        help="ask the coding agent [agents.NAME] (instead of the model) about what rules and past fixes leave; "
        "it works in a jailed copy and its diff is verified like any fix",
    )  # fmt: skip
    asked.add_argument(
        "--workflow", metavar="NAME", dest="workflow",
        help="run the agents' workflow [workflows.NAME] (sequential, parallel or iterative) on those failures",
    )  # fmt: skip

    secrets = commands.add_parser(
        "secrets",
        help="show what redaction removes from what a model would be sent",
        description="Run the pipeline (cached where nothing changed; the run is not recorded) and show, for each "
        "group of failures a model would be asked about, every secret in the context healer would send it (the "
        "failures, the code around them, the failing tests, the stages' output, past fixes): where it is, its "
        "kind and a masked preview, never the secret itself. Each is replaced by [REDACTED:kind] before any "
        "request; this command asks no model and contacts no network, so you can check before enabling a hosted "
        "model.",
        epilog="exit codes: 0 it worked (whether or not secrets were found), 2 usage or configuration error",
    )
    secrets.add_argument("stages", nargs="*", metavar="STAGE", help="only these stages' failures; default: all")
    secrets.add_argument(
        "--failure", metavar="WHICH",
        help="only one failure: its fingerprint (or its start), its file, or FILE:LINE",
    )  # fmt: skip
    secrets.add_argument("--no-cache", action="store_true", help="rerun every stage even if its result is cached")
    secrets.add_argument("--json", action="store_true", help="print one JSON document (schema healer.secrets/1)")

    undo = commands.add_parser(
        "undo",
        help="take back an applied fix",
        description="Restore the files an applied fix changed, byte for byte. Refuses if a file was edited "
        "(its content, or its mode with chmod) after the fix was applied. Without ID, the most recent fix still "
        "applied.",
    )
    undo.add_argument("id", nargs="?", metavar="ID", help="the fix to undo (as `healer log` shows it)")
    undo.add_argument("--json", action="store_true", help="print what was restored as JSON")
    undo.add_argument(
        "--force", action="store_true",
        help="undo even when a file's mode (chmod) changed since the fix was applied; the new mode is kept",
    )  # fmt: skip

    log = commands.add_parser(
        "log",
        help="list applied fixes",
        description="List the fixes applied in this repository, newest first, and whether each was undone.",
    )
    log.add_argument("-n", "--limit", type=_jobs, metavar="N", default=20, help="show at most N (default: 20)")
    log.add_argument("--json", action="store_true", help="print the list as JSON")

    rules = commands.add_parser(
        "rules",
        help="list, show and try the fix rules",
        description="The rules healer uses to propose fixes: built-in packs, and the repository's own in "
        ".healer/rules/ (TOML or YAML), which can override or disable built-in ones by id.",
    )
    rules_commands = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", required=True)
    rules_list = rules_commands.add_parser("list", help="every rule in effect, with its source")
    rules_list.add_argument("--json", action="store_true", help="print the rules as JSON")
    rules_show = rules_commands.add_parser("show", help="one rule in full")
    rules_show.add_argument("id", metavar="ID")
    rules_show.add_argument("--json", action="store_true", help="print the rule as JSON")
    rules_test = rules_commands.add_parser(
        "test", help="does a rule match a tool's output, and what would it propose here"
    )
    rules_test.add_argument("id", metavar="ID")
    rules_test.add_argument("logfile", metavar="LOGFILE", help="a file holding the tool's output ('-' for stdin)")
    rules_test.add_argument("--parser", help="how to read LOGFILE (default: the rule's tool)")
    rules_test.add_argument("--json", action="store_true", help="print matches and proposals as JSON")

    history = commands.add_parser(
        "history",
        help="recent runs and fixes of this repository",
        description="Recent runs (time, trigger, snapshot, outcome, duration, failed stages) and fixes "
        "(applied, undone) of this repository, from the knowledge base.",
    )
    history.add_argument("-n", "--limit", type=_jobs, metavar="N", default=20, help="show at most N of each")
    history.add_argument("--all-repos", action="store_true", help="every repository in the knowledge base")
    history.add_argument("--json", action="store_true", help="print runs and fixes as JSON")

    stats = commands.add_parser(
        "stats",
        help="how checks and fixes have fared",
        description="Per stage: success rate and mean time from red to green. Fixes: proposed, verified, "
        "accepted, undone and the false-fix rate, by rule and by model. Flaky tests. Model cost.",
    )
    stats.add_argument("--all-repos", action="store_true", help="every repository in the knowledge base")
    stats.add_argument("--json", action="store_true", help="print the statistics as JSON")

    kb = commands.add_parser(
        "kb",
        help="search, export, import and prune the knowledge base",
        description="The knowledge base is one SQLite file ($HEALER_DB, else healer.db in the user data folder).",
    )
    kb_commands = kb.add_subparsers(dest="kb_command", metavar="SUBCOMMAND", required=True)
    kb_search = kb_commands.add_parser("search", help="full-text search over diagnostics and patches")
    kb_search.add_argument("text", metavar="TEXT", help="words that must all appear (message, file, code, diff...)")
    kb_search.add_argument("-n", "--limit", type=_jobs, metavar="N", default=20, help="at most N hits of each kind")
    kb_search.add_argument("--json", action="store_true", help="print the hits as JSON")
    kb_export = kb_commands.add_parser(
        "export",
        help="write this repository's rows as JSON lines (one object per row)",
        description="Write this repository's rows of the knowledge base (which $HEALER_DB may share between "
        "repositories) as JSON lines, one object per row; --all-repositories writes every repository's.",
    )
    kb_export.add_argument("file", nargs="?", metavar="FILE", help="where to write (default: standard output)")
    kb_export.add_argument(
        "--all-repositories",
        "--all-repos",
        dest="all_repos",
        action="store_true",
        help="every repository in the knowledge base, not only this one",
    )
    kb_export.add_argument("--json", action="store_true", help="accepted for symmetry: the export is JSON lines")
    kb_import = kb_commands.add_parser(
        "import", help="add the rows of an export that are not here yet (all or nothing)"
    )
    kb_import.add_argument("file", metavar="FILE", help="a file written by `healer kb export`")
    kb_import.add_argument("--json", action="store_true", help="print what was added as JSON")
    kb_push = kb_commands.add_parser(
        "push",
        help="share this repository's accepted fixes (not runs, not secrets) with the team",
        description="Send the fixes people accepted in this repository, redacted, to the shared place: the "
        "remote cache of [tool.healer.remote_cache], or a git ref (refs/healer/kb) on the repository's remote.",
    )
    kb_push.add_argument(
        "--via", choices=("git", "remote-cache"), help="where (default: remote-cache if configured, else git)"
    )
    kb_push.add_argument(
        "--remote", metavar="NAME", default="origin", help="with --via git: the git remote (default: origin)"
    )
    kb_push.add_argument("--json", action="store_true", help="print what was sent as JSON")
    kb_pull = kb_commands.add_parser(
        "pull",
        help="take the fixes the team shared, so they are replayed here",
        description="Fetch the accepted fixes shared with `healer kb push` and add those that validate and are not "
        "here yet; entries that do not validate are refused, each named.",
    )
    kb_pull.add_argument("--via", choices=("git", "remote-cache"), help="where from (default: as push)")
    kb_pull.add_argument(
        "--remote", metavar="NAME", default="origin", help="with --via git: the git remote (default: origin)"
    )
    kb_pull.add_argument("--json", action="store_true", help="print what was added as JSON")
    kb_prune = kb_commands.add_parser(
        "prune",
        help="apply the retention policy now",
        description="Delete runs and their diagnostics older than --keep-days or beyond the newest --max-runs "
        "of their repository, and undecided patches older than --keep-days. Decisions, the patches they "
        "concern and model calls are kept four times as long. Runs once a day on its own with the defaults.",
    )
    kb_prune.add_argument("--keep-days", type=_days, metavar="N", default=90.0, help="default: 90")
    kb_prune.add_argument("--max-runs", type=_jobs, metavar="N", default=20_000, help="per repository; default: 20000")
    kb_prune.add_argument("--dry-run", action="store_true", help="say what would be deleted, delete nothing")
    kb_prune.add_argument("--vacuum", action="store_true", help="also rewrite the file to give space back (slow)")
    kb_prune.add_argument("--json", action="store_true", help="print what was deleted as JSON")

    tui = commands.add_parser(
        "tui",
        help="the terminal UI: live stages, failures, review fixes hunk by hunk",
        description="Run the pipeline with live stages and logs, browse failures by file with their code and "
        "history, and review verified fixes with the keys of `git add -p` (y, n, a, d, j, k, s, e, q, ?); "
        "applied fixes are undone with u (or `healer undo`).",
    )
    tui.add_argument("stages", nargs="*", metavar="STAGE", help="stages to check (with what they need); default: all")
    tui.add_argument("--no-cache", action="store_true", help="run every stage even if its result is cached")
    tui.add_argument("--watch", action="store_true", help="start in watch mode (w toggles it)")

    commands.add_parser(
        "mcp",
        help="serve healer's tools to an MCP client (an editor, an agent) over stdio",
        description="A Model Context Protocol server on standard input and output, for the repository of the "
        "current directory: tools to run the checks (working tree or staged), list the last run's diagnostics, "
        "propose verified fixes, show a fix's diff, apply it (only to files still as it found them), undo it, "
        "and list the history. Needs the mcp extra.",
        epilog="exit codes: 0 the client closed the connection, 2 usage or configuration error (or no mcp package)",
    )

    demo = commands.add_parser(
        "demo",
        help="run healer on its bundled sample project",
        description="Copy the bundled sample project (with deliberate lint, format, type and test failures) "
        "into a new temporary git repository and run the pipeline on it, offline.",
    )
    demo.add_argument("--keep", action="store_true", help="keep the sample repository and print where it is")
    demo.add_argument("--dir", metavar="DIR", help="create the sample repository in DIR (must not exist)")
    demo.add_argument("--json", action="store_true", help="print the run as JSON (schema healer.run/1)")

    help_ = commands.add_parser("help", help="show the help of healer or of one command (as --help does)")
    help_.add_argument(
        "topic", nargs="*", metavar="COMMAND", help="a command, and a subcommand (`healer help kb export`)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    interrupt.handle_ctrl_c()
    try:
        code = _dispatch(sys.argv[1:] if argv is None else list(argv))
        if interrupt.requested() and code != 130:
            # The interrupt was swallowed on the way (inside a library's callback): it is still the user's.
            print("healer: interrupted", file=sys.stderr)
            return 130
        return code
    except KeyboardInterrupt:
        print("healer: interrupted", file=sys.stderr)
        return 130
    except Exception:
        # An interrupt landing inside the compiler or the import system comes out
        # as another exception; it is still the user's Ctrl-C, not a crash.
        if not interrupt.requested():
            raise
        print("healer: interrupted", file=sys.stderr)
        return 130


CI_COMMANDS = ("run", "pull", "status", "-h", "--help")

ELSEWHERE = {"tui": "healer.tui.command"}
"""Commands that are another front end's: the terminal UI is started from its own package."""


def _dispatch(words: list[str]) -> int:
    args: argparse.Namespace | SimpleNamespace | None = fast_run_args(words) or fast_hook_args(words)
    at = 2 if words[:1] == ["-C"] else 0
    if words[at : at + 1] == ["ci"] and (len(words) == at + 1 or words[at + 1] not in CI_COMMANDS):
        words = [*words[: at + 1], "run", *words[at + 1 :]]  # `healer ci --fix` is `healer ci run --fix`
    if args is None:
        parser = build_parser()
        args = parser.parse_args(words)
        if args.command is None:
            parser.print_help()
            return 2
        if args.command == "help":
            # `healer help kb export` is `healer kb export --help`: the same text, the same exit.
            if not args.topic:
                parser.print_help()
                return 0
            parser.parse_args([*args.topic, "--help"])  # prints and exits: --help always does
            return 0
    try:
        if args.directory:
            try:
                os.chdir(args.directory)
            except OSError as error:
                raise HealerError(f"cannot change to {args.directory}: {error.strerror}") from None
        command = importlib.import_module(ELSEWHERE.get(args.command, f"healer.commands.{args.command}"))
        code: int = command.execute(args)
        return code
    except HealerError as error:
        print(f"healer: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        # The reader went away (`healer run | head`); nothing left to tell.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
