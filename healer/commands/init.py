"""`healer init`: write the detected pipeline into the configuration for the user to edit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from healer.ci.workflow import WORKFLOW_PATH, github_workflow
from healer.config.load import config_file
from healer.config.write import render_config, write_config
from healer.detect import precommit
from healer.detect.detection import Detection, detect, merge
from healer.detect.files import Unreadable
from healer.detect.workspaces import find_members
from healer.errors import HealerError
from healer.render.output_file import write_output
from healer.snapshot.git import git, repo_root

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence

    from healer.config.settings import Stage
    from healer.detect.candidate import Candidate


def execute(args: argparse.Namespace) -> int:
    if getattr(args, "ci", None):
        return _write_workflow(args)
    if getattr(args, "install", None):
        raise HealerError("--install goes with --ci: it says how the CI runner installs healer")
    if getattr(args, "with_unknown_steps", False) and not args.from_ci:
        raise HealerError("--with-unknown-steps goes with --from-ci (only CI steps can be of unknown effect)")
    root = repo_root(Path.cwd())
    moving = getattr(args, "from_pre_commit", False)
    if moving:
        detection = _from_pre_commit(root, args)
    else:
        detection = detect(root, from_ci=args.from_ci, confirm=_confirmation(args))
    for note in detection.notes:
        print(f"note: {note}")
    if moving:
        for line in _moved(detection.stages):
            print(f"note: {line}")
    # A monorepo's projects are found again from their folders at every run; the configuration names them.
    members = [] if moving else find_members(root)[0]
    folders = [member.folder for member in members]
    if not detection.stages and not folders:
        raise HealerError(
            f"found no checks to run in {root} (looked for Python, JavaScript, Makefile and pre-commit tools"
            f"{'' if args.from_ci else '; --from-ci also reads GitHub Actions workflows'}); "
            "add [tool.healer.stages.NAME] tables by hand"
        )
    target: Literal["pyproject", "healer.toml"] = args.target or (
        "pyproject" if (root / "pyproject.toml").is_file() else "healer.toml"
    )
    if args.dry_run:
        print(render_config(detection.stages, prefix="tool.healer" if target == "pyproject" else "",
                            workspaces=folders), end="")  # fmt: skip
        return 0
    existing = config_file(root)
    if existing is not None and not args.force:
        raise HealerError(f"{existing[0]} already configures healer; edit it, or use --force to replace its stages")
    try:
        path = write_config(root, detection.stages, target=target, force=args.force, workspaces=folders)
    except (FileExistsError, ValueError) as error:
        # The writer's refusals (stages exist, target unusable) are messages for the user.
        raise HealerError(str(error)) from None
    except OSError as error:
        raise HealerError(f"cannot write the configuration: {error}") from None
    names = ", ".join(stage.name for stage in detection.stages)
    count = len(detection.stages)
    print(f"wrote {count} stage{'s' if count != 1 else ''} ({names or 'none at the root'}) to {path}")
    if folders:
        print(f"and workspaces = {len(folders)} project folder(s) ({', '.join(folders)}): each project's stages "
              "are its own [tool.healer], else detected there")  # fmt: skip
    print("Edit them there; `healer stages` shows the result and `healer run` runs it.")
    return 0


def _from_pre_commit(root: Path, args: argparse.Namespace) -> Detection:
    """`--from-pre-commit`: the hooks of .pre-commit-config.yaml only, as stages for a project moving off the
    framework (healer.detect.precommit.convert); a config the framework could not read either is an error."""
    if args.from_ci:
        raise HealerError("--from-pre-commit reads only .pre-commit-config.yaml: it goes without --from-ci")
    if not (root / precommit.CONFIG).is_file():
        raise HealerError(f"no {precommit.CONFIG} in {root}: --from-pre-commit turns its hooks into stages")
    try:
        precommit.load(root)
    except Unreadable as error:
        raise HealerError(str(error)) from None
    found = precommit.convert(root)
    stages, notes = merge([found])
    return Detection(stages=stages, notes=(*(note for note in found.notes if note), *notes))


def _moved(stages: Sequence[Stage]) -> list[str]:
    """Which hooks became plain commands and which still need the framework installed."""
    framework = precommit.framework_stages(stages)
    plain = [stage.name for stage in stages if stage.name not in framework]
    lines = [f"plain commands now: {', '.join(plain)}"] if plain else []
    if framework:
        program = next(s.argv()[0] for s in stages if s.name == framework[0])
        lines.append(
            f"still run by {program}, which prepares their environments (keep it installed): {', '.join(framework)}"
        )
    return lines


def _confirmation(args: argparse.Namespace) -> Callable[[Candidate], bool] | None:
    """How a CI step of unknown effect gets the user's word: the flag, a question in a terminal, or not at all."""
    if getattr(args, "with_unknown_steps", False):
        return lambda _candidate: True
    if args.dry_run or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None

    def ask(candidate: Candidate) -> bool:
        print(f"{candidate.origin}: {candidate.unsure}, so healer cannot tell what it changes.")
        print(f"  {candidate.stage.command_line()}")
        try:
            answer = input("  Add it as a check? A stage that changes tracked files fails. [y/N] ")
        except EOFError:
            return False
        return answer.strip().lower() in ("y", "yes")

    return ask


def _write_workflow(args: argparse.Namespace) -> int:
    """`healer init --ci github`: the workflow file, never over an existing one without --force."""
    if args.from_ci or args.target:
        raise HealerError("--ci writes a workflow, not the configuration: it goes without --from-ci and --target")
    root = repo_root(Path.cwd())
    text = github_workflow(root, install=args.install, branch=_default_branch(root))
    if args.dry_run:
        print(text, end="")
        return 0
    target = root / WORKFLOW_PATH
    if target.exists() and not args.force:
        raise HealerError(f"{WORKFLOW_PATH} exists; edit it, or use --force to replace it")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HealerError(f"cannot make {target.parent}: {error.strerror or error}") from None
    write_output(target, text.encode("utf-8"), what="workflow")
    print(f"wrote {WORKFLOW_PATH}: healer runs in GitHub Actions on pushes to its branch and on pull requests")
    print("Commit it; docs/ci.md says what each step does and which permissions it needs.")
    return 0


def _default_branch(root: Path) -> str:
    """The remote's default branch, else the current one, else main."""
    for args in (["symbolic-ref", "--short", "refs/remotes/origin/HEAD"], ["symbolic-ref", "--short", "HEAD"]):
        name = git(args, root, check=False).decode("utf-8", "replace").strip()
        if name:
            return name.removeprefix("origin/")
    return "main"
