"""The macOS jail: a Seatbelt profile for `sandbox-exec`, the same policy as bubblewrap's where macOS allows it.

Seatbelt filters system calls by rule rather than building a new file system
view, so the policy reads the other way round: everything is allowed, then
network, writes and reads of the hidden folders are denied, then the copy,
its private temporary folder and the visible paths are allowed again (a later
rule wins). What macOS cannot give: a loopback of the jail's own (so no
network means none at all, loopback included; with an egress allowlist, the
bridge's one port of the shared loopback is let in) and a process namespace (a
daemon it starts keeps running, still inside the sandbox: Seatbelt is
inherited and cannot be left). Metadata of hidden files (names, sizes) stays
readable: denying it breaks path lookups of the visible paths below them.
"""

from __future__ import annotations

from collections.abc import Sequence

HIDDEN_SYSTEM = ("/private/tmp", "/private/var/tmp", "/private/var/folders", "/private/var/run")
"""Shared temporary and runtime folders: other processes' files and sockets (macOS's /tmp is /private/tmp)."""
DEVICES = ("/dev/null", "/dev/zero", "/dev/dtracehelper", "/dev/urandom", "/dev/random")


def profile(
    writable: Sequence[str],
    visible: Sequence[str],
    hidden: Sequence[str],
    *,
    network: bool,
    egress: tuple[str, int] | None = None,
) -> str:
    """The SBPL text: `writable` may be written (and read), `visible` read, `hidden` not read, nothing else written.

    `egress` (the proxy's Unix socket, the bridge's port): with no network, the one way out is to connect to
    that socket, and the loopback is open on that port only (to bind and accept it, and to connect to it)."""
    lines = ["(version 1)", "(allow default)"]
    if not network:
        lines.append("(deny network*)")
        if egress is not None:
            path, port = egress
            lines.append(f"(allow network-outbound (remote unix-socket (path-literal {_quote(path)})))")
            lines.append(f'(allow network-bind network-inbound (local ip "localhost:{port}"))')
            lines.append(f'(allow network-outbound (remote ip "localhost:{port}"))')
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
