"""Desktop notifications: notify-send on Linux and the BSDs, osascript on macOS; silently nothing without them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping

from healer.notify.message import Delivery, Message

TIMEOUT = 5.0
"""Seconds a notification program may take: a wedged notification daemon must not hold a watch batch."""

# AppleScript reads the title and body as arguments, so neither is ever parsed as script.
OSASCRIPT = ("-e", "on run argv", "-e", "display notification (item 2 of argv) with title (item 1 of argv)",
             "-e", "end run")  # fmt: skip


class Desktop:
    name = "desktop"

    def __init__(self, *, environ: Mapping[str, str] | None = None, platform: str | None = None) -> None:
        self.environ = dict(os.environ if environ is None else environ)
        self.platform = sys.platform if platform is None else platform

    def command(self, message: Message) -> list[str] | None:
        """The argv that shows `message`; None when this machine has no program for it."""
        path = self.environ.get("PATH", os.defpath)
        if self.platform == "darwin":
            program = shutil.which("osascript", path=path)
            return None if program is None else [program, *OSASCRIPT, message.title, message.body or " "]
        program = shutil.which("notify-send", path=path)
        if program is None:
            return None
        urgency = "critical" if message.level == "red" else "normal"
        return [program, "--app-name=healer", f"--urgency={urgency}", "--", message.title, message.body]

    def deliver(self, message: Message) -> Delivery:
        argv = self.command(message)
        if argv is None:
            return Delivery(self.name, False, "")  # no desktop to tell (a server, a container): nothing to say
        try:
            done = subprocess.run(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                env=self.environ, timeout=TIMEOUT, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return Delivery(self.name, False, f"desktop: {os.path.basename(argv[0])} did not answer in {TIMEOUT:g} s")
        except OSError as error:
            return Delivery(self.name, False, f"desktop: cannot run {os.path.basename(argv[0])}: {error.strerror}")
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = f": {said[-1]}" if said else ""
            return Delivery(
                self.name, False, f"desktop: {os.path.basename(argv[0])} failed (exit {done.returncode}){detail}"
            )
        return Delivery(self.name, True, "desktop: shown")
