"""add-dependency: a third-party module is missing, so declare the distribution that provides it.

The import name becomes a distribution name through a table of the well-known mismatches
(`yaml` is PyYAML, `PIL` is pillow), then through the metadata of installed packages
(`packages_distributions()`, asked of the project's interpreter when known). A name neither
source knows is declined rather than guessed: a typo such as `import reqeusts` must never turn
into a dependency on whatever package happens to carry that name.

The declaration goes to pyproject.toml's `[project] dependencies` (edited with tomlkit, so
comments and layout stay), or `[tool.poetry.dependencies]`, or else a requirements file
(requirements.in, the pip-tools source, before requirements.txt). Declined as well: standard-
library modules, modules of the project itself (a local import error is a different bug), and
distributions already declared anywhere (then the environment, not the project, is behind).
"""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import sys
import tempfile
from typing import Any

import tomlkit
import tomlkit.exceptions

from healer.patch.patch import FileEdit
from healer.rules.context import ActionContext
from healer.rules.outcome import Proposal

_MISSING = (
    re.compile(r"No module named '(?P<module>[\w.]+)'"),  # ModuleNotFoundError
    re.compile(r'Cannot find implementation or library stub for module named "(?P<module>[\w.]+)"'),  # mypy
    re.compile(r'^Import "(?P<module>[\w.]+)" could not be resolved$'),  # pyright
)

KNOWN: dict[str, str] = {
    "yaml": "PyYAML", "PIL": "pillow", "sklearn": "scikit-learn", "skimage": "scikit-image",
    "cv2": "opencv-python", "bs4": "beautifulsoup4", "dateutil": "python-dateutil", "attr": "attrs",
    "jwt": "PyJWT", "dotenv": "python-dotenv", "serial": "pyserial", "Crypto": "pycryptodome",
    "OpenSSL": "pyOpenSSL", "nacl": "PyNaCl", "git": "GitPython", "github": "PyGithub", "magic": "python-magic",
    "docx": "python-docx", "pptx": "python-pptx", "slugify": "python-slugify", "multipart": "python-multipart",
    "jose": "python-jose", "socks": "PySocks", "usb": "pyusb", "zmq": "pyzmq", "MySQLdb": "mysqlclient",
    "fitz": "PyMuPDF", "Bio": "biopython", "telegram": "python-telegram-bot", "kafka": "kafka-python",
    "ldap": "python-ldap", "markdown_it": "markdown-it-py", "xdist": "pytest-xdist", "gi": "PyGObject",
    "wx": "wxPython", "win32api": "pywin32", "win32con": "pywin32", "pythoncom": "pywin32",
    "google.protobuf": "protobuf", "googleapiclient": "google-api-python-client", "websocket": "websocket-client",
    "engineio": "python-engineio", "socketio": "python-socketio", "Levenshtein": "levenshtein",
    "mpl_toolkits": "matplotlib", "pkg_resources": "setuptools", "_pytest": "pytest",
    "typing_extensions": "typing-extensions",
    "sqlalchemy": "SQLAlchemy", "jinja2": "Jinja2", "markdown": "Markdown", "babel": "Babel",
    "requests": "requests", "numpy": "numpy", "pandas": "pandas", "scipy": "scipy", "matplotlib": "matplotlib",
    "flask": "flask", "django": "django", "fastapi": "fastapi", "pydantic": "pydantic", "click": "click",
    "rich": "rich", "httpx": "httpx", "aiohttp": "aiohttp", "pytest": "pytest", "toml": "toml", "tomli": "tomli",
    "tomlkit": "tomlkit", "lxml": "lxml", "redis": "redis", "boto3": "boto3", "botocore": "botocore", "six": "six",
    "tqdm": "tqdm", "typer": "typer", "uvicorn": "uvicorn", "werkzeug": "werkzeug", "celery": "celery",
    "torch": "torch", "psutil": "psutil", "packaging": "packaging", "simplejson": "simplejson", "ujson": "ujson",
    "orjson": "orjson", "regex": "regex", "chardet": "chardet", "certifi": "certifi", "urllib3": "urllib3",
    "pygments": "pygments", "jsonschema": "jsonschema", "paramiko": "paramiko", "cryptography": "cryptography",
    "arrow": "arrow", "pendulum": "pendulum", "pytz": "pytz", "colorama": "colorama", "tabulate": "tabulate",
    "openpyxl": "openpyxl", "networkx": "networkx", "sympy": "sympy", "hypothesis": "hypothesis",
    "freezegun": "freezegun", "responses": "responses", "structlog": "structlog", "loguru": "loguru",
    "tenacity": "tenacity", "filelock": "filelock", "platformdirs": "platformdirs", "watchfiles": "watchfiles",
    "textual": "textual", "unidiff": "unidiff", "sqlite_utils": "sqlite-utils", "pexpect": "pexpect",
}  # fmt: skip
"""Import name (top level, or dotted for namespace packages) to the distribution that provides it."""

_METADATA_CACHE = "add-dependency:packages-distributions"
_METADATA_SCRIPT = "import importlib.metadata as m, json; print(json.dumps(m.packages_distributions()))"


def run(ctx: ActionContext) -> Proposal | None:
    module = _missing_module(ctx.diagnostic.message)
    if module is None:
        return None
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top == "__future__" or _is_local(ctx, top):
        return None
    distribution = _distribution(ctx, module)
    if distribution is None:
        return None
    folder = _project_folder(ctx)
    if _declared(ctx, folder, distribution):
        return None
    edit = _add_to_pyproject(ctx, folder, distribution) or _add_to_requirements(ctx, folder, distribution)
    if edit is None:
        return None
    return Proposal(title=f"add dependency {distribution} (for `import {top}`) to {edit.path}", edits=(edit,))


def _missing_module(message: str) -> str | None:
    for pattern in _MISSING:
        match = pattern.search(message)
        if match is not None:
            return match["module"]
    return None


def _is_local(ctx: ActionContext, top: str) -> bool:
    for path in ctx.paths():
        parts = path.split("/")
        if parts[-1] == f"{top}.py" or (top in parts[:-1] and parts[-1].endswith(".py")):
            return True
    return False


def _distribution(ctx: ActionContext, module: str) -> str | None:
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        known = KNOWN.get(".".join(parts[:length]))
        if known is not None:
            return known
    installed = _installed(ctx).get(parts[0], [])
    distributions = {_canonical(name): name for name in installed}
    return next(iter(distributions.values())) if len(distributions) == 1 else None


def _installed(ctx: ActionContext) -> dict[str, list[str]]:
    cached = ctx.cache.get(_METADATA_CACHE)
    if isinstance(cached, dict):
        return cached
    try:
        # -I and a neutral folder: a project file named like a stdlib module (json.py) must not be imported,
        # and no __pycache__ may appear in the user's tree.
        done = subprocess.run(
            [ctx.python or sys.executable, "-I", "-c", _METADATA_SCRIPT],
            cwd=tempfile.gettempdir(),
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
        found: Any = json.loads(done.stdout) if done.returncode == 0 else {}
    except (OSError, subprocess.TimeoutExpired, ValueError):
        found = {}
    mapping = {str(k): [str(v) for v in values] for k, values in found.items()} if isinstance(found, dict) else {}
    ctx.cache[_METADATA_CACHE] = mapping
    return mapping


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _project_folder(ctx: ActionContext) -> str:
    """The nearest folder above the failing file that declares dependencies; the root otherwise."""
    file = ctx.diagnostic.file
    folder = posixpath.dirname(file) if file and not file.startswith(("/", "<")) else ""
    while folder and folder not in (".", ".."):
        if any(ctx.read(posixpath.join(folder, name)) is not None for name in ("pyproject.toml", "requirements.txt")):
            return folder
        folder = posixpath.dirname(folder)
    return ""


def _declared(ctx: ActionContext, folder: str, distribution: str) -> bool:
    wanted = _canonical(distribution)
    names: list[str] = []
    pyproject = _toml(ctx, folder)
    if pyproject is not None:
        project = pyproject.get("project", {})
        names += _strings(project.get("dependencies", []))
        for group in project.get("optional-dependencies", {}).values():
            names += _strings(group)
        for group in pyproject.get("dependency-groups", {}).values():
            names += _strings(group)
        poetry = pyproject.get("tool", {}).get("poetry", {})
        names += list(poetry.get("dependencies", {}))
        for group in poetry.get("group", {}).values():
            names += list(group.get("dependencies", {}))
    for path in _requirement_files(ctx, folder):
        names += (ctx.read(path) or b"").decode("utf-8", "replace").splitlines()
    return any(_requirement_name(line) == wanted for line in names)


def _strings(value: Any) -> list[str]:
    return [str(item) for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _requirement_name(line: str) -> str | None:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line.split("#", 1)[0])
    return _canonical(match[1]) if match else None


def _toml(ctx: ActionContext, folder: str) -> tomlkit.TOMLDocument | None:
    content = ctx.read(posixpath.join(folder, "pyproject.toml"))
    if content is None:
        return None
    try:
        return tomlkit.parse(content.decode("utf-8"))
    except (UnicodeDecodeError, tomlkit.exceptions.TOMLKitError):
        return None


def _add_to_pyproject(ctx: ActionContext, folder: str, distribution: str) -> FileEdit | None:
    path = posixpath.join(folder, "pyproject.toml")
    document = _toml(ctx, folder)
    if document is None:
        return None
    project = document.get("project")
    poetry = document.get("tool", {}).get("poetry")
    if isinstance(project, dict) and "dependencies" not in project.get("dynamic", []):
        dependencies = project.get("dependencies")
        if dependencies is None:
            project["dependencies"] = [distribution]
        elif isinstance(dependencies, list):
            dependencies.append(distribution)
        else:
            return None
    elif isinstance(poetry, dict) and isinstance(poetry.get("dependencies"), dict):
        poetry["dependencies"][distribution] = "*"
    else:
        return None
    before = ctx.read(path)
    return FileEdit(path=path, before=before, after=tomlkit.dumps(document).encode("utf-8"))


def _requirement_files(ctx: ActionContext, folder: str) -> list[str]:
    prefix = f"{folder}/" if folder else ""
    return sorted(
        path
        for path in ctx.paths()
        if path.startswith(prefix)
        and "/" not in path[len(prefix) :]
        and re.fullmatch(r"requirements[\w.-]*\.(?:txt|in)", path[len(prefix) :])
    )


def _add_to_requirements(ctx: ActionContext, folder: str, distribution: str) -> FileEdit | None:
    prefix = f"{folder}/" if folder else ""
    files = _requirement_files(ctx, folder)
    # requirements.in is what pip-tools compiles requirements.txt from: the source of truth.
    preferred = [p for p in (f"{prefix}requirements.in", f"{prefix}requirements.txt") if p in files]
    others = [p for p in files if p.endswith(".in") and p not in preferred]
    target = preferred[0] if preferred else others[0] if len(others) == 1 else None
    before = ctx.read(target) if target is not None else None
    if target is None or before is None:
        return None
    newline = b"\r\n" if b"\r\n" in before else b"\n"
    head = before if not before or before.endswith(b"\n") else before + newline
    return FileEdit(path=target, before=before, after=head + distribution.encode() + newline)
