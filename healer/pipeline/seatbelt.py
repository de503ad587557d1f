"""The macOS jail: a Seatbelt profile for `sandbox-exec`, the same policy as bubblewrap's where macOS allows it.

Seatbelt filters system calls by rule rather than building a new file system
view, so the policy reads the other way round: everything is allowed, then
network, writes and reads of the hidden folders are denied, then the copy,
its private temporary folder and the visible paths are allowed again (a later
rule wins). What macOS cannot give: a loopback of the jail's own (so no
network means none at all, loopback included) and a process namespace (a
daemon it starts keeps running, still inside the sandbox: Seatbelt is
inherited and cannot be left). Metadata of hidden files (names, sizes) stays
readable: denying it breaks path lookups of the visible paths below them.
"""

from __future__ import annotations

from collections.abc import Sequence

HIDDEN_SYSTEM = ("/private/tmp", "/private/var/tmp", "/private/var/folders", "/private/var/run")
"""Shared temporary and runtime folders: other processes' files and sockets (macOS's /tmp is /private/tmp)."""
DEVICES = ("/dev/null", "/dev/zero", "/dev/dtracehelper", "/dev/urandom", "/dev/random")


def profile(writable: Sequence[str], visible: Sequence[str], hidden: Sequence[str], *, network: bool) -> str:
    """The SBPL text: `writable` may be written (and read), `visible` read, `hidden` not read, nothing else written."""
    lines = ["(version 1)", "(allow default)"]
    if not network:
        lines.append("(deny network*)")
    lines.append("(deny file-write*)")
    allowed = [f"(subpath {_quote(path)})" for path in writable]
    allowed += [f"(literal {_quote(device)})" for device in DEVICES]
    allowed += ['(regex #"^/dev/tty")', '(regex #"^/dev/fd/")']
    lines.append(f"(allow file-write* {' '.join(allowed)})")
    if hidden:
        lines.append(f"(deny file-read-data {' '.join(f'(subpath {_quote(path)})' for path in hidden)})")
    shown = [*visible, *writable]
    if shown:
        lines.append(f"(allow file-read-data {' '.join(f'(subpath {_quote(path)})' for path in shown)})")
    return "\n".join(lines) + "\n"


def _quote(path: str) -> str:
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'
