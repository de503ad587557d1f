"""The OS sandbox around checks that run code nobody has read yet (a model's patch): the jail.

Verifying a patch runs it: its tests import it, a module-level line of it runs
at collection. A patch from a model is untrusted until a person accepts it, so
the stages that verify it run, on Linux, under bubblewrap (`bwrap`, user
namespaces) with:

- no network: a loopback of its own (a test's server on 127.0.0.1 works; the
  machine's services do not answer), unless `sandbox.network = true`; a
  coding agent reaches only the hosts of its egress allowlist, through a
  proxy outside (healer.pipeline.egress);
- the whole file system read-only; the home folder, /tmp, /var/tmp, /run and
  /dev/shm hidden behind empty private folders (keys, tokens, agent sockets,
  the Docker socket: a read-only Unix socket still accepts connections, so it
  must be unreachable, not only unwritable);
- visible again, read-only, what the stage's command needs from those hidden
  places (healer.pipeline.jail_paths), the targets of the copy's links, and
  the paths `sandbox.read` names;
- writable: the copy being verified and its scratch git directory only (and
  `sandbox.write`, which untrusted code can then change for good);
- its own PID namespace, so every process it started, a daemon that left the
  session included, ends with it; no capabilities; a new session (no
  terminal to push keystrokes into).

On macOS the same policy, as far as Seatbelt allows, goes through
`sandbox-exec` (healer.pipeline.seatbelt). The stage's own command runs inside
exactly as the user configured it. Whether a jail works here is found once per
process, the first time an untrusted patch is verified (`choose`): it must
start, and `probe` must prove that it holds (a write outside its copy, a read
of the home folder and a connection to the machine's loopback all fail);
`healer doctor` shows the same probe.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple

from healer.config.settings import SandboxSettings
from healer.pipeline import jail_paths, seatbelt
from healer.pipeline.egress import Egress, loopback_port
from healer.pipeline.jail_paths import absolute, depth, expand, hidden, home_of, needed, outermost, under_any

START_TIMEOUT = 10.0
FAILED_TO_START = 1
"""bwrap's exit code when it could not set the jail up (with a line starting "bwrap: " on stderr)."""
DROPPED = ("SSH_AUTH_SOCK", "GPG_AGENT_INFO", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "DOCKER_HOST")
"""Ways out through a local service: hidden anyway, and not worth announcing."""
PRIVATE_TMP = ".tmp"
"""On macOS, the suffix of the copy's own temporary folder beside it (Seatbelt cannot mount a private /tmp)."""

Kind = Literal["bubblewrap", "seatbelt"]


@dataclass(frozen=True)
class Jail:
    """One OS sandbox with one policy; `wrap` puts a stage's command in it."""

    binary: str
    read: tuple[str, ...] = ()
    """Absolute paths visible (read-only) inside beyond what the command is found to need."""
    write: tuple[str, ...] = ()
    network: bool = False
    kind: Kind = "bubblewrap"

    def wrap(
        self,
        argv: Sequence[str],
        cwd: Path,
        env: Mapping[str, str],
        writable: Iterable[str],
        visible: Iterable[str] = (),
        egress: Egress | None = None,
        hide: Iterable[str] = (),
    ) -> tuple[list[str], dict[str, str]]:
        """`argv` and `env` as they start in the jail: in `cwd`, able to write only `writable` (and
        `sandbox.write`), with only what the command needs of the hidden folders visible.

        With `egress` (healer.pipeline.egress.open_egress), the network stays unshared but the command
        starts behind the bridge, which gives it HTTPS_PROXY and its relatives pointing at that allowlisting
        proxy. A jail with `network` (`sandbox.network = true`) lets everything out already: `egress` there
        is a ValueError, not a filter silently not applied. `hide`: more folders hidden like the home folder
        (an agent's: the user's repository, which may lie outside it, with its `.env`)."""
        if egress is not None and self.network:
            raise ValueError("an egress allowlist needs a jail without network (sandbox.network = true)")
        system = jail_paths.HIDDEN_SYSTEM if self.kind == "bubblewrap" else seatbelt.HIDDEN_SYSTEM
        folders = sorted({*hidden(env, system), *(p for p in map(absolute, hide) if p)}, key=depth)
        seen = [*visible, *self.read, *needed(argv, cwd, env, folders), *(egress.visible() if egress else ())]
        shown = outermost({p for p in map(absolute, seen) if p and under_any(p, folders)})
        writes = sorted({p for p in map(absolute, (*writable, *self.write)) if p}, key=depth)
        inside = {name: value for name, value in env.items() if name not in DROPPED}
        if self.kind == "seatbelt":
            copy = next(iter(writable), None)
            beside = Path(copy + PRIVATE_TMP) if copy else Path(tempfile.gettempdir()) / "healer-jail"
            beside.mkdir(parents=True, exist_ok=True)
            private = tempfile.mkdtemp(prefix="tmp-", dir=beside)
            inside["TMPDIR"] = private
            # Seatbelt has no loopback of the jail's own: the bridge's port is chosen here and only it is let in.
            port = loopback_port() if egress else 0
            way_out = (os.path.realpath(egress.socket_path), port) if egress else None
            text = seatbelt.profile(
                [*writes, os.path.realpath(private)], shown, folders, network=self.network, egress=way_out
            )
            command = egress.command(argv, port) if egress else list(argv)
            return [self.binary, "-p", text, *command], inside
        inside["TMPDIR"] = "/tmp"
        command = egress.command(argv) if egress else list(argv)
        return self._bubblewrap(command, cwd, folders, shown, writes), inside

    def done(self, env: Mapping[str, str]) -> None:
        """After the command that `wrap` gave `env` ended: its private temporary folder goes (macOS)."""
        if self.kind == "seatbelt" and env.get("TMPDIR"):
            shutil.rmtree(env["TMPDIR"], ignore_errors=True)

    def _bubblewrap(
        self, argv: Sequence[str], cwd: Path, folders: Sequence[str], shown: Sequence[str], writes: Sequence[str]
    ) -> list[str]:
        args = [self.binary, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
        if self.network:
            args.append("--share-net")
        args += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        for folder in folders:
            if os.path.isdir(folder):
                args += ["--tmpfs", folder]
        for path in shown:
            args += ["--ro-bind-try", path, path]
        for path in writes:
            args += ["--bind-try", path, path]
        return [*args, "--chdir", str(cwd), "--", *argv]


class Choice(NamedTuple):
    """What verification does with untrusted code here."""

    jail: Jail | None
    """The jail to run it in; None with no `problem`: `sandbox.mode = "off"`, run it as the stages run."""
    problem: str | None = None
    """Why no jail works here, so untrusted code is not run at all (its patch stays unverified)."""


_started: dict[str, str | None] = {}
_lock = threading.Lock()


def choose(settings: SandboxSettings, env: Mapping[str, str] | None = None) -> Choice:
    """The jail `settings` ask for, if one starts and holds here (tried once per process and binary)."""
    if settings.mode == "off":
        return Choice(None, None)
    environ = os.environ if env is None else env
    found = _binary(environ)
    if isinstance(found, str):
        return Choice(None, found)
    with _lock:
        if found.binary not in _started:
            _started[found.binary] = _start_problem(found)
    problem = _started[found.binary]
    if problem is not None:
        return Choice(None, problem)
    home = home_of(environ)
    read = tuple(expand(path, home) for path in settings.read)
    write = tuple(expand(path, home) for path in settings.write)
    return Choice(Jail(found.binary, read, write, settings.network, found.kind))


def _binary(env: Mapping[str, str]) -> Jail | str:
    """The sandbox program of this system as a jail with the default policy, or why there is none."""
    path = env.get("PATH", os.defpath)
    if sys.platform == "darwin":
        binary = shutil.which("sandbox-exec", path=f"{path}{os.pathsep}/usr/bin")
        return Jail(binary, kind="seatbelt") if binary else "sandbox-exec is missing from this macOS"
    if not sys.platform.startswith("linux"):
        return f"no OS sandbox on {sys.platform} yet (healer uses bubblewrap on Linux, sandbox-exec on macOS)"
    binary = shutil.which("bwrap", path=path)
    if binary is None:
        return "bubblewrap (bwrap) is not installed (Debian, Ubuntu: apt install bubblewrap)"
    return Jail(binary)


def _start_problem(jail: Jail) -> str | None:
    """None if the jail starts here and holds; else why not, in one line (no user namespaces, a policy that
    forbids them, a container without the rights)."""
    name = f"{jail.kind} ({jail.binary})"
    with tempfile.TemporaryDirectory(prefix="healer-start-") as copy:
        argv, env = jail.wrap(["true"], Path(copy), os.environ, [copy])
        try:
            done = subprocess.run(argv, capture_output=True, timeout=START_TIMEOUT, stdin=subprocess.DEVNULL, env=env)
        except (OSError, subprocess.SubprocessError) as error:
            return f"{name} cannot start: {error}"
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        why = said[-1] if said else f"exit code {done.returncode}"
        return f"{name} cannot make a sandbox here: {why} (are user namespaces enabled?)"
    proven = probe(jail)
    return None if proven.works else f"{name} does not hold here: {proven.detail}"


def start_failure(code: int, output: str) -> str | None:
    """bubblewrap's own complaint, when the command never started inside it: a stage that cannot be judged."""
    if code != FAILED_TO_START:
        return None
    first = output.lstrip().splitlines()[0] if output.strip() else ""
    return first if first.startswith("bwrap: ") else None


class Probe(NamedTuple):
    works: bool
    detail: str


PROBE = """
import os, socket, sys
target, secret, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
for attempt, name in ((lambda: open(target, "w").write("escaped"), "wrote"),
                      (lambda: open(secret).read(), "read home"),
                      (lambda: socket.create_connection(("127.0.0.1", port), timeout=2).close(), "connected")):
    try:
        attempt()
        print(name)
    except OSError:
        pass
print("done")
"""


def probe(jail: Jail) -> Probe:
    """Whether `jail` holds: a jailed Python tries to write a file outside its copy, to read a file of the home
    folder and to reach a listener on the machine's loopback; all must fail, and it must run at all."""
    with tempfile.TemporaryDirectory(prefix="healer-probe-") as outside, socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0)
        base = Path(outside)
        (base / "copy").mkdir()
        (base / "home").mkdir()
        secret = base / "home" / "secret.txt"
        secret.write_text("secret")
        target = base / "escaped.txt"
        argv = [sys.executable, "-I", "-c", PROBE, str(target), str(secret), str(listener.getsockname()[1])]
        env = {**os.environ, "HOME": str(base / "home")}
        command, inside = jail.wrap(argv, base / "copy", env, [str(base / "copy")])
        try:
            done = subprocess.run(command, capture_output=True, timeout=30, stdin=subprocess.DEVNULL, env=inside)
        except (OSError, subprocess.SubprocessError) as error:
            return Probe(False, f"the probe could not run: {error}")
        said = done.stdout.decode(errors="replace").splitlines()
        try:
            listener.accept()[0].close()
            reached = True
        except OSError:
            reached = False
        if "done" not in said:
            output = (done.stderr or done.stdout).decode(errors="replace").strip().splitlines()
            return Probe(False, f"the probe did not run in the sandbox: {output[-1] if output else done.returncode}")
        # Judged where it matters, outside: a write into the jail's private /tmp succeeds and vanishes.
        escapes = []
        if target.exists():
            escapes.append("a write outside its copy succeeded")
        if "read home" in said:
            escapes.append("a file of the home folder was read")
        if reached and not jail.network:
            escapes.append("a connection to 127.0.0.1 succeeded")
        if escapes:
            return Probe(False, "; ".join(escapes))
        network = "network allowed (sandbox.network)" if jail.network else "no network"
        return Probe(True, f"{jail.binary}: writes outside the copy fail, {network}, home hidden")
